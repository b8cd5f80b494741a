//! Who is asking, without knowing who: keyed address hashes and in-memory limits.
//!
//! An address is reduced to its network (IPv4 whole, IPv6 /64, so one host
//! cannot dodge limits by walking its prefix), then HMAC'd under a key made at
//! start and replaced every UTC day. Neither the key nor any address is ever
//! written anywhere; after a restart or a day, old hashes mean nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// A client's address, hashed under today's key. Says nothing by itself.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct AddrKey([u8; 16]);

/// Makes [`AddrKey`]s under a daily key that lives only in memory.
pub struct AddrHasher {
    state: Mutex<([u8; 32], u64)>,
}

impl std::fmt::Debug for AddrHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AddrHasher(<key>)")
    }
}

fn fresh_key() -> [u8; 32] {
    let mut k = [0u8; 32];
    rand::rng().fill_bytes(&mut k);
    k
}

impl AddrHasher {
    pub fn new(day: u64) -> Self {
        AddrHasher {
            state: Mutex::new((fresh_key(), day)),
        }
    }

    /// The key for `ip` on UTC day `day` (days since the epoch).
    pub fn key(&self, ip: IpAddr, day: u64) -> AddrKey {
        let network: Vec<u8> = match ip {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.octets().to_vec(),
                None => v6.octets()[..8].to_vec(),
            },
        };
        self.hash(&network, day)
    }

    /// The key for one onion-service circuit: never equal to an address's key.
    pub fn circuit_key(&self, circuit: u32, day: u64) -> AddrKey {
        let mut tagged = b"circuit:".to_vec();
        tagged.extend_from_slice(&circuit.to_be_bytes());
        self.hash(&tagged, day)
    }

    fn hash(&self, network: &[u8], day: u64) -> AddrKey {
        let key = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.1 != day {
                *state = (fresh_key(), day);
            }
            state.0
        };
        let mut m = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
        m.update(network);
        let mut out = [0u8; 16];
        out.copy_from_slice(&m.finalize().into_bytes()[..16]);
        AddrKey(out)
    }
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("at least one")
}

/// A burst allowance refilled evenly over an hour.
pub fn hourly(burst: u32, per_hour: u32) -> Quota {
    Quota::with_period(Duration::from_secs(3600) / per_hour.max(1))
        .expect("a positive period")
        .allow_burst(nonzero(burst))
}

/// Per-address attempts, and the global budget for unverified signatures.
pub struct Limiters {
    pub per_address: DefaultKeyedRateLimiter<AddrKey>,
    pub no_js: DefaultDirectRateLimiter,
    /// Withdrawal and receipt checks: few, so codes cannot be guessed at scale.
    pub codes: DefaultKeyedRateLimiter<AddrKey>,
}

impl Limiters {
    pub fn new(per_address: Quota, no_js: Quota, codes: Quota) -> Self {
        Limiters {
            per_address: RateLimiter::keyed(per_address),
            no_js: RateLimiter::direct(no_js),
            codes: RateLimiter::keyed(codes),
        }
    }
}

/// Counts challenges handed out per address and overall in a rolling window,
/// so that proof-of-work gets harder for whoever asks for many.
pub struct Load {
    window_secs: u64,
    state: Mutex<LoadState>,
}

struct LoadState {
    window: u64,
    total: u64,
    by_addr: HashMap<AddrKey, u64>,
}

/// Extra bits: one more for each doubling of `count` beyond `calm`.
fn extra_bits(count: u64, calm: u64) -> u8 {
    if count <= calm {
        0
    } else {
        (64 - (count / calm.max(1)).leading_zeros()) as u8
    }
}

impl Load {
    pub fn new(window_secs: u64) -> Self {
        Load {
            window_secs,
            state: Mutex::new(LoadState {
                window: 0,
                total: 0,
                by_addr: HashMap::new(),
            }),
        }
    }

    /// Records one challenge for `who` at `now` and returns the extra
    /// difficulty: global load beyond 600 per window, per address beyond 10.
    pub fn note(&self, who: AddrKey, now: u64) -> u8 {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let window = now / self.window_secs;
        if s.window != window {
            s.window = window;
            s.total = 0;
            s.by_addr.clear();
        }
        s.total += 1;
        let mine = {
            let c = s.by_addr.entry(who).or_insert(0);
            *c += 1;
            *c
        };
        extra_bits(s.total, 600).max(extra_bits(mine, 10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_hosts_in_one_slash_64_share_a_key() {
        let h = AddrHasher::new(1);
        let a = h.key("2001:db8:1:2::1".parse().unwrap(), 1);
        let b = h.key("2001:db8:1:2:ffff::9".parse().unwrap(), 1);
        let c = h.key("2001:db8:1:3::1".parse().unwrap(), 1);
        assert_eq!(a, b);
        assert_ne!(a, c);
        let v4 = h.key("192.0.2.7".parse().unwrap(), 1);
        assert_eq!(v4, h.key("::ffff:192.0.2.7".parse().unwrap(), 1));
        assert_ne!(v4, h.key("192.0.2.8".parse().unwrap(), 1));
    }

    #[test]
    fn the_key_changes_every_day_and_between_starts() {
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let h = AddrHasher::new(1);
        let today = h.key(ip, 1);
        assert_eq!(today, h.key(ip, 1));
        assert_ne!(today, h.key(ip, 2));
        assert_ne!(today, AddrHasher::new(1).key(ip, 1));
    }

    #[test]
    fn difficulty_rises_with_each_doubling() {
        assert_eq!(extra_bits(10, 10), 0);
        assert_eq!(extra_bits(20, 10), 2);
        assert_eq!(extra_bits(40, 10), 3);
        let load = Load::new(600);
        let who = AddrHasher::new(0).key("192.0.2.1".parse().unwrap(), 0);
        let other = AddrHasher::new(0).key("192.0.2.2".parse().unwrap(), 0);
        let extras: Vec<u8> = (0..40).map(|_| load.note(who, 100)).collect();
        assert_eq!(extras[9], 0);
        assert!(extras[39] >= 2);
        assert_eq!(load.note(other, 100), 0, "another address is not affected");
        assert_eq!(load.note(who, 700), 0, "a new window starts calm");
    }

    #[test]
    fn one_address_is_limited_without_touching_another() {
        let l = Limiters::new(hourly(3, 3), hourly(1, 1), hourly(1, 1));
        let h = AddrHasher::new(0);
        let a = h.key("192.0.2.1".parse().unwrap(), 0);
        let b = h.key("192.0.2.2".parse().unwrap(), 0);
        for _ in 0..3 {
            assert!(l.per_address.check_key(&a).is_ok());
        }
        assert!(l.per_address.check_key(&a).is_err());
        assert!(l.per_address.check_key(&b).is_ok());
    }
}
