//! Report totals per domain and time bucket, kept at import, so that a summary over a
//! period reads a few totals instead of every report's index entry.
//!
//! Each stored report adds its index counts to three buckets of its domain: the hour,
//! the day and the 32-day block that hold its period end (the index key's time). A
//! summary over [start, stop] takes whole buckets that lie strictly inside the period:
//! every report in such a bucket overlaps the period (see [`super::overlaps`]), so the
//! bucket's totals count as they are. Reports whose end falls outside those buckets
//! (within an hour of `start`, or between the last whole bucket and `stop` plus the
//! longest report period) are checked one by one from the index, as before. A summary
//! over all stored reports so costs a few hundred totals, whatever the number of reports.
//!
//! The totals are derived data: not exported, rebuilt from the index when they are
//! missing (a store written before they existed, an imported export), when an import was
//! cut off while adding to them (a counter of unfinished additions in the tree says so),
//! and by `server repair` when they differ from the index.

use std::collections::BTreeMap;

use super::{IndexedReport, Instant, overlaps};
use crate::store::{ReportIndex, Result, Store, time_id_key, time_key};

/// Bucket widths in seconds, finest first: hour, day, 32 days. Each divides the next, so
/// the buckets nest.
const LEVELS: [i64; 3] = [3600, 86400, 32 * 86400];

/// The key saying the totals were built (its value: [`FORMAT`]). Above every bucket key,
/// whose first byte is a level (0–2).
const BUILT: &[u8] = &[0xff];
/// The key counting additions in progress: not zero after a crash means some report's
/// totals may be missing.
const PENDING: &[u8] = &[0xfe];
/// The layout version of the totals; a different one is rebuilt.
const FORMAT: &[u8] = &[1];

/// A domain's summed index counts (see [`ReportIndex::counts`] and `kinds`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub counts: [i64; 6],
    pub kinds: BTreeMap<String, i64>,
}

impl Totals {
    fn add(&mut self, counts: &[i64; 6], kinds: &[(String, i64)]) {
        self.add_counts(counts, kinds.iter().map(|(k, n)| (k.as_str(), *n)));
    }

    fn merge(&mut self, other: &Totals) {
        self.add_counts(
            &other.counts,
            other.kinds.iter().map(|(k, n)| (k.as_str(), *n)),
        );
    }

    /// Sums saturate: the counts come from the reports, which anyone can send.
    fn add_counts<'a>(&mut self, counts: &[i64; 6], kinds: impl Iterator<Item = (&'a str, i64)>) {
        for (a, b) in self.counts.iter_mut().zip(counts) {
            *a = a.saturating_add(*b);
        }
        for (k, n) in kinds {
            match self.kinds.get_mut(k) {
                Some(e) => *e = e.saturating_add(n),
                None => {
                    self.kinds.insert(k.to_string(), n);
                }
            }
        }
    }
}

fn bucket_key(level: u8, start: i64, domain: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(9 + domain.len());
    k.push(level);
    k.extend_from_slice(&time_key(start));
    k.extend_from_slice(domain.as_bytes());
    k
}

fn level_key(level: u8, start: i64) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = level;
    k[1..].copy_from_slice(&time_key(start));
    k
}

/// The time an index entry is filed under (see `super::index_key`).
fn filed_at(idx: &ReportIndex) -> i64 {
    idx.begin.0.max(idx.end.0)
}

/// Sums entries into buckets: (level, bucket start, domain) → totals.
type Buckets = BTreeMap<(u8, i64, String), Totals>;

fn add_to_buckets(buckets: &mut Buckets, idx: &ReportIndex) {
    let t = filed_at(idx);
    for (level, w) in LEVELS.iter().enumerate() {
        buckets
            .entry((level as u8, t.div_euclid(*w) * w, idx.domain.clone()))
            .or_default()
            .add(&idx.counts, &idx.kinds);
    }
}

fn encode(level: u8, start: i64, domain: &str, t: &Totals) -> Vec<u8> {
    ReportIndex {
        begin: (start, 0),
        end: (start.saturating_add(LEVELS[level as usize]), 0),
        domain: domain.to_string(),
        counts: t.counts,
        kinds: t.kinds.iter().map(|(k, n)| (k.clone(), *n)).collect(),
    }
    .encode()
}

