//! The decryption pass: the export streamed once through every core.
//!
//! One thread reads the export (parsing, base64, the running SHA-256 the
//! trailer is checked against); rayon's workers open the records of each chunk
//! in parallel; one more thread keeps the order, decides the duplicates and
//! parks every record in the encrypted spool, while the workers open the next
//! chunk. Memory holds a few chunks at a time, whatever the size of the export.
//!
//! Every opened record is checked against the server's rules
//! ([`Record::from_untrusted`]): anyone holding the public keys can seal one.
//!
//! Records withdrawn by their signers never reach the decryption: the export
//! lists withdrawn ids before its records, and the reading thread drops (and
//! counts) every record with such an id.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;
use std::sync::mpsc;

use indicatif::ProgressBar;
use rayon::prelude::*;
use zeroize::Zeroizing;

use super::decrypt::DecryptError;
use super::review::{Keyer, Winners, is_suspicious};
use super::spool::Spool;
use crate::export::{self, Entry, ExportError, Header, Item};
use crate::layout;
use crate::record::Record;
use crate::seal::{Identities, OpenError};

/// Records per chunk: enough to keep every core busy, small enough to bound memory
/// (a chunk of ciphertexts is about 1.7 MB, of opened records a little more).
const CHUNK: usize = 512;
/// Chunks read ahead of the decryption.
const READ_AHEAD: usize = 3;
/// Decrypted chunks waiting to be parked.
const PARK_AHEAD: usize = 2;
/// Failed records named one by one; beyond that they are only counted.
pub const FAILURES_LISTED: usize = 1000;

/// What the decryption pass leaves for the writing pass.
pub struct Opened {
    pub header: Header,
    pub spool: Spool,
    pub winners: Winners,
    pub records: u64,
    /// Records dropped unopened because their signer withdrew them (not in `records`).
    pub withdrawn: u64,
    pub decrypted: u64,
    /// The first [`FAILURES_LISTED`] failures: record id and why.
    pub failures: Vec<(String, String)>,
    pub failed: u64,
    /// Failures because no identity matched (a wrong key, rather than damage).
    pub no_matching_key: u64,
    /// Opened records that break the server's rules (parked with why).
    pub malformed: u64,
}

/// How the decryption pass sorts records.
pub struct Rules<'a> {
    /// Records with one of these flags are marked suspicious (empty: none are).
    pub suspicious_flags: &'a [String],
}

/// The reason column of a malformed record: every rule it breaks, no value.
fn reason(broken: &[crate::record::Malformed]) -> String {
    let reasons: Vec<String> = broken.iter().map(ToString::to_string).collect();
    reasons.join("; ")
}

enum Outcome {
    Opened {
        record: Box<Record>,
        suspicious: bool,
        /// Why it is malformed; empty when it is not.
        malformed: String,
        key: Option<[u8; 16]>,
    },
    Failed {
        why: String,
        no_key: bool,
    },
}

