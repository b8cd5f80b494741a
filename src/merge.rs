//! `undersign merge`: several exports of one petition (several instances, or
//! overlapping exports) into one, each record once, with a fresh trailer.
//!
//! A withdrawal holds across the inputs: the output lists every id withdrawn
//! in any of them, and drops every record with such an id, so an export taken
//! before a withdrawal (or on another instance) cannot bring the record back.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::export::{self, ExportError, Header, Item, Reader};
use crate::receipt::RecordId;

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{}: {cause}", path.display())]
    Export { path: PathBuf, cause: ExportError },
    #[error("{}: {cause}", path.display())]
    Open { path: PathBuf, cause: io::Error },
    #[error(
        "{} belongs to petition \"{}\", {} to \"{}\": only exports of one petition merge",
        first.display(), first_slug, other.display(), other_slug
    )]
    OtherPetition {
        first: PathBuf,
        first_slug: String,
        other: PathBuf,
        other_slug: String,
    },
    #[error(
        "{} was sealed to recipients [{}], {} to [{}]: merge exports made with the same keys",
        first.display(), first_keys, other.display(), other_keys
    )]
    OtherRecipients {
        first: PathBuf,
        first_keys: String,
        other: PathBuf,
        other_keys: String,
    },
    #[error(
        "{}: a record id also appears in an earlier export with a different ciphertext; \
         one of the exports was altered",
        path.display()
    )]
    Conflict { path: PathBuf },
    #[error("an export changed while it was being merged (was it being written?); try again")]
    Changed,
    #[error("writing the merged export: {0}")]
    Write(#[from] io::Error),
}

#[derive(Debug, PartialEq, Eq)]
pub struct Merged {
    pub records: u64,
    pub duplicates: u64,
    /// Distinct records dropped because their id is withdrawn in some input.
    pub withdrawn_dropped: u64,
    /// Withdrawn ids the output carries (the union of the inputs').
    pub withdrawn: u64,
    pub petition: String,
}

fn open(path: &Path) -> Result<Reader<BufReader<File>>, MergeError> {
    let file = File::open(path).map_err(|cause| MergeError::Open {
        path: path.to_path_buf(),
        cause,
    })?;
    Reader::new(BufReader::with_capacity(256 * 1024, file)).map_err(|cause| MergeError::Export {
        path: path.to_path_buf(),
        cause,
    })
}

