//! The log's Merkle tree as C2SP tlog-tiles: paths, tile data, roots, proofs.
//!
//! A hash tile at level `L` holds up to 256 hashes of complete subtrees of
//! `256^L` entries; an entry bundle holds up to 256 entries, each prefixed by
//! its length as a 2-byte big-endian number. Only the rightmost tile of each
//! level is partial. The server stores exactly these tiles (so serving one is
//! a single read), and the verifier rebuilds them from the entries to compare.
//!
//! The hashing and proof arithmetic is `tlog_tiles`' (Go's `sumdb/tlog`);
//! this file maps it onto 256-wide tiles read from any [`TileSource`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use tlog_tiles::{Hash, HashReader, Tile};

use super::entry::{ENTRY_LEN, Entry};

/// Hashes (or entries) in a full tile.
pub const WIDTH: u64 = 256;
/// Tree levels one tile spans: 2^8 = 256.
const HEIGHT: u8 = 8;
const HASH_LEN: usize = 32;
/// One entry in a bundle: its 2-byte length, then its 33 bytes.
pub const BUNDLED_ENTRY_LEN: usize = 2 + ENTRY_LEN;
/// Largest tile or bundle this log serves or accepts.
pub const MAX_TILE_BYTES: usize = WIDTH as usize * BUNDLED_ENTRY_LEN;

/// Which kind of tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A hash tile at this level (0 holds leaf hashes).
    Hashes(u8),
    /// An entry bundle.
    Entries,
}

/// One tile or bundle, as named by its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    pub kind: Kind,
    /// Index within its level.
    pub n: u64,
    /// 1 to 256; 256 is a full tile.
    pub width: u16,
}

/// A path that names no tile.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a tile path")]
pub struct BadPath;

impl TileId {
    pub fn hashes(level: u8, n: u64, width: u16) -> TileId {
        TileId {
            kind: Kind::Hashes(level),
            n,
            width,
        }
    }

    pub fn entries(n: u64, width: u16) -> TileId {
        TileId {
            kind: Kind::Entries,
            n,
            width,
        }
    }

    pub fn is_full(&self) -> bool {
        u64::from(self.width) == WIDTH
    }

    /// `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`, with `N` in
    /// zero-padded groups of three digits, all but the last prefixed by `x`.
    pub fn path(&self) -> String {
        let level = match self.kind {
            Kind::Hashes(l) => l.to_string(),
            Kind::Entries => "entries".to_string(),
        };
        let mut n = self.n;
        let mut groups = vec![format!("{:03}", n % 1000)];
        while n >= 1000 {
            n /= 1000;
            groups.push(format!("x{:03}", n % 1000));
        }
        groups.reverse();
        let partial = if self.is_full() {
            String::new()
        } else {
            format!(".p/{}", self.width)
        };
        format!("tile/{level}/{}{partial}", groups.join("/"))
    }

    /// Reads a path in its one canonical form only (the form [`path`](Self::path) writes).
    pub fn parse(path: &str) -> Result<TileId, BadPath> {
        // 64-bit N needs 7 groups: anything longer is not ours.
        if path.len() > 64 {
            return Err(BadPath);
        }
        let rest = path.strip_prefix("tile/").ok_or(BadPath)?;
        let (level, rest) = rest.split_once('/').ok_or(BadPath)?;
        let kind = if level == "entries" {
            Kind::Entries
        } else {
            let l: u8 = level.parse().map_err(|_| BadPath)?;
            if l > 63 {
                return Err(BadPath);
            }
            Kind::Hashes(l)
        };
        let (digits, width) = match rest.split_once(".p/") {
            Some((d, w)) => {
                let w: u16 = w.parse().map_err(|_| BadPath)?;
                if !(1..WIDTH as u16).contains(&w) {
                    return Err(BadPath);
                }
                (d, w)
            }
            None => (rest, WIDTH as u16),
        };
        let mut n: u64 = 0;
        for group in digits.split('/') {
            let group = group.strip_prefix('x').unwrap_or(group);
            if group.len() != 3 || !group.bytes().all(|b| b.is_ascii_digit()) {
                return Err(BadPath);
            }
            let g: u64 = group.parse().map_err(|_| BadPath)?;
            n = n
                .checked_mul(1000)
                .and_then(|n| n.checked_add(g))
                .ok_or(BadPath)?;
        }
        let id = TileId { kind, n, width };
        // The canonical form only: no stray `x`, no leading zero groups.
        if id.path() != path {
            return Err(BadPath);
        }
        Ok(id)
    }

