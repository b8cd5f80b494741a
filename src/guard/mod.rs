//! Anti-abuse that never betrays a signer.
//!
//! Every check here works on hashed addresses held in memory and on tokens
//! signed with keys held in memory: nothing is written, nothing goes to a
//! third party (unless an organizer turns hCaptcha on). Soft signals
//! (honeypot, fill time) only *flag* a record, inside its ciphertext, for the
//! organizers to filter offline: a false positive must never cost a real
//! signer their signature.

mod expiring;
pub mod forms;
pub mod hcaptcha;
pub mod pow;
pub mod rate;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::http::HeaderMap;
use governor::clock::DefaultClock;

use crate::config::Limits;
use crate::record::Check;
use crate::web::Peer;
use pow::{Pow, Verdict};
use rate::{AddrHasher, AddrKey, Limiters, Load};

/// The anti-abuse fields of a sign form. Not signer data.
#[derive(Debug, Default, Clone)]
pub struct GuardFields {
    /// The proof-of-work challenge token the page carried (also the form token).
    pub challenge: String,
    /// The browser's answer to it, if the script ran.
    pub pow: String,
    /// The honeypot: hidden from people, filled in by naive bots.
    pub honeypot: String,
    /// hCaptcha's response token, when hCaptcha is on.
    pub hcaptcha: String,
    /// The page's script ran but sent the form before its check was done
    /// (a slow phone): said so, rather than "JavaScript is off".
    pub unfinished: bool,
}

/// What a submission's form token says, before anything is checked or stored.
pub enum FormState<'a> {
    /// No token (a client of the JSON interface): accepted, flagged `no_token`.
    NoToken,
    /// A form this server issued, now held by this submission.
    Fresh(forms::Ticket<'a>),
    /// A form this server issued, sent too long after: the page is shown again.
    Expired,
    /// This form was already sent and its signature stored.
    AlreadySent,
    /// Not a token this server issued.
    Forged,
}

/// How a submission passed, and what an organizer may want to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub check: Check,
    pub flags: Vec<&'static str>,
}

/// Why a submission is not accepted now. Says nothing about the signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// This network sent too many attempts.
    TooManyFromHere { retry_after: Duration },
    /// The budget for unverified (no-JavaScript) signatures is spent for now.
    NoJsBudget { retry_after: Duration },
    /// A proof-of-work answer came with a forged, reused or wrongly solved challenge.
    BadChallenge,
    /// hCaptcha said no, or could not be reached.
    CaptchaFailed,
}

/// Flags a record may carry: defined with the record, whose readers check them.
pub use crate::record::{FLAG_HONEYPOT, FLAG_NO_TOKEN, FLAG_TOO_FAST};

/// `X-Forwarded-For` is trusted, but its last entry (the one the proxy
/// wrote) is missing or not an address. Earlier entries are the client's
/// own words, so none of them stands in for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the last X-Forwarded-For entry is missing or not an IP address")]
pub struct UnknownClient;

/// How many bits easier than today's a solved puzzle may be and still earn
/// credit: a phone may have started it just before the difficulty rose.
const STALE_SLACK_BITS: u8 = 2;

