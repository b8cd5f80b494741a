//! Log entries: one per event, 33 bytes, naming no one.
//!
//! ```text
//! entry   = kind || SHA-256("undersign-log" || record_id)
//! kind    = 0x01 (signature added) | 0x02 (signature withdrawn)
//! ```
//! `record_id` is the store's key, itself `SHA-256("undersign-id" || code)`.
//! The second hash, with its own label, keeps the log from holding the store's
//! keys: an entry can be matched to an export's record only by hashing the
//! record's id, and to a signer only with their receipt code.

use sha2::{Digest, Sha256};

use crate::receipt::RecordId;

/// Bytes in one entry.
pub const ENTRY_LEN: usize = 33;

/// What happened to a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Added,
    Withdrawn,
}

impl Kind {
    pub fn byte(self) -> u8 {
        match self {
            Kind::Added => 0x01,
            Kind::Withdrawn => 0x02,
        }
    }
}

/// One event of the log. Ordered by its bytes, the order within a batch.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Entry([u8; ENTRY_LEN]);

/// The 32 bytes an entry says something about: a hash of a record id.
pub type Subject = [u8; 32];

/// An entry that is not 33 bytes with a known kind.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a log entry is malformed (it should be 33 bytes starting with 0x01 or 0x02)")]
pub struct BadEntry;

impl Entry {
    pub fn new(kind: Kind, id: &RecordId) -> Entry {
        let mut bytes = [0u8; ENTRY_LEN];
        bytes[0] = kind.byte();
        bytes[1..].copy_from_slice(&subject(id));
        Entry(bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Entry, BadEntry> {
        let bytes: [u8; ENTRY_LEN] = bytes.try_into().map_err(|_| BadEntry)?;
        match bytes[0] {
            0x01 | 0x02 => Ok(Entry(bytes)),
            _ => Err(BadEntry),
        }
    }

    pub fn as_bytes(&self) -> &[u8; ENTRY_LEN] {
        &self.0
    }

    pub fn kind(&self) -> Kind {
        if self.0[0] == 0x01 {
            Kind::Added
        } else {
            Kind::Withdrawn
        }
    }

    pub fn subject(&self) -> Subject {
        let mut s = [0u8; 32];
        s.copy_from_slice(&self.0[1..]);
        s
    }

    /// RFC 6962 leaf hash: `SHA-256(0x00 || entry)`.
    pub fn leaf_hash(&self) -> tlog_tiles::Hash {
        tlog_tiles::record_hash(&self.0)
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Entry({})", hex::encode(self.0))
    }
}

/// `SHA-256("undersign-log" || record_id)`: what the log says about a record.
pub fn subject(id: &RecordId) -> Subject {
    let mut h = Sha256::new();
    h.update(b"undersign-log");
    h.update(id.0);
    h.finalize().into()
}

/// The count a log implies: signatures added, minus those withdrawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub added: u64,
    pub withdrawn: u64,
}

impl Tally {
    /// The public count.
    pub fn count(&self) -> u64 {
        self.added.saturating_sub(self.withdrawn)
    }

    pub fn record(&mut self, entry: &Entry) {
        match entry.kind() {
            Kind::Added => self.added += 1,
            Kind::Withdrawn => self.withdrawn += 1,
        }
    }
}

/// A log that breaks its own rules: the count it implies would be wrong.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RuleError {
    #[error("entry {0} adds a signature the log already added")]
    AddedTwice(u64),
    #[error("entry {0} withdraws a signature the log never added")]
    WithdrawnUnknown(u64),
    #[error("entry {0} withdraws a signature the log already withdrew")]
    WithdrawnTwice(u64),
}

/// Every signature's state in a log, read in log order.
#[derive(Default)]
pub struct Ledger {
    /// Subject → (index of its add, index of its withdrawal).
    seen: std::collections::HashMap<Subject, (u64, Option<u64>)>,
    pub tally: Tally,
    next: u64,
}

/// Where one signature stands in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Added at this index and still counted.
    Counted(u64),
    /// Added, then withdrawn, at these indexes.
    Withdrawn(u64, u64),
    /// Not in the log.
    Absent,
}

