//! A saved copy of the log, for checks on a computer that stays offline.
//!
//! `undersign verify --save-log FILE` writes what it has just verified: the
//! log key, the signed checkpoint and every entry. `undersign decrypt --log
//! FILE` reads it back and, before comparing it with the export, checks it
//! again by itself: the signature under the saved key, the root rebuilt from
//! the entries, and the log's own rules. (Whether the key is the right one
//! was `verify`'s question, answered when the copy was made.)
//!
//! ```text
//! {"format":"undersign-log","v":1,"key":"<vkey>","checkpoint":"<signed note>","entries":["<66 hex>",…]}
//! ```

use serde::{Deserialize, Serialize};

use super::entry::{Entry, Ledger, RuleError};
use super::note::{Checkpoint, NoteError, open_checkpoint};
use super::tiles::MemoryTiles;

pub const FORMAT: &str = "undersign-log";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Saved {
    format: String,
    v: u32,
    key: String,
    checkpoint: String,
    entries: Vec<String>,
}

/// A saved log that does not hold together.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a log saved by `undersign verify --save-log`")]
    Format,
    #[error(transparent)]
    Checkpoint(#[from] NoteError),
    #[error("it holds {found} entries but its checkpoint has {expected}")]
    Size { expected: u64, found: u64 },
    #[error("its entries do not hash to its checkpoint's root: the copy was altered")]
    Root,
    // Not a `source`: the message already holds the cause, once.
    #[error("the log breaks its own rules: {0}")]
    Rules(RuleError),
}

/// The saved form of a verified log.
pub fn save(vkey: &str, checkpoint: &[u8], entries: &[Entry]) -> Vec<u8> {
    let saved = Saved {
        format: FORMAT.into(),
        v: 1,
        key: vkey.to_string(),
        checkpoint: String::from_utf8_lossy(checkpoint).into_owned(),
        entries: entries.iter().map(|e| hex::encode(e.as_bytes())).collect(),
    };
    let mut out = serde_json::to_vec(&saved).expect("serializes");
    out.push(b'\n');
    out
}

/// Reads a saved log and checks it again: signature, root, rules.
pub fn open(bytes: &[u8]) -> Result<(Checkpoint, Ledger), SnapshotError> {
    let saved: Saved = serde_json::from_slice(bytes).map_err(|_| SnapshotError::Format)?;
    if saved.format != FORMAT || saved.v != 1 {
        return Err(SnapshotError::Format);
    }
    let checkpoint = open_checkpoint(saved.checkpoint.as_bytes(), &saved.key)?;
    let mut entries = Vec::with_capacity(saved.entries.len());
    for e in &saved.entries {
        let bytes = hex::decode(e).map_err(|_| SnapshotError::Format)?;
        entries.push(Entry::from_bytes(&bytes).map_err(|_| SnapshotError::Format)?);
    }
    if entries.len() as u64 != checkpoint.size {
        return Err(SnapshotError::Size {
            expected: checkpoint.size,
            found: entries.len() as u64,
        });
    }
    let root = MemoryTiles::default()
        .append(0, &entries)
        .map_err(|_| SnapshotError::Root)?;
    if root != checkpoint.root {
        return Err(SnapshotError::Root);
    }
    let mut ledger = Ledger::default();
    for e in &entries {
        ledger.push(e).map_err(SnapshotError::Rules)?;
    }
    Ok((checkpoint, ledger))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::RecordId;
    use crate::tlog::Kind;
    use crate::tlog::note::LogKey;

    #[test]
    fn a_saved_log_reopens_and_an_altered_one_does_not() {
        let (key, _) = LogKey::generate("example.org/p").unwrap();
        let entries: Vec<Entry> = (0..5u8)
            .map(|i| Entry::new(Kind::Added, &RecordId([i; 32])))
            .collect();
        let root = MemoryTiles::default().append(0, &entries).unwrap();
        let note = key.sign(5, root);
        let saved = save(key.vkey(), &note, &entries);
        let (cp, ledger) = open(&saved).unwrap();
        assert_eq!((cp.size, ledger.tally.count()), (5, 5));
        // One entry dropped: the checkpoint no longer matches.
        let short = save(key.vkey(), &note, &entries[1..]);
        assert!(matches!(open(&short), Err(SnapshotError::Size { .. })));
        // One entry replaced: the root no longer matches.
        let mut other = entries.clone();
        other[2] = Entry::new(Kind::Added, &RecordId([9; 32]));
        assert!(matches!(
            open(&save(key.vkey(), &note, &other)),
            Err(SnapshotError::Root)
        ));
        assert!(matches!(open(b"{}"), Err(SnapshotError::Format)));
    }
}
