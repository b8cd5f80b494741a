//! Who is asking, without knowing who: keyed address buckets and in-memory limits.
//!
//! An address is reduced to its network (IPv4 whole, IPv6 /64, so one host
//! cannot dodge limits by walking its prefix), HMAC'd under a key made at
//! start and replaced every UTC day, and cut to 16 bits: one of
//! [`BUCKETS`] = 65,536 buckets. Neither the key nor any address is ever
//! written anywhere. A memory image of the running server holds the key and
//! every bucket in use, and still no address: trying all 2^32 IPv4 addresses
//! under the key leaves about 65,536 candidates per bucket (and IPv6 /64
//! networks far more), a crowd, never a visitor. The price is that unrelated
//! networks in one bucket share its limits.
//!
//! Every map keyed by bucket therefore holds at most 65,536 entries, and
//! idle entries are pruned on a schedule ([`Limiters::prune`], [`Load::prune`])
//! so memory also shrinks back after a flood from rotating addresses.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{NotUntil, Quota, RateLimiter};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::config::Limits;

/// How many distinct [`AddrKey`]s exist: each stands for a crowd of networks.
pub const BUCKETS: usize = 1 << 16;

/// A client's network, hashed under today's key and cut to one of
/// [`BUCKETS`] buckets. Says nothing by itself, nor with the key in hand.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct AddrKey(u16);

type HmacSha256 = Hmac<Sha256>;

/// Makes [`AddrKey`]s under a daily key that lives only in memory.
pub struct AddrHasher {
    /// The HMAC keyed for the day (its padded key state), and the day.
    state: Mutex<(HmacSha256, u64)>,
}

impl std::fmt::Debug for AddrHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AddrHasher(<key>)")
    }
}

fn fresh_key() -> HmacSha256 {
    let mut k = zeroize::Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(k.as_mut());
    HmacSha256::new_from_slice(k.as_ref()).expect("HMAC takes any key length")
}

impl AddrHasher {
    pub fn new(day: u64) -> Self {
        AddrHasher {
            state: Mutex::new((fresh_key(), day)),
        }
    }

    /// The key for `ip` on UTC day `day` (days since the epoch).
    pub fn key(&self, ip: IpAddr, day: u64) -> AddrKey {
        match ip {
            IpAddr::V4(v4) => self.hash(&v4.octets(), day),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => self.hash(&v4.octets(), day),
                None => self.hash(&v6.octets()[..8], day),
            },
        }
    }

    /// The key for one onion-service circuit: hashed under its own tag into
    /// the same buckets, so a circuit shares a bucket with others too.
    pub fn circuit_key(&self, circuit: u32, day: u64) -> AddrKey {
        let mut tagged = b"circuit:".to_vec();
        tagged.extend_from_slice(&circuit.to_be_bytes());
        self.hash(&tagged, day)
    }

    fn hash(&self, network: &[u8], day: u64) -> AddrKey {
        let mut m = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.1 != day {
                *state = (fresh_key(), day);
            }
            state.0.clone()
        };
        m.update(network);
        let tag = m.finalize().into_bytes();
        AddrKey(u16::from_be_bytes([tag[0], tag[1]]))
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

type Keyed<C> =
    RateLimiter<AddrKey, DefaultKeyedStateStore<AddrKey>, C, NoOpMiddleware<<C as Clock>::Instant>>;
type Direct<C> = RateLimiter<NotKeyed, InMemoryState, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// Every rate limit of one server, on one clock (a fake one in tests, so
/// pruning is tested without waiting hours).
pub struct Limiters<C: Clock = DefaultClock> {
    clock: C,
    /// Signing attempts per network.
    per_address: Keyed<C>,
    /// Signatures without proof-of-work or captcha, per network first…
    no_js_per_network: Keyed<C>,
    /// …then all networks together: the last resort against many at once.
    no_js: Direct<C>,
    /// Networks whose last share was taken for a signature the global
    /// budget then refused: their next try spends that one again, so
    /// pressing while the global budget is empty does not drain their share.
    /// At most one per bucket, so never pruned.
    no_js_unspent: Mutex<HashSet<AddrKey>>,
    /// Withdrawal and receipt checks: few, so codes cannot be guessed at scale.
    codes: Keyed<C>,
}

