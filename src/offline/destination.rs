//! Where decrypted output lands: standard output or a file readable only by its
//! owner, in the clear or, with `--encrypt-to`, as an age file so no plaintext
//! spreadsheet ever touches the disk.
//!
//! A file is written as a new file beside its final name (mode 0600 whatever
//! the old file's mode, never through a symlink) and only put in place, with
//! the run's other files, once all are whole ([`Pending`]): a failed run leaves
//! every file at an output path as it was.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::atomic::AtomicFile;

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
    File(AtomicFile),
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
    /// Opens `path` (`None` for standard output). A file is written new, with
    /// mode 0600, as `<path>.partial`; [`finish`](Self::finish) hands it back
    /// for [`Pending`] to put in place.
    pub fn open(path: Option<&Path>, seal: Option<&SealTo>) -> io::Result<Destination> {
        let sink = match path {
            None => Sink::Stdout(io::stdout()),
            Some(p) => Sink::File(AtomicFile::create(p, true)?),
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

    /// Ends the age stream if any and flushes. A file is synced and handed
    /// back, not yet in place: add it to the run's [`Pending`] files.
    pub fn finish(self) -> io::Result<Option<AtomicFile>> {
        let buffered = match self {
            Destination::Plain(w) => w,
            Destination::Sealed(w) => w.finish()?,
        };
        match buffered.into_inner().map_err(|e| e.into_error())? {
            Sink::Stdout(mut s) => s.flush().map(|()| None),
            Sink::File(mut f) => f.sync().map(|()| Some(f)),
        }
    }
}

/// The files of a run, whole and synced, waiting to be put in place together.
/// Dropped without [`commit`](Self::commit) (the run failed), each is removed
/// and every file at an output path stays as it was.
#[derive(Default)]
pub struct Pending {
    files: Vec<AtomicFile>,
}

impl Pending {
    pub fn add(&mut self, file: AtomicFile) {
        self.files.push(file);
    }

    /// Adds what [`Destination::finish`] hands back (nothing for standard output).
    pub fn extend(&mut self, file: Option<AtomicFile>) {
        self.files.extend(file);
    }

    /// Puts every file in place (a rename each, replacing whatever was at the
    /// path, a symlink included, without following it). If one cannot be
    /// placed, the files placed before it that are new are removed again:
    /// only a file this run replaced keeps its new content.
    pub fn commit(self) -> Result<(), (PathBuf, io::Error)> {
        let mut placed: Vec<(PathBuf, bool)> = Vec::new();
        for file in self.files {
            let target = file.target().to_path_buf();
            let existed = std::fs::symlink_metadata(&target).is_ok();
            if let Err(e) = file.commit() {
                for (p, existed) in placed {
                    if !existed {
                        let _ = std::fs::remove_file(p);
                    }
                }
                return Err((target, e));
            }
            placed.push((target, existed));
        }
        Ok(())
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
        let mut pending = Pending::default();
        pending.add(d.finish().unwrap().unwrap());
        pending.commit().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("Canary"));
        assert_eq!(age::decrypt(&id, &bytes).unwrap(), b"Canary,Person\n");
    }

    #[test]
    fn files_appear_only_when_committed_and_a_failed_run_leaves_old_files_as_they_were() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.csv");
        std::fs::write(&old, "old").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        let new = dir.path().join("new.csv");
        let write = |p: &Path, text: &[u8]| {
            let mut d = Destination::open(Some(p), None).unwrap();
            d.write_all(text).unwrap();
            d.finish().unwrap().unwrap()
        };

        // Not committed: nothing changes, nothing is left.
        let mut pending = Pending::default();
        pending.add(write(&old, b"fresh"));
        pending.add(write(&new, b"fresh"));
        drop(pending);
        assert_eq!(std::fs::read(&old).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        // Committed: new content, mode 0600 even over a 0644 file.
        let mut pending = Pending::default();
        pending.add(write(&old, b"fresh"));
        pending.add(write(&new, b"fresh"));
        pending.commit().unwrap();
        for p in [&old, &new] {
            assert_eq!(std::fs::read(p).unwrap(), b"fresh");
            let mode = std::fs::metadata(p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        // A file that cannot be placed (a folder took its name): the new file
        // placed before it is removed again.
        let later = dir.path().join("later.csv");
        let blocked = dir.path().join("blocked.csv");
        let mut pending = Pending::default();
        pending.add(write(&later, b"x"));
        pending.add(write(&blocked, b"x"));
        std::fs::create_dir(&blocked).unwrap();
        let (path, _) = pending.commit().unwrap_err();
        assert_eq!(path, blocked);
        assert!(!later.exists());
        assert!(!dir.path().join("blocked.csv.partial").exists());
    }
}
