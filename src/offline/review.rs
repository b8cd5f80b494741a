//! Which records go in the spreadsheet and which are set aside for a person
//! to look at: duplicates (same normalized email), suspicious ones (flags
//! the anti-abuse checks wrote into the record) and malformed ones (records
//! the server could not have written: see `record::Record::from_untrusted`).
//!
//! Nothing is ever silently lost: a record that is set aside goes to a review
//! file when there is one, and is always counted.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::record::Record;

/// Flags that set a record aside by default. `no_token` (the form's token was
/// missing) is not among them: it is what every signature sent through the JSON
/// interface carries, so it is reported and shown in the `flags` column instead.
pub const DEFAULT_SUSPICIOUS_FLAGS: [&str; 2] = ["honeypot", "too_fast"];

/// Where one record goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The spreadsheet (and the public list, if the signer opted in).
    Keep,
    /// Another record with the same email was kept instead.
    Duplicate,
    /// Its flags say a person should look at it first.
    Suspicious,
    /// It breaks the server's rules: forged, or sealed by a broken client.
    /// Always set aside with why, never kept, never in the public list.
    Malformed,
}

/// True when a record carries one of `suspicious_flags`.
pub fn is_suspicious(r: &Record, suspicious_flags: &[String]) -> bool {
    r.flags.iter().any(|f| suspicious_flags.contains(f))
}

/// For every normalized email, the record to keep: the earliest `day`, and among
/// records of the same day the first in the export.
///
/// Memory grows with the number of distinct emails (about 40 bytes each, some
/// 40 MB for a million signers): the price of deciding in one decryption pass.
/// Only salted hashes are kept, never the emails, and the salt is made for this
/// run and never written, so the table is no lookup list of who signed.
pub struct Winners {
    keyer: Keyer,
    /// Per email: the record to keep (day, position), and whether every
    /// copy asked to be listed publicly.
    best: HashMap<[u8; 16], (u32, u64, bool)>,
}

impl Default for Winners {
    fn default() -> Self {
        Winners {
            keyer: Keyer {
                salt: rand::random(),
            },
            best: HashMap::new(),
        }
    }
}

/// Makes the comparison keys of one run (its salt, copied): the decryption
/// workers use it while the table of winners is filled elsewhere.
#[derive(Clone, Copy)]
pub struct Keyer {
    salt: [u8; 16],
}

impl Keyer {
    /// The comparison key of a record's email: a salted hash, `None` when the
    /// record has no email. Pure, so the decryption workers compute it in parallel.
    pub fn key(&self, r: &Record) -> Option<[u8; 16]> {
        let email = r.dedup_key();
        if email.is_empty() {
            // No email, nothing to compare: never a duplicate.
            return None;
        }
        let digest = Sha256::new()
            .chain_update(self.salt)
            .chain_update(email.as_bytes())
            .finalize();
        let mut key = [0; 16];
        key.copy_from_slice(&digest[..16]);
        Some(key)
    }
}

impl Winners {
    /// See [`Keyer::key`].
    pub fn key(&self, r: &Record) -> Option<[u8; 16]> {
        self.keyer.key(r)
    }

    /// This run's key maker.
    pub fn keyer(&self) -> Keyer {
        self.keyer
    }

    /// Records a candidate seen at `position` (export order), with its
    /// [`key`](Self::key) and its signer's "list me publicly" choice.
    pub fn offer(&mut self, key: Option<[u8; 16]>, day: &str, position: u64, public: bool) {
        let Some(key) = key else { return };
        let day = day_number(day);
        self.best
            .entry(key)
            .and_modify(|best| {
                if (day, position) < (best.0, best.1) {
                    (best.0, best.1) = (day, position);
                }
                best.2 &= public;
            })
            .or_insert((day, position, public));
    }

    /// True when the record at `position` is the one to keep for its email.
    pub fn is_winner(&self, key: Option<[u8; 16]>, position: u64) -> bool {
        match key {
            None => true,
            Some(key) => self.best.get(&key).is_none_or(|&(_, p, _)| p == position),
        }
    }

    /// True unless one copy of this email's signatures did not ask to be
    /// listed publicly. Consent to be named must hold in every copy: which
    /// copy is kept is an accident of dates and order, and a signer who
    /// signed again without ticking the box may have changed their mind.
    pub fn every_copy_public(&self, key: Option<[u8; 16]>) -> bool {
        match key {
            None => true,
            Some(key) => self.best.get(&key).is_none_or(|&(_, _, public)| public),
        }
    }
}

/// `YYYY-MM-DD` as a sortable number; anything else sorts after every real day,
/// so a malformed date never wins over a real one.
pub fn day_number(day: &str) -> u32 {
    let b = day.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !ok {
        return u32::MAX;
    }
    day.bytes()
        .filter(u8::is_ascii_digit)
        .fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(email: &str, day: &str) -> Record {
        Record::from_json(
            format!(r#"{{"v":1,"petition":"p","first_name":"F","last_name":"L","email":"{email}","lang":"en","day":"{day}","check":"none"}}"#)
                .as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn the_earliest_day_wins_then_the_first_seen() {
        let records = [
            rec("a@x.org", "2026-11-29"),
            rec(" A@X.org", "2026-11-28"),
            rec("a@x.org", "2026-11-28"),
            rec("b@x.org", "2026-11-30"),
            rec("", "2026-11-30"),
            rec("", "2026-11-30"),
        ];
        let mut w = Winners::default();
        for (i, r) in records.iter().enumerate() {
            w.offer(w.key(r), &r.day, i as u64, false);
        }
        let kept: Vec<bool> = records
            .iter()
            .enumerate()
            .map(|(i, r)| w.is_winner(w.key(r), i as u64))
            .collect();
        assert_eq!(kept, [false, true, false, true, true, true]);
    }

    #[test]
    fn a_signer_is_listed_only_when_every_copy_asked() {
        let mut w = Winners::default();
        let (once, twice) = (
            rec("once@x.org", "2026-11-28"),
            rec("twice@x.org", "2026-11-28"),
        );
        w.offer(w.key(&once), &once.day, 0, true);
        w.offer(w.key(&twice), &twice.day, 1, true);
        w.offer(w.key(&twice), &twice.day, 2, false);
        assert!(w.every_copy_public(w.key(&once)));
        assert!(!w.every_copy_public(w.key(&twice)));
        assert!(
            w.is_winner(w.key(&twice), 1),
            "the earliest copy is still the one kept"
        );
    }

    #[test]
    fn malformed_days_sort_last() {
        assert_eq!(day_number("2026-11-28"), 20261128);
        assert!(day_number("2026-11-28") < day_number("2027-01-01"));
        for bad in ["", "yesterday", "2026-1-28", "2026/11/28", "20261128xx"] {
            assert_eq!(day_number(bad), u32::MAX, "{bad}");
        }
    }

    #[test]
    fn only_listed_flags_are_suspicious() {
        let mut r = rec("a@x.org", "2026-11-28");
        let list: Vec<String> = DEFAULT_SUSPICIOUS_FLAGS.map(String::from).to_vec();
        assert!(!is_suspicious(&r, &list));
        r.flags = vec!["no_token".into()];
        assert!(!is_suspicious(&r, &list));
        r.flags = vec!["no_token".into(), "honeypot".into()];
        assert!(is_suspicious(&r, &list));
    }
}
