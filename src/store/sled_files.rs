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
//! once the new folder is synced; [`settle`] finishes or undoes one that a
//! crash interrupted, always keeping a whole copy. A data folder from before
//! this layout (sled's files at its top) is moved into `sled/` the same way,
//! once, when it is first opened.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SLED: &str = "sled";
const NEW: &str = "sled.new";
const OLD: &str = "sled.old";
const LOCK: &str = "lock";

/// Trees copied per sled batch: bounds the memory a rewrite holds.
const BATCH: usize = 4096;

/// Why sled's files could not be claimed or rewritten.
#[derive(Debug, thiserror::Error)]
pub enum SledFilesError {
    #[error("in use")]
    InUse,
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Sled(#[from] sled::Error),
    #[error("the rewritten database does not hold what the old one holds; the old one is kept")]
    Differs,
}

/// The data folder's lock, held for as long as a store is open: whoever holds
/// it alone may open, rewrite or move sled's files.
pub(crate) fn lock(dir: &Path) -> Result<File, SledFilesError> {
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(SledFilesError::InUse),
        Err(fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// With the folder's lock held: finishes or undoes an interrupted swap, moves
/// an older folder's sled files into `sled/`, and returns sled's folder.
pub(crate) fn settle(
    dir: &Path,
    open: impl Fn(&Path) -> sled::Result<sled::Db>,
) -> Result<PathBuf, SledFilesError> {
    let (sled, new, old) = (dir.join(SLED), dir.join(NEW), dir.join(OLD));
    if sled.exists() {
        // A swap or a move finished: what is left is the copy it replaced.
        remove_dir(&old)?;
        remove_dir(&new)?;
        remove_top_level_files(dir)?;
    } else if old.exists() {
        // Stopped between the swap's two renames: the old copy is whole.
        remove_dir(&new)?;
        fs::rename(&old, &sled)?;
        sync_dir(dir)?;
    } else {
        // An unfinished copy holds nothing the other one does not.
        remove_dir(&new)?;
        if dir.join("db").exists() {
            let top = open(dir)?;
            copy_into(&top, &new, &open)?;
            drop(top);
            released(&dir.join("db"))?;
            fs::rename(&new, &sled)?;
            sync_dir(dir)?;
            remove_top_level_files(dir)?;
        }
    }
    Ok(sled)
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
    let before = size_of(&sled)?;
    remove_dir(&new)?;
    copy_into(&db, &new, &open)?;
    drop(db);
    released(&sled.join("db"))?;
    fs::rename(&sled, &old)?;
    fs::rename(&new, &sled)?;
    sync_dir(dir)?;
    remove_dir(&old)?;
    Ok((before, size_of(&sled)?))
}

/// Copies every tree of `from` into a new database at `to`, checks that both
/// hold the same keys and values, and leaves `to` synced and closed.
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
    if copy.checksum()? != from.checksum()? {
        return Err(SledFilesError::Differs);
    }
    drop(copy);
    released(&to.join("db"))?;
    sync_tree(to)?;
    Ok(())
}

/// Waits until sled has closed the database whose log is `db`: a dropped
/// database may finish closing a moment later, and must not write into a
/// folder after it was renamed.
fn released(db: &Path) -> Result<(), SledFilesError> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let file = File::open(db)?;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(fs::TryLockError::WouldBlock) => return Err(SledFilesError::InUse),
            Err(fs::TryLockError::Error(e)) => return Err(e.into()),
        }
    }
}

/// sled 0.34's own files, at the top of a folder from before `sled/`.
fn is_top_level_sled_file(name: &str) -> bool {
    matches!(name, "conf" | "db" | "blobs") || name.starts_with("snap.")
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