    /// Hashes (or entries) of this tile's level in a tree of `size` entries.
    fn level_count(&self, size: u64) -> u64 {
        let level = match self.kind {
            Kind::Hashes(l) => u32::from(l),
            Kind::Entries => 0,
        };
        size.checked_shr(8 * level).unwrap_or(0)
    }

    /// Whether a tree of `size` entries holds this whole tile.
    pub fn within(&self, size: u64) -> bool {
        self.n
            .checked_mul(WIDTH)
            .and_then(|start| start.checked_add(u64::from(self.width)))
            .is_some_and(|end| end <= self.level_count(size))
    }
}

/// Every tile and bundle a tree of `size` entries is served as: each level's
/// full tiles, then its partial one.
pub fn tiles_of(size: u64) -> Vec<TileId> {
    let mut out = Vec::new();
    let mut push_level = |kind: Kind, count: u64| {
        for n in 0..count / WIDTH {
            out.push(TileId {
                kind,
                n,
                width: WIDTH as u16,
            });
        }
        if !count.is_multiple_of(WIDTH) {
            out.push(TileId {
                kind,
                n: count / WIDTH,
                width: (count % WIDTH) as u16,
            });
        }
    };
    push_level(Kind::Entries, size);
    let mut level = 0u8;
    loop {
        let count = size.checked_shr(8 * u32::from(level)).unwrap_or(0);
        if count == 0 {
            break;
        }
        push_level(Kind::Hashes(level), count);
        level += 1;
    }
    out
}

/// Where tiles are read from: the server's store, or what a verifier fetched.
/// Each returns the widest version it has; [`tile_data`] cuts narrower ones.
pub trait TileSource {
    fn hash_tile(&self, level: u8, n: u64) -> Result<Option<Vec<u8>>, SourceError>;
    fn bundle(&self, n: u64) -> Result<Option<Vec<u8>>, SourceError>;
}

/// A tile source could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SourceError(pub String);

/// The log's tree is not what it should be.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("a stored tile is missing or damaged")]
    Damaged,
    #[error("the Merkle tree arithmetic failed: {0}")]
    Tlog(#[from] tlog_tiles::Error),
}

/// The data of `id` from the widest stored version, or none if it holds less.
pub fn tile_data(stored: &[u8], id: &TileId) -> Option<Vec<u8>> {
    let width = usize::from(id.width);
    match id.kind {
        Kind::Hashes(_) => stored.get(..width * HASH_LEN).map(<[u8]>::to_vec),
        Kind::Entries => {
            let mut at = 0;
            for _ in 0..width {
                let len = u16::from_be_bytes(stored.get(at..at + 2)?.try_into().ok()?);
                at += 2 + usize::from(len);
            }
            stored.get(..at).map(<[u8]>::to_vec)
        }
    }
}

/// A bundle that does not decode into log entries.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("an entry bundle is malformed")]
pub struct BadBundle;

/// The entries of a bundle: each a 2-byte big-endian length, then the entry.
pub fn decode_bundle(mut bytes: &[u8]) -> Result<Vec<Entry>, BadBundle> {
    let mut out = Vec::with_capacity(bytes.len() / BUNDLED_ENTRY_LEN);
    while !bytes.is_empty() {
        let (len, rest) = bytes.split_at_checked(2).ok_or(BadBundle)?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let (entry, rest) = rest.split_at_checked(len).ok_or(BadBundle)?;
        out.push(Entry::from_bytes(entry).map_err(|_| BadBundle)?);
        bytes = rest;
    }
    if out.len() as u64 > WIDTH {
        return Err(BadBundle);
    }
    Ok(out)
}

