//! The only module that touches sled (with its neighbour `tlog_store`, whose
//! trees it opens): sealed records in, sealed records out.
//!
//! Trees: `signatures` (record id → age file) and `meta` (schema version,
//! petition slug, recipients fingerprint), plus the public log's trees
//! ([`crate::tlog_store::Trees`]). Nothing here ever sees plaintext.
//!
//! Writes go through one [`Committer`] thread (group commit): it takes every
//! waiting operation off a channel, applies them as one sled batch, flushes
//! once, `fdatasync`s sled's files, and only then answers each waiter. sled
//! 0.34's own `flush` ends in `sync_file_range`, which survives a killed
//! process but not a power cut on a disk with a write-back cache.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{mpsc, oneshot};

use crate::export;
use crate::receipt::RecordId;
use crate::seal::Ciphertext;

const SCHEMA: &[u8] = b"1";

/// What went wrong in storage. Never carries record contents.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}: the data folder is in use by another undersign process (stop the server first)")]
    InUse(String),
    #[error("{path}: cannot open the data folder: {reason}")]
    Open { path: String, reason: String },
    #[error("{0}: this data folder belongs to another petition ({1}); use a new --data folder")]
    OtherPetition(String, String),
    #[error("{0}: this data folder was written by a newer undersign")]
    Schema(String),
    #[error("storage failed: {0}")]
    Write(String),
    #[error("storage is shutting down")]
    Closed,
    #[error("cannot write the export: {0}")]
    Export(#[from] io::Error),
    #[error("{0} record(s) of the export are not in this data folder: nothing was deleted")]
    NotInStore(u64),
}

fn write_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Write(e.to_string())
}

/// The opened data folder.
pub struct Store {
    db: sled::Db,
    signatures: sled::Tree,
    meta: sled::Tree,
    dir: PathBuf,
    /// sled's segment log, kept open so each batch's `fdatasync` costs no `open`.
    log: File,
    count: AtomicU64,
    /// The public log's trees: each batch's entries are written with its records.
    pub(crate) public_log: crate::tlog_store::Trees,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.dir.display())
    }
}

