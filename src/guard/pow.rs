//! Built-in proof-of-work: a signed, single-use challenge a browser solves with SHA-256.
//!
//! The challenge is a token the server signs (HMAC under a key that only lives
//! in memory) and puts in the form as a hidden field: no state is kept until a
//! solution comes back. A solution is a number `n` such that
//! `SHA-256(token ":" n)` starts with `bits` zero bits. The token also carries
//! its issue time, which gives the form's fill time (a soft spam signal).

use std::sync::Mutex;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::expiring::{Added, Expiring};

type HmacSha256 = Hmac<Sha256>;

/// How long a challenge stays solvable. A signer who takes longer still signs,
/// just without proof-of-work credit (no time limit on filling the form).
pub const LIFETIME_SECS: u64 = 2 * 60 * 60;

/// Spent challenges remembered at most (about 4.5 MB): 18 signatures a
/// second for the whole [`LIFETIME_SECS`]. Beyond it the lifetime shrinks
/// (see [`Expiring`]): an older answer earns no credit, as if it expired.
pub const SPENT_MAX: usize = 1 << 17;

/// A parsed, authentic challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub salt: [u8; 16],
    pub issued: u64,
    pub expires: u64,
    pub bits: u8,
}

/// What a submitted challenge and answer amount to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Authentic, unexpired, unspent and correctly solved at this many
    /// bits: now spent.
    Solved(u8),
    /// No answer was sent (no JavaScript, or not finished in time).
    Unsolved,
    /// Authentic but past its lifetime.
    Expired,
    /// Already used, or answered wrongly (which spends it).
    Spent,
    /// Not a token this server issued.
    Forged,
}

/// Issues and checks challenges. One per server, key made at start.
pub struct Pow {
    key: [u8; 32],
    /// Spent challenges until they expire, so each is used once.
    spent: Mutex<Expiring>,
}

impl std::fmt::Debug for Pow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pow(<key>)")
    }
}

impl Default for Pow {
    fn default() -> Self {
        Self::new()
    }
}

