//! The resolver used by the checks: hickory-resolver with the configured upstreams, no
//! cache (each call queries again, as mox's checks do), and queries that ask the upstream
//! for the DNSSEC status.
//!
//! Why a connection-provider wrapper: hickory only sets the DO bit when it validates
//! signatures itself, which needs a signed chain up to the root and would make a local test
//! zone impossible. mox instead trusts a validating upstream and reads the AD bit of its
//! answers. An upstream sets AD only when the query has AD (or DO) set (RFC 6840 §5.7), so
//! the wrapper sets AD on every outgoing query; the answer's header is kept in the lookup's
//! message and read back here.
//!
//! Queries go straight to hickory's name-server pool (with its retries, UDP→TCP fallback and
//! server selection) rather than through `Resolver`: the resolver front end answers
//! `localhost` and `127.in-addr.arpa` names itself (RFC 6761) and keeps a cache, while the
//! checks must ask the upstream every time, including for reverse names of loopback
//! addresses.
//!
//! Limitation: hickory turns NXDOMAIN/NODATA answers into errors without their header, so
//! the AD bit of a negative answer is not seen; such answers count as not signed (this only
//! matters for DomainRecords' probe of a domain without a TXT record at its apex).
//!
//! Errors are rendered like Go's `net.DNSError` (`lookup <name>: no such host`), since mox's
//! messages embed them, and carry a kind so callers can tell "not found" from temporary
//! failures.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::xfer::{DnsExchange, DnsHandle, FirstAnswer, RetryDnsHandle};
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::{DnsRequest, DnsRequestOptions, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use hickory_resolver::{ConnectionProvider, NameServerPool, PoolContext, TlsConfig};

use crate::config::{DnsSettings, parse_upstreams};

/// What went wrong with a lookup, for callers that treat "not found" specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrKind {
    /// NXDOMAIN, or no records of the type (Go's `IsNotFound`).
    NotFound,
    /// No answer in time.
    Timeout,
    /// SERVFAIL, REFUSED, network errors: worth retrying later.
    Temporary,
    /// The name is not a valid DNS name, or another permanent problem.
    Permanent,
}

/// A failed lookup, displayed like Go's `*net.DNSError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsErr {
    pub kind: ErrKind,
    pub name: String,
    pub detail: String,
}

impl DnsErr {
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrKind::NotFound
    }

    fn new(kind: ErrKind, name: &str, detail: impl Into<String>) -> DnsErr {
        DnsErr {
            kind,
            name: name.to_string(),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for DnsErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lookup {}: {}", self.name, self.detail)
    }
}

impl std::error::Error for DnsErr {}

/// Records of one type plus the AD bit of the answer.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    pub records: Vec<T>,
    pub authentic: bool,
}

/// An MX record; `host` is absolute (ends in a dot), as Go's resolver returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mx {
    pub host: String,
    pub pref: u16,
}

/// An SRV record; `target` ends in a dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Srv {
    pub target: String,
    pub port: u16,
    pub priority: u16,
    pub weight: u16,
}

/// A TLSA record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlsa {
    pub usage: u8,
    pub selector: u8,
    pub matching: u8,
    pub data: Vec<u8>,
}

impl Tlsa {
    /// `usage selector matching hex`, mox's `TLSA.Record()`.
    pub fn record(&self) -> String {
        format!(
            "{} {} {} {}",
            self.usage,
            self.selector,
            self.matching,
            hex(&self.data)
        )
    }
}

/// Lowercase hex.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Sets the AD bit on every query (see the module docs).
#[derive(Clone, Default)]
pub struct AdProvider(TokioRuntimeProvider);

/// A connection whose requests carry the AD bit.
#[derive(Clone)]
pub struct AdHandle(DnsExchange<TokioRuntimeProvider>);

impl DnsHandle for AdHandle {
    type Response = <DnsExchange<TokioRuntimeProvider> as DnsHandle>::Response;
    type Runtime = TokioRuntimeProvider;

    fn send(&self, mut request: DnsRequest) -> Self::Response {
        request.metadata.authentic_data = true;
        self.0.send(request)
    }
}

type ConnFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<AdHandle, NetError>> + Send>>;

impl ConnectionProvider for AdProvider {
    type Conn = AdHandle;
    type FutureConn = ConnFuture;
    type RuntimeProvider = TokioRuntimeProvider;

    fn new_connection(
        &self,
        ip: IpAddr,
        config: &hickory_resolver::config::ConnectionConfig,
        cx: &PoolContext,
    ) -> Result<Self::FutureConn, NetError> {
        let fut =
            <TokioRuntimeProvider as ConnectionProvider>::new_connection(&self.0, ip, config, cx)?;
        Ok(Box::pin(async move { fut.await.map(AdHandle) }))
    }

    fn runtime_provider(&self) -> &Self::RuntimeProvider {
        &self.0
    }
}

