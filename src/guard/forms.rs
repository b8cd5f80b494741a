//! One form, one signature: every form the server hands out is accepted once.
//!
//! A form is named by its challenge token's random salt (the token is signed
//! by the server, so names cannot be forged). A submission takes the name; a
//! stored signature keeps it until the form expires anyway; a refusal or a
//! failed save gives it back, so the signer can press "Sign" again. A reload
//! of the receipt page, or a second tap on a slow connection, then finds the
//! name taken: it is told the form was already sent, and nothing is stored
//! twice. Only names live here, never anything about a signer, and only until
//! their forms expire: the map is bounded by the signing rate times
//! [`pow::LIFETIME_SECS`](super::pow::LIFETIME_SECS).

use std::collections::HashMap;
use std::sync::Mutex;

/// How often expired names are swept out (a sweep scans the whole map).
const SWEEP_EVERY_SECS: u64 = 60;

/// The names of forms in use or used, each until its form expires.
#[derive(Default)]
pub struct Forms {
    /// First 8 bytes of the salt → the form's expiry (Unix seconds). 64 bits
    /// of a random salt: two live forms sharing a name is a 1-in-10^12 event
    /// at a million forms.
    taken: Mutex<(HashMap<u64, u64>, u64)>,
}

impl std::fmt::Debug for Forms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Forms({} taken)", self.len())
    }
}

/// A form name held by one submission while it is checked and stored.
/// Dropping it without [`Ticket::keep`] gives the name back.
pub struct Ticket<'a> {
    forms: &'a Forms,
    name: u64,
    kept: bool,
}

impl Ticket<'_> {
    /// The signature is on disk: the form stays spent until it expires.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if !self.kept {
            let mut taken = self.forms.taken.lock().unwrap_or_else(|e| e.into_inner());
            taken.0.remove(&self.name);
        }
    }
}

fn name_of(salt: &[u8; 16]) -> u64 {
    u64::from_be_bytes(salt[..8].try_into().expect("8 bytes"))
}

impl Forms {
    /// Takes the form named by `salt` (expiring at `expires`), or says it
    /// was already sent.
    pub fn take(&self, salt: &[u8; 16], expires: u64, now: u64) -> Option<Ticket<'_>> {
        let name = name_of(salt);
        let mut guard = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        let (taken, next_sweep) = &mut *guard;
        if now >= *next_sweep {
            taken.retain(|_, exp| *exp > now);
            taken.shrink_to_fit();
            *next_sweep = now + SWEEP_EVERY_SECS;
        }
        if taken.insert(name, expires).is_some() {
            return None;
        }
        Some(Ticket {
            forms: self,
            name,
            kept: false,
        })
    }

    /// Names held now (in use, or spent and not yet expired).
    pub fn len(&self) -> usize {
        self.taken.lock().unwrap_or_else(|e| e.into_inner()).0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn a_kept_form_is_taken_until_it_expires() {
        let forms = Forms::default();
        let salt = [7u8; 16];
        forms.take(&salt, NOW + 100, NOW).unwrap().keep();
        assert!(
            forms.take(&salt, NOW + 100, NOW + 1).is_none(),
            "sent twice"
        );
        assert!(forms.take(&[8u8; 16], NOW + 100, NOW + 1).is_some());
        // Past its expiry (and a sweep), the name is forgotten.
        assert!(forms.take(&[9u8; 16], NOW + 500, NOW + 200).is_some());
        assert!(forms.take(&salt, NOW + 300, NOW + 201).is_some());
    }

    #[test]
    fn a_refused_or_failed_submission_gives_the_form_back() {
        let forms = Forms::default();
        let salt = [1u8; 16];
        {
            let _held = forms.take(&salt, NOW + 100, NOW).unwrap();
            assert!(
                forms.take(&salt, NOW + 100, NOW).is_none(),
                "a second copy while the first is being stored"
            );
        }
        assert!(forms.take(&salt, NOW + 100, NOW).is_some(), "given back");
    }

    #[test]
    fn spent_names_do_not_outlive_their_forms() {
        let forms = Forms::default();
        for i in 0..10_000u32 {
            let mut salt = [0u8; 16];
            salt[..4].copy_from_slice(&i.to_be_bytes());
            forms.take(&salt, NOW + 60, NOW).unwrap().keep();
        }
        assert_eq!(forms.len(), 10_000);
        forms
            .take(&[0xff; 16], NOW + 7200, NOW + 61)
            .unwrap()
            .keep();
        assert_eq!(forms.len(), 1);
    }
}
