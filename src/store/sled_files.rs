//! Where sled's files live (`sled/` in the data folder), who may touch them
//! (the holder of the folder's `lock`), and their rewrite into a fresh folder.
//!
//! Why a rewrite: sled 0.34 writes a log and reclaims a segment of it only
//! once half of it is garbage, and its background cleaning runs only with its
//! periodic flush, which the store leaves off (it flushes once per batch and
//! syncs). Measured at 200,000 signatures: 113 MB of sled files for 17 MB of
//! keys and values, and 125 MB after purging half. The garbage is earlier
//! versions of the buckets that batches rewrote, which can show which ids a
//! batch added (SECURITY.md). A rewrite copies every tree into a new database,
//! checks that both hold the same, and swaps the folders: the files shrink to
//! what they hold, and that history leaves with the old files.
//!
//! The swap is two renames, `sled` to `sled.old`, then `sled.new` to `sled`,
//! once the new folder is synced and checked; [`settle`] finishes one that a
//! crash interrupted, always keeping a whole copy. A data folder from before
//! this layout (sled's files at its top) is moved into `sled/` the same way,
//! once, when it is first opened.
//!
//! Releases before this layout open sled at the top of the data folder: on a
//! folder of this layout they would find no index and take every record file
//! for a leftover. So the top holds a folder named `db` where their sled
//! expects its log file ([`GUARD`]): their sled fails to open it, and they
//! stop with an error instead.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SLED: &str = "sled";
const NEW: &str = "sled.new";
const OLD: &str = "sled.old";
const LOCK: &str = "lock";
/// Where sled 0.34 at the top of the data folder would keep its log: a folder
/// there makes an older release's `sled::open` fail.
const GUARD: &str = "db";
const GUARD_NOTE: &str = "This folder is not a database: it stops undersign releases from \
before December 2026, which kept their database file here, from taking this data folder \
for an empty one. They refuse to open it instead. The database is in ../sled/.\n";

/// Trees copied per sled batch: bounds the memory a rewrite holds.
const BATCH: usize = 4096;

/// Why sled's files could not be claimed or rewritten.
#[derive(Debug, thiserror::Error)]
pub enum SledFilesError {
    #[error("in use")]
    InUse,
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        source: io::Error,
    },
    #[error("{0}")]
    Sled(#[from] sled::Error),
    #[error("sled had not closed its files 30 s after the last handle was dropped")]
    StillOpen,
    #[error("the copy does not hold what the database holds; the database is kept as it was")]
    Differs,
    /// The swap is done; only the old copy's removal failed (the next open retries).
    #[error("the old copy (sled.old) could not be removed ({0}); the next start removes it")]
    OldCopyLeft(io::Error),
}

/// Names the step an I/O error comes from.
trait Step<T> {
    fn step(self, what: &'static str) -> Result<T, SledFilesError>;
}

impl<T> Step<T> for io::Result<T> {
    fn step(self, what: &'static str) -> Result<T, SledFilesError> {
        self.map_err(|source| SledFilesError::Io { what, source })
    }
}

/// The data folder's lock, held for as long as a store is open: whoever holds
/// it alone may open, rewrite or move sled's files.
pub(crate) fn lock(dir: &Path) -> Result<File, SledFilesError> {
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK))
        .step("opening the lock file")?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(SledFilesError::InUse),
        Err(fs::TryLockError::Error(e)) => Err(e).step("locking the data folder"),
    }
}

/// With the folder's lock held: finishes an interrupted swap, moves an older
/// folder's sled files into `sled/`, guards the folder against older
/// releases, and returns sled's folder.
pub(crate) fn settle(
    dir: &Path,
    open: impl Fn(&Path) -> sled::Result<sled::Db>,
) -> Result<PathBuf, SledFilesError> {
    let (sled, new, old) = (dir.join(SLED), dir.join(NEW), dir.join(OLD));
    // sled's log file at the top: a folder from before `sled/`, or the
    // leftover of its move (the guard, a folder, is not).
    let top_level_sled = dir.join(GUARD).is_file();
    if sled.exists() {
        // A swap or a move finished: what is left is the copy it replaced.
        remove_dir(&old).step("removing sled.old")?;
        remove_dir(&new).step("removing sled.new")?;
        if top_level_sled {
            remove_top_level_files(dir).step("removing the moved files")?;
        }
    } else if old.exists() && new.exists() {
        // Stopped between the swap's two renames: the copy was synced and
        // checked before the first, and unlike the old one it keeps no
        // history of what a purge deleted.
        fs::rename(&new, &sled).step("renaming sled.new to sled")?;
        sync_dir(dir).step("syncing the data folder")?;
        remove_dir(&old).step("removing sled.old")?;
    } else if old.exists() {
        fs::rename(&old, &sled).step("renaming sled.old to sled")?;
        sync_dir(dir).step("syncing the data folder")?;
    } else {
        // An unfinished copy holds nothing the other one does not.
        remove_dir(&new).step("removing sled.new")?;
        if top_level_sled {
            let top = open(dir)?;
            copy_into(&top, &new, &open)?;
            drop(top);
            released(&dir.join(GUARD))?;
            fs::rename(&new, &sled).step("renaming sled.new to sled")?;
            sync_dir(dir).step("syncing the data folder")?;
            remove_top_level_files(dir).step("removing the moved files")?;
        }
    }
    guard(dir).step("writing the guard folder db/")?;
    Ok(sled)
}

/// Makes the [`GUARD`] folder, once.
fn guard(dir: &Path) -> io::Result<()> {
    let guard = dir.join(GUARD);
    if guard.is_dir() {
        return Ok(());
    }
    fs::create_dir(&guard)?;
    fs::write(guard.join("README.txt"), GUARD_NOTE)?;
    sync_tree(&guard)?;
    sync_dir(dir)
}

