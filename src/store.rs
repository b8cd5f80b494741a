//! The only module that touches sled (with its neighbour `tlog_store`, whose
//! trees it opens) and the record files: sealed records in, sealed records out.
//!
//! What the data folder holds (schema 2):
//! - `records/<size>`: the age files, each in a fixed-size slot ([`slots`]);
//! - `index`: record id → its slot, packed by the id's first two bytes
//!   ([`buckets`]);
//! - `withdrawn_ids`: the ids signers withdrew (whether or not this folder held
//!   the record), packed the same way, so exports carry each withdrawal to
//!   every copy of the record;
//! - `slot_map`: a bit per slot, taken or free;
//! - `meta`: schema version, petition slug, recipients fingerprint, the number
//!   of records stored (so a start counts nothing), the last purge;
//! - the public log's trees ([`crate::tlog_store::Trees`]).
//!
//! Why the records left sled: memory and disk that grow with each record
//! (see [`slots`] and [`buckets`]; the measured figures are in
//! docs/operations.md, "Capacity"). A folder of schema 1 (records in sled's
//! `signatures` tree, withdrawals in `withdrawn`) is moved over at its first
//! start, a chunk at a time, resumably. Nothing here ever sees plaintext.
//!
//! Writes go through one [`Committer`] thread (group commit): it takes every
//! waiting operation off a channel, writes the batch's records into free
//! slots and `fdatasync`s their file, then applies the index, withdrawals,
//! slot bits, count and public-log entries as one sled transaction, flushes,
//! `fdatasync`s sled's files, and only then answers each waiter. The records
//! are on disk before any index entry points at them, so no crash leaves an
//! entry without its record. sled 0.34's own `flush` ends in
//! `sync_file_range`, which survives a killed process but not a power cut on
//! a disk with a write-back cache.
//!
//! The first failed write is final: the store refuses every later one and
//! says so ([`Store::failure`]). After a failed `fdatasync` Linux may drop the
//! unwritten pages and report a later sync as successful over the hole
//! (PostgreSQL's "fsyncgate"), so nothing written afterwards could be trusted.

mod buckets;
mod sled_files;
mod slots;

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use sha2::{Digest, Sha256};
use sled::transaction::{
    ConflictableTransactionError, TransactionError, Transactional, TransactionalTree,
};
use tokio::sync::{mpsc, oneshot, watch};

use crate::export;
use crate::receipt::RecordId;
use crate::seal::Ciphertext;
use buckets::Bucket;
pub use sled_files::SledFilesError;
use slots::{LOC_BYTES, Loc, SlotError, Slots};

const SCHEMA: &[u8] = b"2";
/// Records inside sled: moved into slots at the first start.
const SCHEMA_1: &[u8] = b"1";
/// Records moved per transaction when a schema-1 folder is upgraded.
const MIGRATE_CHUNK: usize = 1024;

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

/// sled as the store runs it: no periodic flusher, since the store flushes
/// once per batch and follows it with `fdatasync`.
fn open_sled(path: &Path, cache_bytes: u64) -> sled::Result<sled::Db> {
    sled::Config::new()
        .path(path)
        .cache_capacity(cache_bytes)
        .flush_every_ms(None)
        .open()
}

fn write_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Write(e.to_string())
}

impl From<SlotError> for StoreError {
    fn from(e: SlotError) -> Self {
        write_err(e)
    }
}

impl From<buckets::Damaged> for StoreError {
    fn from(e: buckets::Damaged) -> Self {
        write_err(e)
    }
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

/// How to open a data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// sled's page cache, in bytes: the store's main use of memory. It holds
    /// the index and the log, never a record (those are read from their files
    /// only by exports and purges).
    pub cache_bytes: u64,
}

/// The default of `[storage] cache_mb`.
pub const DEFAULT_CACHE_MB: u64 = 4;

impl Default for Options {
    fn default() -> Self {
        Options {
            cache_bytes: DEFAULT_CACHE_MB << 20,
        }
    }
}

/// The opened data folder.
pub struct Store {
    db: sled::Db,
    index: sled::Tree,
    withdrawn: sled::Tree,
    slot_map: sled::Tree,
    meta: sled::Tree,
    slots: Slots,
    /// Shared by an export while it reads one bucket and its slots; taken
    /// whole by a commit that frees slots, until they are wiped and free: an
    /// export never reads a slot that was meanwhile given to another record.
    reuse: RwLock<()>,
    dir: PathBuf,
    /// Where sled's files are ([`sled_files`]).
    sled_dir: PathBuf,
    cache_bytes: u64,
    /// sled's segment log, kept open so each batch's `fdatasync` costs no `open`.
    log: File,
    /// sled's blob files already synced, with their length then.
    synced_blobs: Mutex<HashMap<std::ffi::OsString, u64>>,
    count: AtomicU64,
    /// A committer runs: an export may then race new records, so its tally
    /// is no check of the stored count.
    writing: AtomicBool,
    /// Why the first failed write failed; set once, never cleared.
    failure: OnceLock<String>,
    /// Tells whoever waits in [`Store::failed`] that `failure` is set.
    failed: watch::Sender<bool>,
    /// The public log's trees: each batch's entries are written with its records.
    pub(crate) public_log: crate::tlog_store::Trees,
    /// The data folder's lock, held while the store is open. Last, so that
    /// it is dropped after every sled handle above.
    lock: File,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.dir.display())
    }
}

/// A transaction's failure that is not a conflict: the store is damaged.
type Abort = ConflictableTransactionError<String>;

fn damaged(e: impl std::fmt::Display) -> Abort {
    ConflictableTransactionError::Abort(e.to_string())
}

fn tx_err(e: TransactionError<String>) -> StoreError {
    match e {
        TransactionError::Storage(e) => write_err(e),
        TransactionError::Abort(why) => StoreError::Write(why),
    }
}

/// The buckets one transaction touches, read once and written once.
struct Touched<'a> {
    tree: &'a TransactionalTree,
    payload: usize,
    buckets: HashMap<[u8; 2], Bucket>,
}

impl<'a> Touched<'a> {
    fn new(tree: &'a TransactionalTree, payload: usize) -> Self {
        Touched {
            tree,
            payload,
            buckets: HashMap::new(),
        }
    }