pub fn open_all<R: BufRead + Send>(
    input: R,
    identities: &Identities,
    rules: &Rules<'_>,
    spool_dir: &Path,
    progress: &ProgressBar,
) -> Result<Opened, DecryptError> {
    let mut reader = export::Reader::new(input)?;
    let header = reader.header().clone();
    let petition = header.petition.as_str();
    progress.set_length(header.count);
    let spool = Spool::create(spool_dir)
        .map_err(|e| DecryptError::Spool(spool_dir.display().to_string(), e))?;
    let winners = Winners::default();
    let keyer = winners.keyer();

    let (counts, winners, spool, withdrawn) = std::thread::scope(|scope| {
        // Bounded: the reader runs at most READ_AHEAD chunks ahead of decryption,
        // which is what keeps memory flat however large the export.
        let (tx, rx) = mpsc::sync_channel::<Result<Vec<Entry>, ExportError>>(READ_AHEAD);
        let reading = scope.spawn(move || -> u64 {
            // Withdrawn ids come before the records, so this set is complete
            // before the first record arrives.
            let mut withdrawn = HashSet::new();
            let mut dropped = 0;
            let mut chunk = Vec::with_capacity(CHUNK);
            loop {
                match reader.next_item() {
                    Some(Ok(Item::Withdrawn(id))) => {
                        withdrawn.insert(id.0);
                    }
                    Some(Ok(Item::Record(entry))) => {
                        if withdrawn.contains(&entry.record_id().0) {
                            dropped += 1;
                            progress.inc(1);
                            continue;
                        }
                        chunk.push(entry);
                        if chunk.len() == CHUNK
                            && tx
                                .send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))))
                                .is_err()
                        {
                            return dropped;
                        }
                    }
                    Some(Err(e)) => {
                        let _ = tx.send(Err(e));
                        return dropped;
                    }
                    None => {
                        if !chunk.is_empty() {
                            let _ = tx.send(Ok(chunk));
                        }
                        return dropped;
                    }
                }
            }
        });
        // Parking keeps export order, so it runs on one thread of its own,
        // while the workers decrypt the next chunk: the cores never wait for it.
        let (to_park, parked) = mpsc::sync_channel::<(Vec<Entry>, Vec<Outcome>)>(PARK_AHEAD);
        let parking = scope.spawn(move || -> Result<(Counts, Winners, Spool), DecryptError> {
            let (mut counts, mut winners, mut spool) = (Counts::default(), winners, spool);
            for (chunk, outcomes) in parked {
                for (entry, outcome) in chunk.iter().zip(outcomes) {
                    let position = counts.records;
                    counts.records += 1;
                    match outcome {
                        Outcome::Opened {
                            record,
                            suspicious,
                            malformed,
                            key,
                        } => {
                            counts.decrypted += 1;
                            counts.malformed += u64::from(!malformed.is_empty());
                            // Suspicious and malformed records do not compete for their
                            // email: a bot or a forger using a real signer's address
                            // must not push them out.
                            if !suspicious && malformed.is_empty() {
                                winners.offer(key, &record.day, position, record.public);
                            }
                            spool
                                .park(position, &entry.id, suspicious, &malformed, key, &record)
                                .map_err(|e| {
                                    DecryptError::Spool(spool_dir.display().to_string(), e)
                                })?;
                        }
                        Outcome::Failed { why, no_key } => {
                            counts.failed += 1;
                            counts.no_matching_key += u64::from(no_key);
                            if counts.failures.len() < FAILURES_LISTED {
                                counts.failures.push((entry.id.clone(), why));
                            }
                        }
                    }
                }
                progress.inc(chunk.len() as u64);
            }
            Ok((counts, winners, spool))
        });
        // Leaving this loop early (an error) drops `rx`, which stops the
        // reader; a parking error shows as a closed channel.
        let decrypted = (|| -> Result<(), DecryptError> {
            for chunk in rx {
                let chunk = chunk?;
                let outcomes: Vec<Outcome> = chunk
                    .par_iter()
                    .map(|entry| open_one(identities, entry, rules, petition, &keyer))
                    .collect();
                if to_park.send((chunk, outcomes)).is_err() {
                    break;
                }
            }
            Ok(())
        })();
        drop(to_park);
        let parked = parking
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let withdrawn = reading.join().unwrap_or_default();
        decrypted?;
        let (counts, winners, spool) = parked?;
        Ok::<_, DecryptError>((counts, winners, spool, withdrawn))
    })?;
    Ok(Opened {
        header,
        spool,
        winners,
        records: counts.records,
        withdrawn,
        decrypted: counts.decrypted,
        failures: counts.failures,
        failed: counts.failed,
        no_matching_key: counts.no_matching_key,
        malformed: counts.malformed,
    })
}

#[derive(Default)]
struct Counts {
    records: u64,
    decrypted: u64,
    failures: Vec<(String, String)>,
    failed: u64,
    no_matching_key: u64,
    malformed: u64,
}

fn open_one(
    identities: &Identities,
    entry: &Entry,
    rules: &Rules<'_>,
    petition: &str,
    keyer: &Keyer,
) -> Outcome {
    let plain: Zeroizing<Vec<u8>> = match identities.open(entry.ciphertext.as_bytes()) {
        Ok(p) => p,
        Err(e) => {
            return Outcome::Failed {
                no_key: e == OpenError::NoMatchingKey,
                why: e.to_string(),
            };
        }
    };
    match read_record(identities, &plain, petition) {
        Ok((r, broken)) => Outcome::Opened {
            suspicious: is_suspicious(&r, rules.suspicious_flags),
            malformed: reason(&broken),
            key: keyer.key(&r),
            record: Box::new(r),
        },
        Err(Unread::Inner(e)) => Outcome::Failed {
            no_key: e == OpenError::NoMatchingKey,
            why: format!("the signer's sealed part: {e}"),
        },
        Err(Unread::NotARecord(e)) => Outcome::Failed {
            why: e.to_string(),
            no_key: false,
        },
    }
}

/// Why an opened record could not be read.
enum Unread {
    NotARecord(crate::record::NotARecord),
    /// The signer's part sealed in their browser did not open.
    Inner(OpenError),
}

/// A record of either format from its opened plaintext; a signer part sealed
/// in the signer's browser is opened with the same identities (its own layer).
fn read_record(
    identities: &Identities,
    plain: &[u8],
    petition: &str,
) -> Result<(Record, Vec<crate::record::Malformed>), Unread> {
    match layout::open(plain).map_err(Unread::NotARecord)? {
        layout::Opened::V1 => Record::from_untrusted(plain, petition).map_err(Unread::NotARecord),
        layout::Opened::V2 { facts, part } => {
            let opened;
            let signer = match facts.sealed {
                layout::Sealed::Server => part,
                layout::Sealed::Browser => {
                    opened = identities.open(part).map_err(Unread::Inner)?;
                    &opened[..]
                }
            };
            layout::record(&facts, signer, petition).map_err(Unread::NotARecord)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SECURITY.md row 39 and the data-flow notes promise these bounds in
    /// prose: a change to a constant must change those texts too.
    #[test]
    fn the_docs_state_the_chunk_bounds_this_code_uses() {
        let chunks = format!("chunks of {CHUNK} records");
        let ahead = format!("at most {READ_AHEAD} chunks read ahead");
        crate::assert_docs_say(&[
            ("SECURITY.md", &[&chunks, &ahead]),
            ("docs/dataflow.md", &[&chunks]),
        ]);
    }
}