impl<C: Clock + Clone> Limiters<C> {
    pub fn new(limits: &Limits, clock: C) -> Self {
        let keyed = |burst, per_hour| {
            RateLimiter::hashmap_with_clock(hourly(burst, per_hour), clock.clone())
        };
        Limiters {
            per_address: keyed(limits.per_address_burst, limits.per_address_per_hour),
            no_js_per_network: keyed(
                limits.no_js_per_network_burst,
                limits.no_js_per_network_per_hour,
            ),
            no_js: RateLimiter::direct_with_clock(
                hourly(limits.no_js_burst, limits.no_js_per_hour),
                clock.clone(),
            ),
            no_js_unspent: Mutex::new(HashSet::new()),
            codes: keyed(limits.code_attempts_burst, limits.code_attempts_per_hour),
            clock,
        }
    }

    fn wait(&self, not_until: NotUntil<C::Instant>) -> Duration {
        not_until.wait_time_from(self.clock.now())
    }

    /// Counts one signing attempt from `who`; Err: how long until the next.
    pub fn attempt(&self, who: AddrKey) -> Result<(), Duration> {
        self.per_address.check_key(&who).map_err(|n| self.wait(n))
    }

    /// Counts one withdrawal or receipt check from `who`.
    pub fn code_attempt(&self, who: AddrKey) -> Result<(), Duration> {
        self.codes.check_key(&who).map_err(|n| self.wait(n))
    }

    /// Takes one unverified signature from `who`'s share, then from the
    /// global budget. A network past its share never touches the global one,
    /// so a few hostile networks cannot spend everyone's budget.
    pub fn no_js(&self, who: AddrKey) -> Result<(), Duration> {
        if !self.unspent().remove(&who) {
            self.no_js_per_network
                .check_key(&who)
                .map_err(|n| self.wait(n))?;
        }
        self.no_js.check().map_err(|n| {
            self.unspent().insert(who);
            self.wait(n)
        })
    }

    fn unspent(&self) -> std::sync::MutexGuard<'_, HashSet<AddrKey>> {
        self.no_js_unspent.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets every network whose allowance has refilled: it would start
    /// from a full allowance anyway. Then gives the freed room back.
    pub fn prune(&self) {
        for l in [&self.per_address, &self.no_js_per_network, &self.codes] {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// Entries held, all keyed limiters together.
    pub fn entries(&self) -> usize {
        self.per_address.len() + self.no_js_per_network.len() + self.codes.len()
    }
}

/// Counts signing attempts per network and overall in a window, so that
/// proof-of-work gets harder for whoever sends many. Page views do not
/// count: nobody limits them, so they would let anyone raise everyone's
/// difficulty.
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

/// Attempts per window, in total and from one network, that leave the puzzle at rest.
const CALM_TOTAL: u64 = 600;
const CALM_NETWORK: u64 = 10;

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

    fn current(&self, now: u64) -> std::sync::MutexGuard<'_, LoadState> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let window = now / self.window_secs;
        if s.window != window {
            s.window = window;
            s.total = 0;
            s.by_addr = HashMap::new();
        }
        s
    }

    /// Records one signing attempt from `who` at `now`.
    pub fn note(&self, who: AddrKey, now: u64) {
        let mut s = self.current(now);
        s.total += 1;
        *s.by_addr.entry(who).or_insert(0) += 1;
    }

    /// The extra difficulty for `who`'s next challenge: global attempts
    /// beyond 600 per window, or this network's beyond 10.
    pub fn extra(&self, who: AddrKey, now: u64) -> u8 {
        let s = self.current(now);
        let mine = s.by_addr.get(&who).copied().unwrap_or(0);
        extra_bits(s.total, CALM_TOTAL).max(extra_bits(mine, CALM_NETWORK))
    }

