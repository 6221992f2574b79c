//! Stored reports and report-like records: adding them with their indexes, and period scans.
//!
//! DMARC and TLS reports are indexed by period end (`time ++ id`), with a compact summary in
//! the index entry. A period query scans end times from the query start up to the query end
//! plus the longest report period seen, so its cost follows the number of matching reports,
//! not the number stored. Summaries come from per-domain totals kept at import
//! ([`totals`]), topped up from index entries near the period's edges.

pub mod totals;

use std::collections::BTreeMap;

use sherpa_admin::api::{
    DomainFeedback, Evaluation, PolicyRecord, SuppressAddress, TLSReportRecord, TLSResult,
};

use sherpa_admin::runtime::{ListWriter, Wire};

use crate::store::{
    ReportIndex, Result, Store, StoreError, decode, encode, id_from_suffix, id_key, time_id_key,
};

/// Second and nanosecond of a timestamp, for ordering.
pub type Instant = (i64, u32);

/// The period filter: reports overlapping [start, end]. mox's rule (begin in [start, end) or
/// end in (start, end]) plus, as documented in api.json, reports spanning the whole period.
pub fn overlaps(begin: Instant, end: Instant, start: Instant, stop: Instant) -> bool {
    (begin >= start && begin < stop)
        || (end > start && end <= stop)
        || (begin < start && end > stop)
}

/// How thoroughly [`repair_indexes`] checks the report totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalsCheck {
    /// Rebuilt only when they may be off: marked stale (an addition cut off), or their
    /// index was rebuilt. Costs two reads otherwise: for the open after a crash.
    IfStale,
    /// Also compared with the index (a scan of its entries): for `server repair`.
    Compare,
}

/// Rebuilds each report index whose entry count differs from its records' count (a crash
/// between writing a record and its index entry), then the report totals as `totals`
/// says, and says what it rebuilt. Run at an open of the store that follows an unclean
/// close, after [`Store::repair`], and by `server repair`.
pub fn repair_indexes(store: &Store, totals: TotalsCheck) -> Result<Vec<String>> {
    let mut done = Vec::new();
    // sled counts a tree by scanning it: each record tree is counted once.
    let (dmarc_n, tls_n) = (store.dmarc_reports.len(), store.tls_reports.len());
    if dmarc_n != store.dmarc_by_end.len() {
        let recs = store.all::<DomainFeedback>("dmarc_reports")?;
        store.dmarc_by_end.clear()?;
        for (_, r) in &recs {
            let idx = dmarc_index(r);
            store
                .dmarc_by_end
                .insert(index_key(&idx, r.id as u64), idx.encode())?;
        }
        done.push("rebuilt dmarc_by_end".to_string());
    }
    if tls_n != store.tls_by_end.len() {
        let recs = store.all::<TLSReportRecord>("tls_reports")?;
        store.tls_by_end.clear()?;
        for (_, r) in &recs {
            let idx = tls_index(r);
            store
                .tls_by_end
                .insert(index_key(&idx, r.id as u64), idx.encode())?;
        }
        done.push("rebuilt tls_by_end".to_string());
    }
    if dmarc_n != store.dmarc_report_keys.len() {
        let recs = store.all::<DomainFeedback>("dmarc_reports")?;
        store.dmarc_report_keys.clear()?;
        for (_, r) in &recs {
            let key = identity_id_key(&dmarc_identity(r), r.id as u64);
            store.dmarc_report_keys.insert(key, &[] as &[u8])?;
        }
        done.push("rebuilt dmarc_report_keys".to_string());
    }
    if tls_n != store.tls_report_keys.len() {
        let recs = store.all::<TLSReportRecord>("tls_reports")?;
        store.tls_report_keys.clear()?;
        for (_, r) in &recs {
            let key = identity_id_key(&tls_identity(r), r.id as u64);
            store.tls_report_keys.insert(key, &[] as &[u8])?;
        }
        done.push("rebuilt tls_report_keys".to_string());
    }
    if store.dmarc_evals.len() != store.dmarc_evals_by_domain.len() {
        let recs = store.all::<Evaluation>("dmarc_evals")?;
        store.dmarc_evals_by_domain.clear()?;
        for (_, e) in &recs {
            store
                .dmarc_evals_by_domain
                .insert(domain_id_key(&e.policy_domain, e.id as u64), &[] as &[u8])?;
        }
        done.push("rebuilt dmarc_evals_by_domain".to_string());
    }
    if store.tls_results.len() != store.tls_results_key.len() {
        let recs = store.all::<TLSResult>("tls_results")?;
        store.tls_results_key.clear()?;
        for (_, r) in &recs {
            store
                .tls_results_key
                .insert(tls_result_key(r), &id_key(r.id as u64))?;
        }
        done.push("rebuilt tls_results_key".to_string());
    }
    let index_rebuilt = |index: &str| done.iter().any(|d| d == &format!("rebuilt {index}"));
    let (dmarc, tls) = (index_rebuilt("dmarc_by_end"), index_rebuilt("tls_by_end"));
    if repair_totals::<DomainFeedback>(store, totals, dmarc)? {
        done.push("rebuilt dmarc_totals".to_string());
    }
    if repair_totals::<TLSReportRecord>(store, totals, tls)? {
        done.push("rebuilt tls_totals".to_string());
    }
    Ok(done)
}

