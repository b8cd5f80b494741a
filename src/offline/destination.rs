//! Where decrypted output lands: standard output or a file readable only by its
//! owner, in the clear or, with `--encrypt-to`, as an age file so no plaintext
//! spreadsheet ever touches the disk.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Why an `--encrypt-to` recipient was refused. Never repeats the value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealToError {
    #[error(
        "--encrypt-to was given a SECRET key (AGE-SECRET-KEY-…): give the public age1… recipient instead"
    )]
    SecretKey,
    #[error("--encrypt-to takes an age1… recipient or an ssh-ed25519 / ssh-rsa public key line")]
    Invalid,
}

/// The recipients every output file is sealed to, from `--encrypt-to`.
pub struct SealTo {
    keys: Vec<Box<dyn age::Recipient + Send + Sync>>,
}

impl std::fmt::Debug for SealTo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealTo({} recipients)", self.keys.len())
    }
}

impl SealTo {
    pub fn parse(recipients: &[String]) -> Result<Option<SealTo>, SealToError> {
        let mut keys: Vec<Box<dyn age::Recipient + Send + Sync>> = Vec::new();
        for r in recipients {
            let r = r.trim();
            if r.to_ascii_uppercase().contains("AGE-SECRET-KEY-") {
                return Err(SealToError::SecretKey);
            }
            if let Ok(k) = r.parse::<age::x25519::Recipient>() {
                keys.push(Box::new(k));
            } else if let Ok(k) = r.parse::<age::ssh::Recipient>() {
                keys.push(Box::new(k));
            } else {
                return Err(SealToError::Invalid);
            }
        }
        Ok((!keys.is_empty()).then_some(SealTo { keys }))
    }
}

/// The bytes under a destination: the terminal/pipe or a private file.
pub enum Sink {
    Stdout(io::Stdout),
    File(File),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(s) => s.write(buf),
            Sink::File(f) => f.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(s) => s.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

/// One output, open for writing.
pub enum Destination {
    Plain(BufWriter<Sink>),
    Sealed(age::stream::StreamWriter<BufWriter<Sink>>),
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Destination::Plain(w) => w.write(buf),
            Destination::Sealed(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Destination::Plain(w) => w.flush(),
            Destination::Sealed(w) => w.flush(),
        }
    }
}

impl Destination {
    /// Opens `path` (`None` for standard output). A file is created with mode
    /// 0600, replacing an existing one.
    pub fn open(path: Option<&Path>, seal: Option<&SealTo>) -> io::Result<Destination> {
        let sink = match path {
            None => Sink::Stdout(io::stdout()),
            Some(p) => Sink::File(super::private_file(p, true)?),
        };
        let buffered = BufWriter::with_capacity(1 << 16, sink);
        Ok(match seal {
            None => Destination::Plain(buffered),
            Some(s) => {
                let enc = age::Encryptor::with_recipients(
                    s.keys.iter().map(|k| k.as_ref() as &dyn age::Recipient),
                )
                .map_err(io::Error::other)?;
                Destination::Sealed(enc.wrap_output(buffered)?)
            }
        })
    }

    /// Ends the age stream if any, flushes, and makes a file durable.
    pub fn finish(self) -> io::Result<()> {
        let buffered = match self {
            Destination::Plain(w) => w,
            Destination::Sealed(w) => w.finish()?,
        };
        match buffered.into_inner().map_err(|e| e.into_error())? {
            Sink::Stdout(mut s) => s.flush(),
            Sink::File(f) => f.sync_all(),
        }
    }
}

/// Files a run has created, removed again unless the run ends well: a failed
/// run leaves no partial spreadsheet behind.
#[derive(Default)]
pub struct Created {
    paths: Vec<PathBuf>,
    kept: bool,
}

impl Created {
    pub fn add(&mut self, path: &Path) {
        self.paths.push(path.to_path_buf());
    }

    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// The run ended well: keep every file.
    pub fn keep(mut self) -> Vec<PathBuf> {
        self.kept = true;
        std::mem::take(&mut self.paths)
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        if !self.kept {
            for p in &self.paths {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::ExposeSecret;

    #[test]
    fn encrypt_to_refuses_secret_keys_and_junk_without_echoing_them() {
        let id = age::x25519::Identity::generate();
        let secret = id.to_string().expose_secret().to_string();
        assert_eq!(
            SealTo::parse(std::slice::from_ref(&secret)).unwrap_err(),
            SealToError::SecretKey
        );
        assert!(!SealToError::SecretKey.to_string().contains(&secret));
        assert_eq!(
            SealTo::parse(&["age1nope".into()]).unwrap_err(),
            SealToError::Invalid
        );
        assert!(SealTo::parse(&[]).unwrap().is_none());
        assert!(
            SealTo::parse(&[id.to_public().to_string()])
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn a_sealed_file_opens_with_the_identity_and_holds_no_plaintext() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv.age");
        let id = age::x25519::Identity::generate();
        let seal = SealTo::parse(&[id.to_public().to_string()]).unwrap();
        let mut d = Destination::open(Some(&path), seal.as_ref()).unwrap();
        d.write_all(b"Canary,Person\n").unwrap();
        d.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("Canary"));
        assert_eq!(age::decrypt(&id, &bytes).unwrap(), b"Canary,Person\n");
    }

    #[test]
    fn created_files_are_removed_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, "x").unwrap();
        let mut c = Created::default();
        c.add(&a);
        drop(c);
        assert!(!a.exists());
        std::fs::write(&a, "x").unwrap();
        let mut c = Created::default();
        c.add(&a);
        c.keep();
        assert!(a.exists());
    }
}
