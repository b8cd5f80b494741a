//! Sealed records on disk beside sled: fixed-size slots, one file per slot size.
//!
//! Why not sled: sled 0.34 writes a record twice (as a delta, then inside its
//! rewritten node) and reclaims a segment only once half of it is garbage, so a
//! data folder held 2 to 2.3 times its ciphertext; and every stored item costs
//! memory in its page table. A slot is written once and stays put until its
//! record is deleted, and the store keeps only a bit per slot in memory.
//!
//! `records/<size>` holds slots of `size` bytes: the record id (32 bytes),
//! the age file's length (u32, little-endian), the age file, then zeros.
//! Every record of a petition has the same size but for age's random "grease"
//! stanza (under 200 bytes), so the first record's size plus [`HEADROOM`]
//! makes one slot size that fits them all; a change of recipients that makes
//! records larger opens a second file.
//!
//! Slots come in chunks of [`CHUNK`]. A record takes a random free slot of the
//! lowest chunk that has one, so a file tells the order of writes no finer than
//! a chunk of 4,096 signatures (sled's own log told it roughly, per write).
//! A freed slot is wiped at once (its disk blocks given back where the system
//! can), and every free slot is wiped again at each start, so a deletion that a
//! crash interrupted leaves no ciphertext behind either.
//!
//! The allocation bits are persisted by the store, in sled, in the same
//! transaction as the index that points at the slots; this module keeps them
//! in memory and does the file I/O.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use rand::Rng;

use crate::receipt::RecordId;

/// Slots per chunk: the unit of allocation order and of the persisted bitmap.
pub(crate) const CHUNK: u32 = 4096;
/// Bytes of one chunk's persisted bitmap.
pub(crate) const CHUNK_BYTES: usize = CHUNK as usize / 8;
/// Id and length before the age file.
pub(crate) const HEADER: usize = 36;
/// Room above the first record's size for the others of the same petition.
const HEADROOM: u32 = 192;
/// Slot sizes are multiples of this.
const ALIGN: u32 = 64;
/// The largest record a slot takes (sealed to many ssh-rsa keys, at most a
/// few tens of KiB): anything larger is refused, not stored.
const MAX_SLOT: u32 = 1 << 20;

/// Where a record lives: the slot size (naming its file) and the slot number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Loc {
    pub size: u32,
    pub slot: u32,
}

/// Bytes of a [`Loc`] in the index.
pub(crate) const LOC_BYTES: usize = 8;

impl Loc {
    pub(crate) fn to_bytes(self) -> [u8; LOC_BYTES] {
        let mut b = [0; LOC_BYTES];
        b[..4].copy_from_slice(&self.size.to_be_bytes());
        b[4..].copy_from_slice(&self.slot.to_be_bytes());
        b
    }

    pub(crate) fn from_bytes(b: &[u8]) -> Option<Loc> {
        let b: [u8; LOC_BYTES] = b.try_into().ok()?;
        let size = u32::from_be_bytes(b[..4].try_into().ok()?);
        let slot = u32::from_be_bytes(b[4..].try_into().ok()?);
        (size as usize > HEADER && size <= MAX_SLOT).then_some(Loc { size, slot })
    }

    fn offset(self) -> u64 {
        u64::from(self.slot) * u64::from(self.size)
    }

    /// The persisted bitmap's key: slot size, then chunk number, big-endian.
    pub(crate) fn chunk_key(self) -> [u8; 8] {
        chunk_key(self.size, self.slot / CHUNK)
    }
}

fn chunk_key(size: u32, chunk: u32) -> [u8; 8] {
    let mut k = [0; 8];
    k[..4].copy_from_slice(&size.to_be_bytes());
    k[4..].copy_from_slice(&chunk.to_be_bytes());
    k
}

/// One chunk's allocation bits: set = taken.
#[derive(Clone)]
struct Chunk {
    bits: [u64; 64],
    taken: u32,
}

