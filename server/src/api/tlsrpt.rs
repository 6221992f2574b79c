//! TLS reporting: received reports and summaries, outgoing results, suppress list; and the
//! MTA-STS policy cache.

use sherpa_admin::api::{
    Domain, PolicyRecord, SuppressAddress, TLSRPTSummary, TLSRPTSuppressAddress, TLSReportRecord,
    TLSResult,
};
use sherpa_admin::runtime::{Error, Timestamp, Wire};

use super::dmarc::store_err;
use crate::app::{App, server_err, user_err};
use crate::dns;
use crate::reports::{self, SuppressList};

fn instant(t: &Timestamp) -> (i64, u32) {
    (t.timestamp(), t.timestamp_subsec_nanos())
}

fn to_tls(s: SuppressAddress) -> TLSRPTSuppressAddress {
    TLSRPTSuppressAddress {
        id: s.id,
        inserted: s.inserted,
        reporting_address: s.reporting_address,
        until: s.until,
        comment: s.comment,
    }
}

fn parse_result_domain(s: &str) -> Result<dns::Domain, Error> {
    let d = dns::parse_domain(s).map_err(|e| user_err("parsing domain", e))?;
    if d.ascii.is_empty() {
        return Err(Error::user("parsing domain: empty domain"));
    }
    Ok(d)
}