impl Ledger {
    /// Reads the next entry, refusing what the server never writes: a second
    /// add, or a withdrawal of something not (or no longer) counted.
    pub fn push(&mut self, entry: &Entry) -> Result<(), RuleError> {
        let at = self.next;
        let subject = entry.subject();
        match (entry.kind(), self.seen.get_mut(&subject)) {
            (Kind::Added, None) => {
                self.seen.insert(subject, (at, None));
            }
            (Kind::Added, Some(_)) => return Err(RuleError::AddedTwice(at)),
            (Kind::Withdrawn, None) => return Err(RuleError::WithdrawnUnknown(at)),
            (Kind::Withdrawn, Some((_, Some(_)))) => return Err(RuleError::WithdrawnTwice(at)),
            (Kind::Withdrawn, Some((_, w))) => *w = Some(at),
        }
        self.tally.record(entry);
        self.next += 1;
        Ok(())
    }

    pub fn standing(&self, subject: &Subject) -> Standing {
        match self.seen.get(subject) {
            None => Standing::Absent,
            Some((added, None)) => Standing::Counted(*added),
            Some((added, Some(w))) => Standing::Withdrawn(*added, *w),
        }
    }

    /// Every subject the log added, with whether it was withdrawn since.
    pub fn subjects(&self) -> impl Iterator<Item = (&Subject, bool)> {
        self.seen.iter().map(|(s, (_, w))| (s, w.is_some()))
    }

    pub fn len(&self) -> u64 {
        self.next
    }

    pub fn is_empty(&self) -> bool {
        self.next == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_the_kind_then_the_labelled_hash_of_the_id() {
        let id = RecordId([7; 32]);
        let e = Entry::new(Kind::Added, &id);
        let mut h = Sha256::new();
        h.update(b"undersign-log");
        h.update([7u8; 32]);
        let want: [u8; 32] = h.finalize().into();
        assert_eq!(e.as_bytes()[0], 0x01);
        assert_eq!(&e.as_bytes()[1..], &want);
        assert_eq!(Entry::new(Kind::Withdrawn, &id).as_bytes()[0], 0x02);
        // The entry never holds the store's key itself.
        assert_ne!(&e.as_bytes()[1..], &id.0);
        assert_eq!(Entry::from_bytes(e.as_bytes()).unwrap(), e);
        assert_eq!(Entry::from_bytes(&[0x03; 33]), Err(BadEntry));
        assert_eq!(Entry::from_bytes(&[0x01; 32]), Err(BadEntry));
    }

    #[test]
    fn the_leaf_hash_is_rfc_6962() {
        let e = Entry::new(Kind::Added, &RecordId([1; 32]));
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(e.as_bytes());
        let want: [u8; 32] = h.finalize().into();
        assert_eq!(e.leaf_hash().0, want);
    }

    #[test]
    fn a_ledger_counts_and_refuses_impossible_histories() {
        let a = Entry::new(Kind::Added, &RecordId([1; 32]));
        let b = Entry::new(Kind::Added, &RecordId([2; 32]));
        let wa = Entry::new(Kind::Withdrawn, &RecordId([1; 32]));
        let mut l = Ledger::default();
        for e in [a, b, wa] {
            l.push(&e).unwrap();
        }
        assert_eq!(l.tally.count(), 1);
        assert_eq!(l.standing(&a.subject()), Standing::Withdrawn(0, 2));
        assert_eq!(l.standing(&b.subject()), Standing::Counted(1));
        assert_eq!(l.push(&a), Err(RuleError::AddedTwice(3)));
        assert_eq!(l.push(&wa), Err(RuleError::WithdrawnTwice(3)));
        let wc = Entry::new(Kind::Withdrawn, &RecordId([3; 32]));
        assert_eq!(l.push(&wc), Err(RuleError::WithdrawnUnknown(3)));
    }

    #[test]
    fn entries_sort_adds_before_withdrawals() {
        let w = Entry::new(Kind::Withdrawn, &RecordId([0; 32]));
        let a = Entry::new(Kind::Added, &RecordId([255; 32]));
        assert!(a < w);
    }
}