/// Rebuilds the totals of `R` when `check` calls for it (see [`TotalsCheck`]); says
/// whether they were corrected (a first build is only logged: it repairs nothing).
fn repair_totals<R: IndexedReport>(
    store: &Store,
    check: TotalsCheck,
    index_rebuilt: bool,
) -> Result<bool> {
    if check == TotalsCheck::IfStale && !index_rebuilt && !totals::stale::<R>(store)? {
        return Ok(false);
    }
    let r = totals::rebuild::<R>(store)?;
    if r == totals::Rebuilt::Built {
        tracing::info!(target: "server::store", "built the report totals ({})", R::TOTALS);
    }
    Ok(r == totals::Rebuilt::Corrected)
}

/// Runs [`repair_indexes`] and logs what it did, as the store's own repair does; skipped
/// when the store was closed cleanly (see `Store::close_clean`), apart from building
/// report totals that are missing.
pub fn repair_indexes_logged(store: &Store) -> Result<()> {
    if store.opened_clean() {
        // Totals can still be missing after a clean close: an older store, an imported
        // export. Checking costs two reads.
        for (corrected, tree) in [
            (
                repair_totals::<DomainFeedback>(store, TotalsCheck::IfStale, false)?,
                "dmarc_totals",
            ),
            (
                repair_totals::<TLSReportRecord>(store, TotalsCheck::IfStale, false)?,
                "tls_totals",
            ),
        ] {
            if corrected {
                tracing::warn!(target: "server::store", "repair at open: rebuilt {tree}");
            }
        }
        return Ok(());
    }
    for r in repair_indexes(store, TotalsCheck::IfStale)? {
        tracing::warn!(target: "server::store", "repair at open: {r}");
    }
    Ok(())
}

/// The index entry of a DMARC report.
pub fn dmarc_index(fb: &DomainFeedback) -> ReportIndex {
    let dr = &fb.report_metadata.date_range;
    let mut counts = [0i64; 6];
    let mut kinds: BTreeMap<String, i64> = BTreeMap::new();
    for r in &fb.records {
        let n = r.row.count as i64;
        let pe = &r.row.policy_evaluated;
        counts[0] += n;
        match pe.disposition.as_str() {
            "none" => counts[1] += n,
            "quarantine" => counts[2] += n,
            "reject" => counts[3] += n,
            _ => {}
        }
        if pe.dkim.as_str() == "fail" {
            counts[4] += n;
        }
        if pe.spf.as_str() == "fail" {
            counts[5] += n;
        }
        for reason in &pe.reasons {
            *kinds.entry(reason.r#type.as_str().to_string()).or_insert(0) += n;
        }
    }
    ReportIndex {
        begin: (dr.begin, 0),
        end: (dr.end, 0),
        domain: fb.domain.clone(),
        counts,
        kinds: kinds.into_iter().collect(),
    }
}

fn instant(t: &sherpa_admin::runtime::Timestamp) -> Instant {
    (t.timestamp(), t.timestamp_subsec_nanos())
}

/// The index entry of a TLS report.
pub fn tls_index(r: &TLSReportRecord) -> ReportIndex {
    let mut counts = [0i64; 6];
    let mut kinds: BTreeMap<String, i64> = BTreeMap::new();
    for p in &r.report.policies {
        counts[0] += p.summary.total_successful_session_count;
        counts[1] += p.summary.total_failure_session_count;
        for d in &p.failure_details {
            *kinds.entry(d.result_type.as_str().to_string()).or_insert(0) += d.failed_session_count;
        }
    }
    ReportIndex {
        begin: instant(&r.report.date_range.start),
        end: instant(&r.report.date_range.end),
        domain: r.domain.clone(),
        counts,
        kinds: kinds.into_iter().collect(),
    }
}

/// The period index key of a report: the later of begin and end, then the ID.
pub fn index_key(idx: &ReportIndex, id: u64) -> [u8; 16] {
    time_id_key(idx.begin.0.max(idx.end.0), id)
}

/// Adds records, each followed by its index entry, then their totals; assigns IDs and
/// returns them. (A crash between the record and its index entry leaves a record without
/// one, which `repair_indexes` fixes at open; a crash before the totals are complete
/// leaves them marked stale, and they are rebuilt at open.)
fn add_indexed<R: IndexedReport + serde::Serialize>(
    store: &Store,
    items: Vec<(R, ReportIndex)>,
    set_id: impl Fn(&mut R, i64),
) -> Result<Vec<i64>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let t = store.tree_static(R::RECORDS)?;
    let it = store.tree_static(R::BY_END)?;
    let span = items
        .iter()
        .map(|(_, idx)| (idx.end.0 - idx.begin.0).abs())
        .max()
        .unwrap_or(0);
    // Marked before anything is written, so that a crash part way leaves the totals
    // stale, to be rebuilt.
    totals::begin::<R>(store)?;
    // The span is raised before any entry exists, so a scan never misses one.
    store.raise_span(R::BY_END, span)?;
    let first = store.next_ids(R::RECORDS, items.len() as u64)?;
    let mut ids = Vec::with_capacity(items.len());
    let mut entries = Vec::with_capacity(items.len());
    for (i, (mut item, idx)) in items.into_iter().enumerate() {
        let id = first + i as u64;
        set_id(&mut item, id as i64);
        t.insert(id_key(id), encode(&item)?)?;
        it.insert(index_key(&idx, id), idx.encode())?;
        ids.push(id as i64);
        entries.push(idx);
    }
    totals::add::<R>(store, &entries)?;
    Ok(ids)
}