/// Reads every input through (trailers verified, same petition and keys),
/// then writes every withdrawn id once and each record id once, in input
/// order, to `out`, leaving out the records whose id is withdrawn.
pub fn merge<W: Write>(inputs: &[PathBuf], out: W) -> Result<Merged, MergeError> {
    // Pass 1: verify everything and learn which records are kept, before a byte is written.
    let mut first: Option<(PathBuf, Header)> = None;
    let mut seen: HashMap<[u8; 32], [u8; 32]> = HashMap::new();
    // Sorted, so the output does not depend on hashing.
    let mut withdrawn: BTreeSet<[u8; 32]> = BTreeSet::new();
    let mut total = 0u64;
    for path in inputs {
        let mut reader = open(path)?;
        let header = reader.header().clone();
        match &first {
            None => first = Some((path.clone(), header)),
            Some((p, h)) if h.petition != header.petition => {
                return Err(MergeError::OtherPetition {
                    first: p.clone(),
                    first_slug: h.petition.clone(),
                    other: path.clone(),
                    other_slug: header.petition,
                });
            }
            Some((p, h)) if h.recipients != header.recipients => {
                return Err(MergeError::OtherRecipients {
                    first: p.clone(),
                    first_keys: h.recipients.clone(),
                    other: path.clone(),
                    other_keys: header.recipients,
                });
            }
            Some(_) => {}
        }
        while let Some(item) = reader.next_item() {
            let item = item.map_err(|cause| MergeError::Export {
                path: path.clone(),
                cause,
            })?;
            let entry = match item {
                Item::Withdrawn(id) => {
                    withdrawn.insert(id.0);
                    continue;
                }
                Item::Record(entry) => entry,
            };
            total += 1;
            let digest: [u8; 32] = Sha256::digest(entry.ciphertext.as_bytes()).into();
            if seen
                .insert(entry.record_id().0, digest)
                .is_some_and(|earlier| earlier != digest)
            {
                return Err(MergeError::Conflict { path: path.clone() });
            }
        }
    }
    let Some((_, mut header)) = first else {
        return Err(MergeError::Write(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no export to merge",
        )));
    };
    let distinct = seen.len() as u64;
    seen.retain(|id, _| !withdrawn.contains(id));
    let withdrawn_dropped = distinct - seen.len() as u64;
    header.count = seen.len() as u64;
    header.v = export::VERSION;

    // Pass 2: the withdrawn ids, then the first occurrence of each kept id.
    // The readers check every trailer again, so a file changed in between
    // fails rather than slips in.
    let mut writer = export::Writer::new(out, &header)?;
    for id in &withdrawn {
        writer.withdrawn(&RecordId(*id))?;
    }
    for path in inputs {
        let mut reader = open(path)?;
        while let Some(item) = reader.next_item() {
            let item = item.map_err(|cause| MergeError::Export {
                path: path.clone(),
                cause,
            })?;
            if let Item::Record(entry) = item {
                let id = entry.record_id();
                if seen.remove(&id.0).is_some() {
                    writer.record(&id, entry.ciphertext.as_bytes())?;
                }
            }
        }
    }
    // Every record kept in pass 1 must have been written: a file replaced in
    // between could otherwise drop records without a word.
    if !seen.is_empty() {
        return Err(MergeError::Changed);
    }
    let written = writer.finish()?;
    Ok(Merged {
        records: written.records,
        duplicates: total - distinct,
        withdrawn_dropped,
        withdrawn: written.withdrawn,
        petition: header.petition,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, petition: &str, records: &[([u8; 32], &[u8])]) -> PathBuf {
        write_v(dir, name, petition, 1, &[], records)
    }

    fn write_v(
        dir: &Path,
        name: &str,
        petition: &str,
        v: u32,
        withdrawn: &[[u8; 32]],
        records: &[([u8; 32], &[u8])],
    ) -> PathBuf {
        let path = dir.join(name);
        let header = Header {
            v,
            ..Header::new(petition.into(), "beef".into(), records.len() as u64)
        };
        let mut w = export::Writer::new(File::create(&path).unwrap(), &header).unwrap();
        for id in withdrawn {
            w.withdrawn(&RecordId(*id)).unwrap();
        }
        for (id, ct) in records {
            w.record(&RecordId(*id), ct).unwrap();
        }
        w.finish().unwrap();
        path
    }

    /// The record ids and withdrawn ids of an export, in order.
    fn ids(data: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let mut reader = Reader::new(data).unwrap();
        let (mut records, mut withdrawn) = (Vec::new(), Vec::new());
        while let Some(item) = reader.next_item() {
            match item.unwrap() {
                Item::Withdrawn(id) => withdrawn.push(id.0[0]),
                Item::Record(e) => records.push(e.record_id().0[0]),
            }
        }
        (records, withdrawn)
    }

    #[test]
    fn a_record_withdrawn_in_any_input_is_dropped_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        // Before the withdrawal (a version 1 export, even) and after it.
        let before = write(
            dir.path(),
            "before",
            "p",
            &[([1; 32], b"one"), ([2; 32], b"two"), ([3; 32], b"three")],
        );
        let after = write_v(
            dir.path(),
            "after",
            "p",
            2,
            &[[2; 32], [9; 32]],
            &[([1; 32], b"one"), ([3; 32], b"three")],
        );
        for inputs in [[&before, &after], [&after, &before]] {
            let mut out = Vec::new();
            let merged = merge(&inputs.map(|p| p.clone()), &mut out).unwrap();
            assert_eq!(
                (
                    merged.records,
                    merged.duplicates,
                    merged.withdrawn_dropped,
                    merged.withdrawn
                ),
                (2, 2, 1, 2)
            );
            let (records, withdrawn) = ids(&out);
            let mut records = records;
            records.sort();
            assert_eq!(records, [1, 3]);
            assert_eq!(withdrawn, [2, 9], "the union, carried on");
            let (header, n) = export::verify(&out[..]).unwrap();
            assert_eq!((header.v, header.count, n), (export::VERSION, 2, 2));
        }
    }

    #[test]
    fn same_id_twice_is_kept_once_and_a_changed_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "a",
            "p",
            &[([1; 32], b"one"), ([2; 32], b"two")],
        );
        let b = write(
            dir.path(),
            "b",
            "p",
            &[([2; 32], b"two"), ([3; 32], b"three")],
        );
        let mut out = Vec::new();
        let merged = merge(&[a.clone(), b], &mut out).unwrap();
        assert_eq!((merged.records, merged.duplicates), (3, 1));
        let (header, n) = export::verify(&out[..]).unwrap();
        assert_eq!((header.count, n), (3, 3));

        let changed = write(dir.path(), "c", "p", &[([2; 32], b"TWO")]);
        let err = merge(&[a.clone(), changed], &mut Vec::new()).unwrap_err();
        assert!(matches!(err, MergeError::Conflict { .. }), "{err}");

        let other = write(dir.path(), "d", "q", &[([4; 32], b"four")]);
        let err = merge(&[a, other], &mut Vec::new()).unwrap_err();
        assert!(matches!(err, MergeError::OtherPetition { .. }), "{err}");
    }
}