impl Chunk {
    fn empty() -> Chunk {
        Chunk {
            bits: [0; 64],
            taken: 0,
        }
    }

    fn from_bytes(b: &[u8]) -> Option<Chunk> {
        if b.len() != CHUNK_BYTES {
            return None;
        }
        let mut bits = [0u64; 64];
        for (w, bytes) in bits.iter_mut().zip(b.chunks_exact(8)) {
            *w = u64::from_le_bytes(bytes.try_into().ok()?);
        }
        let taken = bits.iter().map(|w| w.count_ones()).sum();
        Some(Chunk { bits, taken })
    }

    fn to_bytes(&self) -> [u8; CHUNK_BYTES] {
        let mut b = [0u8; CHUNK_BYTES];
        for (w, bytes) in self.bits.iter().zip(b.chunks_exact_mut(8)) {
            bytes.copy_from_slice(&w.to_le_bytes());
        }
        b
    }

    fn is_taken(&self, i: u32) -> bool {
        self.bits[(i / 64) as usize] & (1 << (i % 64)) != 0
    }

    fn set(&mut self, i: u32, taken: bool) {
        let (w, bit) = ((i / 64) as usize, 1u64 << (i % 64));
        if (self.bits[w] & bit != 0) != taken {
            self.bits[w] ^= bit;
            if taken {
                self.taken += 1;
            } else {
                self.taken -= 1;
            }
        }
    }

    /// The `n`th free slot (0-based) of the chunk.
    fn nth_free(&self, mut n: u32) -> u32 {
        for (w, word) in self.bits.iter().enumerate() {
            let free = word.count_zeros();
            if n < free {
                let mut word = !word;
                for _ in 0..n {
                    word &= word - 1;
                }
                return w as u32 * 64 + word.trailing_zeros();
            }
            n -= free;
        }
        unreachable!("asked for a free slot beyond the chunk's free count")
    }
}

/// The slots of one size: its file and its chunks.
struct Class {
    file: Arc<File>,
    chunks: Vec<Chunk>,
    /// No chunk below this one has a free slot.
    lowest_free: usize,
}

/// Every slot file of a data folder.
pub(crate) struct Slots {
    dir: PathBuf,
    classes: Mutex<BTreeMap<u32, Class>>,
    /// The files, for readers that must not wait on the allocator.
    files: RwLock<BTreeMap<u32, Arc<File>>>,
}

/// A record slot that does not hold what the index says it does.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SlotError {
    #[error("a stored record is damaged (its slot does not hold it)")]
    Damaged,
    #[error("the record is too large to store")]
    TooLarge,
    #[error(transparent)]
    Io(#[from] io::Error),
}

fn open_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
}