fn push_bundled(bundle: &mut Vec<u8>, entry: &Entry) {
    bundle.extend_from_slice(&(ENTRY_LEN as u16).to_be_bytes());
    bundle.extend_from_slice(entry.as_bytes());
}

/// Tiles already read, by (level, index).
type TileCache = RefCell<HashMap<(u8, u64), Rc<Vec<u8>>>>;

/// Hashes read from the tiles of a source, plus those made in this batch.
struct Reader<'a, S: TileSource> {
    source: &'a S,
    fresh: &'a HashMap<u64, Hash>,
    /// Tiles already read: the stored ones do not change during a batch.
    cache: TileCache,
}

impl<'a, S: TileSource> Reader<'a, S> {
    fn new(source: &'a S, fresh: &'a HashMap<u64, Hash>) -> Self {
        Reader {
            source,
            fresh,
            cache: RefCell::default(),
        }
    }

    fn stored(&self, level: u8, n: u64) -> Result<Rc<Vec<u8>>, tlog_tiles::Error> {
        if let Some(t) = self.cache.borrow().get(&(level, n)) {
            return Ok(t.clone());
        }
        let data = self
            .source
            .hash_tile(level, n)
            .map_err(|e| tlog_tiles::Error::InvalidInput(e.0))?
            .ok_or(tlog_tiles::Error::IndexesNotInTree)?;
        if data.is_empty() || data.len() % HASH_LEN != 0 || data.len() > WIDTH as usize * HASH_LEN {
            return Err(tlog_tiles::Error::InvalidTile);
        }
        let data = Rc::new(data);
        self.cache.borrow_mut().insert((level, n), data.clone());
        Ok(data)
    }
}

impl<S: TileSource> HashReader for Reader<'_, S> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&x| {
                if let Some(h) = self.fresh.get(&x) {
                    return Ok(*h);
                }
                // The narrowest tile holding x, then the stored (wider) one.
                let least = Tile::from_index(HEIGHT, x);
                let data = self.stored(least.level(), least.level_index())?;
                let have = (data.len() / HASH_LEN) as u32;
                if have < least.width() {
                    return Err(tlog_tiles::Error::IndexesNotInTree);
                }
                Tile::new(HEIGHT, least.level(), least.level_index(), have, false)
                    .hash_at_index(&data, x)
            })
            .collect()
    }
}

/// The root hash of the first `size` entries of a source's tree.
pub fn root<S: TileSource>(source: &S, size: u64) -> Result<Hash, TreeError> {
    let fresh = HashMap::new();
    Ok(tlog_tiles::tree_hash(size, &Reader::new(source, &fresh))?)
}

/// The RFC 6962 audit path of entry `index` in the tree of `size` entries.
pub fn inclusion_proof<S: TileSource>(
    source: &S,
    size: u64,
    index: u64,
) -> Result<Vec<Hash>, TreeError> {
    let fresh = HashMap::new();
    Ok(tlog_tiles::prove_record(
        size,
        index,
        &Reader::new(source, &fresh),
    )?)
}

/// Checks that `leaf` is entry `index` of the tree of `size` entries with root `root`.
pub fn check_inclusion(
    proof: &[Hash],
    size: u64,
    root: Hash,
    index: u64,
    leaf: Hash,
) -> Result<(), TreeError> {
    Ok(tlog_tiles::check_record(
        &proof.to_vec(),
        size,
        root,
        index,
        leaf,
    )?)
}

/// The RFC 6962 consistency proof from the tree of `old` entries to that of `size`.
pub fn consistency_proof<S: TileSource>(
    source: &S,
    size: u64,
    old: u64,
) -> Result<Vec<Hash>, TreeError> {
    let fresh = HashMap::new();
    Ok(tlog_tiles::prove_tree(
        size,
        old,
        &Reader::new(source, &fresh),
    )?)
}

/// Checks that the tree (`size`, `root`) extends the tree (`old`, `old_root`).
pub fn check_consistency(
    proof: &[Hash],
    size: u64,
    root: Hash,
    old: u64,
    old_root: Hash,
) -> Result<(), TreeError> {
    Ok(tlog_tiles::check_tree(
        &proof.to_vec(),
        size,
        root,
        old,
        old_root,
    )?)
}