/// What storing one report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Stored under this new ID.
    New(i64),
    /// Not stored: a report with the same identity is already there (this ID), or came
    /// earlier in the same batch.
    Present(i64),
}

/// Who sent a report and its ID: what makes two reports the same one, sent twice.
///
/// A DMARC report is named by its reporter (`org_name`, or the `email` when a reporter
/// leaves the name out) and `report_id`, which RFC 7489 requires to be unique per
/// reporter; a TLS report by `organization-name` and `report-id` (RFC 8460).
pub fn dmarc_identity(r: &DomainFeedback) -> (String, String) {
    let m = &r.report_metadata;
    let org = if m.org_name.is_empty() {
        &m.email
    } else {
        &m.org_name
    };
    (org.clone(), m.report_id.clone())
}

/// See [`dmarc_identity`].
pub fn tls_identity(r: &TLSReportRecord) -> (String, String) {
    (
        r.report.organization_name.clone(),
        r.report.report_id.clone(),
    )
}

/// The key prefix of an identity: both strings length-prefixed, so no two identities
/// share a prefix whatever bytes they hold.
fn identity_prefix((org, id): &(String, String)) -> Vec<u8> {
    let mut k = Vec::with_capacity(8 + org.len() + id.len() + 8);
    for part in [org, id] {
        k.extend_from_slice(&(part.len() as u32).to_be_bytes());
        k.extend_from_slice(part.as_bytes());
    }
    k
}

fn identity_id_key(identity: &(String, String), id: u64) -> Vec<u8> {
    let mut k = identity_prefix(identity);
    k.extend_from_slice(&id_key(id));
    k
}

/// Stores the reports not stored before (see [`dmarc_identity`]); the caller flushes.
/// One result per report, in order.
pub fn dmarc_add(store: &Store, reports: Vec<DomainFeedback>) -> Result<Vec<Stored>> {
    add_unique(store, "dmarc_report_keys", reports, dmarc_identity, |new| {
        let items = new
            .into_iter()
            .map(|r| {
                let i = dmarc_index(&r);
                (r, i)
            })
            .collect();
        add_indexed(store, items, |r: &mut DomainFeedback, id| r.id = id)
    })
}

/// Stores the TLS reports not stored before (see [`tls_identity`]); the caller flushes.
pub fn tls_add(store: &Store, reports: Vec<TLSReportRecord>) -> Result<Vec<Stored>> {
    add_unique(store, "tls_report_keys", reports, tls_identity, |new| {
        let items = new
            .into_iter()
            .map(|r| {
                let i = tls_index(&r);
                (r, i)
            })
            .collect();
        add_indexed(store, items, |r: &mut TLSReportRecord, id| r.id = id)
    })
}