/// Parses the `[DNS]` settings into hickory's config and options.
pub fn resolver_config(s: &DnsSettings) -> Result<(ResolverConfig, ResolverOpts), String> {
    let timeout = crate::config::checks::duration_or(&s.timeout, Duration::from_secs(5))
        .map_err(|e| format!("DNS.Timeout: {e}"))?;
    if timeout.is_zero() {
        return Err("DNS.Timeout: must be positive".to_string());
    }
    let attempts = if s.attempts == 0 {
        2
    } else {
        s.attempts as usize
    };
    let upstreams = parse_upstreams(&s.upstream)?;
    let (config, mut opts) = if upstreams.is_empty() {
        hickory_resolver::system_conf::read_system_conf()
            .map_err(|e| format!("reading system resolver configuration: {e}"))?
    } else {
        let servers = upstreams
            .iter()
            .map(|a| {
                let mut ns = NameServerConfig::udp_and_tcp(a.ip());
                for c in &mut ns.connections {
                    c.port = a.port();
                }
                ns
            })
            .collect();
        (
            ResolverConfig::from_name_servers(servers),
            ResolverOpts::default(),
        )
    };
    opts.timeout = timeout;
    opts.attempts = attempts;
    opts.cache_size = 0;
    opts.edns0 = true;
    opts.use_hosts_file = hickory_resolver::config::ResolveHosts::Never;
    opts.preserve_intermediates = true;
    // Names are always absolute here; never try search domains.
    opts.ndots = 0;
    Ok((config, opts))
}

/// The checks' resolver.
pub struct Resolver {
    inner: RetryDnsHandle<NameServerPool<AdProvider>>,
    /// A plain tokio resolver on the same upstreams, for mail-auth's SPF evaluation.
    pub spf: mail_auth::MessageAuthenticator,
}

impl Resolver {
    /// Builds a resolver from the settings; nothing is cached between calls.
    pub fn new(s: &DnsSettings) -> Result<Resolver, String> {
        let (config, opts) = resolver_config(s)?;
        let tls = TlsConfig::new().map_err(|e| format!("creating resolver: {e}"))?;
        let cx = Arc::new(PoolContext::new(opts.clone(), tls));
        let pool =
            NameServerPool::from_config(config.name_servers().to_vec(), cx, AdProvider::default());
        let inner = RetryDnsHandle::new(pool, opts.attempts);
        let spf = mail_auth::MessageAuthenticator::new(config, opts)
            .map_err(|e| format!("creating resolver: {e}"))?;
        Ok(Resolver { inner, spf })
    }

    /// One query; returns the records of `rtype` (CNAMEs followed by the upstream) and AD.
    pub async fn lookup(&self, name: &str, rtype: RecordType) -> Result<Answer<RData>, DnsErr> {
        let n = Name::from_ascii(name)
            .map_err(|e| DnsErr::new(ErrKind::Permanent, name, format!("invalid name: {e}")))?;
        if !n.is_fqdn() {
            return Err(DnsErr::new(
                ErrKind::Permanent,
                name,
                "name is not absolute",
            ));
        }
        let q = Query::query(n, rtype);
        match self
            .inner
            .lookup(q, DnsRequestOptions::default())
            .first_answer()
            .await
        {
            Ok(l) => {
                let authentic = l.metadata.authentic_data;
                let records: Vec<RData> = l
                    .answers
                    .iter()
                    .filter(|r| r.record_type() == rtype)
                    .map(|r| r.data.clone())
                    .collect();
                if records.is_empty() {
                    return Err(DnsErr::new(ErrKind::NotFound, name, "no such host"));
                }
                Ok(Answer { records, authentic })
            }
            Err(e) => Err(convert(name, &e)),
        }
    }

