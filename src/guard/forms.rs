//! One form, one signature: every form the server hands out is accepted once.
//!
//! A form is named by its challenge token's random salt (the token is signed
//! by the server, so names cannot be forged). A submission takes the name; a
//! stored signature keeps it until the form expires anyway; a refusal or a
//! failed save gives it back, so the signer can press "Sign" again. A reload
//! of the receipt page, or a second tap on a slow connection, then finds the
//! name taken: it is told the form was already sent, and nothing is stored
//! twice. Only names live here, never anything about a signer, and only until
//! their forms expire, [`TAKEN_MAX`] at most (see [`Expiring`]).

use std::sync::Mutex;

use super::expiring::{Added, Expiring};

/// Form names held at most (about 4.5 MB): 18 signatures a second for a
/// form's whole lifetime. Beyond it, the oldest forms count as expired: their
/// page comes back with what was typed, to be sent again.
pub const TAKEN_MAX: usize = 1 << 17;

/// The names of forms in use or used, each until its form expires.
pub struct Forms {
    taken: Mutex<Expiring>,
}

impl Default for Forms {
    fn default() -> Self {
        Forms {
            taken: Mutex::new(Expiring::new(TAKEN_MAX)),
        }
    }
}

/// What taking a form found.
pub enum Take<'a> {
    /// Not sent before: held by this submission.
    Fresh(Ticket<'a>),
    /// Already sent, and its signature stored (or being stored).
    Sent,
    /// Older than the forms still remembered: as good as expired.
    Expired,
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
            taken.remove(self.name);
        }
    }
}

impl Forms {
    /// Takes the form named by `salt` (expiring at `expires`), or says it
    /// was already sent, or is too old to be told apart from one that was.
    pub fn take(&self, salt: &[u8; 16], expires: u64, now: u64) -> Take<'_> {
        let name = Expiring::name(salt);
        let added = self
            .taken
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .add(name, expires, now);
        match added {
            Added::Fresh => Take::Fresh(Ticket {
                forms: self,
                name,
                kept: false,
            }),
            Added::Present => Take::Sent,
            Added::TooOld => Take::Expired,
        }
    }

    /// Names held now (in use, or spent and not yet expired).
    pub fn len(&self) -> usize {
        self.taken.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn fresh(t: Take<'_>) -> Ticket<'_> {
        match t {
            Take::Fresh(ticket) => ticket,
            Take::Sent => panic!("taken already"),
            Take::Expired => panic!("too old"),
        }
    }

    #[test]
    fn a_kept_form_is_taken_until_it_expires() {
        let forms = Forms::default();
        let salt = [7u8; 16];
        fresh(forms.take(&salt, NOW + 100, NOW)).keep();
        assert!(
            matches!(forms.take(&salt, NOW + 100, NOW + 1), Take::Sent),
            "sent twice"
        );
        fresh(forms.take(&[8u8; 16], NOW + 100, NOW + 1));
        // Past its expiry (and a sweep), the name is forgotten.
        fresh(forms.take(&[9u8; 16], NOW + 500, NOW + 200));
        fresh(forms.take(&salt, NOW + 300, NOW + 201));
    }

    #[test]
    fn a_refused_or_failed_submission_gives_the_form_back() {
        let forms = Forms::default();
        let salt = [1u8; 16];
        {
            let _held = fresh(forms.take(&salt, NOW + 100, NOW));
            assert!(
                matches!(forms.take(&salt, NOW + 100, NOW), Take::Sent),
                "a second copy while the first is being stored"
            );
        }
        fresh(forms.take(&salt, NOW + 100, NOW));
    }

    #[test]
    fn spent_names_do_not_outlive_their_forms() {
        let forms = Forms::default();
        for i in 0..10_000u32 {
            let mut salt = [0u8; 16];
            salt[..4].copy_from_slice(&i.to_be_bytes());
            fresh(forms.take(&salt, NOW + 60, NOW)).keep();
        }
        assert_eq!(forms.len(), 10_000);
        fresh(forms.take(&[0xff; 16], NOW + 7200, NOW + 61)).keep();
        assert_eq!(forms.len(), 1);
    }

    #[test]
    fn a_flood_of_forms_is_capped_and_a_forgotten_one_comes_back_expired() {
        let forms = Forms::default();
        let salt = |i: u32| {
            let mut s = [0u8; 16];
            s[..4].copy_from_slice(&i.to_be_bytes());
            s
        };
        let n = TAKEN_MAX as u32 + 1000;
        for i in 0..n {
            // Forms issued one after the other, expiring in that order.
            fresh(forms.take(&salt(i), NOW + 7200 + u64::from(i) / 100, NOW)).keep();
        }
        assert!(forms.len() <= TAKEN_MAX);
        // The first form was forgotten: sent again, it is not taken as new.
        assert!(matches!(
            forms.take(&salt(0), NOW + 7200, NOW),
            Take::Expired
        ));
        assert!(matches!(
            forms.take(&salt(n - 1), NOW + 7200 + u64::from(n - 1) / 100, NOW),
            Take::Sent
        ));
    }
}