impl Store {
    /// Opens (or creates, mode 0700) the data folder.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let shown = dir.display().to_string();
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| open_err(e.to_string()))?;
        }
        let db = sled::Config::new()
            .path(dir)
            .mode(sled::Mode::HighThroughput)
            // We flush ourselves, once per batch, and follow it with fdatasync.
            .flush_every_ms(None)
            .open()
            .map_err(|e| match e {
                sled::Error::Io(io) if io.to_string().contains("lock") => {
                    StoreError::InUse(shown.clone())
                }
                other => open_err(other.to_string()),
            })?;
        let signatures = db
            .open_tree("signatures")
            .map_err(|e| open_err(e.to_string()))?;
        let meta = db.open_tree("meta").map_err(|e| open_err(e.to_string()))?;
        let public_log =
            crate::tlog_store::Trees::open(&db).map_err(|e| open_err(e.to_string()))?;
        match meta.get("schema").map_err(|e| open_err(e.to_string()))? {
            None => {
                meta.insert("schema", SCHEMA)
                    .map_err(|e| open_err(e.to_string()))?;
            }
            Some(v) if v.as_ref() == SCHEMA => {}
            Some(_) => return Err(StoreError::Schema(shown)),
        }
        let log = File::open(dir.join("db")).map_err(|e| open_err(e.to_string()))?;
        let store = Store {
            count: AtomicU64::new(signatures.len() as u64),
            db,
            signatures,
            meta,
            dir: dir.to_path_buf(),
            log,
            public_log,
        };
        store.sync().map_err(|e| open_err(e.to_string()))?;
        // New files' directory entries must be durable too.
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| open_err(e.to_string()))?;
        Ok(store)
    }

    /// Ties the folder to one petition, and records the current recipients.
    /// Returns true when the recipients changed since the last start.
    pub fn bind(&self, slug: &str, recipients: &str) -> Result<bool, StoreError> {
        match self.meta.get("petition").map_err(write_err)? {
            Some(v) if v.as_ref() != slug.as_bytes() => {
                let other = String::from_utf8_lossy(&v).into_owned();
                return Err(StoreError::OtherPetition(
                    self.dir.display().to_string(),
                    other,
                ));
            }
            Some(_) => {}
            None => {
                self.meta
                    .insert("petition", slug.as_bytes())
                    .map_err(write_err)?;
            }
        }
        let old = self
            .meta
            .insert("recipients", recipients.as_bytes())
            .map_err(write_err)?;
        self.db.flush().map_err(write_err)?;
        self.sync().map_err(write_err)?;
        Ok(old.is_some_and(|o| o.as_ref() != recipients.as_bytes()))
    }

    /// Signatures currently stored (acknowledged, not withdrawn).
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    pub fn contains(&self, id: &RecordId) -> Result<bool, StoreError> {
        self.signatures.contains_key(id.0).map_err(write_err)
    }

    fn meta_string(&self, key: &str) -> String {
        self.meta
            .get(key)
            .ok()
            .flatten()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default()
    }

    /// The petition this folder belongs to, once bound.
    pub fn petition_slug(&self) -> Option<String> {
        Some(self.meta_string("petition")).filter(|s| !s.is_empty())
    }

    /// When the last verified purge happened (Unix seconds).
    pub fn last_purge(&self) -> Option<u64> {
        let v = self.meta.get("purged_at").ok()??;
        Some(u64::from_be_bytes(v.as_ref().try_into().ok()?))
    }

    /// Deletes exactly the given records, all or none: every one must be
    /// present. Durable before it returns. Gives (deleted, remaining).
    pub fn purge(&self, ids: &[RecordId], now: u64) -> Result<(u64, u64), StoreError> {
        let mut missing = 0;
        for id in ids {
            if !self.contains(id)? {
                missing += 1;
            }
        }
        if missing > 0 {
            return Err(StoreError::NotInStore(missing));
        }
        let mut batch = sled::Batch::default();
        for id in ids {
            batch.remove(&id.0);
        }
        self.signatures.apply_batch(batch).map_err(write_err)?;
        self.meta
            .insert("purged_at", &now.to_be_bytes())
            .map_err(write_err)?;
        self.db.flush().map_err(write_err)?;
        self.sync().map_err(write_err)?;
        let remaining = self.signatures.len() as u64;
        self.count.store(remaining, Ordering::Relaxed);
        Ok((ids.len() as u64, remaining))
    }

    /// Every stored record's id (the public log's first start lists them).
    pub(crate) fn record_ids(&self) -> impl Iterator<Item = Result<RecordId, StoreError>> + '_ {
        self.signatures.iter().keys().map(|k| {
            let k = k.map_err(write_err)?;
            Ok(RecordId(k.as_ref().try_into().map_err(|_| {
                StoreError::Write("a stored key is malformed".into())
            })?))
        })
    }

    /// Makes every write so far durable: sled flush, then fdatasync (the
    /// public log's batches use it).
    pub(crate) fn durable(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(write_err)?;
        self.sync().map_err(write_err)
    }

    /// Streams every stored ciphertext as an export.
    pub fn export<W: Write>(&self, out: W) -> Result<u64, StoreError> {
        let header = export::Header {
            format: export::FORMAT.into(),
            v: 1,
            petition: self.meta_string("petition"),
            recipients: self.meta_string("recipients"),
            count: self.signatures.len() as u64,
        };
        let mut w = export::Writer::new(out, &header)?;
        for item in self.signatures.iter() {
            let (k, v) = item.map_err(write_err)?;
            let id = RecordId(
                k.as_ref()
                    .try_into()
                    .map_err(|_| StoreError::Write("a stored key is malformed".into()))?,
            );
            w.record(&id, &v)?;
        }
        Ok(w.finish()?)
    }

    /// Applies a batch, then makes it durable: sled flush, then fdatasync.
    fn commit(&self, ops: &[Op]) -> Result<Vec<bool>, StoreError> {
        let mut batch = sled::Batch::default();
        let mut results = Vec::with_capacity(ops.len());
        let mut delta: i64 = 0;
        // The public log's entries for this batch: an add per record stored,
        // a withdrawal per record this instance held and deleted.
        let mut logged = Vec::with_capacity(ops.len());
        let mut removed = std::collections::HashSet::new();
        for op in ops {
            match op {
                Op::Insert(id, ct) => {
                    batch.insert(&id.0, ct.as_bytes());
                    results.push(true);
                    delta += 1;
                    logged.push(crate::tlog::Entry::new(crate::tlog::Kind::Added, id));
                }
                Op::Remove(id) => {
                    // Within one batch a record is inserted and removed by different
                    // signers only if their 128-bit codes collide: ignore that case.
                    // The same code sent twice in one batch deletes (and counts) once.
                    let present = removed.insert(*id)
                        && self.signatures.contains_key(id.0).map_err(write_err)?;
                    batch.remove(&id.0);
                    results.push(present);
                    delta -= i64::from(present);
                    if present {
                        logged.push(crate::tlog::Entry::new(crate::tlog::Kind::Withdrawn, id));
                    }
                }
            }
        }
        // Records and their log entries reach the disk together or not at all.
        self.public_log
            .write_with(&self.signatures, &batch, &logged)
            .map_err(write_err)?;
        self.db.flush().map_err(write_err)?;
        self.sync().map_err(write_err)?;
        if delta >= 0 {
            self.count.fetch_add(delta as u64, Ordering::Relaxed);
        } else {
            self.count
                .fetch_sub(delta.unsigned_abs(), Ordering::Relaxed);
        }
        Ok(results)
    }

    /// fdatasync of sled's files: the segment log, and any blob files.
    fn sync(&self) -> io::Result<()> {
        self.log.sync_data()?;
        let blobs = self.dir.join("blobs");
        if let Ok(entries) = std::fs::read_dir(&blobs) {
            for entry in entries {
                File::open(entry?.path())?.sync_data()?;
            }
        }
        Ok(())
    }
}