/// Splits `reports` into those already stored (or repeated in the batch) and new ones,
/// stores the new ones with `add`, then records their identities. A crash before the
/// identities are written leaves records without one, which `repair_indexes` notices
/// (the counts differ) and rebuilds.
fn add_unique<T>(
    store: &Store,
    keys_tree: &'static str,
    reports: Vec<T>,
    identity: impl Fn(&T) -> (String, String),
    add: impl FnOnce(Vec<T>) -> Result<Vec<i64>>,
) -> Result<Vec<Stored>> {
    // Per report: its place among the new ones, the ID of the stored copy, or the place
    // of its earlier copy in this batch.
    enum Slot {
        New(usize),
        Stored(i64),
        Repeat(usize),
    }
    let keys = store.tree_static(keys_tree)?;
    let mut slots = Vec::with_capacity(reports.len());
    let mut new = Vec::new();
    let mut identities = Vec::new();
    let mut in_batch: std::collections::HashMap<Vec<u8>, usize> = Default::default();
    for r in reports {
        let ident = identity(&r);
        let prefix = identity_prefix(&ident);
        if let Some(kv) = keys.scan_prefix(&prefix).next() {
            let (k, _) = kv?;
            let id = id_from_suffix(keys_tree, &k)?;
            slots.push(Slot::Stored(id as i64));
        } else if let Some(&earlier) = in_batch.get(&prefix) {
            slots.push(Slot::Repeat(earlier));
        } else {
            in_batch.insert(prefix, new.len());
            slots.push(Slot::New(new.len()));
            identities.push(ident);
            new.push(r);
        }
    }
    let ids = add(new)?;
    for (ident, id) in identities.iter().zip(&ids) {
        keys.insert(identity_id_key(ident, *id as u64), &[] as &[u8])?;
    }
    Ok(slots
        .into_iter()
        .map(|s| match s {
            Slot::New(i) => Stored::New(ids[i]),
            Slot::Stored(id) => Stored::Present(id),
            Slot::Repeat(i) => Stored::Present(ids[i]),
        })
        .collect())
}

/// Index entries (with IDs) of reports overlapping [start, stop].
pub fn scan(
    store: &Store,
    index_tree: &'static str,
    start: Instant,
    stop: Instant,
) -> Result<Vec<(u64, ReportIndex)>> {
    let tree = store.tree_static(index_tree)?;
    if stop < start {
        return Ok(Vec::new());
    }
    let span = store.span(index_tree)?;
    let lo = time_id_key(start.0, 0);
    let hi = time_id_key(stop.0.saturating_add(span).saturating_add(1), u64::MAX);
    let mut out = Vec::new();
    for kv in tree.range(lo..=hi) {
        let (k, v) = kv?;
        let idx = ReportIndex::decode(index_tree, &k, &v)?;
        if overlaps(idx.begin, idx.end, start, stop) {
            out.push((id_from_suffix(index_tree, &k)?, idx));
        }
    }
    Ok(out)
}

/// A report kind stored with a period index: DMARC aggregate reports and TLS reports.
/// Their period, summary and by-ID queries are one code path over the index entries.
pub trait IndexedReport: serde::de::DeserializeOwned {
    /// The tree of the records.
    const RECORDS: &'static str;
    /// The period index tree (`time ++ id` keys, [`ReportIndex`] values).
    const BY_END: &'static str;
    /// The totals tree (see [`totals`]).
    const TOTALS: &'static str;
    /// The record's `Domain`, which is also its index entry's domain.
    fn domain(&self) -> &str;
}

impl IndexedReport for DomainFeedback {
    const RECORDS: &'static str = "dmarc_reports";
    const BY_END: &'static str = "dmarc_by_end";
    const TOTALS: &'static str = "dmarc_totals";
    fn domain(&self) -> &str {
        &self.domain
    }
}

impl IndexedReport for TLSReportRecord {
    const RECORDS: &'static str = "tls_reports";
    const BY_END: &'static str = "tls_by_end";
    const TOTALS: &'static str = "tls_totals";
    fn domain(&self) -> &str {
        &self.domain
    }
}

/// Index entries of reports of kind `R` overlapping [start, stop], of `domain` only when
/// one is given.
pub fn index_in<R: IndexedReport>(
    store: &Store,
    start: Instant,
    stop: Instant,
    domain: Option<&str>,
) -> Result<Vec<(u64, ReportIndex)>> {
    let mut hits = scan(store, R::BY_END, start, stop)?;
    if let Some(d) = domain {
        hits.retain(|(_, idx)| idx.domain == d);
    }
    Ok(hits)
}