impl App {
    fn tlsrpt_suppress(&self) -> SuppressList<'_> {
        SuppressList {
            store: &self.store,
            tree: "tlsrpt_suppress",
            addr_tree: "tlsrpt_suppress_addr",
        }
    }

    pub fn mtasts_policies(&self) -> Result<Vec<PolicyRecord>, Error> {
        let mut out: Vec<PolicyRecord> = self
            .store
            .all::<PolicyRecord>("mtasts")
            .map_err(|e| server_err("fetching mtasts policies from database", e))?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        out.sort_by(|a, b| {
            b.last_use
                .cmp(&a.last_use)
                .then_with(|| b.domain.cmp(&a.domain))
        });
        Ok(out)
    }

    pub fn tls_reports(
        &self,
        start: Timestamp,
        end: Timestamp,
        policy_domain: String,
    ) -> Result<Wire<Vec<TLSReportRecord>>, Error> {
        const P: &str = "fetching tls reports from database";
        let filter = if policy_domain.is_empty() {
            None
        } else {
            let d = dns::parse_domain(&policy_domain)
                .map_err(|e| user_err(&format!("parsing domain {policy_domain:?}"), e))?;
            Some(d.name().to_string())
        };
        reports::reports_in(
            &self.store,
            instant(&start),
            instant(&end),
            filter.as_deref(),
        )
        .map_err(|e| server_err(P, e))
    }

    pub async fn tls_report_id(
        &self,
        domain: String,
        report_id: i64,
    ) -> Result<TLSReportRecord, Error> {
        const P: &str = "fetching tls report from database";
        reports::report_of(&self.store, &domain, report_id)
            .map_err(|e| server_err(P, e))?
            .ok_or_else(|| Error::user(format!("{P}: absent")))
    }

    pub fn tlsrpt_summaries(
        &self,
        start: Timestamp,
        end: Timestamp,
        policy_domain: String,
    ) -> Result<Vec<TLSRPTSummary>, Error> {
        let filter = if policy_domain.is_empty() {
            None
        } else {
            let d = dns::parse_domain(&policy_domain)
                .map_err(|e| user_err("parsing policy domain", e))?;
            Some(d.name().to_string())
        };
        let sums = reports::totals::summarize::<TLSReportRecord>(
            &self.store,
            instant(&start),
            instant(&end),
            filter.as_deref(),
        )
        .map_err(|e| server_err("fetching tls reports from database", e))?;
        let mut out = Vec::new();
        for (d, reports::totals::Totals { counts, kinds }) in sums {
            let (success, failure) = (counts[0], counts[1]);
            let dom = dns::parse_domain(&d)
                .map_err(|e| server_err(&format!("parsing domain {d:?}"), e))?;
            out.push(TLSRPTSummary {
                policy_domain: dom.to_api(),
                success,
                failure,
                result_type_counts: kinds.into_iter().collect(),
            });
        }
        out.sort_by(|a, b| {
            let n = |d: &Domain| {
                if d.unicode.is_empty() {
                    d.ascii.clone()
                } else {
                    d.unicode.clone()
                }
            };
            n(&a.policy_domain).cmp(&n(&b.policy_domain))
        });
        Ok(out)
    }

    pub fn tlsrpt_results(&self) -> Result<Vec<TLSResult>, Error> {
        let mut out: Vec<TLSResult> = self
            .store
            .all::<TLSResult>("tls_results")
            .map_err(|e| server_err("get results", e))?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        out.sort_by(|a, b| {
            (&a.policy_domain, &a.day_utc, &a.recipient_domain).cmp(&(
                &b.policy_domain,
                &b.day_utc,
                &b.recipient_domain,
            ))
        });
        Ok(out)
    }

    pub fn tlsrpt_results_domain(
        &self,
        is_rcpt_dom: bool,
        policy_domain: String,
    ) -> Result<(Domain, Vec<TLSResult>), Error> {
        let d = parse_result_domain(&policy_domain)?;
        let name = d.name();
        let mut out: Vec<TLSResult> = self
            .store
            .all::<TLSResult>("tls_results")
            .map_err(|e| server_err("get result for domain", e))?
            .into_iter()
            .map(|(_, r)| r)
            .filter(|r| {
                if is_rcpt_dom {
                    r.recipient_domain == name
                } else {
                    r.policy_domain == name
                }
            })
            .collect();
        if is_rcpt_dom {
            out.sort_by(|a, b| (&a.day_utc, &a.policy_domain).cmp(&(&b.day_utc, &b.policy_domain)));
        } else {
            out.sort_by(|a, b| {
                (&a.day_utc, &a.recipient_domain).cmp(&(&b.day_utc, &b.recipient_domain))
            });
        }
        Ok((d.to_api(), out))
    }

    pub async fn tlsrpt_remove_results(
        &self,
        is_rcpt_dom: bool,
        domain: String,
        day: String,
    ) -> Result<(), Error> {
        let d = parse_result_domain(&domain)?;
        let name = d.name().to_string();
        reports::tls_results_remove(&self.store, |r| {
            let dom = if is_rcpt_dom {
                &r.recipient_domain
            } else {
                &r.policy_domain
            };
            *dom == name && (day.is_empty() || r.day_utc == day)
        })
        .map_err(|e| server_err("removing tls results", e))?;
        self.flush().await
    }

    pub async fn tlsrpt_suppress_add(
        &self,
        reporting_address: String,
        until: Timestamp,
        comment: String,
    ) -> Result<(), Error> {
        let addr = dns::parse_address(&reporting_address)
            .map_err(|e| user_err("parsing reporting address", e))?;
        let rec = SuppressAddress {
            id: 0,
            inserted: Timestamp::now(),
            reporting_address: addr.to_string(),
            until,
            comment,
        };
        self.tlsrpt_suppress()
            .add(rec)
            .map_err(|e| store_err("adding address to suppresslist", e))?;
        self.flush().await
    }

    pub async fn tlsrpt_suppress_list(&self) -> Result<Vec<TLSRPTSuppressAddress>, Error> {
        Ok(self
            .tlsrpt_suppress()
            .list()
            .map_err(|e| server_err("listing suppresslist", e))?
            .into_iter()
            .map(to_tls)
            .collect())
    }

    pub async fn tlsrpt_suppress_remove(&self, id: i64) -> Result<(), Error> {
        const P: &str = "removing reporting address from suppresslist";
        if !self
            .tlsrpt_suppress()
            .remove(id)
            .map_err(|e| store_err(P, e))?
        {
            return Err(Error::user(format!("{P}: absent")));
        }
        self.flush().await
    }

    pub async fn tlsrpt_suppress_extend(&self, id: i64, until: Timestamp) -> Result<(), Error> {
        const P: &str = "updating reporting address in suppresslist";
        if !self
            .tlsrpt_suppress()
            .extend(id, until)
            .map_err(|e| store_err(P, e))?
        {
            return Err(Error::user(format!("{P}: absent")));
        }
        self.flush().await
    }
}