/// Appends entries to a tree, producing the tiles and bundles that change.
///
/// Only hashes of complete subtrees at levels 0, 8, 16… are kept in tiles;
/// the levels between are recomputed from the tile below, as every tlog-tiles
/// client does.
pub struct Appender<'a, S: TileSource> {
    source: &'a S,
    size: u64,
    fresh: HashMap<u64, Hash>,
    tiles: BTreeMap<(u8, u64), Vec<u8>>,
    bundles: BTreeMap<u64, Vec<u8>>,
}

/// What an append changed: the tiles and bundles to store, whole.
pub struct Appended {
    pub size: u64,
    pub root: Hash,
    /// (level, index) → tile data.
    pub tiles: BTreeMap<(u8, u64), Vec<u8>>,
    pub bundles: BTreeMap<u64, Vec<u8>>,
}

impl<'a, S: TileSource> Appender<'a, S> {
    /// Appends after the first `size` entries of `source`.
    pub fn new(source: &'a S, size: u64) -> Self {
        Appender {
            source,
            size,
            fresh: HashMap::new(),
            tiles: BTreeMap::new(),
            bundles: BTreeMap::new(),
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn push(&mut self, entry: &Entry) -> Result<(), TreeError> {
        let n = self.size;
        let hashes = {
            let reader = Reader::new(self.source, &self.fresh);
            tlog_tiles::stored_hashes(n, entry.as_bytes(), &reader)?
        };
        let first = tlog_tiles::stored_hash_index(0, n);
        for (i, h) in hashes.into_iter().enumerate() {
            let x = first + i as u64;
            self.fresh.insert(x, h);
            let (level, k) = tlog_tiles::split_stored_hash_index(x);
            if level % HEIGHT == 0 {
                let key = (level / HEIGHT, k / WIDTH);
                let tile = match self.tiles.entry(key) {
                    std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(self.source.hash_tile(key.0, key.1)?.unwrap_or_default())
                    }
                };
                // The hash goes exactly after those already there.
                if tile.len() != (k % WIDTH) as usize * HASH_LEN {
                    return Err(TreeError::Damaged);
                }
                tile.extend_from_slice(&h.0);
            }
        }
        let key = n / WIDTH;
        let bundle = match self.bundles.entry(key) {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(self.source.bundle(key)?.unwrap_or_default())
            }
        };
        if bundle.len() != (n % WIDTH) as usize * BUNDLED_ENTRY_LEN {
            return Err(TreeError::Damaged);
        }
        push_bundled(bundle, entry);
        self.size += 1;
        Ok(())
    }

    pub fn finish(self) -> Result<Appended, TreeError> {
        let root = {
            let reader = Reader::new(self.source, &self.fresh);
            tlog_tiles::tree_hash(self.size, &reader)?
        };
        Ok(Appended {
            size: self.size,
            root,
            tiles: self.tiles,
            bundles: self.bundles,
        })
    }
}

/// Tiles held in memory: what a verifier fetched or rebuilt, and the tests' store.
#[derive(Default, Clone, PartialEq, Eq, Debug)]
pub struct MemoryTiles {
    pub hashes: HashMap<(u8, u64), Vec<u8>>,
    pub bundles: HashMap<u64, Vec<u8>>,
}

impl MemoryTiles {
    pub fn apply(&mut self, appended: &Appended) {
        for (k, v) in &appended.tiles {
            self.hashes.insert(*k, v.clone());
        }
        for (k, v) in &appended.bundles {
            self.bundles.insert(*k, v.clone());
        }
    }

    /// Appends entries and returns the new root.
    pub fn append(&mut self, size: u64, entries: &[Entry]) -> Result<Hash, TreeError> {
        let mut a = Appender::new(&*self, size);
        for e in entries {
            a.push(e)?;
        }
        let done = a.finish()?;
        self.apply(&done);
        Ok(done.root)
    }