/// Reports of kind `R` overlapping [start, stop] (of `domain` only, when given), the latest
/// period end first and then by domain, as mox lists them: the stored records spliced
/// into one list, without decoding them (they are stored in wire form).
pub fn reports_in<R: IndexedReport>(
    store: &Store,
    start: Instant,
    stop: Instant,
    domain: Option<&str>,
) -> Result<Wire<Vec<R>>> {
    let mut hits = index_in::<R>(store, start, stop, domain)?;
    // The index entry carries the record's period end and domain, so the order can be
    // decided before any record is read (a stable sort: ties keep the index order).
    hits.sort_by(|(_, a), (_, b)| b.end.cmp(&a.end).then_with(|| a.domain.cmp(&b.domain)));
    let tree = store.tree_static(R::RECORDS)?;
    let records = records_by_id(tree, R::RECORDS, hits.iter().map(|(id, _)| *id))?;
    let bytes = records.iter().map(|(_, v)| v.len() + 1).sum();
    let mut list = ListWriter::new(bytes);
    for (id, v) in &records {
        list.push_trusted(crate::store::wire_object(R::RECORDS, &id_key(*id), v)?);
    }
    Ok(list.finish())
}

/// The records with these IDs, in the order given (missing ones left out). Reports
/// stored together have consecutive IDs, so when the IDs are dense in their range one
/// scan of the range reads them, far cheaper than a lookup each.
fn records_by_id(
    tree: &sled::Tree,
    name: &'static str,
    ids: impl Iterator<Item = u64>,
) -> Result<Vec<(u64, sled::IVec)>> {
    let ids: Vec<u64> = ids.collect();
    let (Some(&lo), Some(&hi)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Vec::new());
    };
    if (hi - lo) / 2 > ids.len() as u64 {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(v) = tree.get(id_key(id))? {
                out.push((id, v));
            }
        }
        return Ok(out);
    }
    let mut wanted: Vec<(u64, usize)> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    wanted.sort_unstable();
    let mut found: Vec<Option<sled::IVec>> = vec![None; ids.len()];
    let mut next = wanted.iter().peekable();
    for kv in tree.range(id_key(lo)..=id_key(hi)) {
        let (k, v) = kv?;
        let id = id_from_suffix(name, &k)?;
        while next.peek().is_some_and(|(w, _)| *w < id) {
            next.next();
        }
        // IDs in an index are unique: one place per record.
        if let Some((_, place)) = next.next_if(|(w, _)| *w == id) {
            found[*place] = Some(v);
        }
    }
    Ok(ids
        .into_iter()
        .zip(found)
        .filter_map(|(id, v)| Some((id, v?)))
        .collect())
}

/// The report of kind `R` with this ID, if there is one and it belongs to `domain`.
pub fn report_of<R: IndexedReport>(store: &Store, domain: &str, id: i64) -> Result<Option<R>> {
    if id <= 0 {
        return Ok(None);
    }
    Ok(store
        .get::<R>(R::RECORDS, &id_key(id as u64))?
        .filter(|r| r.domain() == domain))
}

/// Stores DMARC evaluations (new IDs) with their domain index; the caller flushes.
pub fn evaluations_add(store: &Store, evals: Vec<Evaluation>) -> Result<Vec<i64>> {
    if evals.is_empty() {
        return Ok(Vec::new());
    }
    let first = store.next_ids("dmarc_evals", evals.len() as u64)?;
    let mut ids = Vec::new();
    for (i, mut e) in evals.into_iter().enumerate() {
        let id = first + i as u64;
        e.id = id as i64;
        store.dmarc_evals.insert(id_key(id), encode(&e)?)?;
        store
            .dmarc_evals_by_domain
            .insert(domain_id_key(&e.policy_domain, id), &[] as &[u8])?;
        ids.push(id as i64);
    }
    Ok(ids)
}

/// `domain ++ 0 ++ id`.
pub fn domain_id_key(domain: &str, id: u64) -> Vec<u8> {
    let mut k = domain.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(&id_key(id));
    k
}

/// Evaluations of one policy domain (by index prefix), in ID order.
pub fn evaluations_of(store: &Store, domain: &str) -> Result<Vec<Evaluation>> {
    let mut prefix = domain.as_bytes().to_vec();
    prefix.push(0);
    let mut out = Vec::new();
    for k in store.dmarc_evals_by_domain.scan_prefix(&prefix).keys() {
        let k = k?;
        let id = id_from_suffix("dmarc_evals_by_domain", &k)?;
        if let Some(e) = store.get::<Evaluation>("dmarc_evals", &id_key(id))? {
            out.push(e);
        }
    }
    Ok(out)
}