    pub async fn txt(&self, name: &str) -> Result<Answer<String>, DnsErr> {
        let a = self.lookup(name, RecordType::TXT).await?;
        let records = a
            .records
            .iter()
            .filter_map(|r| match r {
                RData::TXT(t) => Some(
                    t.txt_data
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect();
        Ok(Answer {
            records,
            authentic: a.authentic,
        })
    }

    pub async fn mx(&self, name: &str) -> Result<Answer<Mx>, DnsErr> {
        let a = self.lookup(name, RecordType::MX).await?;
        let mut records: Vec<Mx> = a
            .records
            .iter()
            .filter_map(|r| match r {
                RData::MX(m) => Some(Mx {
                    host: absolute(&m.exchange),
                    pref: m.preference,
                }),
                _ => None,
            })
            .collect();
        // Go's LookupMX sorts by preference (and randomises ties); stable order here.
        records.sort_by(|a, b| a.pref.cmp(&b.pref).then_with(|| a.host.cmp(&b.host)));
        Ok(Answer {
            records,
            authentic: a.authentic,
        })
    }

    pub async fn srv(&self, name: &str) -> Result<Answer<Srv>, DnsErr> {
        let a = self.lookup(name, RecordType::SRV).await?;
        let mut records: Vec<Srv> = a
            .records
            .iter()
            .filter_map(|r| match r {
                RData::SRV(s) => Some(Srv {
                    target: absolute(&s.target),
                    port: s.port,
                    priority: s.priority,
                    weight: s.weight,
                }),
                _ => None,
            })
            .collect();
        records.sort_by(|a, b| {
            a.priority
                .cmp(&b.priority)
                .then_with(|| b.weight.cmp(&a.weight))
                .then_with(|| a.target.cmp(&b.target))
        });
        Ok(Answer {
            records,
            authentic: a.authentic,
        })
    }

    pub async fn tlsa(&self, name: &str) -> Result<Answer<Tlsa>, DnsErr> {
        let a = self.lookup(name, RecordType::TLSA).await?;
        let records = a
            .records
            .iter()
            .filter_map(|r| match r {
                RData::TLSA(t) => Some(Tlsa {
                    usage: u8::from(t.cert_usage),
                    selector: u8::from(t.selector),
                    matching: u8::from(t.matching),
                    data: t.cert_data.clone(),
                }),
                _ => None,
            })
            .collect();
        Ok(Answer {
            records,
            authentic: a.authentic,
        })
    }

    pub async fn ns(&self, name: &str) -> Result<Answer<String>, DnsErr> {
        let a = self.lookup(name, RecordType::NS).await?;
        let records = a
            .records
            .iter()
            .filter_map(|r| match r {
                RData::NS(n) => Some(absolute(&n.0)),
                _ => None,
            })
            .collect();
        Ok(Answer {
            records,
            authentic: a.authentic,
        })
    }

    /// A and AAAA in parallel, like Go's `LookupIPAddr`: an error only when both fail
    /// (not-found wins over other errors only when both are not-found).
    pub async fn ips(&self, name: &str) -> Result<Answer<IpAddr>, DnsErr> {
        let (a, aaaa) = tokio::join!(
            self.lookup(name, RecordType::A),
            self.lookup(name, RecordType::AAAA)
        );
        let mut out = Vec::new();
        let mut authentic = true;
        let mut errs = Vec::new();
        for r in [a, aaaa] {
            match r {
                Ok(ans) => {
                    authentic &= ans.authentic;
                    for d in ans.records {
                        match d {
                            RData::A(a) => out.push(IpAddr::V4(a.0)),
                            RData::AAAA(a) => out.push(IpAddr::V6(a.0)),
                            _ => {}
                        }
                    }
                }
                Err(e) => errs.push(e),
            }
        }
        if out.is_empty() {
            // Prefer a real failure over "not found" so timeouts are not hidden.
            let e = errs
                .iter()
                .find(|e| !e.is_not_found())
                .or(errs.first())
                .cloned()
                .unwrap_or_else(|| DnsErr::new(ErrKind::NotFound, name, "no such host"));
            return Err(e);
        }
        Ok(Answer {
            records: out,
            authentic,
        })
    }

    /// PTR names for an IP, each ending in a dot.
    pub async fn ptr(&self, ip: IpAddr) -> Result<Answer<String>, DnsErr> {
        let name = reverse_name(ip);
        let a = self.lookup(&name, RecordType::PTR).await.map_err(|mut e| {
            // Go names the IP in reverse lookup errors.
            e.name = ip.to_string();
            e
        })?;
        let records = a
            .records
            .iter()
            .filter_map(|r| match r {
                RData::PTR(p) => Some(absolute(&p.0)),
                _ => None,
            })
            .collect();
        Ok(Answer {
            records,
            authentic: a.authentic,
        })
    }
}

/// `x.y.z.w.in-addr.arpa.` or the nibble form under `ip6.arpa.`.
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa.", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut s = String::new();
            for b in v6.octets().iter().rev() {
                s.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
            }
            s.push_str("ip6.arpa.");
            s
        }
    }
}

/// A name in ASCII with exactly one trailing dot.
fn absolute(n: &Name) -> String {
    let s = n.to_ascii();
    if s.ends_with('.') { s } else { format!("{s}.") }
}

/// Maps a hickory error to the Go-style error.
fn convert(name: &str, e: &NetError) -> DnsErr {
    match e {
        NetError::Dns(DnsError::NoRecordsFound(_)) => {
            DnsErr::new(ErrKind::NotFound, name, "no such host")
        }
        NetError::Dns(DnsError::ResponseCode(rc)) => match *rc {
            ResponseCode::NXDomain => DnsErr::new(ErrKind::NotFound, name, "no such host"),
            ResponseCode::ServFail | ResponseCode::Refused => {
                DnsErr::new(ErrKind::Temporary, name, "server misbehaving")
            }
            other => DnsErr::new(ErrKind::Temporary, name, format!("server answered {other}")),
        },
        NetError::Timeout => DnsErr::new(ErrKind::Timeout, name, "i/o timeout"),
        NetError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            DnsErr::new(ErrKind::Timeout, name, "i/o timeout")
        }
        other => DnsErr::new(ErrKind::Temporary, name, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_name("192.0.2.10".parse().unwrap()),
            "10.2.0.192.in-addr.arpa."
        );
        assert_eq!(
            reverse_name("2001:db8::1".parse().unwrap()),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
        );
    }

    #[test]
    fn upstream_lists() {
        let l = parse_upstreams("127.0.0.1:5353, ::1 [::1]:53").unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].port(), 5353);
        assert_eq!(l[1].port(), 53);
        assert!(parse_upstreams("nonsense").is_err());
        assert!(parse_upstreams("").unwrap().is_empty());
    }
}