impl Slots {
    /// Opens `dir` (made mode 0700 if needed) with the persisted bitmaps
    /// (`(key, bits)` as stored), and wipes every free slot.
    pub(crate) fn open<'a>(
        dir: &Path,
        persisted: impl Iterator<Item = (&'a [u8], &'a [u8])>,
    ) -> Result<Slots, SlotError> {
        {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        let mut chunks: BTreeMap<u32, Vec<Chunk>> = BTreeMap::new();
        for (k, v) in persisted {
            let k: [u8; 8] = k.try_into().map_err(|_| SlotError::Damaged)?;
            let size = u32::from_be_bytes(k[..4].try_into().expect("4 bytes"));
            let n = u32::from_be_bytes(k[4..].try_into().expect("4 bytes")) as usize;
            let chunk = Chunk::from_bytes(v).ok_or(SlotError::Damaged)?;
            let list = chunks.entry(size).or_default();
            // Keys come sorted; a gap is a chunk never persisted (all free).
            while list.len() < n {
                list.push(Chunk::empty());
            }
            list.push(chunk);
        }
        // Files whose chunks were never persisted still get wiped (a batch
        // that wrote and then crashed before its commit).
        for entry in std::fs::read_dir(dir)? {
            let name = entry?.file_name();
            if let Some(size) = name.to_str().and_then(|n| n.parse::<u32>().ok()) {
                chunks.entry(size).or_default();
            }
        }
        let mut classes = BTreeMap::new();
        let mut files = BTreeMap::new();
        for (size, chunks) in chunks {
            if size as usize <= HEADER || size > MAX_SLOT {
                return Err(SlotError::Damaged);
            }
            let file = Arc::new(open_file(&dir.join(size.to_string()))?);
            let class = Class {
                file: file.clone(),
                lowest_free: chunks
                    .iter()
                    .position(|c| c.taken < CHUNK)
                    .unwrap_or(chunks.len()),
                chunks,
            };
            wipe_free(size, &class)?;
            classes.insert(size, class);
            files.insert(size, file);
        }
        Ok(Slots {
            dir: dir.to_path_buf(),
            classes: Mutex::new(classes),
            files: RwLock::new(files),
        })
    }

    /// Takes a free slot for a record of `len` bytes.
    pub(crate) fn take(&self, len: usize) -> Result<Loc, SlotError> {
        let need = u32::try_from(len + HEADER).map_err(|_| SlotError::TooLarge)?;
        let mut classes = self.classes.lock().unwrap_or_else(|e| e.into_inner());
        // An existing size that fits with less than three headrooms to spare:
        // records smaller than the first by age's whole grease range fit too.
        let size = match classes
            .range(need..need.saturating_add(3 * HEADROOM))
            .next()
        {
            Some((&size, _)) => size,
            None => {
                let size = (need + HEADROOM).div_ceil(ALIGN) * ALIGN;
                if size > MAX_SLOT {
                    return Err(SlotError::TooLarge);
                }
                if let std::collections::btree_map::Entry::Vacant(slot) = classes.entry(size) {
                    let file = Arc::new(open_file(&self.dir.join(size.to_string()))?);
                    // The new file's name must survive a power cut.
                    File::open(&self.dir)?.sync_all()?;
                    self.files
                        .write()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(size, file.clone());
                    slot.insert(Class {
                        file,
                        chunks: Vec::new(),
                        lowest_free: 0,
                    });
                }
                size
            }
        };
        let class = classes.get_mut(&size).expect("the class exists");
        while class.lowest_free < class.chunks.len()
            && class.chunks[class.lowest_free].taken == CHUNK
        {
            class.lowest_free += 1;
        }
        if class.lowest_free == class.chunks.len() {
            if class.chunks.len() as u64 * u64::from(CHUNK) >= u64::from(u32::MAX) {
                return Err(SlotError::TooLarge);
            }
            class.chunks.push(Chunk::empty());
        }
        let n = class.lowest_free;
        let chunk = &mut class.chunks[n];
        let i = chunk.nth_free(rand::rng().random_range(0..CHUNK - chunk.taken));
        chunk.set(i, true);
        Ok(Loc {
            size,
            slot: n as u32 * CHUNK + i,
        })
    }

    /// Marks slots free again (their records are deleted, durably).
    pub(crate) fn release(&self, locs: &[Loc]) {
        let mut classes = self.classes.lock().unwrap_or_else(|e| e.into_inner());
        for loc in locs {
            if let Some(class) = classes.get_mut(&loc.size) {
                let n = (loc.slot / CHUNK) as usize;
                if let Some(chunk) = class.chunks.get_mut(n) {
                    chunk.set(loc.slot % CHUNK, false);
                    class.lowest_free = class.lowest_free.min(n);
                }
            }
        }
    }

    /// The bitmap of `loc`'s chunk as it must be persisted, with `freed`
    /// (slots about to be released) already free.
    pub(crate) fn chunk_image(&self, loc: Loc, freed: &[Loc]) -> [u8; CHUNK_BYTES] {
        let classes = self.classes.lock().unwrap_or_else(|e| e.into_inner());
        let n = loc.slot / CHUNK;
        let mut chunk = classes
            .get(&loc.size)
            .and_then(|c| c.chunks.get(n as usize))
            .cloned()
            .unwrap_or_else(Chunk::empty);
        for f in freed {
            if f.size == loc.size && f.slot / CHUNK == n {
                chunk.set(f.slot % CHUNK, false);
            }
        }
        chunk.to_bytes()
    }

    fn file(&self, size: u32) -> io::Result<Arc<File>> {
        self.files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&size)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no file for this slot size"))
    }

    /// Writes a record into its slot (not yet durable: see [`Slots::sync`]).
    /// `buf` is scratch space, reused between calls.
    pub(crate) fn write(
        &self,
        loc: Loc,
        id: &RecordId,
        ct: &[u8],
        buf: &mut Vec<u8>,
    ) -> Result<(), SlotError> {
        if ct.len() + HEADER > loc.size as usize {
            return Err(SlotError::TooLarge);
        }
        buf.clear();
        buf.extend_from_slice(&id.0);
        buf.extend_from_slice(&(ct.len() as u32).to_le_bytes());
        buf.extend_from_slice(ct);
        // The rest of the slot is zeros already: fresh, or wiped when freed.
        self.file(loc.size)?.write_all_at(buf, loc.offset())?;
        Ok(())
    }

    /// The age file in `loc`, which must hold `id`.
    pub(crate) fn read(&self, loc: Loc, id: &RecordId) -> Result<Vec<u8>, SlotError> {
        let file = self.file(loc.size)?;
        let mut head = [0u8; HEADER];
        file.read_exact_at(&mut head, loc.offset())
            .map_err(|e| match e.kind() {
                io::ErrorKind::UnexpectedEof => SlotError::Damaged,
                _ => SlotError::Io(e),
            })?;
        let len = u32::from_le_bytes(head[32..].try_into().expect("4 bytes")) as usize;
        if head[..32] != id.0 || len + HEADER > loc.size as usize {
            return Err(SlotError::Damaged);
        }
        let mut ct = vec![0u8; len];
        file.read_exact_at(&mut ct, loc.offset() + HEADER as u64)
            .map_err(|e| match e.kind() {
                io::ErrorKind::UnexpectedEof => SlotError::Damaged,
                _ => SlotError::Io(e),
            })?;
        Ok(ct)
    }

    /// The id and age file in `loc`, whatever record it holds.
    pub(crate) fn read_any(&self, loc: Loc) -> Result<(RecordId, Vec<u8>), SlotError> {
        let file = self.file(loc.size)?;
        let mut head = [0u8; HEADER];
        file.read_exact_at(&mut head, loc.offset())?;
        let id = RecordId(head[..32].try_into().expect("32 bytes"));
        Ok((id, self.read(loc, &id)?))
    }

    /// The slot sizes in use.
    pub(crate) fn sizes(&self) -> Vec<u32> {
        let classes = self.classes.lock().unwrap_or_else(|e| e.into_inner());
        classes.keys().copied().collect()
    }

    /// The taken slots of one size from the highest down, at most `n`.
    pub(crate) fn highest_taken(&self, size: u32, n: usize) -> Vec<Loc> {
        let classes = self.classes.lock().unwrap_or_else(|e| e.into_inner());
        let Some(class) = classes.get(&size) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (c, chunk) in class.chunks.iter().enumerate().rev() {
            if chunk.taken == 0 {
                continue;
            }
            for i in (0..CHUNK).rev() {
                if chunk.is_taken(i) {
                    out.push(Loc {
                        size,
                        slot: c as u32 * CHUNK + i,
                    });
                    if out.len() == n {
                        return out;
                    }
                }
            }
        }
        out
    }

    /// Drops the chunks after the last taken slot of `size` and cuts its file
    /// there; returns the dropped chunks' keys (to remove from the persisted
    /// bitmap).
    pub(crate) fn trim(&self, size: u32) -> io::Result<Vec<[u8; 8]>> {
        let mut classes = self.classes.lock().unwrap_or_else(|e| e.into_inner());
        let Some(class) = classes.get_mut(&size) else {
            return Ok(Vec::new());
        };
        let keep = class
            .chunks
            .iter()
            .rposition(|c| c.taken > 0)
            .map_or(0, |c| c + 1);
        let dropped = (keep..class.chunks.len())
            .map(|c| chunk_key(size, c as u32))
            .collect();
        class.chunks.truncate(keep);
        class.lowest_free = class.lowest_free.min(keep);
        let end = keep as u64 * u64::from(CHUNK) * u64::from(size);
        if class.file.metadata()?.len() > end {
            class.file.set_len(end)?;
            class.file.sync_all()?;
        }
        Ok(dropped)
    }

    /// `fdatasync` of the files of these slot sizes.
    pub(crate) fn sync(&self, sizes: impl IntoIterator<Item = u32>) -> io::Result<()> {
        let mut done = Vec::new();
        for size in sizes {
            if !done.contains(&size) {
                self.file(size)?.sync_data()?;
                done.push(size);
            }
        }
        Ok(())
    }

    /// Wipes freed slots (zeros; their disk blocks freed where possible).
    pub(crate) fn wipe(&self, locs: &[Loc]) -> io::Result<()> {
        for loc in locs {
            punch(&*self.file(loc.size)?, loc.offset(), u64::from(loc.size))?;
        }
        Ok(())
    }

    /// Slots taken, by slot size.
    #[cfg(test)]
    pub(crate) fn taken(&self) -> BTreeMap<u32, u64> {
        let classes = self.classes.lock().unwrap_or_else(|e| e.into_inner());
        classes
            .iter()
            .map(|(&s, c)| (s, c.chunks.iter().map(|c| u64::from(c.taken)).sum()))
            .collect()
    }
}

