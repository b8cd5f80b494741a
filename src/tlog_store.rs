//! The public log on disk: its trees beside the records, the log key, and the
//! batches that publish it.
//!
//! - Every commit of the store writes its entries (an add per record stored,
//!   a withdrawal per record deleted by its signer) to `log_pending` in the
//!   same sled transaction as the records, before the same flush and
//!   `fdatasync`: no signer is answered before their entry is on disk.
//! - Every `batch_seconds` (on the multiples of it since the Unix epoch),
//!   [`Log::publish`] takes the pending entries in byte order, appends them to
//!   the tree, and in one transaction stores the changed tiles and bundles,
//!   the new size and counts, and removes them from `log_pending`; then it
//!   flushes and syncs, and only then serves the new checkpoint. A crash
//!   before that leaves the entries pending, for the next batch.
//! - The log key (`log.key` in the data folder, mode 0600, made at first
//!   start and never replaced) signs each checkpoint. The count `/count`
//!   shows is the published one, so it moves once per batch.
//!
//! Trees: `log_pending` (entry → ""), `log_tiles` (level byte, index u64 BE →
//! hash tile), `log_bundles` (index u64 BE → entry bundle), `log_meta`.
//! Formats are [`crate::tlog`]'s.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use sled::Transactional;
use sled::transaction::TransactionError;

use crate::store::Store;
use crate::tlog::entry::Tally;
use crate::tlog::note::LogKey;
use crate::tlog::tiles::{self, Appender, Kind, SourceError, TileId, TileSource, TreeError};
use crate::tlog::{Entry, Hash};

/// The name of the log key's file in the data folder.
pub const KEY_FILE: &str = "log.key";

/// Most entries one transaction publishes; a larger batch is published in
/// several, in order. Small, because a sled transaction keeps every node
/// version it makes until it ends: about 3.7 KB of memory per entry, measured
/// (so about 2 MB here).
const CHUNK: usize = 512;

/// Entries waiting at most before a batch is published, even before its
/// time: sled keeps memory for every stored item, so a batch that grew with
/// the signing rate would grow the server's memory with it. The largest
/// petition on record peaked at
/// 33 signatures a second, 10,000 per default batch, so real batches are
/// never cut short; a batch this full still hides each signer among 16,384
/// others.
pub const BATCH_MAX: u64 = 16_384;

/// What went wrong with the log. Never carries a key or an entry.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{0}: cannot read or write the log key: {1}")]
    KeyFile(String, std::io::Error),
    #[error("{0}: {1}")]
    Key(String, crate::tlog::note::KeyError),
    #[error(
        "{path} is the key of the log \"{found}\", but this petition's log is \"{configured}\". \
         A log cannot be renamed (verifiers would see another log): set [log] name back, or, \
         while the log holds no entry yet, delete {path} to make a key for the new name"
    )]
    OtherName {
        path: String,
        found: String,
        configured: String,
    },
    #[error(
        "{path} is missing or is not the key this log was signed with ({entries} entries). \
         Restore it from your backup: a new key would look like a rewritten history to every verifier"
    )]
    KeyLost { path: String, entries: u64 },
    #[error("the public log's storage failed: {0}")]
    Storage(String),
    #[error("the public log's stored tree is damaged: {0}")]
    Tree(#[from] TreeError),
}

fn storage(e: impl std::fmt::Display) -> LogError {
    LogError::Storage(e.to_string())
}

/// The log's trees, opened by the store with its own.
pub struct Trees {
    pending: sled::Tree,
    tiles: sled::Tree,
    bundles: sled::Tree,
    meta: sled::Tree,
    /// Entries in `pending` (counted once at open, then kept).
    waiting: AtomicU64,
    /// Wakes the batch task once [`BATCH_MAX`] entries wait.
    full: tokio::sync::Notify,
    /// Adds minus withdrawals among the pending entries: with the published
    /// count, the live count (`/count`), known without reading the tree.
    pending_delta: std::sync::atomic::AtomicI64,
}