    fn bucket(&mut self, id: &RecordId) -> Result<&mut Bucket, Abort> {
        let key = buckets::key(id);
        if !self.buckets.contains_key(&key) {
            let stored = self.tree.get(key)?;
            let b = Bucket::read(key, self.payload, stored.as_deref()).map_err(damaged)?;
            self.buckets.insert(key, b);
        }
        Ok(self.buckets.get_mut(&key).expect("just inserted"))
    }

    fn write(self) -> Result<(), Abort> {
        for (key, b) in &self.buckets {
            match b.stored() {
                Some(v) => self.tree.insert(&key[..], v)?,
                None => self.tree.remove(&key[..])?,
            };
        }
        Ok(())
    }
}

fn get_u64(tree: &TransactionalTree, key: &str) -> Result<u64, Abort> {
    match tree.get(key)? {
        None => Ok(0),
        Some(v) => {
            Ok(u64::from_be_bytes(v.as_ref().try_into().map_err(|_| {
                damaged(format!("the stored {key} is malformed"))
            })?))
        }
    }
}

/// The effect of one committed batch.
struct Applied {
    /// Per op: whether it found its record (inserts always do).
    results: Vec<bool>,
    /// Slots whose records are gone.
    freed: Vec<Loc>,
    /// Records stored now, minus before.
    delta: i64,
    /// Adds and withdrawals written to the public log's pending tree (a
    /// withdrawal is logged only when it deleted a record here).
    logged: (u64, u64),
}

