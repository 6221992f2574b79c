//! Web server configuration: the stored redirects and handlers ([`WebConf`], part of the
//! dynamic configuration), their validation (part of the full config validation) and the
//! WebserverConfig/WebserverConfigSave views. The dynamic configuration uses this module;
//! it does not use the dynamic configuration.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sherpa_admin::api;

use crate::config::StaticConfig;
use crate::dns;

/// A web handler as stored (the API's `WebHandler` without its derived `Name`/`DNSDomain`).
pub type WebHandlerConf = sherpa_admin::api::WebHandler;

/// Web server redirects and handlers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebConf {
    #[serde(rename = "WebDomainRedirects")]
    pub web_domain_redirects: BTreeMap<String, String>,
    #[serde(rename = "WebHandlers")]
    pub web_handlers: Vec<WebHandlerConf>,
}

fn check_headers(
    kind: &str,
    dom: &str,
    re: &str,
    h: &BTreeMap<String, String>,
) -> Result<(), String> {
    for k in h.keys() {
        if k.trim() != k || k.is_empty() {
            return Err(format!("{kind} {dom} {re}: bad header {k:?}"));
        }
    }
    Ok(())
}

fn compile(kind: &str, dom: &str, re: &str, what: &str, pattern: &str) -> Result<(), String> {
    if !pattern.starts_with('^') {
        return Err(format!("{kind} {dom} {re}: {what} must start with a ^"));
    }
    regex::Regex::new(pattern).map_err(|e| format!("{kind} {dom} {re}: compiling regexp: {e}"))?;
    Ok(())
}

/// Validation of redirects and handlers, with mox's messages.
pub fn validate(web: &WebConf, st: &StaticConfig) -> Result<(), String> {
    if (!web.web_domain_redirects.is_empty() || !web.web_handlers.is_empty())
        && !st.webserver_enabled()
    {
        return Err("WebDomainRedirects or WebHandlers configured but no listener with WebserverHTTP or WebserverHTTPS enabled".to_string());
    }
    let mut seen = BTreeSet::new();
    for (from, to) in &web.web_domain_redirects {
        let f = dns::parse_domain(from)
            .map_err(|e| format!("parsing domain for redirect {from}: {e}"))?;
        let t =
            dns::parse_domain(to).map_err(|e| format!("parsing domain for redirect {to}: {e}"))?;
        if f == t {
            return Err(format!(
                "will not redirect domain {} to itself",
                f.log_string()
            ));
        }
        if !seen.insert(f.clone()) {
            return Err(format!("duplicate redirect domain {}", f.log_string()));
        }
    }
    for wh in &web.web_handlers {
        let (dom, re) = (wh.domain.as_str(), wh.path_regexp.as_str());
        dns::parse_domain(dom)
            .map_err(|e| format!("webhandler {dom} {re}: parsing domain: {e}"))?;
        compile("webhandler", dom, re, "path regexp", re)?;
        let mut n = 0;
        if let Some(ws) = &wh.web_static {
            n += 1;
            if !ws.strip_prefix.is_empty() && !ws.strip_prefix.starts_with('/') {
                return Err(format!(
                    "webstatic {dom} {re}: prefix to strip {} must start with a slash",
                    ws.strip_prefix
                ));
            }
            check_headers("webstatic", dom, re, &ws.response_headers)?;
        }
        if let Some(wr) = &wh.web_redirect {
            n += 1;
            if !wr.base_url.is_empty() {
                let u = url::Url::parse(&wr.base_url).map_err(|e| {
                    format!(
                        "webredirect {dom} {re}: parsing redirect url {}: {e}",
                        wr.base_url
                    )
                })?;
                if u.path() != "/" && !u.path().is_empty() {
                    return Err(format!(
                        "webredirect {dom} {re}: BaseURL must have empty path"
                    ));
                }
            }
            if wr.orig_path_regexp.is_empty() != wr.replace_path.is_empty() {
                return Err(format!(
                    "webredirect {dom} {re}: must have either both OrigPathRegexp and ReplacePath, or neither"
                ));
            }
            if !wr.orig_path_regexp.is_empty() {
                compile(
                    "webredirect",
                    dom,
                    re,
                    "orig path regexp",
                    &wr.orig_path_regexp,
                )?;
            } else if wr.base_url.is_empty() {
                return Err(format!(
                    "webredirect {dom} {re}: must at least one of BaseURL and OrigPathRegexp+ReplacePath"
                ));
            }
            if wr.status_code != 0 && !(300..=399).contains(&wr.status_code) {
                return Err(format!(
                    "webredirect {dom} {re}: invalid redirect status code {}",
                    wr.status_code
                ));
            }
        }
        if let Some(wf) = &wh.web_forward {
            n += 1;
            url::Url::parse(&wf.url)
                .map_err(|e| format!("webforward {dom} {re}: parsing url {}: {e}", wf.url))?;
            check_headers("webforward", dom, re, &wf.response_headers)?;
        }
        if n != 1 {
            return Err(format!(
                "webhandler {dom} {re}: must have exactly one handler, not {n}"
            ));
        }
    }
    Ok(())
}

/// The handler as stored: derived fields cleared, so equality ignores them.
fn stored(h: &api::WebHandler) -> WebHandlerConf {
    let mut h = h.clone();
    h.name = String::new();
    h.dns_domain = api::Domain::default();
    h
}

/// The WebserverConfig view of the stored configuration.
pub fn view(web: &WebConf) -> api::WebserverConfig {
    let mut redirects: Vec<(dns::Domain, dns::Domain)> = web
        .web_domain_redirects
        .iter()
        .filter_map(|(f, t)| Some((dns::parse_domain(f).ok()?, dns::parse_domain(t).ok()?)))
        .collect();
    redirects.sort_by(|a, b| a.0.ascii.cmp(&b.0.ascii));
    api::WebserverConfig {
        web_dns_domain_redirects: redirects
            .into_iter()
            .map(|(f, t)| vec![f.to_api(), t.to_api()])
            .collect(),
        web_domain_redirects: Vec::new(),
        web_handlers: web
            .web_handlers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let mut h = h.clone();
                h.name = if h.log_name.is_empty() {
                    i.to_string()
                } else {
                    h.log_name.clone()
                };
                h.dns_domain = dns::parse_domain(&h.domain).unwrap_or_default().to_api();
                h
            })
            .collect(),
    }
}

/// The optimistic-concurrency check of WebserverConfigSave: `old` must describe the current
/// configuration (derived fields ignored).
pub fn unchanged(current: &WebConf, old: &api::WebserverConfig) -> bool {
    let cur = view(current);
    cur.web_dns_domain_redirects == old.web_dns_domain_redirects
        && cur.web_handlers.len() == old.web_handlers.len()
        && cur
            .web_handlers
            .iter()
            .zip(&old.web_handlers)
            .all(|(a, b)| stored(a) == stored(b))
}

/// Builds the stored configuration from a WebserverConfigSave `newConf`.
pub fn from_new(new: &api::WebserverConfig) -> Result<WebConf, String> {
    let mut redirects = BTreeMap::new();
    for pair in &new.web_domain_redirects {
        let [from, to] = pair.as_slice() else {
            return Err(format!(
                "checking redirect: expected a [from, to] pair, got {} elements",
                pair.len()
            ));
        };
        if redirects.insert(from.clone(), to.clone()).is_some() {
            return Err(format!("checking redirect {from}: already present"));
        }
    }
    Ok(WebConf {
        web_domain_redirects: redirects,
        web_handlers: new.web_handlers.iter().map(stored).collect(),
    })
}