/// With the folder's lock held and `db` (opened on [`settle`]'s folder) the
/// only handle on it: copies it into a fresh folder and swaps the two.
/// Returns the size of sled's files before and after.
pub(crate) fn rewrite(
    dir: &Path,
    db: sled::Db,
    open: impl Fn(&Path) -> sled::Result<sled::Db>,
) -> Result<(u64, u64), SledFilesError> {
    let (sled, new, old) = (dir.join(SLED), dir.join(NEW), dir.join(OLD));
    let before = size_of(&sled).step("measuring sled's files")?;
    remove_dir(&new).step("removing sled.new")?;
    copy_into(&db, &new, &open)?;
    drop(db);
    released(&sled.join("db"))?;
    fs::rename(&sled, &old).step("renaming sled to sled.old")?;
    fs::rename(&new, &sled).step("renaming sled.new to sled")?;
    sync_dir(dir)
        .and_then(|()| remove_dir(&old))
        .map_err(SledFilesError::OldCopyLeft)?;
    Ok((before, size_of(&sled).step("measuring sled's files")?))
}

/// Copies every tree of `from` into a new database at `to`, and leaves it
/// synced and closed once, reopened from its files, it holds exactly the
/// trees, keys and values of `from`.
fn copy_into(
    from: &sled::Db,
    to: &Path,
    open: &impl Fn(&Path) -> sled::Result<sled::Db>,
) -> Result<(), SledFilesError> {
    let copy = open(to)?;
    for name in from.tree_names() {
        let (source, target) = (from.open_tree(&name)?, copy.open_tree(&name)?);
        let mut batch = sled::Batch::default();
        let mut queued = 0;
        for kv in source.iter() {
            let (k, v) = kv?;
            batch.insert(k, v);
            queued += 1;
            if queued == BATCH {
                target.apply_batch(std::mem::take(&mut batch))?;
                queued = 0;
            }
        }
        target.apply_batch(batch)?;
    }
    copy.flush()?;
    drop(copy);
    released(&to.join("db"))?;
    let copy = open(to)?;
    let same = same_contents(from, &copy)?;
    drop(copy);
    released(&to.join("db"))?;
    if !same {
        return Err(SledFilesError::Differs);
    }
    sync_tree(to).step("syncing sled.new")
}

/// Whether both databases hold the same trees, with the same keys and values.
fn same_contents(a: &sled::Db, b: &sled::Db) -> sled::Result<bool> {
    let (mut names, mut other) = (a.tree_names(), b.tree_names());
    names.sort();
    other.sort();
    if names != other {
        return Ok(false);
    }
    for name in names {
        let mut theirs = b.open_tree(&name)?.iter();
        for kv in a.open_tree(&name)?.iter() {
            let kv = kv?;
            match theirs.next().transpose()? {
                Some(same) if same == kv => {}
                _ => return Ok(false),
            }
        }
        if theirs.next().is_some() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Waits until sled has closed the database whose log is `db`: a dropped
/// database may finish closing a moment later, and must not write into a
/// folder after it was renamed.
fn released(db: &Path) -> Result<(), SledFilesError> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let file = File::open(db).step("opening sled's log file")?;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(fs::TryLockError::WouldBlock) => return Err(SledFilesError::StillOpen),
            Err(fs::TryLockError::Error(e)) => return Err(e).step("waiting for sled to close"),
        }
    }
}

/// sled 0.34's own files, at the top of a folder from before `sled/`.
fn is_top_level_sled_file(name: &str) -> bool {
    matches!(name, "conf" | GUARD | "blobs") || name.starts_with("snap.")
}

fn remove_top_level_files(dir: &Path) -> io::Result<()> {
    let mut removed = false;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if !is_top_level_sled_file(&entry.file_name().to_string_lossy()) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
        removed = true;
    }
    if removed {
        sync_dir(dir)?;
    }
    Ok(())
}

fn remove_dir(path: &Path) -> io::Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Syncs every file and folder under `dir`, and `dir` itself.
fn sync_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path())?;
        } else {
            File::open(entry.path())?.sync_all()?;
        }
    }
    sync_dir(dir)
}

/// Bytes the files under `dir` take on disk.
fn size_of(dir: &Path) -> io::Result<u64> {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            size_of(&entry.path())?
        } else {
            meta.blocks() * 512
        };
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(entries: &[(&str, &[u8], &[u8])]) -> sled::Db {
        let db = sled::Config::new().temporary(true).open().unwrap();
        for (tree, k, v) in entries {
            db.open_tree(tree).unwrap().insert(k, *v).unwrap();
        }
        db
    }

    /// The check behind every swap: any difference in a tree's name, a key,
    /// a value or a count of entries is one.
    #[test]
    fn a_copy_is_the_same_only_if_every_tree_key_and_value_is() {
        let base: &[(&str, &[u8], &[u8])] = &[("index", b"ab", b"c"), ("meta", b"schema", b"2")];
        let same = |other: &[(&str, &[u8], &[u8])]| same_contents(&db(base), &db(other)).unwrap();
        assert!(same(base));
        // The boundary between key and value moved: a checksum of their
        // concatenation would not see it.
        assert!(!same(&[("index", b"a", b"bc"), ("meta", b"schema", b"2")]));
        assert!(!same(&[("index", b"ab", b"d"), ("meta", b"schema", b"2")]));
        assert!(!same(&[("index", b"ab", b"c")]));
        assert!(!same(&[
            ("index", b"ab", b"c"),
            ("meta", b"schema", b"2"),
            ("meta", b"z", b"")
        ]));
        assert!(!same(&[("index", b"ab", b"c"), ("other", b"schema", b"2")]));
    }
}