/// Zeros `len` bytes at `at`: a hole punched where the file system can,
/// written zeros where it cannot.
fn punch(file: &File, at: u64, len: u64) -> io::Result<()> {
    use rustix::fs::{FallocateFlags, fallocate};
    match fallocate(
        file,
        FallocateFlags::PUNCH_HOLE | FallocateFlags::KEEP_SIZE,
        at,
        len,
    ) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::OPNOTSUPP || e == rustix::io::Errno::NOSYS => {
            let zeros = vec![0u8; 1 << 16];
            let mut done = 0;
            while done < len {
                let n = (len - done).min(zeros.len() as u64) as usize;
                file.write_all_at(&zeros[..n], at + done)?;
                done += n as u64;
            }
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Wipes every free slot of a class, in runs, and cuts the file after its
/// last chunk (a batch that grew it and crashed before its commit).
fn wipe_free(size: u32, class: &Class) -> io::Result<()> {
    let end = class.chunks.len() as u64 * u64::from(CHUNK) * u64::from(size);
    let len = class.file.metadata()?.len();
    if len > end {
        class.file.set_len(end)?;
    }
    let len = len.min(end);
    let mut run: Option<u64> = None;
    let slots = class.chunks.len() as u64 * u64::from(CHUNK);
    for slot in 0..=slots {
        let free = slot < slots && {
            let c = &class.chunks[(slot / u64::from(CHUNK)) as usize];
            !c.is_taken((slot % u64::from(CHUNK)) as u32)
        };
        match (free, run) {
            (true, None) => run = Some(slot),
            (false, Some(start)) => {
                let at = start * u64::from(size);
                if at < len {
                    punch(
                        &class.file,
                        at,
                        ((slot - start) * u64::from(size)).min(len - at),
                    )?;
                }
                run = None;
            }
            _ => {}
        }
    }
    class.file.sync_data()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_of_one_petition_share_one_slot_size_and_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let slots = Slots::open(dir.path(), std::iter::empty()).unwrap();
        let mut buf = Vec::new();
        let mut locs = Vec::new();
        for (i, len) in [3300usize, 3150, 3480, 3320].into_iter().enumerate() {
            let loc = slots.take(len).unwrap();
            let id = RecordId([i as u8; 32]);
            slots
                .write(loc, &id, &vec![i as u8; len], &mut buf)
                .unwrap();
            locs.push((loc, id, len));
        }
        assert!(locs.iter().all(|(l, _, _)| l.size == locs[0].0.size));
        slots.sync([locs[0].0.size]).unwrap();
        for (loc, id, len) in &locs {
            assert_eq!(slots.read(*loc, id).unwrap().len(), *len);
            assert!(matches!(
                slots.read(*loc, &RecordId([99; 32])),
                Err(SlotError::Damaged)
            ));
        }
        // A much larger record (more recipients) gets a file of its own.
        assert_ne!(slots.take(5000).unwrap().size, locs[0].0.size);
        assert!(matches!(slots.take(2 << 20), Err(SlotError::TooLarge)));
    }

    #[test]
    fn a_chunk_fills_in_random_order_before_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let slots = Slots::open(dir.path(), std::iter::empty()).unwrap();
        let first: Vec<u32> = (0..CHUNK).map(|_| slots.take(100).unwrap().slot).collect();
        let mut sorted = first.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..CHUNK).collect::<Vec<_>>(), "every slot once");
        assert_ne!(first, sorted, "not in order");
        assert_eq!(slots.take(100).unwrap().slot / CHUNK, 1);
        let freed = Loc {
            size: slots.take(100).unwrap().size,
            slot: 17,
        };
        slots.release(&[freed]);
        assert_eq!(
            slots.take(100).unwrap(),
            freed,
            "a freed slot is reused first"
        );
    }

    #[test]
    fn a_freed_slot_is_wiped_now_and_unpersisted_writes_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut buf = Vec::new();
        let slots = Slots::open(dir.path(), std::iter::empty()).unwrap();
        let (a, b) = (slots.take(500).unwrap(), slots.take(500).unwrap());
        slots
            .write(a, &RecordId([1; 32]), &[0xAA; 500], &mut buf)
            .unwrap();
        slots
            .write(b, &RecordId([2; 32]), &[0xBB; 500], &mut buf)
            .unwrap();
        slots.wipe(&[a]).unwrap();
        let file = std::fs::read(dir.path().join(a.size.to_string())).unwrap();
        assert!(!file.windows(16).any(|w| w == [0xAA; 16]));
        assert!(file.windows(16).any(|w| w == [0xBB; 16]));
        // Only `b`'s slot was persisted as taken: at the next start the rest
        // of the chunk (and so `a`'s and any crashed write's) is wiped.
        let image = slots.chunk_image(b, &[a]);
        drop(slots);
        let key = b.chunk_key();
        let again = Slots::open(dir.path(), std::iter::once((&key[..], &image[..]))).unwrap();
        assert_eq!(again.taken()[&b.size], 1);
        assert_eq!(again.read(b, &RecordId([2; 32])).unwrap(), vec![0xBB; 500]);
        let c = again.take(500).unwrap();
        again
            .write(c, &RecordId([3; 32]), &[0xCC; 500], &mut buf)
            .unwrap();
        drop(again);
        let third = Slots::open(dir.path(), std::iter::once((&key[..], &image[..]))).unwrap();
        let file = std::fs::read(dir.path().join(b.size.to_string())).unwrap();
        assert!(
            !file.windows(16).any(|w| w == [0xCC; 16]),
            "an unpersisted write is wiped"
        );
        assert!(file.windows(16).any(|w| w == [0xBB; 16]));
        drop(third);
    }
}