impl Trees {
    pub(crate) fn open(db: &sled::Db) -> sled::Result<Trees> {
        let pending = db.open_tree("log_pending")?;
        // At most one batch of entries: read once at start.
        let mut delta = 0i64;
        for k in pending.iter().keys() {
            delta += match k?.first() {
                Some(0x01) => 1,
                Some(0x02) => -1,
                _ => 0,
            };
        }
        Ok(Trees {
            waiting: AtomicU64::new(pending.len() as u64),
            pending,
            tiles: db.open_tree("log_tiles")?,
            bundles: db.open_tree("log_bundles")?,
            meta: db.open_tree("log_meta")?,
            full: tokio::sync::Notify::new(),
            pending_delta: std::sync::atomic::AtomicI64::new(delta),
        })
    }

    /// The store committed `added` adds and `withdrawn` withdrawals to the
    /// pending entries (durably).
    pub(crate) fn logged(&self, added: u64, withdrawn: u64) {
        self.pending_moved(added as i64, withdrawn as i64);
        let n = added + withdrawn;
        if self.waiting.fetch_add(n, Ordering::Relaxed) + n >= BATCH_MAX {
            self.full.notify_one();
        }
    }

    /// Adds and withdrawals that became pending (or, negative, that a batch
    /// published): the live count follows.
    pub(crate) fn pending_moved(&self, added: i64, withdrawn: i64) {
        self.pending_delta
            .fetch_add(added - withdrawn, std::sync::atomic::Ordering::Relaxed);
    }

    /// The tree of entries waiting for the next batch: the store writes to it
    /// in the same transaction as the records they are about.
    pub(crate) fn pending_tree(&self) -> &sled::Tree {
        &self.pending
    }

    fn get_u64(&self, key: &str) -> Result<u64, LogError> {
        Ok(match self.meta.get(key).map_err(storage)? {
            Some(v) => u64::from_be_bytes(
                v.as_ref()
                    .try_into()
                    .map_err(|_| LogError::Storage(format!("log_meta {key} is malformed")))?,
            ),
            None => 0,
        })
    }

    fn pending_count(&self) -> u64 {
        self.waiting.load(Ordering::Relaxed)
    }
}

fn tile_key(level: u8, n: u64) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = level;
    k[1..].copy_from_slice(&n.to_be_bytes());
    k
}

impl TileSource for Trees {
    fn hash_tile(&self, level: u8, n: u64) -> Result<Option<Vec<u8>>, SourceError> {
        self.tiles
            .get(tile_key(level, n))
            .map(|v| v.map(|v| v.to_vec()))
            .map_err(|e| SourceError(e.to_string()))
    }

    fn bundle(&self, n: u64) -> Result<Option<Vec<u8>>, SourceError> {
        self.bundles
            .get(n.to_be_bytes())
            .map(|v| v.map(|v| v.to_vec()))
            .map_err(|e| SourceError(e.to_string()))
    }
}

/// What the log has published: the web layer answers from this.
#[derive(Debug, Clone)]
pub struct Published {
    pub size: u64,
    pub root: Hash,
    pub tally: Tally,
    /// The signed checkpoint (a C2SP signed note), as served.
    pub checkpoint: Arc<Vec<u8>>,
}

/// The running log: the store it persists through, its key, its last checkpoint.
pub struct Log {
    store: Arc<Store>,
    key: LogKey,
    batch: Duration,
    published: RwLock<Arc<Published>>,
    /// One publisher at a time (the batch task; tests call `publish` too).
    publishing: Mutex<()>,
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Log({})", self.key.origin())
    }
}

/// How the log key came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// Made at this start (the first).
    Made,
    /// Read from the data folder.
    Read,
    /// Read, but other users of the machine may read it too.
    ReadByOthers,
}

/// The log key's file in a data folder.
pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

/// Reads the log key of a data folder, if it has one (for `undersign check`,
/// which must not open the store a running server holds).
pub fn read_key(data_dir: &Path) -> Result<Option<LogKey>, LogError> {
    let path = key_path(data_dir);
    let shown = path.display().to_string();
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let text = zeroize::Zeroizing::new(text);
            LogKey::from_private(&text)
                .map(Some)
                .map_err(|e| LogError::Key(shown, e))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(LogError::KeyFile(shown, e)),
    }
}

