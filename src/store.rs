//! The only module that touches sled (with its neighbour `tlog_store`, whose
//! trees it opens): sealed records in, sealed records out.
//!
//! Trees: `signatures` (record id → age file), `withdrawn` (record id → nothing:
//! the ids signers withdrew, so exports can carry the withdrawal to every copy
//! of the record), `meta` (schema version, petition slug, recipients
//! fingerprint), plus the public log's trees ([`crate::tlog_store::Trees`]).
//! Nothing here ever sees plaintext.
//!
//! Writes go through one [`Committer`] thread (group commit): it takes every
//! waiting operation off a channel, applies them as one sled batch, flushes
//! once, `fdatasync`s sled's files, and only then answers each waiter. sled
//! 0.34's own `flush` ends in `sync_file_range`, which survives a killed
//! process but not a power cut on a disk with a write-back cache.
//!
//! The first failed write is final: the store refuses every later one and
//! says so ([`Store::failure`]). After a failed `fdatasync` Linux may drop the
//! unwritten pages and report a later sync as successful over the hole
//! (PostgreSQL's "fsyncgate"), so nothing written afterwards could be trusted.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot, watch};

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
    #[error("{0}; nothing more is written")]
    Failed(String),
    #[error("storage is shutting down")]
    Closed,
    #[error("cannot write the export: {0}")]
    Export(#[from] io::Error),
    #[error("{0} record(s) of the export are not in this data folder: nothing was deleted")]
    NotInStore(u64),
    #[error(
        "{0} record(s) of the export differ from the ones stored under the same id \
         (the export was altered): nothing was deleted"
    )]
    Differs(u64),
}

fn write_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Write(e.to_string())
}

impl StoreError {
    /// The same failure again, for each waiter of a batch.
    fn again(&self) -> StoreError {
        match self {
            StoreError::Failed(why) => StoreError::Failed(why.clone()),
            StoreError::Write(why) => StoreError::Write(why.clone()),
            other => StoreError::Write(other.to_string()),
        }
    }
}

/// The opened data folder.
pub struct Store {
    db: sled::Db,
    signatures: sled::Tree,
    withdrawn: sled::Tree,
    meta: sled::Tree,
    dir: PathBuf,
    /// sled's segment log, kept open so each batch's `fdatasync` costs no `open`.
    log: File,
    count: AtomicU64,
    /// Why the first failed write failed; set once, never cleared.
    failure: OnceLock<String>,
    /// Tells whoever waits in [`Store::failed`] that `failure` is set.
    failed: watch::Sender<bool>,
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
        let withdrawn = db
            .open_tree("withdrawn")
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
            withdrawn,
            meta,
            dir: dir.to_path_buf(),
            log,
            failure: OnceLock::new(),
            failed: watch::Sender::new(false),
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

    /// Record ids withdrawn here (whether or not this folder held the record).
    pub fn withdrawn_count(&self) -> u64 {
        self.withdrawn.len() as u64
    }

    /// Why writing failed, once it has: from then on nothing is written.
    pub fn failure(&self) -> Option<&str> {
        self.failure.get().map(String::as_str)
    }

    /// Returns once a write has failed, with why.
    pub async fn failed(&self) -> String {
        let mut rx = self.failed.subscribe();
        // The sender lives as long as `self`, so this only ends by failing.
        let _ = rx.wait_for(|failed| *failed).await;
        self.failure().unwrap_or_default().to_string()
    }

