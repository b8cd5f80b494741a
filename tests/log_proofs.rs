//! Property tests of the public log's Merkle proofs, against RFC 6962's own
//! definitions written out here: for any tree and any entry, the inclusion
//! proof built from the log's tiles is the RFC's audit path and verifies; for
//! any two sizes, the consistency proof is the RFC's and verifies; and any
//! change (a bit of a proof, another entry, a rewritten history) is refused.

use proptest::prelude::*;

use undersign::receipt::RecordId;
use undersign::tlog::tiles::{self, MemoryTiles};
use undersign::tlog::{Entry, Hash, Kind};

fn entry(i: u64, salt: u8) -> Entry {
    let mut id = [salt; 32];
    id[..8].copy_from_slice(&i.to_be_bytes());
    let kind = if i % 7 == 3 {
        Kind::Withdrawn
    } else {
        Kind::Added
    };
    Entry::new(kind, &RecordId(id))
}

fn leaves(entries: &[Entry]) -> Vec<Hash> {
    entries.iter().map(Entry::leaf_hash).collect()
}

fn node(l: Hash, r: Hash) -> Hash {
    tlog_tiles::node_hash(l, r)
}

/// Largest power of two smaller than n (n > 1).
fn split(n: usize) -> usize {
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// RFC 6962 §2.1: MTH.
fn mth(d: &[Hash]) -> Hash {
    match d.len() {
        0 => tlog_tiles::EMPTY_HASH,
        1 => d[0],
        n => node(mth(&d[..split(n)]), mth(&d[split(n)..])),
    }
}

/// RFC 6962 §2.1.1: PATH(m, D[n]).
fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
    if d.len() <= 1 {
        return vec![];
    }
    let k = split(d.len());
    if m < k {
        let mut p = path(m, &d[..k]);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = path(m - k, &d[k..]);
        p.push(mth(&d[..k]));
        p
    }
}

/// RFC 6962 §2.1.2: SUBPROOF(m, D[n], b).
fn subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if b { vec![] } else { vec![mth(d)] };
    }
    let k = split(n);
    if m <= k {
        let mut p = subproof(m, &d[..k], b);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = subproof(m - k, &d[k..], false);
        p.push(mth(&d[..k]));
        p
    }
}

fn built(entries: &[Entry], chunk: usize) -> MemoryTiles {
    let mut t = MemoryTiles::default();
    let mut size = 0;
    for c in entries.chunks(chunk.max(1)) {
        t.append(size, c).unwrap();
        size += c.len() as u64;
    }
    t
}

fn flip(h: &mut Hash, bit: usize) {
    h.0[bit / 8 % 32] ^= 1 << (bit % 8);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn inclusion_proofs_are_rfc_6962_audit_paths_and_only_they_verify(
        size in 1u64..1100,
        pick in any::<u64>(),
        chunk in 1usize..300,
        bit in 0usize..256,
    ) {
        let entries: Vec<Entry> = (0..size).map(|i| entry(i, 0)).collect();
        let d = leaves(&entries);
        let t = built(&entries, chunk);
        let index = pick % size;
        let root = tiles::root(&t, size).unwrap();
        prop_assert_eq!(root, mth(&d));
        let proof = tiles::inclusion_proof(&t, size, index).unwrap();
        prop_assert_eq!(&proof, &path(index as usize, &d));
        let leaf = d[index as usize];
        prop_assert!(tiles::check_inclusion(&proof, size, root, index, leaf).is_ok());
        // Another leaf, another position, a changed proof: refused.
        let other = entry(size + 1, 9).leaf_hash();
        prop_assert!(tiles::check_inclusion(&proof, size, root, index, other).is_err());
        if size > 1 {
            let elsewhere = (index + 1) % size;
            if d[elsewhere as usize] != leaf {
                prop_assert!(tiles::check_inclusion(&proof, size, root, elsewhere, leaf).is_err());
            }
        }
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let i = bit % bad.len();
            flip(&mut bad[i], bit);
            prop_assert!(tiles::check_inclusion(&bad, size, root, index, leaf).is_err());
            let mut short = proof.clone();
            short.pop();
            prop_assert!(tiles::check_inclusion(&short, size, root, index, leaf).is_err());
        }
    }

    #[test]
    fn consistency_proofs_are_rfc_6962_and_catch_any_rewritten_history(
        new in 1u64..1100,
        pick in any::<u64>(),
        changed in any::<u64>(),
        bit in 0usize..256,
    ) {
        let entries: Vec<Entry> = (0..new).map(|i| entry(i, 1)).collect();
        let d = leaves(&entries);
        let t = built(&entries, 53);
        let old = 1 + pick % new;
        let old_root = mth(&d[..old as usize]);
        let root = tiles::root(&t, new).unwrap();
        let proof = tiles::consistency_proof(&t, new, old).unwrap();
        prop_assert_eq!(&proof, &subproof(old as usize, &d, true));
        prop_assert!(tiles::check_consistency(&proof, new, root, old, old_root).is_ok());
        // The same sizes, with one entry of the old tree replaced (a removed
        // signature, a rewritten history): no proof from the new log verifies.
        let at = (changed % old) as usize;
        let mut rewritten = entries.clone();
        rewritten[at] = entry(new + 7, 2);
        let t2 = built(&rewritten, 53);
        let root2 = tiles::root(&t2, new).unwrap();
        let proof2 = tiles::consistency_proof(&t2, new, old).unwrap();
        prop_assert!(tiles::check_consistency(&proof2, new, root2, old, old_root).is_err());
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let i = bit % bad.len();
            flip(&mut bad[i], bit);
            prop_assert!(tiles::check_consistency(&bad, new, root, old, old_root).is_err());
        }
    }

    #[test]
    fn tiles_are_the_same_however_entries_are_batched(
        size in 0u64..1400,
        a in 1usize..400,
        b in 1usize..400,
    ) {
        let entries: Vec<Entry> = (0..size).map(|i| entry(i, 3)).collect();
        let x = built(&entries, a);
        let y = built(&entries, b);
        prop_assert_eq!(&x, &y);
        for id in tiles::tiles_of(size) {
            let data = x.get(&id);
            prop_assert!(data.is_some(), "{} missing", id.path());
            let want = match id.kind {
                tiles::Kind::Entries => 35,
                tiles::Kind::Hashes(_) => 32,
            } * usize::from(id.width);
            prop_assert_eq!(data.unwrap().len(), want);
        }
    }
}