fn totals_tree<R: IndexedReport>(store: &Store) -> Result<&sled::Tree> {
    store.tree_static(R::TOTALS)
}

fn counter_step(tree: &sled::Tree, step: i64) -> Result<()> {
    tree.update_and_fetch(PENDING, |old| {
        let cur = old
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(i64::from_be_bytes)
            .unwrap_or(0);
        Some(cur.saturating_add(step).to_be_bytes().to_vec())
    })?;
    Ok(())
}

/// Marks an addition as in progress: call it before the records of an addition are
/// written, and [`add`] after their index entries. Until then the totals are stale, so
/// a crash anywhere between leaves them to be rebuilt.
pub fn begin<R: IndexedReport>(store: &Store) -> Result<()> {
    counter_step(totals_tree::<R>(store)?, 1)
}

/// Adds the index entries of newly stored reports to their buckets and ends the
/// addition [`begin`] started; the caller flushes. A damaged bucket does not fail the
/// import: the totals are left stale, to be rebuilt.
pub fn add<R: IndexedReport>(store: &Store, entries: &[ReportIndex]) -> Result<()> {
    let tree = totals_tree::<R>(store)?;
    let mut buckets = Buckets::new();
    for idx in entries {
        add_to_buckets(&mut buckets, idx);
    }
    for ((level, start, domain), add) in &buckets {
        let key = bucket_key(*level, *start, domain);
        let mut bad = None;
        tree.update_and_fetch(&key, |old| {
            let mut t = Totals::default();
            if let Some(old) = old {
                match ReportIndex::decode(R::TOTALS, &key, old) {
                    Ok(idx) => t.add(&idx.counts, &idx.kinds),
                    Err(e) => bad = Some(e),
                }
            }
            t.merge(add);
            Some(encode(*level, *start, domain, &t))
        })?;
        if let Some(e) = bad {
            // The reports are stored; only the totals are off. Leaving the counter up
            // marks them stale: summaries read the index until the next open rebuilds
            // them.
            tracing::warn!(target: "server::store", "report totals are damaged, to be rebuilt: {e}");
            return Ok(());
        }
    }
    counter_step(tree, -1)
}

/// Whether the totals of `R` must be rebuilt before they can be read: never built, built
/// in another layout, or an addition was cut off.
pub fn stale<R: IndexedReport>(store: &Store) -> Result<bool> {
    let tree = totals_tree::<R>(store)?;
    if tree.get(BUILT)?.as_deref() != Some(FORMAT) {
        return Ok(true);
    }
    let pending = tree
        .get(PENDING)?
        .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
        .map(i64::from_be_bytes)
        .unwrap_or(0);
    Ok(pending != 0)
}

/// The totals computed from the index, as stored key → value.
fn computed<R: IndexedReport>(store: &Store) -> Result<BTreeMap<Vec<u8>, Vec<u8>>> {
    let index = store.tree_static(R::BY_END)?;
    let mut buckets = Buckets::new();
    for kv in index.iter() {
        let (k, v) = kv?;
        add_to_buckets(&mut buckets, &ReportIndex::decode(R::BY_END, &k, &v)?);
    }
    Ok(buckets
        .iter()
        .map(|((level, start, domain), t)| {
            (
                bucket_key(*level, *start, domain),
                encode(*level, *start, domain, t),
            )
        })
        .collect())
}

/// What [`rebuild`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebuilt {
    /// The stored totals matched the index.
    Unchanged,
    /// There were none in this layout (a new store, an older one, an imported export).
    Built,
    /// They differed from the index, or an addition had been cut off.
    Corrected,
}

/// Recomputes the totals of `R` from the index and stores them unless they match. The
/// caller flushes.
pub fn rebuild<R: IndexedReport>(store: &Store) -> Result<Rebuilt> {
    let tree = totals_tree::<R>(store)?;
    let want = computed::<R>(store)?;
    let outcome = if tree.get(BUILT)?.as_deref() != Some(FORMAT) {
        Rebuilt::Built
    } else if stale::<R>(store)? {
        Rebuilt::Corrected
    } else {
        let mut have = BTreeMap::new();
        for kv in tree.range(..PENDING) {
            let (k, v) = kv?;
            have.insert(k.to_vec(), v.to_vec());
        }
        if have == want {
            return Ok(Rebuilt::Unchanged);
        }
        Rebuilt::Corrected
    };
    tree.clear()?;
    for (k, v) in want {
        tree.insert(k, v)?;
    }
    tree.insert(BUILT, FORMAT)?;
    Ok(outcome)
}

