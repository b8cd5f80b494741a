//! Files that appear whole or not at all: written beside their destination
//! as `<name>.partial`, synced, then linked into place. A crash, a full disk
//! or a failed check leaves no half-written export under the final name.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::offline::private_file;

pub struct AtomicFile {
    target: PathBuf,
    partial: PathBuf,
    overwrite: bool,
    out: Option<BufWriter<File>>,
}

/// Where [`AtomicFile`] writes before putting the file at `target`.
pub fn partial_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    target.with_file_name(name)
}

impl AtomicFile {
    /// Fails at once when `target` exists and `overwrite` is off, before any work.
    pub fn create(target: &Path, overwrite: bool) -> io::Result<AtomicFile> {
        if !overwrite && target.exists() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} already exists (never overwritten; remove it or pass --force)",
                    target.display()
                ),
            ));
        }
        let partial = partial_path(target);
        // A .partial left by an interrupted run is ours to replace; removed
        // first and created anew, so a symlink planted there is not followed.
        match std::fs::remove_file(&partial) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("{}: {e}", partial.display()),
                ));
            }
            _ => {}
        }
        let file = private_file(&partial, false)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", partial.display())))?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            partial,
            overwrite,
            out: Some(BufWriter::with_capacity(256 * 1024, file)),
        })
    }

    pub fn partial_path(&self) -> &Path {
        &self.partial
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes and syncs the data now, so that [`commit`](Self::commit) has
    /// only to put the file in place: a run that writes several files syncs
    /// them all (where a full disk shows) before it places any.
    pub fn sync(&mut self) -> io::Result<()> {
        let out = self.out.as_mut().expect("not committed");
        out.flush()?;
        out.get_ref().sync_all()
    }

    /// Syncs the data, then puts the file in place (without replacing an
    /// existing one unless overwriting), then syncs the folder entry.
    pub fn commit(mut self) -> io::Result<()> {
        let out = self.out.take().expect("committed once");
        let placed = self.place(out);
        if placed.is_err() {
            let _ = std::fs::remove_file(&self.partial);
        }
        placed
    }

    fn place(&self, out: BufWriter<File>) -> io::Result<()> {
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        if self.overwrite {
            std::fs::rename(&self.partial, &self.target)?;
        } else {
            // link() refuses an existing target, unlike rename(): no race.
            match std::fs::hard_link(&self.partial, &self.target) {
                Ok(()) => {
                    // In place already; a leftover .partial is only untidy.
                    let _ = std::fs::remove_file(&self.partial);
                }
                // FAT and exFAT (USB sticks) have no hard links: check, then rename.
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::PermissionDenied | io::ErrorKind::Unsupported
                    ) && !self.target.exists() =>
                {
                    std::fs::rename(&self.partial, &self.target)?;
                }
                Err(e) => {
                    return Err(io::Error::new(
                        e.kind(),
                        format!("{}: {e}", self.target.display()),
                    ));
                }
            }
        }
        let folder = match self.target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(folder)?.sync_all()
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.as_mut().expect("not committed").write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.as_mut().expect("not committed").flush()
    }
}

/// An uncommitted file is removed: nothing half-done stays behind.
impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("export.jsonl");
        let mut f = AtomicFile::create(&target, false).unwrap();
        f.write_all(b"half").unwrap();
        assert!(!target.exists());
        drop(f);
        assert!(!target.exists() && !dir.path().join("export.jsonl.partial").exists());

        let mut f = AtomicFile::create(&target, false).unwrap();
        f.write_all(b"whole").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
        assert!(
            AtomicFile::create(&target, false).is_err(),
            "never overwritten"
        );

        let mut f = AtomicFile::create(&target, true).unwrap();
        f.write_all(b"again").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"again");

        // A symlink planted where the .partial goes is replaced, not followed.
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let other = dir.path().join("other.jsonl");
        std::os::unix::fs::symlink(&victim, dir.path().join("other.jsonl.partial")).unwrap();
        let mut f = AtomicFile::create(&other, false).unwrap();
        f.write_all(b"new").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(std::fs::read(&other).unwrap(), b"new");
    }
}
