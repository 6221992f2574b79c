//! DMARC: received aggregate reports and summaries, outgoing evaluations, suppress list.

use std::collections::BTreeMap;

use sherpa_admin::api::{
    DMARCSummary, Domain, DomainFeedback, Evaluation, EvaluationStat, SuppressAddress,
};
use sherpa_admin::runtime::{Error, Timestamp, Wire};

use crate::app::{App, server_err, user_err};
use crate::dns;
use crate::reports::{self, SuppressList};
use crate::store::StoreError;

fn secs(t: &Timestamp) -> (i64, u32) {
    // DMARC periods are whole Unix seconds; mox compares with start.Unix().
    (t.timestamp(), 0)
}

/// An error from a store call: constraint violations are the caller's input, the rest are
/// server failures.
pub fn store_err(context: &str, e: StoreError) -> Error {
    match e {
        StoreError::Constraint(m) => user_err(context, m),
        e => server_err(context, e),
    }
}

/// Parses a non-empty domain for the evaluation functions. mox answers `server:error` here;
/// bad input is `user:error` in this server (`docs/mox-differences.md`).
fn parse_eval_domain(s: &str) -> Result<dns::Domain, Error> {
    let d = dns::parse_domain(s).map_err(|e| user_err("parsing domain", e))?;
    if d.ascii.is_empty() {
        return Err(Error::user("parsing domain: empty domain"));
    }
    Ok(d)
}

impl App {
    fn dmarc_suppress(&self) -> SuppressList<'_> {
        SuppressList {
            store: &self.store,
            tree: "dmarc_suppress",
            addr_tree: "dmarc_suppress_addr",
        }
    }

    pub fn dmarc_reports(
        &self,
        start: Timestamp,
        end: Timestamp,
        domain: String,
    ) -> Result<Wire<Vec<DomainFeedback>>, Error> {
        let domain = (!domain.is_empty()).then_some(domain.as_str());
        reports::reports_in(&self.store, secs(&start), secs(&end), domain)
            .map_err(|e| server_err("fetching dmarc aggregate reports from database", e))
    }

    pub async fn dmarc_report_id(
        &self,
        domain: String,
        report_id: i64,
    ) -> Result<DomainFeedback, Error> {
        const P: &str = "fetching dmarc aggregate report from database";
        reports::report_of(&self.store, &domain, report_id)
            .map_err(|e| server_err(P, e))?
            .ok_or_else(|| Error::user(format!("{P}: absent")))
    }

    pub fn dmarc_summaries(
        &self,
        start: Timestamp,
        end: Timestamp,
        domain: String,
    ) -> Result<Vec<DMARCSummary>, Error> {
        let filter = (!domain.is_empty()).then_some(domain.as_str());
        let sums = reports::totals::summarize::<DomainFeedback>(
            &self.store,
            secs(&start),
            secs(&end),
            filter,
        )
        .map_err(|e| server_err("fetching dmarc aggregate reports from database", e))?;
        let clamp = |v: i64| v.clamp(i32::MIN as i64, i32::MAX as i64) as i32;
        Ok(sums
            .into_iter()
            .map(
                |(d, reports::totals::Totals { counts: c, kinds })| DMARCSummary {
                    domain: d,
                    total: clamp(c[0]),
                    disposition_none: clamp(c[1]),
                    disposition_quarantine: clamp(c[2]),
                    disposition_reject: clamp(c[3]),
                    dkim_fail: clamp(c[4]),
                    spf_fail: clamp(c[5]),
                    policy_overrides: kinds.into_iter().map(|(k, v)| (k, clamp(v))).collect(),
                },
            )
            .collect())
    }

    pub fn dmarc_evaluation_stats(&self) -> Result<BTreeMap<String, EvaluationStat>, Error> {
        const P: &str = "get evaluation stats";
        let mut out: BTreeMap<String, EvaluationStat> = BTreeMap::new();
        for kv in self.store.dmarc_evals.iter() {
            let (k, v) = kv.map_err(|e| server_err(P, e))?;
            let e: Evaluation =
                crate::store::decode("dmarc_evals", &k, &v).map_err(|e| server_err(P, e))?;
            if !out.contains_key(&e.policy_domain) {
                let d = dns::parse_domain(&e.policy_domain).map_err(|err| {
                    server_err(&format!("parsing domain {:?}", e.policy_domain), err)
                })?;
                out.insert(
                    e.policy_domain.clone(),
                    EvaluationStat {
                        domain: d.to_api(),
                        ..EvaluationStat::default()
                    },
                );
            }
            if let Some(st) = out.get_mut(&e.policy_domain) {
                let disp = e.disposition.as_str().to_string();
                if !st.dispositions.contains(&disp) {
                    st.dispositions.push(disp);
                }
                st.count += 1;
                st.send_report |= !e.optional;
            }
        }
        Ok(out)
    }

    pub fn dmarc_evaluations_domain(
        &self,
        domain: String,
    ) -> Result<(Domain, Vec<Evaluation>), Error> {
        let d = parse_eval_domain(&domain)?;
        let mut evals = reports::evaluations_of(&self.store, d.name())
            .map_err(|e| server_err("get evaluations for domain", e))?;
        evals.sort_by(|a, b| a.evaluated.cmp(&b.evaluated).then(a.id.cmp(&b.id)));
        Ok((d.to_api(), evals))
    }

    pub async fn dmarc_remove_evaluations(&self, domain: String) -> Result<(), Error> {
        let d = parse_eval_domain(&domain)?;
        reports::evaluations_remove(&self.store, d.name())
            .map_err(|e| server_err("removing evaluations for domain", e))?;
        self.flush().await
    }

    pub async fn dmarc_suppress_add(
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
        self.dmarc_suppress()
            .add(rec)
            .map_err(|e| store_err("adding address to suppresslist", e))?;
        self.flush().await
    }

    pub async fn dmarc_suppress_list(&self) -> Result<Vec<SuppressAddress>, Error> {
        self.dmarc_suppress()
            .list()
            .map_err(|e| server_err("listing suppresslist", e))
    }

    pub async fn dmarc_suppress_remove(&self, id: i64) -> Result<(), Error> {
        const P: &str = "removing reporting address from suppresslist";
        if !self
            .dmarc_suppress()
            .remove(id)
            .map_err(|e| store_err(P, e))?
        {
            return Err(Error::user(format!("{P}: absent")));
        }
        self.flush().await
    }

    pub async fn dmarc_suppress_extend(&self, id: i64, until: Timestamp) -> Result<(), Error> {
        const P: &str = "updating reporting address in suppresslist";
        if !self
            .dmarc_suppress()
            .extend(id, until)
            .map_err(|e| store_err(P, e))?
        {
            return Err(Error::user(format!("{P}: absent")));
        }
        self.flush().await
    }
}