    /// Makes the store refuse every later write.
    pub(crate) fn fail(&self, why: &StoreError) {
        let _ = self.failure.set(why.to_string());
        self.failed.send_replace(true);
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
    /// stored with exactly the bytes whose SHA-256 is given, so an export whose
    /// ciphertexts were swapped or replaced deletes nothing. The withdrawn ids
    /// stay. Durable before it returns. Gives (deleted, remaining).
    pub fn purge(&self, held: &[(RecordId, [u8; 32])], now: u64) -> Result<(u64, u64), StoreError> {
        let (mut missing, mut differ) = (0, 0);
        for (id, sha256) in held {
            match self.signatures.get(id.0).map_err(write_err)? {
                None => missing += 1,
                Some(stored) if Sha256::digest(&stored).as_slice() != sha256 => differ += 1,
                Some(_) => {}
            }
        }
        if missing > 0 {
            return Err(StoreError::NotInStore(missing));
        }
        if differ > 0 {
            return Err(StoreError::Differs(differ));
        }
        let mut batch = sled::Batch::default();
        for (id, _) in held {
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
        Ok((held.len() as u64, remaining))
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
    /// A failure here is final, as in [`Store::commit`]: after a failed
    /// writeback a later sync could "succeed" over the hole.
    pub(crate) fn durable(&self) -> Result<(), StoreError> {
        if let Some(why) = self.failure.get() {
            return Err(StoreError::Failed(why.clone()));
        }
        self.db
            .flush()
            .map_err(write_err)
            .and_then(|_| self.sync().map_err(write_err))
            .inspect_err(|e| self.fail(e))
    }

    /// Streams every withdrawn id, then every stored ciphertext, as an export.
    pub fn export<W: Write>(&self, out: W) -> Result<export::Counts, StoreError> {
        let header = export::Header::new(
            self.meta_string("petition"),
            self.meta_string("recipients"),
            self.signatures.len() as u64,
        );
        let key = |k: &[u8]| -> Result<RecordId, StoreError> {
            Ok(RecordId(k.try_into().map_err(|_| {
                StoreError::Write("a stored key is malformed".into())
            })?))
        };
        let mut w = export::Writer::new(out, &header)?;
        for item in self.withdrawn.iter().keys() {
            w.withdrawn(&key(&item.map_err(write_err)?)?)?;
        }
        for item in self.signatures.iter() {
            let (k, v) = item.map_err(write_err)?;
            w.record(&key(&k)?, &v)?;
        }
        Ok(w.finish()?)
    }

    /// Applies a batch, then makes it durable: sled flush, then fdatasync.
    /// The first failure is final (see the module comment).
    fn commit(&self, ops: &[Op]) -> Result<Vec<bool>, StoreError> {
        if let Some(why) = self.failure.get() {
            return Err(StoreError::Failed(why.clone()));
        }
        let applied = self.apply(ops).and_then(|results| {
            self.db.flush().map_err(write_err)?;
            self.sync().map_err(write_err)?;
            Ok(results)
        });
        let results = applied.inspect_err(|e| self.fail(e))?;
        // Their log entries now wait for the next batch (a withdrawal is logged
        // only when it deleted a record here).
        let added = ops.iter().filter(|op| matches!(op, Op::Insert(..))).count() as i64;
        let withdrawn = ops
            .iter()
            .zip(&results)
            .filter(|(op, found)| matches!(op, Op::Remove(_)) && **found)
            .count() as i64;
        self.public_log.pending_moved(added, withdrawn);
        let mut delta: i64 = 0;
        for (op, &r) in ops.iter().zip(&results) {
            match op {
                Op::Insert(..) => delta += 1,
                Op::Remove(_) => delta -= i64::from(r),
            }
        }
        if delta >= 0 {
            self.count.fetch_add(delta as u64, Ordering::Relaxed);
        } else {
            self.count
                .fetch_sub(delta.unsigned_abs(), Ordering::Relaxed);
        }
        Ok(results)
    }

    /// Applies a batch (not yet durable). Says for each op whether it found
    /// its record (inserts always do).
    fn apply(&self, ops: &[Op]) -> Result<Vec<bool>, StoreError> {
        // One transaction: a record, its withdrawal and their public-log
        // entries reach the disk together or not at all. No crash can leave a
        // record gone but its withdrawal unknown to the exports that must
        // carry it, or a signature stored without its log entry. A withdrawal
        // is noted even when this folder never held the record (another
        // instance, or an older export, may hold it); it adds a log entry only
        // when it deleted one here, once even if the same code came twice.
        // Within one batch a record is inserted and removed by different
        // signers only if their 128-bit codes collide: ignore that case.
        use crate::tlog::{Entry, Kind};
        use sled::transaction::{TransactionError, Transactional};
        (
            &self.signatures,
            &self.withdrawn,
            self.public_log.pending_tree(),
        )
            .transaction(|(signatures, withdrawn, pending)| {
                let mut results = Vec::with_capacity(ops.len());
                let mut removed = std::collections::HashSet::new();
                for op in ops {
                    match op {
                        Op::Insert(id, ct) => {
                            signatures.insert(&id.0[..], ct.as_bytes())?;
                            pending.insert(&Entry::new(Kind::Added, id).as_bytes()[..], &[][..])?;
                            results.push(true);
                        }
                        Op::Remove(id) => {
                            let present =
                                removed.insert(*id) && signatures.remove(&id.0[..])?.is_some();
                            withdrawn.insert(&id.0[..], &[][..])?;
                            if present {
                                pending.insert(
                                    &Entry::new(Kind::Withdrawn, id).as_bytes()[..],
                                    &[][..],
                                )?;
                            }
                            results.push(present);
                        }
                    }
                }
                Ok(results)
            })
            .map_err(|e: TransactionError<std::convert::Infallible>| match e {
                TransactionError::Storage(e) => write_err(e),
                TransactionError::Abort(never) => match never {},
            })
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

tokio::task_local! {
    /// Set by a caller that bounds its own time (the web layer's request
    /// timeout) and must learn when it hands a write over: from then on the
    /// write happens whatever the caller does, so its answer must be awaited,
    /// never replaced by a timeout.
    pub static HANDED_OVER: Arc<std::sync::atomic::AtomicBool>;
}

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
                        // Every waiter hears of it (a 503, no receipt). The store
                        // now refuses every later batch too, and the server, which
                        // waits in `Store::failed`, stops.
                        Err(e) => {
                            for reply in replies.drain(..) {
                                let _ = reply.send(Err(e.again()));
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
        let _ = HANDED_OVER.try_with(|flag| flag.store(true, Ordering::SeqCst));
        let tx = self.tx.clone();
        // Its own task: once a write is handed over, dropping the caller (a
        // connection closed, a request timed out) cannot cancel it halfway; it
        // is queued, committed and answered whatever the caller does.
        tokio::spawn(async move {
            let (reply, answer) = oneshot::channel();
            tx.send((op, reply)).await.map_err(|_| StoreError::Closed)?;
            answer.await.map_err(|_| StoreError::Closed)?
        })
        .await
        .map_err(|_| StoreError::Closed)?
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
        assert_eq!(
            store.export(&mut out).unwrap(),
            export::Counts {
                records: 49,
                withdrawn: 1
            }
        );
        let (header, n) = export::verify(&out[..]).unwrap();
        assert_eq!(
            (header.petition.as_str(), header.recipients.as_str(), n),
            ("p", "0f", 49)
        );
    }

    /// The withdrawn ids and record ids (first byte) of the store's export.
    fn exported(store: &Store) -> (Vec<u8>, Vec<u8>) {
        let mut out = Vec::new();
        store.export(&mut out).unwrap();
        let mut reader = export::Reader::new(&out[..]).unwrap();
        let (mut withdrawn, mut records) = (Vec::new(), Vec::new());
        while let Some(item) = reader.next_item() {
            match item.unwrap() {
                export::Item::Withdrawn(id) => withdrawn.push(id.0[0]),
                export::Item::Record(e) => records.push(e.record_id().0[0]),
            }
        }
        (withdrawn, records)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_withdrawal_is_noted_whether_or_not_the_record_was_here_and_survives_purge() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Arc::new(Store::open(dir.path()).unwrap());
            store.bind("p", "0f").unwrap();
            let (c, handle) = Committer::start(store.clone());
            for i in 1..=3 {
                c.insert(RecordId([i; 32]), ct(i)).await.unwrap();
            }
            assert!(c.remove(RecordId([2; 32])).await.unwrap());
            // Signed on another instance: nothing here, but the withdrawal is noted.
            assert!(!c.remove(RecordId([9; 32])).await.unwrap());
            assert_eq!(store.withdrawn_count(), 2);
            drop(c);
            handle.join().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(exported(&store), (vec![2, 9], vec![1, 3]));
        let held: Vec<_> = [1u8, 3]
            .iter()
            .map(|&i| (RecordId([i; 32]), Sha256::digest(ct(i).as_bytes()).into()))
            .collect();
        assert_eq!(store.purge(&held, 1).unwrap(), (2, 0));
        assert_eq!(
            exported(&store),
            (vec![2, 9], vec![]),
            "purge keeps the withdrawn ids"
        );
    }

    #[test]
    fn purge_deletes_nothing_unless_every_record_holds_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        store.bind("p", "0f").unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let (c, handle) = Committer::start(store.clone());
        runtime.block_on(async {
            for i in 1..=2 {
                c.insert(RecordId([i; 32]), ct(i)).await.unwrap();
            }
        });
        drop(c);
        handle.join().unwrap();
        let digest = |i: u8| -> [u8; 32] { Sha256::digest(ct(i).as_bytes()).into() };
        // The two ciphertexts swapped between the ids.
        let swapped = [
            (RecordId([1; 32]), digest(2)),
            (RecordId([2; 32]), digest(1)),
        ];
        assert!(matches!(
            store.purge(&swapped, 1),
            Err(StoreError::Differs(2))
        ));
        let absent = [
            (RecordId([1; 32]), digest(1)),
            (RecordId([7; 32]), digest(7)),
        ];
        assert!(matches!(
            store.purge(&absent, 1),
            Err(StoreError::NotInStore(1))
        ));
        assert_eq!(store.count(), 2);
        assert_eq!(exported(&store).1, [1, 2], "nothing was deleted");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_a_failed_write_nothing_more_is_written_or_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        store.bind("p", "0f").unwrap();
        let (c, handle) = Committer::start(store.clone());
        c.insert(RecordId([1; 32]), ct(1)).await.unwrap();
        let waiting = tokio::spawn({
            let store = store.clone();
            async move { store.failed().await }
        });
        store.fail(&StoreError::Write("fdatasync: Input/output error".into()));
        assert_eq!(
            waiting.await.unwrap(),
            "storage failed: fdatasync: Input/output error"
        );
        let refused = c.insert(RecordId([2; 32]), ct(2)).await.unwrap_err();
        assert!(matches!(refused, StoreError::Failed(_)), "{refused}");
        assert!(c.remove(RecordId([1; 32])).await.is_err());
        assert!(!store.contains(&RecordId([2; 32])).unwrap());
        assert!(store.contains(&RecordId([1; 32])).unwrap());
        assert_eq!(store.count(), 1);
        drop(c);
        handle.join().unwrap();
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