/// The log's origin, `<name>/<slug>`. With `[log] name` unset, a log keeps
/// the name its key was made with (adding an onion service later does not
/// rename it); a new log takes the default (the onion address, or localhost).
pub fn origin_for(
    data_dir: &Path,
    config: &crate::config::LogConfig,
    slug: &str,
) -> Result<String, LogError> {
    if !config.name_set
        && let Some(key) = read_key(data_dir)?
        && key.origin().ends_with(&format!("/{slug}"))
    {
        return Ok(key.origin().to_string());
    }
    Ok(config.origin(slug))
}

fn make_key(path: &Path, origin: &str) -> Result<LogKey, LogError> {
    let shown = path.display().to_string();
    let (key, text) = LogKey::generate(origin).map_err(|e| LogError::Key(shown.clone(), e))?;
    // Never replaces a key: create_new fails if one appeared meanwhile.
    let mut file = crate::offline::private_file(path, false)
        .map_err(|e| LogError::KeyFile(shown.clone(), e))?;
    file.write_all(format!("{}\n", text.as_str()).as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| LogError::KeyFile(shown.clone(), e))?;
    if let Some(dir) = path.parent() {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| LogError::KeyFile(shown, e))?;
    }
    Ok(key)
}

impl Log {
    /// Opens the log of `store`, named `origin`, making its key at the first
    /// start (and queueing an entry for every record already stored, so a
    /// petition that ran before the log existed is counted whole).
    pub fn open(
        store: Arc<Store>,
        data_dir: &Path,
        origin: &str,
        batch_seconds: u64,
    ) -> Result<(Log, KeyOrigin), LogError> {
        let path = key_path(data_dir);
        let shown = path.display().to_string();
        let trees = &store.public_log;
        let size = trees.get_u64("size")?;
        let known = trees.meta.get("vkey").map_err(storage)?;
        let (key, how) = match read_key(data_dir)? {
            Some(key) => {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&path)
                    .map_err(|e| LogError::KeyFile(shown.clone(), e))?
                    .permissions()
                    .mode();
                let how = if mode & 0o077 != 0 {
                    KeyOrigin::ReadByOthers
                } else {
                    KeyOrigin::Read
                };
                (key, how)
            }
            None => {
                if size > 0 {
                    return Err(LogError::KeyLost {
                        path: shown,
                        entries: size,
                    });
                }
                (make_key(&path, origin)?, KeyOrigin::Made)
            }
        };
        if key.origin() != origin {
            return Err(LogError::OtherName {
                path: shown,
                found: key.origin().to_string(),
                configured: origin.to_string(),
            });
        }
        match known {
            Some(v) if v.as_ref() != key.vkey().as_bytes() && size > 0 => {
                return Err(LogError::KeyLost {
                    path: shown,
                    entries: size,
                });
            }
            Some(v) if v.as_ref() == key.vkey().as_bytes() => {}
            // First start with a log (or a new key for a still empty one).
            first => {
                let mut pending = sled::Batch::default();
                let mut backfilled = 0i64;
                if first.is_none() {
                    for id in store.record_ids() {
                        let id = id.map_err(storage)?;
                        let e = Entry::new(crate::tlog::Kind::Added, &id);
                        if !trees.pending.contains_key(e.as_bytes()).map_err(storage)? {
                            backfilled += 1;
                        }
                        pending.insert(&e.as_bytes()[..], &[][..]);
                    }
                }
                let vkey = key.vkey().to_string();
                (&trees.pending, &trees.meta)
                    .transaction(|(p, m)| {
                        p.apply_batch(&pending)?;
                        m.insert("vkey", vkey.as_bytes())?;
                        Ok(())
                    })
                    .map_err(|e: TransactionError<()>| storage(format!("{e:?}")))?;
                store.durable().map_err(storage)?;
                trees
                    .waiting
                    .store(trees.pending.len() as u64, Ordering::Relaxed);
                trees.pending_moved(backfilled, 0);
            }
        }
        let root = match trees.meta.get("root").map_err(storage)? {
            Some(r) => Hash(
                r.as_ref()
                    .try_into()
                    .map_err(|_| LogError::Storage("log_meta root is malformed".into()))?,
            ),
            None => tlog_tiles::EMPTY_HASH,
        };
        // The stored tiles must still hash to the stored root.
        if tiles::root(trees, size)? != root {
            return Err(TreeError::Damaged.into());
        }
        let tally = Tally {
            added: trees.get_u64("added")?,
            withdrawn: trees.get_u64("withdrawn")?,
        };
        let published = Published {
            size,
            root,
            tally,
            checkpoint: Arc::new(key.sign(size, root)),
        };
        Ok((
            Log {
                store,
                key,
                batch: Duration::from_secs(batch_seconds.max(1)),
                published: RwLock::new(Arc::new(published)),
                publishing: Mutex::new(()),
            },
            how,
        ))
    }

    pub fn key(&self) -> &LogKey {
        &self.key
    }

    /// The last published state.
    pub fn published(&self) -> Arc<Published> {
        self.published
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The public count at the last checkpoint: added minus withdrawn.
    pub fn count(&self) -> u64 {
        self.published().tally.count()
    }

    /// The count now: the last checkpoint's and the entries waiting for the
    /// next batch. It says that signatures arrived, not which entry is whose:
    /// entries still come out sorted, a batch at a time.
    pub fn live_count(&self) -> u64 {
        let pending = self
            .store
            .public_log
            .pending_delta
            .load(std::sync::atomic::Ordering::Relaxed);
        (self.count() as i64 + pending).max(0) as u64
    }

    /// Entries waiting for the next batch.
    pub fn pending(&self) -> u64 {
        self.store.public_log.pending_count()
    }

    /// Publishes every pending entry: appends them in byte order, stores the
    /// new tiles and counts durably, then serves the new checkpoint. Returns
    /// how many entries it published.
    pub fn publish(&self) -> Result<u64, LogError> {
        let _one = self.publishing.lock().unwrap_or_else(|e| e.into_inner());
        let mut total = 0;
        loop {
            let n = self.publish_chunk()?;
            total += n as u64;
            if n < CHUNK {
                return Ok(total);
            }
        }
    }

    fn publish_chunk(&self) -> Result<usize, LogError> {
        let trees = &self.store.public_log;
        let current = self.published();
        // sled keeps keys in byte order: the batch comes out sorted, not in
        // the order signers arrived.
        let mut entries = Vec::new();
        for k in trees.pending.iter().keys().take(CHUNK) {
            let k = k.map_err(storage)?;
            entries.push(Entry::from_bytes(&k).map_err(|_| TreeError::Damaged)?);
        }
        if entries.is_empty() {
            return Ok(0);
        }
        let mut appender = Appender::new(trees, current.size);
        let mut tally = current.tally;
        for e in &entries {
            appender.push(e)?;
            tally.record(e);
        }
        let done = appender.finish()?;
        (&trees.pending, &trees.tiles, &trees.bundles, &trees.meta)
            .transaction(|(p, t, b, m)| {
                for e in &entries {
                    p.remove(&e.as_bytes()[..])?;
                }
                for ((level, n), data) in &done.tiles {
                    t.insert(&tile_key(*level, *n)[..], &data[..])?;
                }
                for (n, data) in &done.bundles {
                    b.insert(&n.to_be_bytes()[..], &data[..])?;
                }
                m.insert("size", &done.size.to_be_bytes()[..])?;
                m.insert("root", &done.root.0[..])?;
                m.insert("added", &tally.added.to_be_bytes()[..])?;
                m.insert("withdrawn", &tally.withdrawn.to_be_bytes()[..])?;
                Ok(())
            })
            .map_err(|e: TransactionError<()>| storage(format!("{e:?}")))?;
        self.store.durable().map_err(storage)?;
        let _ = trees
            .waiting
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |w| {
                Some(w.saturating_sub(entries.len() as u64))
            });
        let published = Published {
            size: done.size,
            root: done.root,
            tally,
            checkpoint: Arc::new(self.key.sign(done.size, done.root)),
        };
        *self.published.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(published);
        // Those entries are no longer pending: the live count stays the same.
        trees.pending_moved(
            -((tally.added - current.tally.added) as i64),
            -((tally.withdrawn - current.tally.withdrawn) as i64),
        );
        Ok(entries.len())
    }

    /// One tile or entry bundle of the published tree, if it exists there.
    pub fn tile(&self, id: &TileId) -> Result<Option<Vec<u8>>, LogError> {
        if !id.within(self.published().size) {
            return Ok(None);
        }
        let trees = &self.store.public_log;
        let stored = match id.kind {
            Kind::Hashes(level) => trees.hash_tile(level, id.n),
            Kind::Entries => trees.bundle(id.n),
        }
        .map_err(storage)?;
        Ok(stored.and_then(|s| tiles::tile_data(&s, id)))
    }

    /// How long until the next batch: the next multiple of `batch_seconds`
    /// since the Unix epoch, so batch times say nothing about restarts.
    pub fn until_next_batch(&self) -> Duration {
        let period = self.batch.as_millis().max(1) as u64;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as u64;
        Duration::from_millis(period - now % period)
    }
}

