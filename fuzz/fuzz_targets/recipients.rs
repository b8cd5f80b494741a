//! The recipients-file parser (`seal::Recipients::parse`) on any UTF-8 text.
//!
//! Properties: no input panics; an accepted file holds at least one recipient
//! and can seal a record; a refusal names a line that exists, is not blank or
//! a comment, and (for a secret key) really holds `AGE-SECRET-KEY-`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersign::seal::{Recipients, RecipientsError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Recipients::parse(text) {
        Ok(recipients) => {
            assert!(!recipients.is_empty());
            assert_eq!(recipients.fingerprint().len(), 32);
            recipients
                .seal(b"fuzz")
                .expect("every accepted recipient can seal");
        }
        Err(error) => {
            let n = match error {
                RecipientsError::Empty => return,
                RecipientsError::SecretKey(n)
                | RecipientsError::Invalid(n)
                | RecipientsError::Plugin(n) => n,
            };
            let line = text
                .lines()
                .nth(n - 1)
                .expect("the named line exists")
                .trim();
            assert!(!line.is_empty() && !line.starts_with('#'));
            if matches!(error, RecipientsError::SecretKey(_)) {
                assert!(line.to_ascii_uppercase().contains("AGE-SECRET-KEY-"));
            }
        }
    }
});