/// How often idle limiter entries are forgotten.
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// All anti-abuse state of one server.
pub struct Guard {
    limits: Limits,
    pow: Pow,
    addrs: AddrHasher,
    limiters: Limiters,
    load: Load,
    forms: forms::Forms,
    hcaptcha: Option<hcaptcha::Hcaptcha>,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Guard(enabled: {})", self.limits.enabled)
    }
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The address in one `X-Forwarded-For` entry: a bare IP, or an IP with a
/// port as some proxies write it (`192.0.2.7:5555`, `[2001:db8::1]:5555`).
fn forwarded_ip(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

impl Guard {
    pub fn new(limits: Limits, hcaptcha: Option<hcaptcha::Hcaptcha>) -> Guard {
        Guard {
            pow: Pow::new(),
            addrs: AddrHasher::new(unix_now() / 86_400),
            limiters: Limiters::new(&limits, DefaultClock::default()),
            load: Load::new(600),
            forms: forms::Forms::default(),
            hcaptcha,
            limits,
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn hcaptcha_site_key(&self) -> Option<&str> {
        self.hcaptcha.as_ref().map(|h| h.site_key())
    }

    /// The hashed network of a connection's peer, before any request is read
    /// (the listener's per-network connection cap).
    pub fn network(&self, peer: &Peer) -> AddrKey {
        match peer {
            Peer::Addr(addr) => self.addrs.key(addr.ip(), unix_now() / 86_400),
            Peer::Circuit(id) => self.addrs.circuit_key(*id, unix_now() / 86_400),
        }
    }

    /// The hashed client: the peer address, or behind a trusted proxy the
    /// address the proxy appended last to `X-Forwarded-For`. When that last
    /// entry is missing or unreadable the request is refused: falling back
    /// to an earlier entry would let the client choose its own network.
    pub fn client(&self, peer: &Peer, headers: &HeaderMap) -> Result<AddrKey, UnknownClient> {
        if !self.limits.trust_forwarded_for || !matches!(peer, Peer::Addr(_)) {
            return Ok(self.network(peer));
        }
        // The proxy appends to the last header line; earlier lines and entries
        // are whatever the client sent.
        let last = headers.get_all("x-forwarded-for").iter().next_back();
        let entry = last
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next());
        let ip = entry.and_then(forwarded_ip).ok_or(UnknownClient)?;
        Ok(self.addrs.key(ip, unix_now() / 86_400))
    }

    /// A fresh challenge for a form page, harder when `who` or everyone has
    /// sent many signing attempts lately. Viewing the page costs nothing.
    pub fn challenge(&self, who: AddrKey) -> String {
        let now = unix_now();
        self.pow.issue(now, self.difficulty(who, now))
    }

    /// The puzzle's difficulty for `who` now.
    fn difficulty(&self, who: AddrKey, now: u64) -> u8 {
        let extra = if self.limits.enabled {
            self.load.extra(who, now)
        } else {
            0
        };
        self.limits
            .pow_bits
            .saturating_add(extra)
            .min(self.limits.pow_max_bits)
    }

    /// Counts one signing attempt from `who`; refuses when that network
    /// sends too many. Admitted attempts raise the next challenges' difficulty.
    pub fn admit(&self, who: AddrKey) -> Result<(), Refusal> {
        if !self.limits.enabled {
            return Ok(());
        }
        self.limiters
            .attempt(who)
            .map_err(|retry_after| Refusal::TooManyFromHere { retry_after })?;
        self.load.note(who, unix_now());
        Ok(())
    }

    /// Takes the form a submission carries: every form is accepted once.
    pub fn take_form(&self, token: &str) -> FormState<'_> {
        if token.is_empty() {
            return FormState::NoToken;
        }
        let Some(c) = self.pow.parse(token) else {
            return FormState::Forged;
        };
        let now = unix_now();
        if now >= c.expires {
            return FormState::Expired;
        }
        match self.forms.take(&c.salt, c.expires, now) {
            forms::Take::Fresh(ticket) => FormState::Fresh(ticket),
            forms::Take::Sent => FormState::AlreadySent,
            forms::Take::Expired => FormState::Expired,
        }
    }

    /// Counts one withdrawal or receipt check from `who`.
    pub fn admit_code_attempt(&self, who: AddrKey) -> Result<(), Refusal> {
        if !self.limits.enabled {
            return Ok(());
        }
        self.limiters
            .code_attempt(who)
            .map_err(|retry_after| Refusal::TooManyFromHere { retry_after })
    }

    /// Forgets idle networks; the server calls it every [`PRUNE_EVERY`].
    pub fn prune(&self) {
        self.limiters.prune();
        self.load.prune(unix_now());
    }

    /// Prunes on a schedule, for as long as the server runs.
    pub async fn keep_pruned(&self) {
        let mut every = tokio::time::interval(PRUNE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            self.prune();
        }
    }

    /// Decides how a (valid) submission from `who` passed: hCaptcha,
    /// proof-of-work, or the no-JavaScript budget; and which soft flags it
    /// carries. With hCaptcha on, only hCaptcha counts for a JavaScript
    /// signer: bots solve proof-of-work in milliseconds, so a form without
    /// hCaptcha's token takes the no-JavaScript path, whatever else it carries.
    pub async fn assess(&self, who: AddrKey, fields: &GuardFields) -> Result<Assessment, Refusal> {
        let now = unix_now();
        let mut flags = Vec::new();
        if !fields.honeypot.is_empty() {
            flags.push(FLAG_HONEYPOT);
        }
        match self.pow.parse(&fields.challenge) {
            Some(c) if now.saturating_sub(c.issued) < self.limits.min_fill_seconds => {
                flags.push(FLAG_TOO_FAST)
            }
            Some(_) => {}
            None => flags.push(FLAG_NO_TOKEN),
        }

        if let Some(h) = &self.hcaptcha {
            if !fields.hcaptcha.is_empty() {
                return match h.verify(&fields.hcaptcha).await {
                    Ok(true) => Ok(Assessment {
                        check: Check::Hcaptcha,
                        flags,
                    }),
                    _ => Err(Refusal::CaptchaFailed),
                };
            }
        } else {
            match self.pow.verify(&fields.challenge, &fields.pow, now) {
                // A puzzle issued before the difficulty rose earns no credit:
                // page views are free, so a flooder would stock calm ones.
                Verdict::Solved(bits)
                    if bits.saturating_add(STALE_SLACK_BITS) < self.difficulty(who, now) => {}
                Verdict::Solved(_) => {
                    return Ok(Assessment {
                        check: Check::Pow,
                        flags,
                    });
                }
                Verdict::Spent | Verdict::Forged => return Err(Refusal::BadChallenge),
                // No answer, or a page left open past its challenge: the no-JS path.
                Verdict::Unsolved | Verdict::Expired => {}
            }
        }
        if self.limits.enabled {
            self.limiters
                .no_js(who)
                .map_err(|retry_after| Refusal::NoJsBudget { retry_after })?;
        }
        Ok(Assessment {
            check: Check::None,
            flags,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(trust_forwarded_for: bool) -> Guard {
        Guard::new(
            Limits {
                trust_forwarded_for,
                ..Limits::default()
            },
            None,
        )
    }

    fn forwarded(lines: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append("x-forwarded-for", l.parse().unwrap());
        }
        h
    }

    const PROXY: Peer = Peer::Addr(SocketAddr::new(
        IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        40000,
    ));

    /// The schedule itself, on tokio's paused clock: idle networks are gone
    /// a minute after they were last seen, without a call from outside.
    #[tokio::test(start_paused = true)]
    async fn the_server_forgets_idle_networks_every_minute() {
        let g = std::sync::Arc::new(Guard::new(
            Limits {
                // A full allowance again after a millisecond of real time.
                per_address_burst: 1,
                per_address_per_hour: 3_600_000,
                ..Limits::default()
            },
            None,
        ));
        let pruning = tokio::spawn({
            let g = g.clone();
            async move { g.keep_pruned().await }
        });
        tokio::task::yield_now().await;
        for i in 0..1000u32 {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            // Two addresses may share a bucket: the second is refused, no matter.
            let _ = g.admit(g.addrs.key(ip, 0));
        }
        let seen = g.limiters.entries();
        assert!(seen > 900, "{seen} entries");
        std::thread::sleep(Duration::from_millis(20));
        tokio::time::sleep(PRUNE_EVERY / 2).await;
        assert_eq!(g.limiters.entries(), seen, "not before the minute is up");
        tokio::time::sleep(PRUNE_EVERY / 2 + Duration::from_secs(1)).await;
        assert_eq!(g.limiters.entries(), 0, "forgotten on schedule");
        pruning.abort();
    }

    #[test]
    fn only_the_last_forwarded_entry_names_the_client_and_a_bad_one_is_refused() {
        let g = guard(true);
        let key = |lines: &[&str]| g.client(&PROXY, &forwarded(lines));
        let want = g
            .addrs
            .key("198.51.100.7".parse().unwrap(), unix_now() / 86_400);
        assert_eq!(key(&["198.51.100.7"]), Ok(want));
        assert_eq!(key(&["203.0.113.1, 198.51.100.7"]), Ok(want));
        assert_eq!(key(&["203.0.113.1", "10.0.0.1,198.51.100.7"]), Ok(want));
        assert_eq!(key(&["198.51.100.7:4711"]), Ok(want));
        // Never an earlier entry, which the client may have written itself.
        for bad in [
            &["198.51.100.7, not-an-address"][..],
            &["198.51.100.7, "],
            &["198.51.100.7", "unknown"],
            &["198.51.100.7", ""],
            &[],
        ] {
            assert_eq!(key(bad), Err(UnknownClient), "{bad:?}");
        }
    }

    #[test]
    fn without_trust_the_forwarded_header_is_ignored() {
        let g = guard(false);
        let direct = g.network(&PROXY);
        assert_eq!(g.client(&PROXY, &forwarded(&["garbage"])), Ok(direct));
        assert_eq!(g.client(&PROXY, &forwarded(&["198.51.100.7"])), Ok(direct));
    }
}