/// Publishes a batch at every tick, and whenever [`BATCH_MAX`] entries wait,
/// until `stop` changes or closes. A failed batch stays pending and is tried
/// again at the next tick.
pub async fn run_batches(log: Arc<Log>, mut stop: tokio::sync::watch::Receiver<()>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(log.until_next_batch()) => {}
            _ = log.store.public_log.full.notified() => {}
            _ = stop.changed() => return,
        }
        let l = log.clone();
        match tokio::task::spawn_blocking(move || l.publish()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => println!(
                "undersign: the public log could not publish this batch; it stays pending for the next: {e}"
            ),
            Err(_) => println!(
                "undersign: the public log's batch stopped unexpectedly; retrying at the next"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::RecordId;
    use crate::seal::Ciphertext;
    use crate::store::Committer;
    use crate::tlog::Kind as EntryKind;
    use crate::tlog::note::open_checkpoint;

    fn open(dir: &Path) -> (Arc<Store>, Log) {
        let store = Arc::new(Store::open(dir).unwrap());
        let (log, _) = Log::open(store.clone(), dir, "example.org/p", 1).unwrap();
        (store, log)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records_and_withdrawals_are_logged_and_published_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let (store, log) = open(dir.path());
        let (c, handle) = Committer::start(store.clone());
        let ids: Vec<RecordId> = (0..20u8).map(|i| RecordId([i * 11; 32])).collect();
        for id in &ids {
            c.insert(*id, Ciphertext(vec![1; 10])).await.unwrap();
        }
        assert!(c.remove(ids[3]).await.unwrap());
        assert_eq!(log.pending(), 21);
        assert_eq!(log.count(), 0, "nothing is public before the batch");
        assert_eq!(log.publish().unwrap(), 21);
        let p = log.published();
        assert_eq!((p.size, p.tally.count()), (21, 19));
        let cp = open_checkpoint(&p.checkpoint, log.key().vkey()).unwrap();
        assert_eq!((cp.size, cp.root), (21, p.root));
        let bundle = log.tile(&TileId::entries(0, 21)).unwrap().unwrap();
        let entries = tiles::decode_bundle(&bundle).unwrap();
        let mut sorted = entries.clone();
        sorted.sort();
        assert_eq!(entries, sorted, "a batch is published in byte order");
        assert!(entries.contains(&Entry::new(EntryKind::Withdrawn, &ids[3])));
        // A second withdrawal of the same code adds nothing.
        assert!(!c.remove(ids[3]).await.unwrap());
        assert_eq!(log.publish().unwrap(), 0);
        drop(c);
        handle.join().unwrap();
    }

    /// Puts add entries for ids `from..to` in `log_pending` as commits would,
    /// and counts them.
    fn pend(store: &Store, from: u32, to: u32) {
        let mut batch = sled::Batch::default();
        for i in from..to {
            let mut id = [0u8; 32];
            id[..4].copy_from_slice(&i.to_le_bytes());
            batch.insert(
                &Entry::new(EntryKind::Added, &RecordId(id)).as_bytes()[..],
                &[][..],
            );
        }
        store.public_log.pending_tree().apply_batch(batch).unwrap();
        store.public_log.logged(u64::from(to - from), 0);
    }

    #[test]
    fn a_batch_larger_than_one_transaction_is_published_whole_and_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let (store, log) = open(dir.path());
        let n = 2 * CHUNK as u32 + 100;
        pend(&store, 0, n);
        assert_eq!(log.publish().unwrap(), u64::from(n));
        assert_eq!((log.pending(), log.count()), (0, u64::from(n)));
        let mut all = Vec::new();
        for t in 0..n.div_ceil(256) {
            let width = (n - t * 256).min(256) as u16;
            let tile = log
                .tile(&TileId::entries(u64::from(t), width))
                .unwrap()
                .unwrap();
            all.extend(tiles::decode_bundle(&tile).unwrap());
        }
        assert_eq!(all.len(), n as usize);
        assert!(
            all.windows(2).all(|w| w[0] < w[1]),
            "one batch stays in byte order across its transactions"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_batch_is_published_before_its_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        // A day between batches: only a full batch can publish within the test.
        let (log, _) = Log::open(store.clone(), dir.path(), "example.org/p", 86_400).unwrap();
        let log = Arc::new(log);
        let (stop, stopped) = tokio::sync::watch::channel(());
        let batches = tokio::spawn(run_batches(log.clone(), stopped));
        let full = BATCH_MAX as u32;
        pend(&store, 0, full - 1);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            log.count(),
            0,
            "one entry short of full: it waits for its time"
        );
        pend(&store, full - 1, full);
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while log.count() < BATCH_MAX && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!((log.count(), log.pending()), (BATCH_MAX, 0));
        drop(stop);
        batches.await.unwrap();
    }

    /// The bounds are promised in prose (SECURITY.md row 52, the capacity
    /// figures): a change to either constant must change those texts too.
    #[test]
    fn the_docs_state_the_batch_bounds_this_code_uses() {
        fn with_commas(n: u64) -> String {
            let digits = n.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }
        let (full, chunk) = (with_commas(BATCH_MAX), format!("{CHUNK} entries"));
        crate::assert_docs_say(&[
            ("SECURITY.md", &[&full]),
            ("docs/config.md", &[&full]),
            ("docs/formats.md", &[&full, &chunk]),
            ("docs/operations.md", &[&full, &chunk]),
        ]);
    }

    #[test]
    fn the_log_survives_a_reopen_and_refuses_another_name_or_key() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (_store, log) = open(dir.path());
            assert_eq!(log.published().size, 0);
        }
        let store = Arc::new(crate::store::tests::reopen(dir.path()));
        let err = Log::open(store.clone(), dir.path(), "example.org/q", 1).unwrap_err();
        assert!(matches!(err, LogError::OtherName { .. }), "{err}");
        let (log, how) = Log::open(store.clone(), dir.path(), "example.org/p", 1).unwrap();
        assert_eq!(how, KeyOrigin::Read);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(key_path(dir.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        store
            .public_log
            .pending_tree()
            .insert(
                &Entry::new(EntryKind::Added, &RecordId([1; 32])).as_bytes()[..],
                &[][..],
            )
            .unwrap();
        assert_eq!(log.publish().unwrap(), 1);
        drop(log);
        // With entries published, a lost key is an error, not a new key.
        std::fs::remove_file(key_path(dir.path())).unwrap();
        let err = Log::open(store, dir.path(), "example.org/p", 1).unwrap_err();
        assert!(matches!(err, LogError::KeyLost { .. }), "{err}");
    }

    #[test]
    fn records_stored_before_the_log_existed_are_logged_at_its_first_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        // As an older undersign wrote them: records, no log entries.
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (c, h) = Committer::start(store.clone());
        rt.block_on(async {
            for i in 0..5u8 {
                c.insert(RecordId([i; 32]), Ciphertext(vec![0; 4]))
                    .await
                    .unwrap();
            }
        });
        drop(c);
        h.join().unwrap();
        store.public_log.pending.clear().unwrap();
        let (log, how) = Log::open(store.clone(), dir.path(), "example.org/p", 1).unwrap();
        assert_eq!(how, KeyOrigin::Made);
        assert_eq!(log.publish().unwrap(), 5);
        assert_eq!(log.count(), 5);
    }
}