    /// The data of one tile or bundle, cut to its width.
    pub fn get(&self, id: &TileId) -> Option<Vec<u8>> {
        let stored = match id.kind {
            Kind::Hashes(l) => self.hashes.get(&(l, id.n))?,
            Kind::Entries => self.bundles.get(&id.n)?,
        };
        tile_data(stored, id)
    }
}

impl TileSource for MemoryTiles {
    fn hash_tile(&self, level: u8, n: u64) -> Result<Option<Vec<u8>>, SourceError> {
        Ok(self.hashes.get(&(level, n)).cloned())
    }

    fn bundle(&self, n: u64) -> Result<Option<Vec<u8>>, SourceError> {
        Ok(self.bundles.get(&n).cloned())
    }
}

/// A C2SP tlog-proof: an offline-verifiable proof that entry `index` is in
/// the tree of a checkpoint (the signed note, included verbatim).
pub fn tlog_proof(index: u64, proof: &[Hash], checkpoint: &[u8]) -> Vec<u8> {
    let mut out = format!("c2sp.org/tlog-proof@v1\nindex {index}\n");
    for h in proof {
        out.push_str(&h.to_string());
        out.push('\n');
    }
    out.push('\n');
    let mut out = out.into_bytes();
    out.extend_from_slice(checkpoint);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::RecordId;
    use crate::tlog::entry::Kind as EntryKind;

    fn entries(n: u64) -> Vec<Entry> {
        (0..n)
            .map(|i| {
                let mut id = [0u8; 32];
                id[..8].copy_from_slice(&i.to_be_bytes());
                Entry::new(EntryKind::Added, &RecordId(id))
            })
            .collect()
    }

    /// The root by the RFC 6962 definition, written out plainly.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => tlog_tiles::EMPTY_HASH,
            1 => leaves[0],
            n => {
                let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
                tlog_tiles::node_hash(mth(&leaves[..k]), mth(&leaves[k..]))
            }
        }
    }

    #[test]
    fn paths_follow_the_spec() {
        assert_eq!(
            TileId::hashes(0, 1_234_067, 256).path(),
            "tile/0/x001/x234/067"
        );
        assert_eq!(TileId::hashes(2, 5, 17).path(), "tile/2/005.p/17");
        assert_eq!(TileId::entries(1000, 1).path(), "tile/entries/x001/000.p/1");
        for id in [
            TileId::hashes(0, 1_234_067, 256),
            TileId::hashes(63, u64::MAX, 255),
            TileId::entries(0, 1),
        ] {
            assert_eq!(TileId::parse(&id.path()), Ok(id));
        }
        for bad in [
            "tile/0/1",
            "tile/0/x000/001",
            "tile/0/001.p/256",
            "tile/0/001.p/0",
            "tile/0/001.p/01",
            "tile/64/000",
            "tile/00/000",
            "tile/data/000",
            "tile/0/000/",
            "tile/0/x1/000",
            "tile/entries/000.p/",
            "tile/0/x018/x446/x744/x073/x709/x551/616",
            "../tile/0/000",
        ] {
            assert_eq!(TileId::parse(bad), Err(BadPath), "{bad}");
        }
    }

    #[test]
    fn a_tree_of_70000_is_served_as_the_spec_says() {
        // "273 full level 0 tiles, one partial level 0 tile of width 112, one
        // full level 1 tile, one partial level 1 tile of width 17, and one
        // partial level 2 tile of width 1" (and as many bundles as level 0).
        let tiles = tiles_of(70_000);
        let of = |k: Kind| -> Vec<u16> {
            tiles
                .iter()
                .filter(|t| t.kind == k)
                .map(|t| t.width)
                .collect()
        };
        let level0 = of(Kind::Hashes(0));
        assert_eq!(level0.len(), 274);
        assert_eq!(level0.iter().filter(|w| **w == 256).count(), 273);
        assert_eq!(level0.last(), Some(&112));
        assert_eq!(of(Kind::Hashes(1)), vec![256, 17]);
        assert_eq!(of(Kind::Hashes(2)), vec![1]);
        assert_eq!(of(Kind::Hashes(3)), Vec::<u16>::new());
        assert_eq!(of(Kind::Entries), level0);
        // "a tree of size 256 will be represented by a full level 0 tile and a
        // partial level 1 tile of width 1"
        let t = tiles_of(256);
        assert!(t.contains(&TileId::hashes(0, 0, 256)));
        assert!(t.contains(&TileId::hashes(1, 0, 1)));
        assert!(tiles_of(0).is_empty());
        assert!(tiles_of(70_000).iter().all(|t| t.within(70_000)));
        assert!(!TileId::hashes(0, 273, 113).within(70_000));
        assert!(!TileId::hashes(9, 0, 1).within(u64::MAX));
    }

    /// RFC 6962 test vectors (from Certificate Transparency's and Go's tlog
    /// tests): the roots of the trees over the first n of these eight leaves.
    #[test]
    fn roots_match_the_rfc_6962_test_vectors() {
        let leaves: [&[u8]; 8] = [
            b"",
            &[0x00],
            &[0x10],
            &[0x20, 0x21],
            &[0x30, 0x31],
            &[0x40, 0x41, 0x42, 0x43],
            &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            &[
                0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
                0x6e, 0x6f,
            ],
        ];
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let hashes: Vec<Hash> = leaves.iter().map(|l| tlog_tiles::record_hash(l)).collect();
        for n in 1..=8 {
            assert_eq!(hex::encode(mth(&hashes[..n]).0), roots[n - 1], "size {n}");
        }
        assert_eq!(
            hex::encode(tlog_tiles::EMPTY_HASH.0),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn appending_in_batches_gives_the_rfc_6962_root_and_the_same_tiles() {
        let all = entries(70_000 / 50);
        let leaves: Vec<Hash> = all.iter().map(Entry::leaf_hash).collect();
        let mut one = MemoryTiles::default();
        let root = one.append(0, &all).unwrap();
        assert_eq!(root, mth(&leaves));
        let mut many = MemoryTiles::default();
        let mut size = 0;
        for chunk in all.chunks(37) {
            let r = many.append(size, chunk).unwrap();
            size += chunk.len() as u64;
            assert_eq!(r, mth(&leaves[..size as usize]));
            assert_eq!(root_of(&many, size), r);
        }
        assert_eq!(one, many);
        // A level-0 tile is the leaf hashes; a level-1 hash is a full tile's root.
        let t0 = one.get(&TileId::hashes(0, 0, 256)).unwrap();
        assert_eq!(&t0[32..64], &leaves[1].0);
        let t1 = one.get(&TileId::hashes(1, 0, 5)).unwrap();
        assert_eq!(&t1[32..64], &mth(&leaves[256..512]).0);
        let b = one.get(&TileId::entries(5, 3)).unwrap();
        assert_eq!(decode_bundle(&b).unwrap(), all[1280..1283].to_vec());
        assert_eq!(&b[..2], &[0, 33]);
    }

    fn root_of(t: &MemoryTiles, size: u64) -> Hash {
        root(t, size).unwrap()
    }

    #[test]
    fn a_damaged_store_is_refused_not_extended() {
        let mut t = MemoryTiles::default();
        t.append(0, &entries(10)).unwrap();
        t.bundles.get_mut(&0).unwrap().pop();
        assert!(matches!(t.append(10, &entries(1)), Err(TreeError::Damaged)));
    }

    #[test]
    fn bundles_decode_strictly() {
        let e = entries(2);
        let mut b = Vec::new();
        push_bundled(&mut b, &e[0]);
        push_bundled(&mut b, &e[1]);
        assert_eq!(decode_bundle(&b).unwrap(), e);
        assert_eq!(decode_bundle(&b[..b.len() - 1]), Err(BadBundle));
        let mut wrong_len = b.clone();
        wrong_len[1] = 32;
        assert_eq!(decode_bundle(&wrong_len), Err(BadBundle));
        assert_eq!(tile_data(&b, &TileId::entries(0, 1)).unwrap(), b[..35]);
        assert_eq!(tile_data(&b, &TileId::entries(0, 3)), None);
    }
}