/// One write, queued for the committer.
enum Op {
    Insert(RecordId, Ciphertext),
    Remove(RecordId),
}

type Reply = oneshot::Sender<Result<bool, StoreError>>;

/// The handle request handlers use to write. Cloning is cheap.
///
/// Why a thread and a channel: sled calls block, and one writer that batches
/// turns N concurrent signers into one flush + one fdatasync instead of N.
#[derive(Clone, Debug)]
pub struct Committer {
    tx: mpsc::Sender<(Op, Reply)>,
}

/// Largest batch: bounds the time the first signer in a batch waits.
const MAX_BATCH: usize = 512;

impl Committer {
    /// Starts the writer thread. It ends when every `Committer` clone is dropped,
    /// after answering everything already queued.
    pub fn start(store: Arc<Store>) -> (Committer, std::thread::JoinHandle<()>) {
        // Bounded: when storage falls behind, signers wait rather than memory growing.
        let (tx, mut rx) = mpsc::channel::<(Op, Reply)>(4 * MAX_BATCH);
        let handle = std::thread::Builder::new()
            .name("undersign-commit".into())
            .spawn(move || {
                let mut ops = Vec::with_capacity(MAX_BATCH);
                let mut replies = Vec::with_capacity(MAX_BATCH);
                while let Some((op, reply)) = rx.blocking_recv() {
                    ops.push(op);
                    replies.push(reply);
                    // Whatever queued up during the last flush joins this batch.
                    while ops.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok((op, reply)) => {
                                ops.push(op);
                                replies.push(reply);
                            }
                            Err(_) => break,
                        }
                    }
                    let started = std::time::Instant::now();
                    let result = store.commit(&ops);
                    crate::metrics::METRICS.committed(ops.len(), started.elapsed());
                    match result {
                        Ok(results) => {
                            for (reply, r) in replies.drain(..).zip(results) {
                                let _ = reply.send(Ok(r));
                            }
                        }
                        Err(e) => {
                            eprintln!(
                                "undersign: storage error, {} signer(s) told to retry: {e}",
                                replies.len()
                            );
                            for reply in replies.drain(..) {
                                let _ = reply.send(Err(StoreError::Write(e.to_string())));
                            }
                        }
                    }
                    ops.clear();
                }
            })
            .expect("spawning the commit thread");
        (Committer { tx }, handle)
    }

    async fn submit(&self, op: Op) -> Result<bool, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send((op, reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Stores a sealed record; returns once it is durable on disk.
    pub async fn insert(&self, id: RecordId, ct: Ciphertext) -> Result<(), StoreError> {
        self.submit(Op::Insert(id, ct)).await.map(|_| ())
    }

    /// Deletes a record durably; says whether it was there.
    pub async fn remove(&self, id: RecordId) -> Result<bool, StoreError> {
        self.submit(Op::Remove(id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct(n: u8) -> Ciphertext {
        Ciphertext(vec![n; 100])
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn inserts_count_export_and_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Arc::new(Store::open(dir.path()).unwrap());
            assert!(!store.bind("p", "0f").unwrap());
            let (c, handle) = Committer::start(store.clone());
            let mut tasks = Vec::new();
            for i in 0..50u8 {
                let c = c.clone();
                tasks.push(tokio::spawn(async move {
                    c.insert(RecordId([i; 32]), ct(i)).await
                }));
            }
            for t in tasks {
                t.await.unwrap().unwrap();
            }
            assert_eq!(store.count(), 50);
            assert!(c.remove(RecordId([7; 32])).await.unwrap());
            assert!(!c.remove(RecordId([7; 32])).await.unwrap());
            assert_eq!(store.count(), 49);
            drop(c);
            handle.join().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.count(), 49);
        let mut out = Vec::new();
        assert_eq!(store.export(&mut out).unwrap(), 49);
        let (header, n) = export::verify(&out[..]).unwrap();
        assert_eq!(
            (header.petition.as_str(), header.recipients.as_str(), n),
            ("p", "0f", 49)
        );
    }

    #[test]
    fn the_same_code_twice_in_one_batch_deletes_and_counts_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let id = RecordId([3; 32]);
        store.commit(&[Op::Insert(id, ct(3))]).unwrap();
        store
            .commit(&[Op::Insert(RecordId([4; 32]), ct(4))])
            .unwrap();
        let answers = store.commit(&[Op::Remove(id), Op::Remove(id)]).unwrap();
        assert_eq!(answers, vec![true, false]);
        assert_eq!(store.count(), 1);
    }

    #[test]
    fn a_folder_belongs_to_one_petition() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.bind("first", "a").unwrap();
        assert!(
            store.bind("first", "b").unwrap(),
            "recipient change is reported"
        );
        assert!(matches!(
            store.bind("second", "b"),
            Err(StoreError::OtherPetition(..))
        ));
    }

    #[test]
    fn the_data_folder_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let _s = Store::open(&data).unwrap();
        assert_eq!(
            std::fs::metadata(&data).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
}
