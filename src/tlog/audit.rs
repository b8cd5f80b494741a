//! Does an export agree with the public log?
//!
//! The organizers hold the export (every stored record's id, and in export
//! v2 the ids of withdrawn signatures); anyone holds the log. They agree when
//! every signature the log counts is in the export or withdrawn there, and
//! every record of the export is counted by the log. A record the log never
//! added was kept out of the public count; a counted signature the export
//! lacks was dropped (or purged after an earlier export: compare with that
//! one too).

use std::collections::HashSet;

use super::entry::{Ledger, Standing, Subject, subject};
use crate::receipt::RecordId;

/// How an export and a log compare. Counts only: the log names no one.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Agreement {
    /// Signatures the log counts (added, not withdrawn).
    pub counted: u64,
    /// Records in the export.
    pub records: u64,
    /// Records of the export that the log counts.
    pub matched: u64,
    /// Records of the export the log never added.
    pub unlogged: u64,
    /// Records of the export the log says were withdrawn.
    pub withdrawn_in_log: u64,
    /// Signatures the log counts that the export lists as withdrawn
    /// (withdrawn on another instance, where the record was).
    pub withdrawn_in_export: u64,
    /// Signatures the log counts that the export neither holds nor lists as withdrawn.
    pub missing: u64,
}

impl Agreement {
    pub fn agrees(&self) -> bool {
        self.unlogged == 0 && self.withdrawn_in_log == 0 && self.missing == 0
    }
}

/// Compares a log (read into a [`Ledger`]) with an export's record ids and
/// withdrawn ids.
pub fn compare(
    log: &Ledger,
    records: impl IntoIterator<Item = RecordId>,
    withdrawn: impl IntoIterator<Item = RecordId>,
) -> Agreement {
    let mut a = Agreement {
        counted: log.tally.count(),
        ..Agreement::default()
    };
    let mut held: HashSet<Subject> = HashSet::new();
    for id in records {
        let s = subject(&id);
        a.records += 1;
        match log.standing(&s) {
            Standing::Counted(_) => a.matched += 1,
            Standing::Withdrawn(..) => a.withdrawn_in_log += 1,
            Standing::Absent => a.unlogged += 1,
        }
        held.insert(s);
    }
    let gone: HashSet<Subject> = withdrawn.into_iter().map(|id| subject(&id)).collect();
    for (s, withdrawn) in log.subjects() {
        if withdrawn || held.contains(s) {
            continue;
        }
        if gone.contains(s) {
            a.withdrawn_in_export += 1;
        } else {
            a.missing += 1;
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlog::entry::{Entry, Kind};

    fn id(n: u8) -> RecordId {
        RecordId([n; 32])
    }

    fn ledger(events: &[(Kind, u8)]) -> Ledger {
        let mut l = Ledger::default();
        for (k, n) in events {
            l.push(&Entry::new(*k, &id(*n))).unwrap();
        }
        l
    }

    #[test]
    fn an_honest_export_agrees() {
        let log = ledger(&[(Kind::Added, 1), (Kind::Added, 2), (Kind::Withdrawn, 2)]);
        let a = compare(&log, [id(1)], [id(2)]);
        assert!(a.agrees(), "{a:?}");
        assert_eq!((a.counted, a.matched), (1, 1));
        // Export v1 has no withdrawn ids: the log's own withdrawal suffices.
        assert!(compare(&log, [id(1)], []).agrees());
    }

    #[test]
    fn every_kind_of_disagreement_is_counted() {
        let log = ledger(&[(Kind::Added, 1), (Kind::Added, 2), (Kind::Withdrawn, 2)]);
        // A record the log never saw: kept out of the public count.
        assert_eq!(compare(&log, [id(1), id(3)], []).unlogged, 1);
        // A withdrawn signature still in the export.
        assert_eq!(compare(&log, [id(1), id(2)], []).withdrawn_in_log, 1);
        // A counted signature the export lacks.
        let a = compare(&log, [], []);
        assert_eq!(a.missing, 1);
        assert!(!a.agrees());
        // …unless the export says it was withdrawn (on another instance).
        let a = compare(&log, [], [id(1)]);
        assert_eq!((a.missing, a.withdrawn_in_export), (0, 1));
        assert!(a.agrees());
    }
}