/// Splits the open interval of bucket starts [a, b) into whole buckets, coarsest first:
/// per level, one run `(level, first start, end)` of consecutive buckets, and the parts no
/// bucket covers (returned, for checking report by report).
fn plan(a: i64, b: i64, level: usize, runs: &mut Vec<(u8, i64, i64)>, rest: &mut Vec<(i64, i64)>) {
    if a >= b {
        return;
    }
    let w = LEVELS[level];
    let lo = a
        .div_euclid(w)
        .saturating_add(i64::from(a.rem_euclid(w) != 0))
        .saturating_mul(w);
    let hi = b.div_euclid(w).saturating_mul(w);
    let finer = |a, b, runs: &mut _, rest: &mut Vec<_>| {
        if level == 0 {
            if a < b {
                rest.push((a, b));
            }
        } else {
            plan(a, b, level - 1, runs, rest);
        }
    };
    if lo < hi {
        runs.push((level as u8, lo, hi));
        finer(a, lo, runs, rest);
        finer(hi, b, runs, rest);
    } else {
        finer(a, b, runs, rest);
    }
}

/// Adds the index entries filed in [from, to] (seconds, both included) that overlap
/// [start, stop] and belong to `domain` (when given).
fn add_from_index(
    index: &sled::Tree,
    tree: &'static str,
    (from, to): (i64, i64),
    start: Instant,
    stop: Instant,
    domain: Option<&str>,
    out: &mut BTreeMap<String, Totals>,
) -> Result<()> {
    if from > to {
        return Ok(());
    }
    for kv in index.range(time_id_key(from, 0)..=time_id_key(to, u64::MAX)) {
        let (k, v) = kv?;
        let idx = ReportIndex::decode(tree, &k, &v)?;
        if domain.is_some_and(|d| d != idx.domain) || !overlaps(idx.begin, idx.end, start, stop) {
            continue;
        }
        out.entry(idx.domain)
            .or_default()
            .add(&idx.counts, &idx.kinds);
    }
    Ok(())
}