/// Deletes the evaluations of a policy domain; returns how many.
pub fn evaluations_remove(store: &Store, domain: &str) -> Result<usize> {
    let mut prefix = domain.as_bytes().to_vec();
    prefix.push(0);
    let keys: Vec<sled::IVec> = store
        .dmarc_evals_by_domain
        .scan_prefix(&prefix)
        .keys()
        .collect::<std::result::Result<_, _>>()?;
    for k in &keys {
        let id = id_from_suffix("dmarc_evals_by_domain", k)?;
        store.dmarc_evals.remove(id_key(id))?;
        store.dmarc_evals_by_domain.remove(k)?;
    }
    Ok(keys.len())
}

/// `policy ++ 0 ++ day ++ 0 ++ recipient`: the unique key of a TLS result.
pub fn tls_result_key(r: &TLSResult) -> Vec<u8> {
    let mut k = r.policy_domain.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(r.day_utc.as_bytes());
    k.push(0);
    k.extend_from_slice(r.recipient_domain.as_bytes());
    k
}

/// Stores TLS results (new IDs). The (policy domain, day, recipient domain) triple must be
/// unique and non-empty, as mox's database enforces; a violation stores nothing (entries
/// claimed before the violation was found are released again).
pub fn tls_results_add(store: &Store, results: Vec<TLSResult>) -> Result<Vec<i64>> {
    for r in &results {
        if r.policy_domain.is_empty() || r.day_utc.is_empty() || r.recipient_domain.is_empty() {
            return Err(StoreError::Constraint(
                "must be nonzero: PolicyDomain, DayUTC and RecipientDomain".to_string(),
            ));
        }
    }
    if results.is_empty() {
        return Ok(Vec::new());
    }
    let first = store.next_ids("tls_results", results.len() as u64)?;
    let mut claimed: Vec<Vec<u8>> = Vec::new();
    let mut recs = Vec::new();
    for (i, mut r) in results.into_iter().enumerate() {
        let id = first + i as u64;
        r.id = id as i64;
        let k = tls_result_key(&r);
        let taken = store
            .tls_results_key
            .compare_and_swap(k.as_slice(), None as Option<&[u8]>, Some(&id_key(id)[..]))?
            .is_err();
        if taken {
            for c in &claimed {
                store.tls_results_key.remove(c.as_slice())?;
            }
            let shown = String::from_utf8_lossy(&k).replace('\0', "/");
            return Err(StoreError::Constraint(format!(
                "not unique: TLS result {shown}"
            )));
        }
        claimed.push(k);
        recs.push((id, encode(&r)?));
    }
    for (id, rec) in &recs {
        store.tls_results.insert(id_key(*id), rec.as_slice())?;
    }
    Ok(recs.iter().map(|r| r.0 as i64).collect())
}

/// Deletes the TLS results that `matches` selects; returns how many.
pub fn tls_results_remove(store: &Store, matches: impl Fn(&TLSResult) -> bool) -> Result<usize> {
    let mut n = 0;
    for (k, r) in store.all::<TLSResult>("tls_results")? {
        if matches(&r) {
            store.tls_results.remove(k.as_slice())?;
            store.tls_results_key.remove(tls_result_key(&r))?;
            n += 1;
        }
    }
    Ok(n)
}

/// Stores (or replaces) MTA-STS policies, keyed by domain.
pub fn mtasts_put(store: &Store, policies: Vec<PolicyRecord>) -> Result<usize> {
    if policies.iter().any(|p| p.domain.is_empty()) {
        return Err(StoreError::Constraint(
            "MTA-STS policy without domain".to_string(),
        ));
    }
    for p in &policies {
        store.mtasts.insert(p.domain.as_bytes(), encode(p)?)?;
    }
    Ok(policies.len())
}

/// Suppress-list operations shared by the DMARC and TLSRPT lists (same record shape).
pub struct SuppressList<'a> {
    pub store: &'a Store,
    pub tree: &'static str,
    pub addr_tree: &'static str,
}

