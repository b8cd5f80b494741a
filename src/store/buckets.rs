//! Sets of record ids packed into 65,536 sled values, by their first two bytes.
//!
//! sled 0.34 keeps a page-table entry, disk pointers and segment bookkeeping
//! in memory for every page of every tree, whether or not the page is cached:
//! about 40 bytes per stored item, measured. One item per record would make
//! the server's memory grow with the petition (40 MB at a million records, a
//! quarter of a gigabyte at six). Packing the ids of each two-byte prefix into
//! one value keeps the item count at 65,536 at most, whatever the number of
//! records: memory stays flat, and only the values grow (a few hundred bytes
//! each at a million records).
//!
//! A bucket is the concatenation of its entries, sorted: the id's last 30
//! bytes (the first two are the key) and a fixed-size payload. Pure: no I/O.

use crate::receipt::RecordId;

/// The bytes of an id that name its bucket.
const PREFIX: usize = 2;
const SUFFIX: usize = 32 - PREFIX;

/// The sled key of the bucket `id` belongs to.
pub(crate) fn key(id: &RecordId) -> [u8; PREFIX] {
    [id.0[0], id.0[1]]
}

/// A bucket's entries; `payload` bytes after each id.
pub(crate) struct Bucket {
    prefix: [u8; PREFIX],
    payload: usize,
    data: Vec<u8>,
}

/// A stored bucket whose length is not a whole number of entries.
#[derive(Debug, thiserror::Error)]
#[error("a stored bucket of record ids is damaged")]
pub(crate) struct Damaged;

impl Bucket {
    /// The bucket stored under `key` (`None`: an empty one).
    pub(crate) fn read(
        key: [u8; PREFIX],
        payload: usize,
        stored: Option<&[u8]>,
    ) -> Result<Bucket, Damaged> {
        let data = stored.map(<[u8]>::to_vec).unwrap_or_default();
        if !data.len().is_multiple_of(SUFFIX + payload) {
            return Err(Damaged);
        }
        Ok(Bucket {
            prefix: key,
            payload,
            data,
        })
    }

    fn entry(&self) -> usize {
        SUFFIX + self.payload
    }

    pub(crate) fn len(&self) -> usize {
        self.data.len() / self.entry()
    }

    /// What to store: `None` once the bucket is empty (the key is removed).
    pub(crate) fn stored(&self) -> Option<&[u8]> {
        (!self.data.is_empty()).then_some(&self.data[..])
    }

    /// Where `id` is, or where it would go.
    fn search(&self, id: &RecordId) -> Result<usize, usize> {
        debug_assert_eq!(key(id), self.prefix);
        let (entry, suffix) = (self.entry(), &id.0[PREFIX..]);
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.data[mid * entry..mid * entry + SUFFIX].cmp(suffix) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    pub(crate) fn get(&self, id: &RecordId) -> Option<&[u8]> {
        let i = self.search(id).ok()?;
        let at = i * self.entry() + SUFFIX;
        Some(&self.data[at..at + self.payload])
    }

    /// Adds `id` (or replaces its payload); returns the payload it replaced.
    pub(crate) fn insert(&mut self, id: &RecordId, payload: &[u8]) -> Option<Vec<u8>> {
        assert_eq!(payload.len(), self.payload, "payload of the wrong size");
        match self.search(id) {
            Ok(i) => {
                let at = i * self.entry() + SUFFIX;
                let old = self.data[at..at + self.payload].to_vec();
                self.data[at..at + self.payload].copy_from_slice(payload);
                Some(old)
            }
            Err(i) => {
                let at = i * self.entry();
                let mut entry = Vec::with_capacity(self.entry());
                entry.extend_from_slice(&id.0[PREFIX..]);
                entry.extend_from_slice(payload);
                self.data.splice(at..at, entry);
                None
            }
        }
    }

    /// Takes `id` out; returns its payload if it was there.
    pub(crate) fn remove(&mut self, id: &RecordId) -> Option<Vec<u8>> {
        let i = self.search(id).ok()?;
        let at = i * self.entry();
        let old = self.data[at + SUFFIX..at + self.entry()].to_vec();
        self.data.drain(at..at + self.entry());
        Some(old)
    }

    /// Every id with its payload, in id order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (RecordId, &[u8])> + '_ {
        self.data.chunks_exact(self.entry()).map(|e| {
            let mut id = [0u8; 32];
            id[..PREFIX].copy_from_slice(&self.prefix);
            id[PREFIX..].copy_from_slice(&e[..SUFFIX]);
            (RecordId(id), &e[SUFFIX..])
        })
    }
}

/// The number of entries in a stored bucket value.
pub(crate) fn count(stored: &[u8], payload: usize) -> usize {
    stored.len() / (SUFFIX + payload)
}

/// The bucket key of a sled key, if it is one.
pub(crate) fn prefix(k: &[u8]) -> Result<[u8; PREFIX], Damaged> {
    k.try_into().map_err(|_| Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(b0: u8, rest: u8) -> RecordId {
        let mut id = [rest; 32];
        id[0] = b0;
        id[1] = 7;
        RecordId(id)
    }

    #[test]
    fn entries_stay_sorted_and_come_back_whole() {
        let mut b = Bucket::read([1, 7], 2, None).unwrap();
        for rest in [9u8, 3, 200, 3, 50] {
            b.insert(&id(1, rest), &[rest, 0]);
        }
        assert_eq!(b.len(), 4, "a second insert of 3 replaced it");
        let ids: Vec<u8> = b.iter().map(|(i, _)| i.0[31]).collect();
        assert_eq!(ids, [3, 9, 50, 200]);
        assert!(b.iter().all(|(i, _)| key(&i) == [1, 7]));
        assert_eq!(b.get(&id(1, 50)), Some(&[50, 0][..]));
        assert_eq!(b.remove(&id(1, 9)), Some(vec![9, 0]));
        assert_eq!(b.remove(&id(1, 9)), None);
        assert_eq!(b.get(&id(1, 4)), None);
        let again = Bucket::read([1, 7], 2, b.stored()).unwrap();
        assert_eq!(again.len(), 3);
        assert!(Bucket::read([1, 7], 2, Some(&[0; 31])).is_err());
    }

    proptest! {
        #[test]
        fn a_bucket_is_a_sorted_set(ops in proptest::collection::vec((any::<bool>(), any::<[u8; 30]>()), 0..200)) {
            let mut b = Bucket::read([0, 0], 0, None).unwrap();
            let mut model = std::collections::BTreeSet::new();
            for (add, suffix) in ops {
                let mut raw = [0u8; 32];
                raw[2..].copy_from_slice(&suffix);
                let id = RecordId(raw);
                if add {
                    prop_assert_eq!(b.insert(&id, &[]).is_some(), !model.insert(id));
                } else {
                    prop_assert_eq!(b.remove(&id).is_some(), model.remove(&id));
                }
            }
            let got: Vec<RecordId> = b.iter().map(|(i, _)| i).collect();
            let want: Vec<RecordId> = model.into_iter().collect();
            prop_assert_eq!(got, want);
        }
    }
}
