//! Where an organizer's passphrases come from: the terminal, without echo, or,
//! for automation and tests, the first line of a file.
//!
//! A passphrase lives in a [`SecretString`] from the moment it is read, so it is
//! wiped when dropped; errors never repeat it.

use std::io;
use std::path::{Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// A new key's passphrase must be at least this many characters: scrypt slows a
/// guesser down, it does not make a short word safe.
pub const MIN_CHARS: usize = 8;

/// How many times a wrong passphrase may be typed at the terminal.
pub const TERMINAL_ATTEMPTS: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum PassphraseError {
    #[error(
        "there is no terminal to ask for the passphrase on; give it with --passphrase-file FILE \
         (meant for automation: the file holds the passphrase in clear)"
    )]
    NoTerminal,
    #[error("{0}: cannot read the passphrase file: {1}")]
    Read(String, io::Error),
    #[error("the passphrase is empty")]
    Empty,
    #[error(
        "the passphrase is too short: use at least {MIN_CHARS} characters, for example four or \
         five unrelated words"
    )]
    TooShort,
    #[error("the two passphrases differ; nothing was written")]
    Mismatch,
}

/// Where to read passphrases from.
#[derive(Clone, Debug)]
pub enum Passphrases {
    /// Ask on the controlling terminal, echo off (rpassword opens /dev/tty).
    Terminal,
    /// The first line of this file, for scripts and tests. Every protected key
    /// in one run is unlocked with it.
    File(PathBuf),
}

impl Passphrases {
    pub fn from_option(file: Option<&Path>) -> Self {
        match file {
            Some(p) => Passphrases::File(p.to_path_buf()),
            None => Passphrases::Terminal,
        }
    }

    /// True when a wrong passphrase can be typed again.
    pub fn can_retry(&self) -> bool {
        matches!(self, Passphrases::Terminal)
    }

    /// The passphrase for a new key: typed twice on a terminal, checked for length.
    pub fn new_passphrase(&self) -> Result<SecretString, PassphraseError> {
        let passphrase = match self {
            Passphrases::File(path) => read_file(path)?,
            Passphrases::Terminal => {
                eprintln!(
                    "Choose a passphrase for the new key (at least {MIN_CHARS} characters; \
                     several unrelated words are easy to remember and hard to guess)."
                );
                let first = prompt("Passphrase: ")?;
                check_strength(&first)?;
                let second = prompt("The same passphrase again: ")?;
                if first.expose_secret() != second.expose_secret() {
                    return Err(PassphraseError::Mismatch);
                }
                first
            }
        };
        check_strength(&passphrase)?;
        Ok(passphrase)
    }

    /// The passphrase of an existing key file, `name` being how to call it.
    pub fn existing(&self, name: &str) -> Result<SecretString, PassphraseError> {
        let passphrase = match self {
            Passphrases::File(path) => read_file(path)?,
            Passphrases::Terminal => prompt(&format!("Passphrase for {name}: "))?,
        };
        if passphrase.expose_secret().is_empty() {
            return Err(PassphraseError::Empty);
        }
        Ok(passphrase)
    }
}

fn check_strength(p: &SecretString) -> Result<(), PassphraseError> {
    match p.expose_secret().chars().count() {
        0 => Err(PassphraseError::Empty),
        n if n < MIN_CHARS => Err(PassphraseError::TooShort),
        _ => Ok(()),
    }
}

fn prompt(text: &str) -> Result<SecretString, PassphraseError> {
    rpassword::prompt_password(text)
        .map(SecretString::from)
        .map_err(|_| PassphraseError::NoTerminal)
}

/// The first line of `path`, without its line ending. Other white space is kept:
/// it may be part of the passphrase.
fn read_file(path: &Path) -> Result<SecretString, PassphraseError> {
    let bytes = Zeroizing::new(
        std::fs::read(path).map_err(|e| PassphraseError::Read(path.display().to_string(), e))?,
    );
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        PassphraseError::Read(
            path.display().to_string(),
            io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"),
        )
    })?;
    let line = text.split('\n').next().unwrap_or("");
    let line = line.strip_suffix('\r').unwrap_or(line);
    Ok(SecretString::from(line.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_file_gives_its_first_line_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        std::fs::write(&path, " correct horse battery \r\nsecond line\n").unwrap();
        let p = Passphrases::File(path.clone());
        assert_eq!(
            p.existing("k").unwrap().expose_secret(),
            " correct horse battery "
        );
        std::fs::write(&path, "short\n").unwrap();
        assert!(matches!(p.new_passphrase(), Err(PassphraseError::TooShort)));
        std::fs::write(&path, "\n").unwrap();
        assert!(matches!(p.existing("k"), Err(PassphraseError::Empty)));
    }

    #[test]
    fn errors_never_hold_the_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        std::fs::write(&path, "tiny").unwrap();
        let err = Passphrases::File(path).new_passphrase().unwrap_err();
        assert!(!err.to_string().contains("tiny"));
    }
}