/// Per domain, the summed counts of the reports of kind `R` overlapping [start, stop]
/// (of `domain` only, when given): the same sums as adding up every matching index entry,
/// which is what it does while the totals are stale (an addition in progress).
pub fn summarize<R: IndexedReport>(
    store: &Store,
    start: Instant,
    stop: Instant,
    domain: Option<&str>,
) -> Result<BTreeMap<String, Totals>> {
    let mut out: BTreeMap<String, Totals> = BTreeMap::new();
    if stop < start {
        return Ok(out);
    }
    let index = store.tree_static(R::BY_END)?;
    // Whatever a report overlapping the period can be filed under: from start up to stop
    // plus the longest period stored.
    let span = store.span(R::BY_END)?;
    let last = stop.0.saturating_add(span).saturating_add(1);
    if stale::<R>(store)? {
        add_from_index(
            index,
            R::BY_END,
            (start.0, last),
            start,
            stop,
            domain,
            &mut out,
        )?;
        return Ok(out);
    }
    let tree = totals_tree::<R>(store)?;
    // Buckets inside [start + 1 s, stop): every report filed there ends (or, for a period
    // given backwards, begins) strictly inside the period, so it overlaps.
    let (mut runs, mut rest) = (Vec::new(), Vec::new());
    plan(
        start.0.saturating_add(1),
        stop.0,
        LEVELS.len() - 1,
        &mut runs,
        &mut rest,
    );
    let mut covered: Vec<(i64, i64)> = Vec::with_capacity(runs.len());
    for &(level, lo, hi) in &runs {
        covered.push((lo, hi));
        for kv in tree.range(level_key(level, lo)..level_key(level, hi)) {
            let (k, v) = kv?;
            let idx = ReportIndex::decode(R::TOTALS, &k, &v)?;
            if domain.is_some_and(|d| d != idx.domain) {
                continue;
            }
            out.entry(idx.domain)
                .or_default()
                .add(&idx.counts, &idx.kinds);
        }
    }
    // The rest, report by report: the filing times no whole bucket covers.
    covered.sort_unstable();
    let mut from = start.0;
    for (lo, hi) in covered {
        add_from_index(
            index,
            R::BY_END,
            (from, lo - 1),
            start,
            stop,
            domain,
            &mut out,
        )?;
        from = from.max(hi);
    }
    add_from_index(
        index,
        R::BY_END,
        (from, last),
        start,
        stop,
        domain,
        &mut out,
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::{dmarc_add, tls_add};
    use sherpa_admin::api::{DomainFeedback, ReportRecord, TLSReportRecord};

    /// A small deterministic generator (xorshift), so a failure names a reproducible case.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> i64 {
            (self.next() % n) as i64
        }
    }

    const T0: i64 = 1_704_067_200; // 2024-01-01, a block boundary is near

    /// A store as the server opens it: the totals are built before anything is added.
    fn open(dir: &std::path::Path) -> Store {
        let store = Store::open(dir).unwrap();
        crate::reports::repair_indexes_logged(&store).unwrap();
        store
    }

    /// What a summary must be: every index entry that overlaps, summed.
    fn by_hand<R: IndexedReport>(
        store: &Store,
        start: Instant,
        stop: Instant,
        domain: Option<&str>,
    ) -> BTreeMap<String, Totals> {
        let mut out: BTreeMap<String, Totals> = BTreeMap::new();
        for kv in store.tree(R::BY_END).unwrap().iter() {
            let (k, v) = kv.unwrap();
            let idx = ReportIndex::decode(R::BY_END, &k, &v).unwrap();
            if stop >= start
                && overlaps(idx.begin, idx.end, start, stop)
                && domain.is_none_or(|d| d == idx.domain)
            {
                out.entry(idx.domain.clone())
                    .or_default()
                    .add(&idx.counts, &idx.kinds);
            }
        }
        out
    }

    fn dmarc_reports(rng: &mut Rng, n: usize) -> Vec<DomainFeedback> {
        (0..n)
            .map(|i| {
                let mut r = DomainFeedback::default();
                r.report_metadata.org_name = "test".into();
                r.report_metadata.report_id = format!("r{i}");
                r.domain = format!("d{}.example", rng.below(4));
                let length =
                    [0, 1, 3599, 3600, 86399, 86400, 7 * 86400, -3600][rng.below(8) as usize];
                let mut begin = T0 + rng.below(90 * 86400) - 86400;
                if rng.below(3) == 0 {
                    // Ending on an hour, where windows start and stop too.
                    begin = (begin / 3600) * 3600 - length;
                }
                r.report_metadata.date_range.begin = begin;
                r.report_metadata.date_range.end = begin + length;
                for _ in 0..rng.below(3) {
                    let mut rec = ReportRecord::default();
                    rec.row.count = rng.below(1000) as _;
                    rec.row.policy_evaluated.disposition =
                        ["none", "quarantine", "reject"][rng.below(3) as usize].into();
                    rec.row.policy_evaluated.dkim = ["pass", "fail"][rng.below(2) as usize].into();
                    rec.row.policy_evaluated.spf = ["pass", "fail"][rng.below(2) as usize].into();
                    if rng.below(3) == 0 {
                        let kind = ["forwarded", "local_policy"][rng.below(2) as usize];
                        rec.row.policy_evaluated.reasons.push(
                            sherpa_admin::api::PolicyOverrideReason {
                                r#type: kind.into(),
                                ..Default::default()
                            },
                        );
                    }
                    r.records.push(rec);
                }
                r
            })
            .collect()
    }

    /// Windows of every kind: random, on bucket boundaries and a second off them, empty,
    /// backwards, and all of time.
    fn windows(rng: &mut Rng) -> Vec<(Instant, Instant)> {
        let mut w = vec![
            ((0, 0), (4_102_444_800, 0)),
            ((T0, 0), (T0, 0)),
            ((T0 + 10, 0), (T0, 0)),
        ];
        for _ in 0..400 {
            let mut point = || {
                let base = match rng.below(4) {
                    0 => T0 + rng.below(92 * 86400) - 86400,
                    1 => (T0 / 86400 + rng.below(92)) * 86400,
                    2 => (T0 / 3600 + rng.below(92 * 24)) * 3600,
                    _ => (T0 / (32 * 86400) + rng.below(4)) * 32 * 86400,
                };
                base + rng.below(3) - 1
            };
            let (a, b) = (point(), point());
            w.push(((a.min(b), 0), (a.max(b), 0)));
        }
        w
    }

    #[test]
    fn summaries_are_the_sums_of_the_overlapping_reports() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let mut rng = Rng(0x5eed);
        // Two batches, so buckets are added to as well as created.
        for _ in 0..2 {
            dmarc_add(&store, dmarc_reports(&mut rng, 600)).unwrap();
        }
        assert!(!stale::<DomainFeedback>(&store).unwrap());
        let mut nonempty = 0;
        for (start, stop) in windows(&mut rng) {
            for domain in [None, Some("d1.example"), Some("none.example")] {
                let want = by_hand::<DomainFeedback>(&store, start, stop, domain);
                let got = summarize::<DomainFeedback>(&store, start, stop, domain).unwrap();
                assert_eq!(got, want, "{start:?}..{stop:?} {domain:?}");
                nonempty += usize::from(!want.is_empty());
            }
        }
        assert!(nonempty > 300, "the windows hit reports: {nonempty}");
        // The same from a rebuild, which finds nothing to correct.
        assert_eq!(
            rebuild::<DomainFeedback>(&store).unwrap(),
            Rebuilt::Unchanged
        );
    }

    #[test]
    fn tls_periods_with_fractions_of_seconds() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let mut rng = Rng(77);
        let at = |s, ns| sherpa_admin::runtime::Timestamp::from_unix(s, ns).unwrap();
        let reports: Vec<TLSReportRecord> = (0..400)
            .map(|i| {
                let mut r = TLSReportRecord::default();
                r.report.organization_name = "test".into();
                r.report.report_id = format!("t{i}");
                r.domain = format!("d{}.example", rng.below(3));
                let begin = T0 + rng.below(40 * 86400);
                let end = begin + [0, 3600, 86400][rng.below(3) as usize];
                r.report.date_range.start = at(begin, rng.below(2) as u32 * 500_000_000);
                r.report.date_range.end = at(end, rng.below(2) as u32 * 500_000_000);
                let mut p = sherpa_admin::api::Result::default();
                p.summary.total_successful_session_count = rng.below(50);
                p.summary.total_failure_session_count = rng.below(5);
                r.report.policies.push(p);
                r
            })
            .collect();
        tls_add(&store, reports).unwrap();
        for (start, stop) in windows(&mut rng) {
            for (s, t) in [
                (start, stop),
                ((start.0, 500_000_000), (stop.0, 500_000_000)),
            ] {
                let want = by_hand::<TLSReportRecord>(&store, s, t, None);
                let got = summarize::<TLSReportRecord>(&store, s, t, None).unwrap();
                assert_eq!(got, want, "{s:?}..{t:?}");
            }
        }
    }

    #[test]
    fn stale_totals_are_not_read_and_a_repair_corrects_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let mut rng = Rng(9);
        dmarc_add(&store, dmarc_reports(&mut rng, 200)).unwrap();
        let all = ((0, 0), (4_102_444_800, 0));
        let want = by_hand::<DomainFeedback>(&store, all.0, all.1, None);
        // An addition cut off: one bucket lost, the pending counter left up.
        let first = store.dmarc_totals.iter().keys().next().unwrap().unwrap();
        store.dmarc_totals.remove(first).unwrap();
        counter_step(&store.dmarc_totals, 1).unwrap();
        assert!(stale::<DomainFeedback>(&store).unwrap());
        assert_eq!(
            summarize::<DomainFeedback>(&store, all.0, all.1, None).unwrap(),
            want
        );
        assert_eq!(
            rebuild::<DomainFeedback>(&store).unwrap(),
            Rebuilt::Corrected
        );
        assert!(!stale::<DomainFeedback>(&store).unwrap());
        assert_eq!(
            summarize::<DomainFeedback>(&store, all.0, all.1, None).unwrap(),
            want
        );
        // A bucket that does not decode: the next addition leaves the totals stale.
        let keys: Vec<_> = store.dmarc_totals.range(..PENDING).keys().collect();
        for k in keys {
            store.dmarc_totals.insert(k.unwrap(), &b"junk"[..]).unwrap();
        }
        let mut more = dmarc_reports(&mut Rng(10), 50);
        for (i, r) in more.iter_mut().enumerate() {
            r.report_metadata.report_id = format!("more{i}");
        }
        dmarc_add(&store, more).unwrap();
        assert!(stale::<DomainFeedback>(&store).unwrap());
        let want = by_hand::<DomainFeedback>(&store, all.0, all.1, None);
        assert_eq!(
            summarize::<DomainFeedback>(&store, all.0, all.1, None).unwrap(),
            want
        );
        assert_eq!(
            rebuild::<DomainFeedback>(&store).unwrap(),
            Rebuilt::Corrected
        );
        assert_eq!(
            summarize::<DomainFeedback>(&store, all.0, all.1, None).unwrap(),
            want
        );
        // A wrong bucket without the counter (a bug, a damaged store): found by comparing.
        let (k, _) = store.dmarc_totals.iter().next().unwrap().unwrap();
        let damaged = encode(k[0], 0, "d0.example", &Totals::default());
        store.dmarc_totals.insert(k, damaged).unwrap();
        assert_eq!(
            rebuild::<DomainFeedback>(&store).unwrap(),
            Rebuilt::Corrected
        );
        assert_eq!(
            rebuild::<DomainFeedback>(&store).unwrap(),
            Rebuilt::Unchanged
        );
    }

    #[test]
    fn totals_are_not_exported_and_are_built_again_after_an_import() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let mut rng = Rng(3);
        dmarc_add(&store, dmarc_reports(&mut rng, 50)).unwrap();
        let mut export = Vec::new();
        store.export(&mut export).unwrap();
        assert!(!String::from_utf8_lossy(&export).contains("dmarc_totals"));
        let dir2 = tempfile::tempdir().unwrap();
        let copy = open(dir2.path());
        copy.import(&export[..]).unwrap();
        assert!(
            stale::<DomainFeedback>(&copy).unwrap(),
            "import leaves them to be built"
        );
        crate::reports::repair_indexes_logged(&copy).unwrap();
        assert!(!stale::<DomainFeedback>(&copy).unwrap());
        let all = ((0, 0), (4_102_444_800, 0));
        assert_eq!(
            summarize::<DomainFeedback>(&copy, all.0, all.1, None).unwrap(),
            summarize::<DomainFeedback>(&store, all.0, all.1, None).unwrap(),
        );
    }

    #[test]
    fn plan_covers_the_interval_once_with_whole_aligned_buckets() {
        for (a, b) in [
            (0, 10),
            (1, 3600),
            (3599, 7201),
            (1_704_067_201, 1_704_067_200 + 200 * 86400),
            (-100_000, 5_000_000),
            (0, 4_102_444_800),
        ] {
            let (mut runs, mut rest) = (Vec::new(), Vec::new());
            plan(a, b, LEVELS.len() - 1, &mut runs, &mut rest);
            let mut parts: Vec<(i64, i64)> = rest.clone();
            for &(level, lo, hi) in &runs {
                let w = LEVELS[level as usize];
                assert_eq!(lo.rem_euclid(w), 0, "{a}..{b}: run start aligned");
                assert_eq!(hi.rem_euclid(w), 0, "{a}..{b}: run end aligned");
                parts.push((lo, hi));
            }
            parts.sort_unstable();
            let mut at = a;
            for (lo, hi) in parts {
                assert_eq!(lo, at, "{a}..{b}: no gap or overlap");
                assert!(hi > lo);
                at = hi;
            }
            assert_eq!(at, b);
            assert!(rest.iter().all(|(lo, hi)| hi - lo < 3600 * 2), "{rest:?}");
            assert!(runs.len() <= 5, "{runs:?}");
        }
    }
}
