//! Anti-abuse that never betrays a signer.
//!
//! Every check here works on hashed addresses held in memory and on tokens
//! signed with keys held in memory: nothing is written, nothing goes to a
//! third party (unless an organizer turns hCaptcha on). Soft signals
//! (honeypot, fill time) only *flag* a record, inside its ciphertext, for the
//! organizers to filter offline: a false positive must never cost a real
//! signer their signature.

pub mod hcaptcha;
pub mod pow;
pub mod rate;

use std::net::IpAddr;
use std::time::Duration;

use axum::http::HeaderMap;

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

/// All anti-abuse state of one server.
pub struct Guard {
    limits: Limits,
    pow: Pow,
    addrs: AddrHasher,
    limiters: Limiters,
    load: Load,
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

impl Guard {
    pub fn new(limits: Limits, hcaptcha: Option<hcaptcha::Hcaptcha>) -> Guard {
        let limiters = Limiters::new(
            rate::hourly(limits.per_address_burst, limits.per_address_per_hour),
            rate::hourly(limits.no_js_burst, limits.no_js_per_hour),
            rate::hourly(limits.code_attempts_burst, limits.code_attempts_per_hour),
        );
        Guard {
            pow: Pow::new(),
            addrs: AddrHasher::new(unix_now() / 86_400),
            limiters,
            load: Load::new(600),
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
    /// address the proxy appended last to `X-Forwarded-For`.
    pub fn client(&self, peer: &Peer, headers: &HeaderMap) -> AddrKey {
        let Peer::Addr(addr) = peer else {
            return self.network(peer);
        };
        let mut ip = addr.ip();
        if self.limits.trust_forwarded_for {
            let forwarded = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back();
            if let Some(f) = forwarded {
                ip = f;
            }
        }
        self.addrs.key(ip, unix_now() / 86_400)
    }

    /// A fresh challenge for a form page, harder when `who` or everyone asks a lot.
    pub fn challenge(&self, who: AddrKey) -> String {
        let now = unix_now();
        let extra = if self.limits.enabled {
            self.load.note(who, now)
        } else {
            0
        };
        let bits = self
            .limits
            .pow_bits
            .saturating_add(extra)
            .min(self.limits.pow_max_bits);
        self.pow.issue(now, bits)
    }

    /// Counts one attempt from `who`; refuses when that network sends too many.
    pub fn admit(&self, who: AddrKey) -> Result<(), Refusal> {
        if !self.limits.enabled {
            return Ok(());
        }
        self.limiters
            .per_address
            .check_key(&who)
            .map_err(|not_until| Refusal::TooManyFromHere {
                retry_after: not_until.wait_time_from(governor::clock::Clock::now(
                    &governor::clock::DefaultClock::default(),
                )),
            })
    }

    /// Counts one withdrawal or receipt check from `who`.
    pub fn admit_code_attempt(&self, who: AddrKey) -> Result<(), Refusal> {
        if !self.limits.enabled {
            return Ok(());
        }
        self.limiters
            .codes
            .check_key(&who)
            .map_err(|not_until| Refusal::TooManyFromHere {
                retry_after: not_until.wait_time_from(governor::clock::Clock::now(
                    &governor::clock::DefaultClock::default(),
                )),
            })
    }

    /// Decides how a (valid) submission passed: hCaptcha, proof-of-work, or
    /// the no-JavaScript budget; and which soft flags it carries.
    pub async fn assess(&self, fields: &GuardFields) -> Result<Assessment, Refusal> {
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

        if let Some(h) = &self.hcaptcha
            && !fields.hcaptcha.is_empty()
        {
            return match h.verify(&fields.hcaptcha).await {
                Ok(true) => Ok(Assessment {
                    check: Check::Hcaptcha,
                    flags,
                }),
                _ => Err(Refusal::CaptchaFailed),
            };
        }
        match self.pow.verify(&fields.challenge, &fields.pow, now) {
            Verdict::Solved => {
                return Ok(Assessment {
                    check: Check::Pow,
                    flags,
                });
            }
            Verdict::Spent | Verdict::Forged => return Err(Refusal::BadChallenge),
            // No answer, or a page left open past its challenge: the no-JS path.
            Verdict::Unsolved | Verdict::Expired => {}
        }
        if self.limits.enabled {
            let clock = governor::clock::DefaultClock::default();
            self.limiters
                .no_js
                .check()
                .map_err(|not_until| Refusal::NoJsBudget {
                    retry_after: not_until.wait_time_from(governor::clock::Clock::now(&clock)),
                })?;
        }
        Ok(Assessment {
            check: Check::None,
            flags,
        })
    }
}