impl SuppressList<'_> {
    fn trees(&self) -> Result<(&sled::Tree, &sled::Tree)> {
        Ok((
            self.store.tree_static(self.tree)?,
            self.store.tree_static(self.addr_tree)?,
        ))
    }

    /// Adds an entry; the reporting address must be unique and `until` non-zero.
    pub fn add(&self, mut rec: SuppressAddress) -> Result<i64> {
        if rec.until.is_zero() {
            return Err(StoreError::Constraint(
                "must be nonzero: field \"Until\"".to_string(),
            ));
        }
        let id = self.store.next_id(self.tree)?;
        rec.id = id as i64;
        let v = encode(&rec)?;
        let (t, a) = self.trees()?;
        // The address index entry is claimed atomically; that is the uniqueness check.
        if a.compare_and_swap(
            rec.reporting_address.as_bytes(),
            None as Option<&[u8]>,
            Some(&id_key(id)[..]),
        )?
        .is_err()
        {
            return Err(StoreError::Constraint(
                "not unique: field \"ReportingAddress\"".to_string(),
            ));
        }
        t.insert(id_key(id), v)?;
        Ok(id as i64)
    }

    /// All entries, newest (highest ID) first.
    pub fn list(&self) -> Result<Vec<SuppressAddress>> {
        let (t, _) = self.trees()?;
        let mut out = Vec::new();
        for kv in t.iter().rev() {
            let (k, v) = kv?;
            out.push(decode(self.tree, &k, &v)?);
        }
        Ok(out)
    }

    /// Removes an entry; false when absent.
    pub fn remove(&self, id: i64) -> Result<bool> {
        if id <= 0 {
            return Ok(false);
        }
        let (t, a) = self.trees()?;
        let key = id_key(id as u64);
        let Some(v) = t.remove(key)? else {
            return Ok(false);
        };
        let rec: SuppressAddress = decode(self.tree, &key, &v)?;
        // Only release the address if it still points at this entry.
        let _ = a.compare_and_swap(
            rec.reporting_address.as_bytes(),
            Some(&key[..]),
            None as Option<&[u8]>,
        )?;
        Ok(true)
    }

    /// Sets `until` of an entry; false when absent.
    pub fn extend(&self, id: i64, until: sherpa_admin::runtime::Timestamp) -> Result<bool> {
        if id <= 0 {
            return Ok(false);
        }
        if until.is_zero() {
            return Err(StoreError::Constraint(
                "must be nonzero: field \"Until\"".to_string(),
            ));
        }
        let (t, _) = self.trees()?;
        let key = id_key(id as u64);
        loop {
            let Some(old) = t.get(key)? else {
                return Ok(false);
            };
            let mut rec: SuppressAddress = decode(self.tree, &key, &old)?;
            rec.until = until;
            if t.compare_and_swap(key, Some(old), Some(encode(&rec)?))?
                .is_ok()
            {
                return Ok(true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_rule() {
        let s = (100, 0);
        let e = (200, 0);
        assert!(overlaps((100, 0), (150, 0), s, e));
        assert!(overlaps((50, 0), (200, 0), s, e));
        assert!(
            overlaps((50, 0), (300, 0), s, e),
            "spanning reports are included"
        );
        assert!(!overlaps((200, 0), (300, 0), s, e));
        assert!(!overlaps((0, 0), (100, 0), s, e));
    }

    /// After a clean close the next open trusts the indexes (no scan); after an unclean
    /// one it repairs them. Counters survive either way.
    #[tokio::test]
    async fn repairs_run_only_after_an_unclean_close() {
        let dir = tempfile::tempdir().unwrap();
        let reports: Vec<DomainFeedback> = (0..2)
            .map(|i| {
                let mut r = DomainFeedback::default();
                r.report_metadata.report_id = format!("r{i}");
                r
            })
            .collect();
        {
            let store = Store::open(dir.path()).unwrap();
            assert!(!store.opened_clean());
            dmarc_add(&store, reports).unwrap();
            let msg = sherpa_admin::api::Msg::default();
            store.queue_add(msg, b"x").unwrap();
            // An index entry goes missing, as if written by a version with a bug.
            let first = store.dmarc_by_end.iter().keys().next().unwrap().unwrap();
            store.dmarc_by_end.remove(first).unwrap();
            store.close_clean().await.unwrap();
        }
        {
            let store = Store::open(dir.path()).unwrap();
            assert!(store.opened_clean());
            assert_eq!(store.queue_size(), 1);
            repair_indexes_logged(&store).unwrap();
            assert_eq!(store.dmarc_by_end.len(), 1, "a clean open does not scan");
            store.flush().await.unwrap();
            // Dropped without a clean close: as after a crash.
        }
        let store = Store::open(dir.path()).unwrap();
        assert!(!store.opened_clean());
        assert_eq!(store.queue_size(), 1);
        repair_indexes_logged(&store).unwrap();
        assert_eq!(store.dmarc_by_end.len(), 2);
    }

    /// Records come back in the order asked, missing ones left out, whether read by
    /// lookups (IDs spread out) or by one range scan (IDs close together).
    #[test]
    fn records_by_id_keeps_the_order_asked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        for id in (1..=100u64).filter(|id| *id != 6) {
            store
                .dmarc_reports
                .insert(id_key(id), id.to_string().as_bytes())
                .unwrap();
        }
        let read = |ids: &[u64]| -> Vec<(u64, String)> {
            records_by_id(&store.dmarc_reports, "dmarc_reports", ids.iter().copied())
                .unwrap()
                .into_iter()
                .map(|(id, v)| (id, String::from_utf8(v.to_vec()).unwrap()))
                .collect()
        };
        let want = |ids: &[u64]| -> Vec<(u64, String)> {
            ids.iter()
                .filter(|id| **id != 6 && **id <= 100)
                .map(|id| (*id, id.to_string()))
                .collect()
        };
        for ids in [
            &[50, 3, 99][..],
            &[5, 4, 6, 7, 8],
            &[9],
            &[],
            &[101, 100, 7],
        ] {
            assert_eq!(read(ids), want(ids), "{ids:?}");
        }
    }

    /// A period's list is the stored records spliced in mox's order (latest end first,
    /// then by domain), byte for byte what encoding the decoded records gives.
    #[test]
    fn report_lists_are_the_encoded_records_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let reports: Vec<DomainFeedback> = [
            (100, "b<&>.example"),
            (200, "a.example"),
            (200, "c.example"),
            (100, "a.example"),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (end, domain))| {
            let mut r = DomainFeedback::default();
            r.report_metadata.report_id = format!("r{i}");
            r.report_metadata.date_range.begin = end - 50;
            r.report_metadata.date_range.end = end;
            r.domain = domain.to_string();
            r
        })
        .collect();
        dmarc_add(&store, reports).unwrap();
        let got = reports_in::<DomainFeedback>(&store, (0, 0), (1000, 0), None).unwrap();
        let decoded: Vec<DomainFeedback> = [2, 3, 4, 1]
            .map(|id| store.get("dmarc_reports", &id_key(id)).unwrap().unwrap())
            .to_vec();
        assert_eq!(
            got.as_str(),
            sherpa_admin::runtime::gojson::to_string(&decoded).unwrap()
        );
        let one =
            reports_in::<DomainFeedback>(&store, (0, 0), (1000, 0), Some("c.example")).unwrap();
        assert_eq!(
            one.as_str(),
            sherpa_admin::runtime::gojson::to_string(&decoded[1..2]).unwrap()
        );
        let none = reports_in::<DomainFeedback>(&store, (300, 0), (1000, 0), None).unwrap();
        assert_eq!(none.as_str(), "[]");
    }

    #[test]
    fn the_same_report_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut a = DomainFeedback::default();
        a.report_metadata.org_name = "google.com".into();
        a.report_metadata.report_id = "1".into();
        let mut by_email = DomainFeedback::default();
        by_email.report_metadata.email = "google.com".into();
        by_email.report_metadata.report_id = "1".into();
        let mut other = a.clone();
        other.report_metadata.report_id = "2".into();
        let stored = dmarc_add(&store, vec![a.clone(), a.clone(), other]).unwrap();
        assert_eq!(stored, [Stored::New(1), Stored::Present(1), Stored::New(2)]);
        // A reporter without a name is known by its email address.
        assert_eq!(
            dmarc_add(&store, vec![by_email, a]).unwrap(),
            [Stored::Present(1), Stored::Present(1)]
        );
        assert_eq!(store.dmarc_reports.len(), 2);
        assert_eq!(store.dmarc_report_keys.len(), 2);
    }

    #[test]
    fn repair_rebuilds_a_short_report_index_and_leaves_a_whole_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let reports = (0..3)
            .map(|i| {
                let mut r = DomainFeedback::default();
                r.report_metadata.report_id = format!("r{i}");
                r
            })
            .collect();
        let ids = dmarc_add(&store, reports).unwrap();
        assert!(ids.iter().all(|s| matches!(s, Stored::New(_))), "{ids:?}");
        let result = TLSResult {
            policy_domain: "example.org".into(),
            day_utc: "20240102".into(),
            recipient_domain: "example.net".into(),
            ..TLSResult::default()
        };
        tls_results_add(&store, vec![result]).unwrap();
        assert!(
            repair_indexes(&store, TotalsCheck::Compare)
                .unwrap()
                .is_empty()
        );

        // A crash between a record and its index entry leaves the index short.
        let first = store.dmarc_by_end.iter().keys().next().unwrap().unwrap();
        store.dmarc_by_end.remove(first).unwrap();
        store.tls_results_key.clear().unwrap();
        assert_eq!(
            repair_indexes(&store, TotalsCheck::Compare).unwrap(),
            ["rebuilt dmarc_by_end", "rebuilt tls_results_key"]
        );
        assert_eq!(store.dmarc_by_end.len(), ids.len());
        assert_eq!(store.tls_results_key.len(), 1);
        assert!(
            repair_indexes(&store, TotalsCheck::Compare)
                .unwrap()
                .is_empty()
        );
    }
}