impl Pow {
    pub fn new() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Pow {
            key,
            spent: Mutex::new(Expiring::new(SPENT_MAX)),
        }
    }

    fn mac(&self, body: &str) -> String {
        let mut m = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        m.update(body.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    /// A new challenge token: `salt.issued.expires.bits.mac`.
    pub fn issue(&self, now: u64, bits: u8) -> String {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let body = format!("{}.{now}.{}.{bits}", hex::encode(salt), now + LIFETIME_SECS);
        let mac = self.mac(&body);
        format!("{body}.{mac}")
    }

    /// Checks a token's signature; `None` when it is not ours or malformed.
    pub fn parse(&self, token: &str) -> Option<Challenge> {
        let (body, mac) = token.rsplit_once('.')?;
        let expected = self.mac(body);
        // Constant-time comparison of the tags.
        let same = expected.len() == mac.len()
            && expected
                .bytes()
                .zip(mac.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return None;
        }
        let mut parts = body.split('.');
        let mut salt = [0u8; 16];
        hex::decode_to_slice(parts.next()?, &mut salt).ok()?;
        let issued = parts.next()?.parse().ok()?;
        let expires = parts.next()?.parse().ok()?;
        let bits = parts.next()?.parse().ok()?;
        Some(Challenge {
            salt,
            issued,
            expires,
            bits,
        })
    }

    /// Checks an answer and spends the challenge (right or wrong).
    pub fn verify(&self, token: &str, answer: &str, now: u64) -> Verdict {
        if answer.is_empty() {
            return if token.is_empty() || self.parse(token).is_some() {
                Verdict::Unsolved
            } else {
                Verdict::Forged
            };
        }
        let Some(c) = self.parse(token) else {
            return Verdict::Forged;
        };
        if now >= c.expires {
            return Verdict::Expired;
        }
        let added = self.spent.lock().unwrap_or_else(|e| e.into_inner()).add(
            Expiring::name(&c.salt),
            c.expires,
            now,
        );
        match added {
            Added::Fresh => {}
            Added::Present => return Verdict::Spent,
            Added::TooOld => return Verdict::Expired,
        }
        if answer.len() > 20 || !answer.bytes().all(|b| b.is_ascii_digit()) {
            return Verdict::Spent;
        }
        if leading_zero_bits(&Sha256::digest(format!("{token}:{answer}"))) >= u32::from(c.bits) {
            Verdict::Solved(c.bits)
        } else {
            Verdict::Spent
        }
    }
}

pub fn leading_zero_bits(hash: &[u8]) -> u32 {
    let mut bits = 0;
    for &b in hash {
        if b == 0 {
            bits += 8;
        } else {
            return bits + b.leading_zeros();
        }
    }
    bits
}

/// Solves a challenge the way the browser script does (tests, benches).
pub fn solve(token: &str, bits: u8) -> String {
    (0u64..)
        .find(|n| leading_zero_bits(&Sha256::digest(format!("{token}:{n}"))) >= u32::from(bits))
        .expect("a solution exists")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn a_solved_challenge_counts_once() {
        let pow = Pow::new();
        let t = pow.issue(NOW, 8);
        let n = solve(&t, 8);
        assert_eq!(pow.verify(&t, &n, NOW + 5), Verdict::Solved(8));
        assert_eq!(pow.verify(&t, &n, NOW + 6), Verdict::Spent);
    }

    #[test]
    fn a_wrong_answer_spends_the_challenge() {
        let pow = Pow::new();
        let t = pow.issue(NOW, 12);
        let right = solve(&t, 12);
        let wrong = (0u64..)
            .map(|n| n.to_string())
            .find(|n| leading_zero_bits(&Sha256::digest(format!("{t}:{n}"))) < 12)
            .unwrap();
        assert_eq!(pow.verify(&t, &wrong, NOW), Verdict::Spent);
        assert_eq!(pow.verify(&t, &right, NOW), Verdict::Spent);
    }

    #[test]
    fn forged_altered_and_foreign_tokens_are_refused() {
        let pow = Pow::new();
        let t = pow.issue(NOW, 1);
        let easier = t.replacen(".1.", ".0.", 1);
        assert_eq!(pow.verify(&easier, "0", NOW), Verdict::Forged);
        let other = Pow::new().issue(NOW, 1);
        assert_eq!(pow.verify(&other, &solve(&other, 1), NOW), Verdict::Forged);
        assert_eq!(pow.verify("garbage", "1", NOW), Verdict::Forged);
        assert_eq!(pow.verify("", "1", NOW), Verdict::Forged);
    }

    #[test]
    fn expired_challenges_earn_no_credit() {
        let pow = Pow::new();
        let t = pow.issue(NOW, 4);
        assert_eq!(
            pow.verify(&t, &solve(&t, 4), NOW + LIFETIME_SECS),
            Verdict::Expired
        );
    }

    #[test]
    fn no_answer_is_unsolved_not_an_error() {
        let pow = Pow::new();
        assert_eq!(pow.verify(&pow.issue(NOW, 4), "", NOW), Verdict::Unsolved);
        assert_eq!(pow.verify("", "", NOW), Verdict::Unsolved);
    }

    #[test]
    fn the_token_carries_its_issue_time() {
        let pow = Pow::new();
        let c = pow.parse(&pow.issue(NOW, 9)).unwrap();
        assert_eq!((c.issued, c.expires, c.bits), (NOW, NOW + LIFETIME_SECS, 9));
    }

    #[test]
    fn verification_cost_does_not_grow_with_the_spent_set() {
        let pow = Pow::new();
        let tokens: Vec<String> = (0..20_000).map(|_| pow.issue(NOW, 0)).collect();
        for t in &tokens {
            assert_eq!(pow.verify(t, "0", NOW + 1), Verdict::Solved(0));
        }
        // Every spent salt is kept until it expires; none is swept early.
        assert_eq!(pow.spent.lock().unwrap().len(), 20_000);
        assert_eq!(pow.verify(&tokens[0], "0", NOW + 120), Verdict::Spent);
        // After expiry a sweep empties it.
        let late = pow.issue(NOW + LIFETIME_SECS + 61, 0);
        assert_eq!(
            pow.verify(&late, "0", NOW + LIFETIME_SECS + 61),
            Verdict::Solved(0)
        );
        assert_eq!(pow.spent.lock().unwrap().len(), 1);
    }

    #[test]
    fn spent_challenges_are_capped_and_none_counts_twice() {
        let pow = Pow::new();
        let tokens: Vec<String> = (0..SPENT_MAX + 5000)
            .map(|i| pow.issue(NOW + i as u64 / 100, 0))
            .collect();
        let now = NOW + (SPENT_MAX as u64 + 5000) / 100;
        for t in &tokens {
            assert_eq!(pow.verify(t, "0", now), Verdict::Solved(0));
        }
        assert!(pow.spent.lock().unwrap().len() <= SPENT_MAX);
        for t in &tokens {
            assert_ne!(
                pow.verify(t, "0", now),
                Verdict::Solved(0),
                "a challenge counted twice"
            );
        }
    }

    #[test]
    fn zero_bits_counting() {
        assert_eq!(leading_zero_bits(&[0, 0, 0x10]), 19);
        assert_eq!(leading_zero_bits(&[0x80]), 0);
        assert_eq!(leading_zero_bits(&[0, 0]), 16);
    }
}
