//! Reading the organizer's key files for `decrypt` and `check`: plain age
//! identities, passphrase-protected ones (what `keygen --passphrase` writes) and
//! SSH private keys, with or without a passphrase.

use std::path::PathBuf;

use zeroize::Zeroizing;

use super::passphrase::{PassphraseError, Passphrases, TERMINAL_ATTEMPTS};
use crate::seal::{Identities, IdentityError, KeyKind};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error("{0}: {1}")]
    Passphrase(String, PassphraseError),
}

/// Loads every key file, asking for a passphrase only for the files that need one.
pub fn load(paths: &[PathBuf], passphrases: &Passphrases) -> Result<Identities, LoadError> {
    let mut ids = Identities::new();
    for path in paths {
        let name = path.display().to_string();
        let contents =
            Zeroizing::new(std::fs::read(path).map_err(|e| IdentityError::Read(name.clone(), e))?);
        match ids.add(&name, &contents) {
            Err(IdentityError::NeedsPassphrase(_)) => {
                unlock(&mut ids, &name, &contents, passphrases)?
            }
            other => other?,
        }
    }
    Ok(ids)
}

fn unlock(
    ids: &mut Identities,
    name: &str,
    contents: &[u8],
    passphrases: &Passphrases,
) -> Result<(), LoadError> {
    let attempts = if passphrases.can_retry() {
        TERMINAL_ATTEMPTS
    } else {
        1
    };
    let mut last = None;
    for attempt in 1..=attempts {
        let passphrase = passphrases
            .existing(name)
            .map_err(|e| LoadError::Passphrase(name.into(), e))?;
        if KeyKind::of(contents) == KeyKind::AgeWithPassphrase && attempt == 1 {
            // scrypt takes about a second on purpose; say so rather than look frozen.
            eprintln!("undersign: unlocking {name}…");
        }
        match ids.add_with_passphrase(name, contents, &passphrase) {
            Ok(()) => return Ok(()),
            Err(e @ IdentityError::WrongPassphrase(_)) => {
                if attempt < attempts {
                    eprintln!("undersign: wrong passphrase, try again");
                }
                last = Some(e);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(last
        .unwrap_or_else(|| IdentityError::WrongPassphrase(name.into()))
        .into())
}
