//! Names that each count until their expiry, in memory that does not grow
//! with the signing rate: the spent challenges and the taken forms.
//!
//! Expired names are swept at most once a minute (a sweep scans the whole
//! set), and the room they held is given back. The set never holds more than
//! its bound: when full, the half that expires first is forgotten, and from
//! then on every name expiring no later than those counts as too old. So no
//! forgotten name can be used again; under a flood, a form's lifetime
//! shrinks instead of memory growing.

use std::collections::HashMap;

/// How often expired names are swept out.
const SWEEP_EVERY_SECS: u64 = 60;

/// What adding a name found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Added {
    /// New: it counts until its expiry.
    Fresh,
    /// It was already there.
    Present,
    /// It expires no later than names the set had to forget: too old.
    TooOld,
}

/// A bounded set of names (the first 8 bytes of a random salt: 64 bits make
/// two live names colliding a one-in-10^12 event at a million of them), each
/// with its expiry in Unix seconds.
pub(crate) struct Expiring {
    names: HashMap<u64, u64>,
    max: usize,
    next_sweep: u64,
    /// Names expiring at or before this were forgotten early.
    floor: u64,
}

impl Expiring {
    pub(crate) fn new(max: usize) -> Self {
        Expiring {
            names: HashMap::new(),
            max: max.max(2),
            next_sweep: 0,
            floor: 0,
        }
    }

    /// The name of a salt.
    pub(crate) fn name(salt: &[u8; 16]) -> u64 {
        u64::from_be_bytes(salt[..8].try_into().expect("8 bytes"))
    }

    /// Adds `name`, counting until `expires`.
    pub(crate) fn add(&mut self, name: u64, expires: u64, now: u64) -> Added {
        if expires <= self.floor {
            return Added::TooOld;
        }
        if now >= self.next_sweep {
            self.names.retain(|_, e| *e > now);
            self.names.shrink_to_fit();
            self.next_sweep = now + SWEEP_EVERY_SECS;
        }
        if self.names.contains_key(&name) {
            return Added::Present;
        }
        if self.names.len() >= self.max {
            let mut expiries: Vec<u64> = self.names.values().copied().collect();
            let half = expiries.len() / 2;
            let cut = *expiries.select_nth_unstable(half).1;
            self.names.retain(|_, e| *e > cut);
            self.floor = self.floor.max(cut);
            if expires <= self.floor {
                return Added::TooOld;
            }
        }
        self.names.insert(name, expires);
        Added::Fresh
    }

    pub(crate) fn remove(&mut self, name: u64) {
        self.names.remove(&name);
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Entries the set has room for without growing.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.names.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn a_name_counts_once_until_it_expires() {
        let mut set = Expiring::new(100);
        assert_eq!(set.add(1, NOW + 10, NOW), Added::Fresh);
        assert_eq!(set.add(1, NOW + 10, NOW + 1), Added::Present);
        assert_eq!(set.add(2, NOW + 100, NOW + 70), Added::Fresh, "a sweep");
        assert_eq!(set.len(), 1, "the expired name was swept");
    }

    #[test]
    fn a_flood_is_capped_and_no_forgotten_name_counts_again() {
        let mut set = Expiring::new(1000);
        // Names expiring over the next hour, a second apart.
        for i in 0..5000u64 {
            assert_ne!(set.add(i, NOW + 10 + i, NOW), Added::Present);
            assert!(set.len() <= 1000, "{} names held", set.len());
        }
        // Whatever was forgotten now counts as too old: no name is fresh twice.
        for i in 0..5000u64 {
            assert_ne!(set.add(i, NOW + 10 + i, NOW), Added::Fresh, "name {i}");
        }
        // The newest names are still remembered, and new ones still come in.
        assert_eq!(set.add(4999, NOW + 5009, NOW), Added::Present);
        assert_eq!(set.add(9999, NOW + 7200, NOW), Added::Fresh);
    }

    #[test]
    fn the_set_shrinks_back_once_a_flood_has_expired() {
        let mut set = Expiring::new(1 << 17);
        for i in 0..100_000u64 {
            set.add(i, NOW + 60, NOW);
        }
        assert!(set.capacity() >= 100_000);
        set.add(u64::MAX, NOW + 7200, NOW + 61);
        assert_eq!(set.len(), 1);
        assert!(set.capacity() < 100, "{} slots kept", set.capacity());
    }
}