    /// Drops a past window's counts even when no attempt comes to replace them.
    pub fn prune(&self, now: u64) {
        drop(self.current(now));
    }

    /// Networks counted in the current window.
    pub fn entries(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .by_addr
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;
    use std::net::Ipv4Addr;

    #[test]
    fn a_refusal_by_the_global_budget_does_not_spend_the_networks_share() {
        let limits = Limits {
            no_js_burst: 1,
            no_js_per_hour: 60,
            ..Limits::default()
        };
        let clock = FakeRelativeClock::default();
        let l = Limiters::new(&limits, clock.clone());
        let h = AddrHasher::new(0);
        let mut keys = addresses(10).map(|ip| h.key(ip, 0));
        let a = keys.next().unwrap();
        let b = keys.find(|&k| k != a).unwrap();
        assert!(l.no_js(a).is_ok(), "the global budget's only signature");
        for _ in 0..limits.no_js_per_network_burst * 3 {
            assert!(l.no_js(b).is_err(), "the global budget is spent");
        }
        clock.advance(Duration::from_secs(61));
        assert!(
            l.no_js(b).is_ok(),
            "refusals by the global budget spent b's share"
        );
        assert!(l.no_js(a).is_err(), "one a minute, all networks together");
    }

    /// `n` distinct IPv4 addresses from 10.0.0.0 on.
    fn addresses(n: u32) -> impl Iterator<Item = IpAddr> {
        (0..n).map(|i| IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i)))
    }

    /// Two keys made from `a` and `b` under one hasher are the same for
    /// every pair, or differ for some: checked over many pairs, because
    /// any one pair shares a bucket once in 65,536.
    fn all_equal(pairs: impl Iterator<Item = (AddrKey, AddrKey)>) -> bool {
        pairs.into_iter().all(|(a, b)| a == b)
    }

    #[test]
    fn ipv6_hosts_in_one_slash_64_share_a_key() {
        let h = AddrHasher::new(1);
        let key = |s: String| h.key(s.parse().unwrap(), 1);
        assert!(all_equal((0..16).map(|i| (
            key(format!("2001:db8:1:{i}::1")),
            key(format!("2001:db8:1:{i}:ffff::9"))
        ))));
        assert!(!all_equal((0..16).map(|i| (
            key(format!("2001:db8:1:{i}::1")),
            key(format!("2001:db8:2:{i}::1"))
        ))));
        assert!(all_equal((0..16).map(|i| (
            key(format!("192.0.2.{i}")),
            key(format!("::ffff:192.0.2.{i}"))
        ))));
        assert!(!all_equal((0..16).map(|i| (
            key(format!("192.0.2.{i}")),
            key(format!("198.51.100.{i}"))
        ))));
    }

    #[test]
    fn the_key_changes_every_day_and_between_starts() {
        let h = AddrHasher::new(1);
        let other = AddrHasher::new(1);
        assert!(all_equal(
            addresses(16).map(|ip| (h.key(ip, 1), h.key(ip, 1)))
        ));
        assert!(!all_equal(
            addresses(16).map(|ip| (h.key(ip, 1), h.key(ip, 2)))
        ));
        assert!(!all_equal(
            addresses(16).map(|ip| (h.key(ip, 1), other.key(ip, 1)))
        ));
    }

    #[test]
    fn a_key_stands_for_a_crowd_even_with_the_hmac_key_in_hand() {
        // 2^20 addresses: 16 per bucket on average. With the HMAC key an
        // attacker can compute every address's bucket, and still finds each
        // bucket shared by many (about 65,536 over all of IPv4).
        let h = AddrHasher::new(0);
        let mut crowd = vec![0u32; BUCKETS];
        for ip in addresses(1 << 20) {
            crowd[usize::from(h.key(ip, 0).0)] += 1;
        }
        let used = crowd.iter().filter(|&&n| n > 0).count();
        assert!(used > BUCKETS * 99 / 100, "only {used} buckets used");
        let visitor = h.key("10.0.0.7".parse().unwrap(), 0);
        assert!(
            crowd[usize::from(visitor.0)] >= 2,
            "a visitor's key is shared by others"
        );
        let lonely = crowd.iter().filter(|&&n| n == 1).count();
        assert!(lonely < BUCKETS / 1000, "{lonely} keys name one address");
    }

    #[test]
    fn difficulty_rises_with_attempts_not_before() {
        assert_eq!(extra_bits(10, 10), 0);
        assert_eq!(extra_bits(20, 10), 2);
        assert_eq!(extra_bits(40, 10), 3);
        let load = Load::new(600);
        let (who, other) = (AddrKey(1), AddrKey(2));
        assert_eq!(load.extra(who, 100), 0);
        let extras: Vec<u8> = (0..40)
            .map(|_| {
                load.note(who, 100);
                load.extra(who, 100)
            })
            .collect();
        assert_eq!(extras[9], 0);
        assert!(extras[39] >= 2);
        assert_eq!(load.extra(other, 100), 0, "another network is not affected");
        assert_eq!(load.extra(who, 700), 0, "a new window starts calm");
    }

    #[test]
    fn many_networks_together_raise_everyones_difficulty() {
        let load = Load::new(600);
        for i in 0..(CALM_TOTAL as u16 * 2) {
            load.note(AddrKey(i), 100);
        }
        assert!(load.extra(AddrKey(u16::MAX), 100) >= 1);
    }

    #[test]
    fn one_address_is_limited_without_touching_another() {
        let limits = Limits {
            per_address_burst: 3,
            per_address_per_hour: 3,
            ..Limits::default()
        };
        let l = Limiters::new(&limits, FakeRelativeClock::default());
        let (a, b) = (AddrKey(1), AddrKey(2));
        for _ in 0..3 {
            assert!(l.attempt(a).is_ok());
        }
        assert!(l.attempt(a).is_err());
        assert!(l.attempt(b).is_ok());
    }

    #[test]
    fn a_few_networks_cannot_spend_the_no_javascript_budget() {
        let limits = Limits::default();
        let l = Limiters::new(&limits, FakeRelativeClock::default());
        for hostile in 0..3 {
            let taken = (0..100)
                .filter(|_| l.no_js(AddrKey(hostile)).is_ok())
                .count();
            assert_eq!(taken, limits.no_js_per_network_burst as usize);
        }
        for newcomer in 10..13 {
            assert!(l.no_js(AddrKey(newcomer)).is_ok());
        }
        // Many networks at once do meet the global budget, the last resort.
        let taken = (100..1000).filter(|&n| l.no_js(AddrKey(n)).is_ok()).count();
        assert_eq!(
            taken as u32,
            limits.no_js_burst - 3 * limits.no_js_per_network_burst - 3
        );
    }

    #[test]
    fn idle_networks_are_pruned_so_memory_stays_bounded() {
        let clock = FakeRelativeClock::default();
        let l = Limiters::new(&Limits::default(), clock.clone());
        let load = Load::new(600);
        let h = AddrHasher::new(0);
        for ip in addresses(100_000) {
            let who = h.key(ip, 0);
            let _ = l.attempt(who);
            let _ = l.no_js(who);
            let _ = l.code_attempt(who);
            load.note(who, 100);
        }
        assert!(l.entries() <= 3 * BUCKETS, "{} entries", l.entries());
        assert!(load.entries() <= BUCKETS);
        assert!(l.entries() > BUCKETS, "the flood filled the maps");

        // A minute later the flood has not refilled everyone yet…
        clock.advance(Duration::from_secs(60));
        l.prune();
        assert!(l.entries() > BUCKETS);
        // …two hours later every allowance is full again: nothing is kept.
        clock.advance(Duration::from_secs(2 * 3600));
        l.prune();
        load.prune(100 + 2 * 3600);
        assert_eq!(l.entries(), 0);
        assert_eq!(load.entries(), 0);
    }
}