impl Store {
    /// Opens (or creates, mode 0700) the data folder with the default options.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(dir, &Options::default())
    }

    /// Opens (or creates, mode 0700) the data folder. A schema-1 folder is
    /// upgraded first (once; this takes a while for a large one).
    pub fn open_with(dir: &Path, options: &Options) -> Result<Store, StoreError> {
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
        let claimed = |e: SledFilesError| match e {
            SledFilesError::InUse => StoreError::InUse(shown.clone()),
            other => open_err(other.to_string()),
        };
        let lock = sled_files::lock(dir).map_err(claimed)?;
        let open = |path: &Path| open_sled(path, options.cache_bytes);
        let sled_dir = sled_files::settle(dir, open).map_err(claimed)?;
        let db = open(&sled_dir).map_err(|e| match e {
            sled::Error::Io(io) if io.to_string().contains("lock") => {
                StoreError::InUse(shown.clone())
            }
            other => open_err(other.to_string()),
        })?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| open_err(e.to_string()));
        let (index, withdrawn, slot_map, meta) = (
            tree("index")?,
            tree("withdrawn_ids")?,
            tree("slot_map")?,
            tree("meta")?,
        );
        let public_log =
            crate::tlog_store::Trees::open(&db).map_err(|e| open_err(e.to_string()))?;
        let legacy = db
            .tree_names()
            .iter()
            .any(|n| n.as_ref() == b"signatures" || n.as_ref() == b"withdrawn");
        let upgrade = match meta.get("schema").map_err(|e| open_err(e.to_string()))? {
            None if legacy => true,
            None => {
                meta.insert("schema", SCHEMA)
                    .map_err(|e| open_err(e.to_string()))?;
                false
            }
            Some(v) if v.as_ref() == SCHEMA => false,
            Some(v) if v.as_ref() == SCHEMA_1 => true,
            Some(_) => return Err(StoreError::Schema(shown)),
        };
        let persisted: Vec<(sled::IVec, sled::IVec)> = slot_map
            .iter()
            .collect::<Result<_, _>>()
            .map_err(|e| open_err(e.to_string()))?;
        let slots = Slots::open(
            &dir.join("records"),
            persisted.iter().map(|(k, v)| (&k[..], &v[..])),
        )
        .map_err(|e| open_err(e.to_string()))?;
        let count = match meta.get("count").map_err(|e| open_err(e.to_string()))? {
            None => 0,
            Some(v) => u64::from_be_bytes(
                v.as_ref()
                    .try_into()
                    .map_err(|_| open_err("the stored count is malformed".into()))?,
            ),
        };
        let log = File::open(sled_dir.join("db")).map_err(|e| open_err(e.to_string()))?;
        let store = Store {
            db,
            index,
            withdrawn,
            slot_map,
            meta,
            slots,
            reuse: RwLock::new(()),
            dir: dir.to_path_buf(),
            sled_dir,
            lock,
            cache_bytes: options.cache_bytes,
            log,
            synced_blobs: Mutex::new(HashMap::new()),
            count: AtomicU64::new(count),
            writing: AtomicBool::new(false),
            failure: OnceLock::new(),
            failed: watch::Sender::new(false),
            public_log,
        };
        if upgrade {
            store.upgrade().map_err(|e| open_err(e.to_string()))?;
        }
        store.sync().map_err(|e| open_err(e.to_string()))?;
        // New files' directory entries must be durable too.
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| open_err(e.to_string()))?;
        Ok(store)
    }

    /// Moves a schema-1 folder's records into slots and its withdrawals into
    /// buckets, a chunk per transaction: a crash midway leaves every record in
    /// exactly one place, and the next start carries on.
    fn upgrade(&self) -> Result<(), StoreError> {
        let old = self.db.open_tree("signatures").map_err(write_err)?;
        let mut buf = Vec::new();
        loop {
            let chunk: Vec<(sled::IVec, sled::IVec)> = old
                .iter()
                .take(MIGRATE_CHUNK)
                .collect::<Result<_, _>>()
                .map_err(write_err)?;
            if chunk.is_empty() {
                break;
            }
            let mut placed = Vec::with_capacity(chunk.len());
            for (k, v) in &chunk {
                let id = RecordId(
                    k.as_ref()
                        .try_into()
                        .map_err(|_| StoreError::Write("a stored key is malformed".into()))?,
                );
                let loc = self.slots.take(v.len())?;
                self.slots.write(loc, &id, v, &mut buf)?;
                placed.push((id, loc));
            }
            self.slots
                .sync(placed.iter().map(|(_, l)| l.size))
                .map_err(write_err)?;
            (&old, &self.index, &self.slot_map, &self.meta)
                .transaction(|(old, index, slot_map, meta)| {
                    let mut touched = Touched::new(index, LOC_BYTES);
                    let mut added = 0;
                    for (id, loc) in &placed {
                        old.remove(&id.0[..])?;
                        if touched.bucket(id)?.insert(id, &loc.to_bytes()).is_none() {
                            added += 1;
                        }
                    }
                    touched.write()?;
                    self.persist_chunks(slot_map, placed.iter().map(|(_, l)| l), &[])?;
                    let count = get_u64(meta, "count")? + added;
                    meta.insert("count", &count.to_be_bytes()[..])?;
                    Ok(count)
                })
                .map(|count| self.count.store(count, Ordering::Relaxed))
                .map_err(tx_err)?;
            self.durable()?;
        }
        let old = self.db.open_tree("withdrawn").map_err(write_err)?;
        loop {
            let chunk: Vec<sled::IVec> = old
                .iter()
                .keys()
                .take(4 * MIGRATE_CHUNK)
                .collect::<Result<_, _>>()
                .map_err(write_err)?;
            if chunk.is_empty() {
                break;
            }
            (&old, &self.withdrawn)
                .transaction(|(old, withdrawn)| {
                    let mut touched = Touched::new(withdrawn, 0);
                    for k in &chunk {
                        old.remove(k)?;
                        if let Ok(id) = <[u8; 32]>::try_from(k.as_ref()) {
                            touched.bucket(&RecordId(id))?.insert(&RecordId(id), &[]);
                        }
                    }
                    touched.write()
                })
                .map_err(tx_err)?;
            self.durable()?;
        }
        for name in ["signatures", "withdrawn"] {
            self.db.drop_tree(name).map_err(write_err)?;
        }
        self.meta.insert("schema", SCHEMA).map_err(write_err)?;
        self.durable()
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

    /// Signatures currently stored (acknowledged, not withdrawn): kept with
    /// the records, in the same transactions, so no start has to count them.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    fn index_get(&self, id: &RecordId) -> Result<Option<Loc>, StoreError> {
        let key = buckets::key(id);
        let stored = self.index.get(key).map_err(write_err)?;
        let bucket = Bucket::read(key, LOC_BYTES, stored.as_deref())?;
        match bucket.get(id) {
            None => Ok(None),
            Some(b) => Ok(Some(Loc::from_bytes(b).ok_or(buckets::Damaged)?)),
        }
    }

    pub fn contains(&self, id: &RecordId) -> Result<bool, StoreError> {
        Ok(self.index_get(id)?.is_some())
    }

    /// Record ids withdrawn here (whether or not this folder held the record).
    pub fn withdrawn_count(&self) -> u64 {
        self.withdrawn
            .iter()
            .values()
            .filter_map(Result::ok)
            .map(|v| buckets::count(&v, 0) as u64)
            .sum()
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
    /// stay. Durable before it returns, and the freed slots wiped. Gives
    /// (deleted, remaining).
    pub fn purge(&self, held: &[(RecordId, [u8; 32])], now: u64) -> Result<(u64, u64), StoreError> {
        let (mut missing, mut differ) = (0, 0);
        for (id, sha256) in held {
            match self.index_get(id)? {
                None => missing += 1,
                Some(loc) => match self.slots.read(loc, id) {
                    Ok(stored) if Sha256::digest(&stored).as_slice() == sha256 => {}
                    Ok(_) | Err(SlotError::Damaged) => differ += 1,
                    Err(e) => return Err(e.into()),
                },
            }
        }
        if missing > 0 {
            return Err(StoreError::NotInStore(missing));
        }
        if differ > 0 {
            return Err(StoreError::Differs(differ));
        }
        let freed = (&self.index, &self.slot_map, &self.meta)
            .transaction(|(index, slot_map, meta)| {
                let mut touched = Touched::new(index, LOC_BYTES);
                let mut freed = Vec::with_capacity(held.len());
                for (id, _) in held {
                    // Verified above, and nothing else writes meanwhile: only
                    // an id listed twice is gone already.
                    if let Some(old) = touched.bucket(id)?.remove(id) {
                        freed.push(Loc::from_bytes(&old).ok_or_else(|| damaged(buckets::Damaged))?);
                    }
                }
                touched.write()?;
                self.persist_chunks(slot_map, &freed, &freed)?;
                let count = get_u64(meta, "count")?.saturating_sub(freed.len() as u64);
                meta.insert("count", &count.to_be_bytes()[..])?;
                meta.insert("purged_at", &now.to_be_bytes()[..])?;
                Ok(freed)
            })
            .map_err(tx_err)?;
        self.durable()?;
        self.slots.release(&freed);
        self.slots.wipe(&freed).map_err(write_err)?;
        self.slots
            .sync(freed.iter().map(|l| l.size))
            .map_err(write_err)?;
        self.count.fetch_sub(freed.len() as u64, Ordering::Relaxed);
        self.compact()?;
        // Purges are rare and offline: check the kept count against the index.
        let remaining = self.recount()?;
        Ok((freed.len() as u64, remaining))
    }

    /// Rewrites sled's files into a fresh folder, closing the store: sled
    /// keeps the garbage of every rewritten bucket until half a segment is
    /// garbage, so after a purge its files stay as large as before (see
    /// [`sled_files`]). Returns the size of sled's files before and after.
    pub fn rewrite_sled(self) -> Result<(u64, u64), SledFilesError> {
        let Store {
            db,
            index,
            withdrawn,
            slot_map,
            meta,
            public_log,
            dir,
            lock,
            cache_bytes,
            ..
        } = self;
        // Every tree handle keeps the database open: only `db` may remain.
        drop((index, withdrawn, slot_map, meta, public_log));
        let sizes = sled_files::rewrite(&dir, db, |p| open_sled(p, cache_bytes));
        drop(lock);
        sizes
    }

    /// Moves the records of the last slots into free ones before them, a
    /// batch at a time, then cuts each file after its last record: after a
    /// purge the folder shrinks to what it still holds. A purge leaves its
    /// holes wherever its records were, and a hole smaller than a disk block
    /// gives no block back. Each batch is as safe as a commit: the copies are
    /// synced before the index points at them, and the old slots wiped after
    /// (and again at the next start, if a crash comes between).
    fn compact(&self) -> Result<(), StoreError> {
        // A sled transaction holds every node version it makes: keep it small.
        const BATCH: usize = 1024;
        let mut buf = Vec::new();
        for size in self.slots.sizes() {
            loop {
                let mut moves = Vec::new();
                for from in self.slots.highest_taken(size, BATCH) {
                    let (id, ct) = self.slots.read_any(from)?;
                    let to = self.slots.take(ct.len())?;
                    if to.size == size && to.slot >= from.slot {
                        self.slots.release(&[to]);
                        break;
                    }
                    self.slots.write(to, &id, &ct, &mut buf)?;
                    moves.push((id, from, to));
                }
                if moves.is_empty() {
                    break;
                }
                self.slots
                    .sync(moves.iter().map(|m| m.2.size))
                    .map_err(write_err)?;
                let froms: Vec<Loc> = moves.iter().map(|m| m.1).collect();
                (&self.index, &self.slot_map)
                    .transaction(|(index, slot_map)| {
                        let mut touched = Touched::new(index, LOC_BYTES);
                        for (id, from, to) in &moves {
                            let old = touched.bucket(id)?.insert(id, &to.to_bytes());
                            if old.as_deref().and_then(Loc::from_bytes) != Some(*from) {
                                return Err(damaged("a moved record's index entry changed"));
                            }
                        }
                        touched.write()?;
                        let touched = moves.iter().flat_map(|m| [m.1, m.2]).collect::<Vec<_>>();
                        self.persist_chunks(slot_map, &touched, &froms)?;
                        Ok(())
                    })
                    .map_err(tx_err)?;
                self.durable()?;
                self.slots.release(&froms);
                self.slots.wipe(&froms).map_err(write_err)?;
            }
            for key in self.slots.trim(size).map_err(write_err)? {
                self.slot_map.remove(key).map_err(write_err)?;
            }
            self.durable()?;
        }
        Ok(())
    }

    /// Counts the index's entries and, when the kept count differs (it never
    /// should), keeps the counted one. Returns it.
    pub fn recount(&self) -> Result<u64, StoreError> {
        let mut counted = 0u64;
        for v in self.index.iter().values() {
            counted += buckets::count(&v.map_err(write_err)?, LOC_BYTES) as u64;
        }
        if counted != self.count() {
            self.meta
                .insert("count", &counted.to_be_bytes()[..])
                .map_err(write_err)?;
            self.durable()?;
            self.count.store(counted, Ordering::Relaxed);
        }
        Ok(counted)
    }

    /// Every stored record's id (the public log's first start lists them).
    pub(crate) fn record_ids(&self) -> impl Iterator<Item = Result<RecordId, StoreError>> + '_ {
        self.index.iter().flat_map(|item| {
            let ids: Vec<Result<RecordId, StoreError>> = match item {
                Err(e) => vec![Err(write_err(e))],
                Ok((k, v)) => {
                    match buckets::prefix(&k).and_then(|p| Bucket::read(p, LOC_BYTES, Some(&v))) {
                        Err(e) => vec![Err(e.into())],
                        Ok(b) => b.iter().map(|(id, _)| Ok(id)).collect(),
                    }
                }
            };
            ids
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

    /// Streams every withdrawn id, then every stored ciphertext, as an
    /// export: in id order (random), never in the order signers came. Memory
    /// holds one bucket's records at a time.
    pub fn export<W: Write>(&self, out: W) -> Result<export::Counts, StoreError> {
        let header = export::Header::new(
            self.meta_string("petition"),
            self.meta_string("recipients"),
            self.count(),
        );
        let mut w = export::Writer::new(out, &header)?;
        for v in self.withdrawn.iter() {
            let (k, v) = v.map_err(write_err)?;
            let bucket = Bucket::read(buckets::prefix(&k)?, 0, Some(&v))?;
            for (id, _) in bucket.iter() {
                w.withdrawn(&id)?;
            }
        }
        // sled's iterator keeps a node between steps, so each bucket is read
        // afresh, under `reuse`, with its records.
        let keys: Vec<sled::IVec> = self
            .index
            .iter()
            .keys()
            .collect::<Result<_, _>>()
            .map_err(write_err)?;
        let mut records = Vec::new();
        for k in keys {
            {
                let _no_reuse = self.reuse.read().unwrap_or_else(|e| e.into_inner());
                let Some(v) = self.index.get(&k).map_err(write_err)? else {
                    continue;
                };
                let bucket = Bucket::read(buckets::prefix(&k)?, LOC_BYTES, Some(&v))?;
                #[cfg(test)]
                std::thread::sleep(tests::EXPORT_PAUSE.with(|p| p.get()));
                for (id, loc) in bucket.iter() {
                    let loc = Loc::from_bytes(loc).ok_or(buckets::Damaged)?;
                    records.push((id, self.slots.read(loc, &id)?));
                }
            }
            for (id, ct) in records.drain(..) {
                w.record(&id, &ct)?;
            }
        }
        let counts = w.finish()?;
        // With no writer, the export counted every record: the kept count
        // must agree, or is put right.
        if !self.writing.load(Ordering::Relaxed) && counts.records != self.count() {
            self.recount()?;
        }
        Ok(counts)
    }

    /// Applies a batch, then makes it durable (see the module comment).
    /// The first failure is final.
    fn commit(&self, ops: &[Op], buf: &mut Vec<u8>) -> Result<Vec<bool>, StoreError> {
        if let Some(why) = self.failure.get() {
            return Err(StoreError::Failed(why.clone()));
        }
        let frees = ops.iter().any(|op| matches!(op, Op::Remove(_)));
        let _no_export_reads = frees.then(|| self.reuse.write().unwrap_or_else(|e| e.into_inner()));
        let result = self.commit_inner(ops, buf);
        let applied = result.inspect_err(|e| self.fail(e))?;
        if applied.delta >= 0 {
            self.count
                .fetch_add(applied.delta as u64, Ordering::Relaxed);
        } else {
            self.count
                .fetch_sub(applied.delta.unsigned_abs(), Ordering::Relaxed);
        }
        let (added, withdrawn) = applied.logged;
        self.public_log.logged(added, withdrawn);
        Ok(applied.results)
    }

    fn commit_inner(&self, ops: &[Op], buf: &mut Vec<u8>) -> Result<Applied, StoreError> {
        let mut placed = Vec::with_capacity(ops.len());
        for op in ops {
            placed.push(match op {
                Op::Insert(id, ct) => {
                    let loc = self.slots.take(ct.as_bytes().len())?;
                    self.slots.write(loc, id, ct.as_bytes(), buf)?;
                    Some(loc)
                }
                Op::Remove(_) => None,
            });
        }
        self.slots
            .sync(placed.iter().flatten().map(|l| l.size))
            .map_err(write_err)?;
        let applied = self.apply(ops, &placed)?;
        self.db.flush().map_err(write_err)?;
        self.sync().map_err(write_err)?;
        // Durable: the freed slots may now be wiped and taken again.
        self.slots.release(&applied.freed);
        self.slots.wipe(&applied.freed).map_err(write_err)?;
        Ok(applied)
    }

    /// Applies a batch as one transaction (not yet durable).
    fn apply(&self, ops: &[Op], placed: &[Option<Loc>]) -> Result<Applied, StoreError> {
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
        (
            &self.index,
            &self.withdrawn,
            self.public_log.pending_tree(),
            &self.meta,
            &self.slot_map,
        )
            .transaction(|(index, withdrawn, pending, meta, slot_map)| {
                let mut records = Touched::new(index, LOC_BYTES);
                let mut withdrawals = Touched::new(withdrawn, 0);
                let mut results = Vec::with_capacity(ops.len());
                let mut freed = Vec::new();
                let (mut delta, mut added, mut withdrawn_here) = (0i64, 0u64, 0u64);
                for (op, loc) in ops.iter().zip(placed) {
                    match (op, loc) {
                        (Op::Insert(id, _), Some(loc)) => {
                            match records.bucket(id)?.insert(id, &loc.to_bytes()) {
                                // The same id again (a 128-bit collision): one record.
                                Some(old) => freed.extend(Loc::from_bytes(&old)),
                                None => delta += 1,
                            }
                            pending.insert(&Entry::new(Kind::Added, id).as_bytes()[..], &[][..])?;
                            added += 1;
                            results.push(true);
                        }
                        (Op::Remove(id), _) => {
                            let old = records.bucket(id)?.remove(id);
                            let present = old.is_some();
                            freed.extend(old.as_deref().and_then(Loc::from_bytes));
                            withdrawals.bucket(id)?.insert(id, &[]);
                            if present {
                                delta -= 1;
                                pending.insert(
                                    &Entry::new(Kind::Withdrawn, id).as_bytes()[..],
                                    &[][..],
                                )?;
                                withdrawn_here += 1;
                            }
                            results.push(present);
                        }
                        (Op::Insert(..), None) => return Err(damaged("an insert without a slot")),
                    }
                }
                records.write()?;
                withdrawals.write()?;
                self.persist_chunks(slot_map, placed.iter().flatten().chain(&freed), &freed)?;
                if delta != 0 {
                    let count = get_u64(meta, "count")?.saturating_add_signed(delta);
                    meta.insert("count", &count.to_be_bytes()[..])?;
                }
                Ok(Applied {
                    results,
                    freed,
                    delta,
                    logged: (added, withdrawn_here),
                })
            })
            .map_err(tx_err)
    }

    /// Writes, in a transaction, the allocation bits of every chunk that
    /// `locs` fall in, as they stand once `freed` is released: once a chunk.
    fn persist_chunks<'a>(
        &self,
        slot_map: &TransactionalTree,
        locs: impl IntoIterator<Item = &'a Loc>,
        freed: &[Loc],
    ) -> Result<(), Abort> {
        let mut chunks: Vec<Loc> = locs.into_iter().copied().collect();
        chunks.sort_unstable_by_key(|l| l.chunk_key());
        chunks.dedup_by_key(|l| l.chunk_key());
        for loc in chunks {
            slot_map.insert(
                &loc.chunk_key()[..],
                &self.slots.chunk_image(loc, freed)[..],
            )?;
        }
        Ok(())
    }

    /// fdatasync of sled's files: the segment log, and any blob file not
    /// synced yet. sled writes a blob (a node over 128 KiB: the public log's
    /// tiles make some) once and never changes it, so each is synced once,
    /// or again if it grew since; one deleted meanwhile needs nothing.
    fn sync(&self) -> io::Result<()> {
        self.log.sync_data()?;
        let blobs = self.sled_dir.join("blobs");
        let Ok(entries) = std::fs::read_dir(&blobs) else {
            return Ok(());
        };
        let mut synced = self.synced_blobs.lock().unwrap_or_else(|e| e.into_inner());
        let mut now = HashMap::with_capacity(synced.len());
        let mut new = false;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let gone = |e: &io::Error| e.kind() == io::ErrorKind::NotFound;
            let len = match entry.metadata() {
                Ok(m) => m.len(),
                Err(e) if gone(&e) => continue,
                Err(e) => return Err(e),
            };
            if synced.get(&name) != Some(&len) {
                match File::open(entry.path()) {
                    Ok(f) => f.sync_data()?,
                    Err(e) if gone(&e) => continue,
                    Err(e) => return Err(e),
                }
                new = true;
            }
            now.insert(name, len);
        }
        if new {
            // Their names must survive a power cut too.
            File::open(&blobs)?.sync_all()?;
        }
        *synced = now;
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
/// Why a thread and a channel: sled calls and file writes block, and one
/// writer that batches turns N concurrent signers into one flush and two
/// fdatasyncs instead of N.
#[derive(Clone, Debug)]
pub struct Committer {
    tx: mpsc::Sender<(Op, Reply)>,
}

/// Largest batch: bounds the time the first signer in a batch waits.
const MAX_BATCH: usize = 512;
/// Operations queued for the committer at most (each holds its record, a
/// few KiB): when storage falls behind, signers wait rather than memory grow.
pub const QUEUE: usize = 2 * MAX_BATCH;

impl Committer {
    /// Starts the writer thread. It ends when every `Committer` clone is dropped,
    /// after answering everything already queued.
    pub fn start(store: Arc<Store>) -> (Committer, std::thread::JoinHandle<()>) {
        store.writing.store(true, Ordering::Relaxed);
        let (tx, mut rx) = mpsc::channel::<(Op, Reply)>(QUEUE);
        let handle = std::thread::Builder::new()
            .name("undersign-commit".into())
            .spawn(move || {
                let mut ops = Vec::with_capacity(MAX_BATCH);
                let mut replies = Vec::with_capacity(MAX_BATCH);
                let mut buf = Vec::new();
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
                    let result = store.commit(&ops, &mut buf);
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
pub(crate) mod tests {
    use super::*;

    thread_local! {
        /// A pause between reading a bucket and its records, to widen the
        /// window a concurrent withdrawal would have to reuse their slots.
        pub(super) static EXPORT_PAUSE: std::cell::Cell<std::time::Duration> =
            const { std::cell::Cell::new(std::time::Duration::ZERO) };
    }

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
        store
            .commit(&[Op::Insert(id, ct(3))], &mut Vec::new())
            .unwrap();
        store
            .commit(&[Op::Insert(RecordId([4; 32]), ct(4))], &mut Vec::new())
            .unwrap();
        let answers = store
            .commit(&[Op::Remove(id), Op::Remove(id)], &mut Vec::new())
            .unwrap();
        assert_eq!(answers, vec![true, false]);
        assert_eq!(store.count(), 1);
    }

    /// The folder's sled, opened as the store opens it (no background
    /// flusher, which would hold the folder's lock a moment after a drop);
    /// `top`: sled's files at the top of the folder, as before `sled/`.
    fn raw_sled(dir: &Path, top: bool) -> sled::Db {
        let path = if top {
            dir.to_path_buf()
        } else {
            dir.join("sled")
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            match open_sled(&path, 1 << 20) {
                Err(_) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other.unwrap(),
            }
        }
    }

    /// Opens the store again after a sled on the same folder was dropped:
    /// sled may release its lock a moment later (an epoch-deferred drop).
    pub(crate) fn reopen(dir: &Path) -> Store {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            match Store::open(dir) {
                Err(StoreError::InUse(_)) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other.unwrap(),
            }
        }
    }

    /// A record's ciphertext, distinct per `n`, to look for in the files.
    fn marked(n: u8) -> Ciphertext {
        let mut v = b"age-encryption.org/v1 marked record ".to_vec();
        v.extend(std::iter::repeat_n(n, 400));
        Ciphertext(v)
    }

    /// Every byte of the data folder's files.
    fn folder_bytes(dir: &Path) -> Vec<u8> {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                all.extend(folder_bytes(&path));
            } else {
                all.extend(std::fs::read(&path).unwrap());
            }
        }
        all
    }

    fn holds(dir: &Path, ct: &Ciphertext) -> bool {
        folder_bytes(dir)
            .windows(ct.0.len())
            .any(|w| w == ct.as_bytes())
    }

    #[test]
    fn a_withdrawn_or_purged_record_leaves_no_ciphertext_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut buf = Vec::new();
        let ops: Vec<Op> = (1..=4)
            .map(|i| Op::Insert(RecordId([i; 32]), marked(i)))
            .collect();
        store.commit(&ops, &mut buf).unwrap();
        assert!((1..=4).all(|i| holds(dir.path(), &marked(i))));
        store
            .commit(&[Op::Remove(RecordId([2; 32]))], &mut buf)
            .unwrap();
        let sha = |i: u8| -> [u8; 32] { Sha256::digest(marked(i).as_bytes()).into() };
        store.purge(&[(RecordId([3; 32]), sha(3))], 1).unwrap();
        assert!(!holds(dir.path(), &marked(2)), "a withdrawn record lingers");
        assert!(!holds(dir.path(), &marked(3)), "a purged record lingers");
        assert!(holds(dir.path(), &marked(1)) && holds(dir.path(), &marked(4)));
        assert_eq!(store.count(), 2);
        assert_eq!(exported(&store).1, [1, 4]);
    }

    /// An id whose bucket suffix is easy to find in a file: `n`, then 31 × `0xA5`.
    fn traceable(n: u8) -> RecordId {
        let mut id = [0xA5; 32];
        id[0] = n;
        RecordId(id)
    }

    /// A store whose sled files hold garbage: records added and withdrawn in
    /// many small batches, one purged; returns it, and the digest of its
    /// export with sled's own checksum.
    fn worn_store(dir: &Path) -> (Store, (String, u32)) {
        let store = Store::open(dir).unwrap();
        let mut buf = Vec::new();
        let id = |b: u8, i: u8| {
            let mut id = [0x3C; 32];
            (id[0], id[1]) = (b, i);
            RecordId(id)
        };
        for b in 0..60 {
            let ops: Vec<Op> = (0..4).map(|i| Op::Insert(id(b, i), marked(i))).collect();
            store.commit(&ops, &mut buf).unwrap();
        }
        for b in 0..20 {
            store.commit(&[Op::Remove(id(b, 0))], &mut buf).unwrap();
        }
        store
            .commit(&[Op::Insert(traceable(7), marked(7))], &mut buf)
            .unwrap();
        let sha: [u8; 32] = Sha256::digest(marked(7).as_bytes()).into();
        store.purge(&[(traceable(7), sha)], 1).unwrap();
        let held = contents(&store);
        (store, held)
    }

    /// [`worn_store`], closed, and with sled's files released (after a
    /// reopen): ready for a test to move them about.
    fn closed_worn_store(dir: &Path) -> (String, u32) {
        let (store, held) = worn_store(dir);
        drop(store);
        drop(reopen(dir));
        held
    }

    /// What a store holds: the digest of its export, and sled's checksum.
    fn contents(store: &Store) -> (String, u32) {
        let mut out = Vec::new();
        store.export(&mut out).unwrap();
        (
            hex::encode(Sha256::digest(&out)),
            store.db.checksum().unwrap(),
        )
    }

    #[test]
    fn a_rewrite_of_sleds_files_keeps_every_tree_and_drops_the_history() {
        let dir = tempfile::tempdir().unwrap();
        let (store, held) = worn_store(dir.path());
        // A bucket holds an id's bytes after the first two.
        let suffix = &traceable(7).0[2..];
        let sled_bytes = || folder_bytes(&dir.path().join("sled"));
        assert!(
            sled_bytes().windows(suffix.len()).any(|w| w == suffix),
            "before the rewrite, sled's files still hold the purged id (the test must see it)"
        );
        // No size check: at this size, the copy's check (a reopen) already
        // fills sled's first segment of 512 KiB, as any start would.
        store.rewrite_sled().unwrap();
        assert!(
            !sled_bytes().windows(suffix.len()).any(|w| w == suffix),
            "the rewritten files hold no trace of the purged id"
        );
        assert_eq!(contents(&reopen(dir.path())), held);
        assert_only_sleds_folder(dir.path(), "after a rewrite");
    }

    /// sled's files are in `sled/` alone, and the guard is in place.
    fn assert_only_sleds_folder(dir: &Path, when: &str) {
        for gone in ["sled.new", "sled.old", "conf", "blobs"] {
            assert!(!dir.join(gone).exists(), "{when}: {gone} is left");
        }
        assert!(
            dir.join("db").is_dir(),
            "{when}: the guard folder db/ is missing"
        );
    }

    /// Releases before `sled/` opened sled at the top of the data folder:
    /// there they must fail, not find an empty index beside the records.
    #[test]
    fn an_older_release_refuses_a_data_folder_of_this_layout() {
        let dir = tempfile::tempdir().unwrap();
        let held = closed_worn_store(dir.path());
        // Not sled's, though named like its files: kept.
        std::fs::write(dir.path().join("snap.notes"), b"an organizer's file").unwrap();
        let older = sled::Config::new()
            .path(dir.path())
            .flush_every_ms(None)
            .open();
        assert!(older.is_err(), "an older release's sled opened this folder");
        assert_eq!(contents(&reopen(dir.path())), held);
        assert!(dir.path().join("snap.notes").exists());
    }

    #[test]
    fn a_rewrite_cut_short_anywhere_leaves_one_whole_copy() {
        let copy = copy_folder;
        let half_copy = |to: &Path| {
            std::fs::create_dir_all(to).unwrap();
            std::fs::write(to.join("db"), b"half a copy").unwrap();
        };
        // Where a crash can leave the folders, from `rewrite` and from the
        // first move of an older folder's files: each must open as it was.
        type Crash = fn(&Path, &dyn Fn(&Path, &Path), &dyn Fn(&Path));
        let crashes: [(&str, Crash); 6] = [
            ("while copying", |d, _, half| half(&d.join("sled.new"))),
            ("between the renames", |d, copy, _| {
                std::fs::rename(d.join("sled"), d.join("sled.old")).unwrap();
                copy(&d.join("sled.old"), &d.join("sled.new"));
            }),
            ("between the renames, the copy since lost", |d, _, _| {
                std::fs::rename(d.join("sled"), d.join("sled.old")).unwrap();
            }),
            ("before removing the old copy", |d, copy, _| {
                copy(&d.join("sled"), &d.join("sled.old"));
            }),
            ("while moving an older folder's files", |d, copy, half| {
                // A folder from before `sled/`: sled's files at its top.
                let older_folder = |d: &Path| {
                    std::fs::remove_dir_all(d.join("db")).unwrap();
                    copy(&d.join("sled"), d);
                    std::fs::remove_dir_all(d.join("sled")).unwrap();
                };
                older_folder(d);
                half(&d.join("sled.new"));
            }),
            ("before removing an older folder's files", |d, copy, _| {
                std::fs::remove_dir_all(d.join("db")).unwrap();
                copy(&d.join("sled"), d);
            }),
        ];
        for (when, crash) in crashes {
            let dir = tempfile::tempdir().unwrap();
            let held = closed_worn_store(dir.path());
            crash(dir.path(), &copy, &half_copy);
            assert_eq!(contents(&reopen(dir.path())), held, "a crash {when}");
            assert_only_sleds_folder(dir.path(), &format!("a crash {when}"));
        }
    }

    fn copy_folder(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy_folder(&path, &target);
            } else {
                std::fs::copy(&path, target).unwrap();
            }
        }
    }

    /// Once the first rename is done, the copy is whole and checked: the next
    /// open finishes the swap rather than bring back the files that still
    /// hold a purged id.
    #[test]
    fn a_swap_stopped_between_its_renames_is_finished() {
        let dir = tempfile::tempdir().unwrap();
        let held = closed_worn_store(dir.path());
        let (sled, old) = (dir.path().join("sled"), dir.path().join("sled.old"));
        let before = tempfile::tempdir().unwrap();
        copy_folder(&sled, before.path());
        reopen(dir.path()).rewrite_sled().unwrap();
        // As if the swap stopped after its first rename.
        std::fs::rename(&sled, dir.path().join("sled.new")).unwrap();
        copy_folder(before.path(), &old);
        let suffix = &traceable(7).0[2..];
        assert!(
            folder_bytes(&old)
                .windows(suffix.len())
                .any(|w| w == suffix)
        );
        assert_eq!(contents(&reopen(dir.path())), held);
        assert!(
            !folder_bytes(&sled)
                .windows(suffix.len())
                .any(|w| w == suffix),
            "the old copy came back"
        );
        assert_only_sleds_folder(dir.path(), "after the swap was finished");
    }

    #[test]
    fn one_process_at_a_time_opens_a_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(matches!(Store::open(dir.path()), Err(StoreError::InUse(_))));
        drop(store);
        drop(reopen(dir.path()));
    }

    #[test]
    fn a_purge_moves_the_last_records_into_its_holes_and_cuts_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let id = |i: u32| {
            let mut id = [0u8; 32];
            id[..4].copy_from_slice(&i.to_le_bytes());
            RecordId(id)
        };
        let n = slots::CHUNK + 1000;
        let ops: Vec<Op> = (0..n).map(|i| Op::Insert(id(i), marked(i as u8))).collect();
        store.commit(&ops, &mut Vec::new()).unwrap();
        let file = || {
            let records = dir.path().join("records");
            let f = std::fs::read_dir(&records)
                .unwrap()
                .next()
                .unwrap()
                .unwrap();
            std::fs::metadata(f.path()).unwrap().len()
        };
        let before = file();
        // Purge every other record: holes all over both chunks.
        let held: Vec<(RecordId, [u8; 32])> = (0..n)
            .step_by(2)
            .map(|i| (id(i), Sha256::digest(marked(i as u8).as_bytes()).into()))
            .collect();
        let (deleted, remaining) = store.purge(&held, 1).unwrap();
        assert_eq!((deleted, remaining), (held.len() as u64, u64::from(n) / 2));
        assert!(
            file() * 2 <= before + before / 8,
            "{} of {before} bytes kept",
            file()
        );
        // Every record left is whole, where the index now says it is.
        let mut out = Vec::new();
        store.export(&mut out).unwrap();
        let mut reader = export::Reader::new(&out[..]).unwrap();
        let mut left = 0;
        while let Some(item) = reader.next_item() {
            if let export::Item::Record(e) = item.unwrap() {
                let i = u32::from_le_bytes(e.record_id().0[..4].try_into().unwrap());
                assert_eq!(i % 2, 1);
                assert_eq!(e.ciphertext.as_bytes(), marked(i as u8).as_bytes());
                left += 1;
            }
        }
        assert_eq!(left, n / 2);
        drop(store);
        assert_eq!(reopen(dir.path()).count(), u64::from(n) / 2);
    }

    #[test]
    fn the_count_is_kept_not_counted_at_start_and_an_export_puts_a_wrong_one_right() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let ops: Vec<Op> = (0..30)
                .map(|i| Op::Insert(RecordId([i; 32]), ct(i)))
                .collect();
            store.commit(&ops, &mut Vec::new()).unwrap();
            store
                .commit(&[Op::Remove(RecordId([0; 32]))], &mut Vec::new())
                .unwrap();
        }
        assert_eq!(reopen(dir.path()).count(), 29);
        // A wrong stored count is believed at start (nothing is counted)…
        {
            let db = raw_sled(dir.path(), false);
            let meta = db.open_tree("meta").unwrap();
            meta.insert("count", &999u64.to_be_bytes()[..]).unwrap();
            db.flush().unwrap();
        }
        let store = reopen(dir.path());
        assert_eq!(store.count(), 999);
        // …and an export, which sees every record, puts it right for good.
        assert_eq!(store.export(std::io::sink()).unwrap().records, 29);
        assert_eq!(store.count(), 29);
        drop(store);
        assert_eq!(reopen(dir.path()).count(), 29);
    }

    #[test]
    fn a_schema_1_folder_is_moved_into_slots_with_every_record_and_withdrawal() {
        let dir = tempfile::tempdir().unwrap();
        // As undersign wrote it before slots: records and withdrawals in sled.
        {
            let db = raw_sled(dir.path(), true);
            let signatures = db.open_tree("signatures").unwrap();
            for i in 0..(MIGRATE_CHUNK as u32 + 300) {
                let mut id = [7u8; 32];
                id[..4].copy_from_slice(&i.to_be_bytes());
                signatures.insert(id, marked(i as u8).as_bytes()).unwrap();
            }
            let withdrawn = db.open_tree("withdrawn").unwrap();
            withdrawn.insert([9u8; 32], &[][..]).unwrap();
            let meta = db.open_tree("meta").unwrap();
            meta.insert("schema", SCHEMA_1).unwrap();
            meta.insert("petition", "p").unwrap();
            db.flush().unwrap();
        }
        let n = MIGRATE_CHUNK as u64 + 300;
        let store = reopen(dir.path());
        assert_eq!(store.count(), n);
        assert_eq!(store.withdrawn_count(), 1);
        let mut out = Vec::new();
        store.export(&mut out).unwrap();
        let mut reader = export::Reader::new(&out[..]).unwrap();
        let mut records = 0;
        while let Some(item) = reader.next_item() {
            match item.unwrap() {
                export::Item::Withdrawn(id) => assert_eq!(id, RecordId([9; 32])),
                export::Item::Record(e) => {
                    let i = u32::from_be_bytes(e.record_id().0[..4].try_into().unwrap());
                    assert_eq!(e.ciphertext.as_bytes(), marked(i as u8).as_bytes());
                    records += 1;
                }
            }
        }
        assert_eq!(records, n);
        drop(store);
        let db = raw_sled(dir.path(), false);
        assert!(
            !db.tree_names().iter().any(|t| t.as_ref() == b"signatures"),
            "the old tree is gone"
        );
        assert_eq!(
            db.open_tree("meta")
                .unwrap()
                .get("schema")
                .unwrap()
                .unwrap(),
            SCHEMA
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_export_beside_withdrawals_and_new_signatures_reads_only_whole_records() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        let (c, handle) = Committer::start(store.clone());
        let id = |i: u32| {
            let mut id = [0u8; 32];
            id[..4].copy_from_slice(&i.to_be_bytes());
            id[4..8].copy_from_slice(&i.to_le_bytes());
            RecordId(id)
        };
        let full = 512;
        let fill: Vec<_> = (0..16)
            .map(|t| {
                let c = c.clone();
                tokio::spawn(async move {
                    for i in (t..full).step_by(16) {
                        c.insert(id(i), marked(i as u8)).await.unwrap();
                    }
                })
            })
            .collect();
        for f in fill {
            f.await.unwrap();
        }
        // Withdraw and sign, one after the other, while exports run: a freed
        // slot is wiped at once, and may be taken by the next signature.
        let writer = tokio::spawn({
            let c = c.clone();
            async move {
                for i in 0..150 {
                    assert!(c.remove(id(i)).await.unwrap());
                    c.insert(id(full + i), marked((full + i) as u8))
                        .await
                        .unwrap();
                }
            }
        });
        while !writer.is_finished() {
            let store = store.clone();
            let out = tokio::task::spawn_blocking(move || {
                EXPORT_PAUSE.with(|p| p.set(std::time::Duration::from_millis(5)));
                let mut out = Vec::new();
                store.export(&mut out).map(|_| out)
            })
            .await
            .unwrap()
            .expect("an export beside writes fails");
            let mut reader = export::Reader::new(&out[..]).unwrap();
            while let Some(item) = reader.next_item() {
                if let export::Item::Record(e) = item.unwrap() {
                    let i = u32::from_be_bytes(e.record_id().0[..4].try_into().unwrap());
                    assert_eq!(e.ciphertext.as_bytes(), marked(i as u8).as_bytes());
                }
            }
        }
        writer.await.unwrap();
        assert_eq!(store.count(), u64::from(full));
        drop(c);
        handle.join().unwrap();
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
