//! undersign: a petition signature collector that keeps no readable signer data.
//!
//! Each signature is turned into a padded [`record`], sealed with age to the
//! organizers' public keys ([`seal`]) and only then handed to [`store`]. The
//! offline half ([`offline`]) reads an [`export`] and decrypts it on the
//! organizer's own machine.
//!
//! The signing path reads top to bottom: `web::sign` → `record` → `seal` → `store`.
#![forbid(unsafe_code)]

pub mod atomic;
pub mod config;
pub mod export;
pub mod guard;
pub mod i18n;
pub mod layout;
pub mod merge;
pub mod metrics;
pub mod offline;
pub mod receipt;
pub mod record;
pub mod remote;
pub mod retention;
pub mod seal;
pub mod store;
pub mod tlog;
pub mod tlog_store;
pub mod verify;
pub mod web;

/// "1 record", "2 records": the organizer reads these lines.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Fails unless each file (from the project root) contains each text: for
/// bounds the docs promise in prose, so a changed constant cannot leave them
/// stale.
#[cfg(test)]
pub(crate) fn assert_docs_say(said: &[(&str, &[&str])]) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, needles) in said {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for needle in *needles {
            assert!(text.contains(needle), "{file} never says {needle:?}");
        }
    }
}
