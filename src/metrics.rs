//! Aggregate counters for `GET /metrics` (Prometheus text format).
//!
//! Only totals and histograms: nothing here can tell one signer from another,
//! and no label holds a value that came from a request.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Why a submission was not stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    Closed,
    Paused,
    Malformed,
    Invalid,
    TooManyFromAddress,
    NoJsBudget,
    BadChallenge,
    Captcha,
    Storage,
    /// A form sent again after its signature was stored (a reload, a second tap).
    AlreadySent,
}

impl Rejection {
    const ALL: [Rejection; 10] = [
        Rejection::Closed,
        Rejection::Paused,
        Rejection::Malformed,
        Rejection::Invalid,
        Rejection::TooManyFromAddress,
        Rejection::NoJsBudget,
        Rejection::BadChallenge,
        Rejection::Captcha,
        Rejection::Storage,
        Rejection::AlreadySent,
    ];

    fn name(self) -> &'static str {
        match self {
            Rejection::Closed => "closed",
            Rejection::Paused => "paused",
            Rejection::Malformed => "malformed",
            Rejection::Invalid => "invalid",
            Rejection::TooManyFromAddress => "too_many_from_address",
            Rejection::NoJsBudget => "no_js_budget",
            Rejection::BadChallenge => "bad_challenge",
            Rejection::Captcha => "captcha",
            Rejection::Storage => "storage",
            Rejection::AlreadySent => "already_sent",
        }
    }
}

/// A histogram with fixed upper bounds (the last bucket is +Inf).
struct Histogram {
    bounds: &'static [f64],
    counts: [AtomicU64; 12],
    sum_micros: AtomicU64,
}

impl Histogram {
    const fn new(bounds: &'static [f64]) -> Self {
        Histogram {
            bounds,
            counts: [const { AtomicU64::new(0) }; 12],
            sum_micros: AtomicU64::new(0),
        }
    }

    fn observe(&self, value: f64) {
        let i = self
            .bounds
            .iter()
            .position(|b| value <= *b)
            .unwrap_or(self.bounds.len());
        self.counts[i].fetch_add(1, Relaxed);
        self.sum_micros.fetch_add((value * 1e6) as u64, Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (i, bound) in self.bounds.iter().enumerate() {
            cumulative += self.counts[i].load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.counts[self.bounds.len()].load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {cumulative}");
        let _ = writeln!(
            out,
            "{name}_sum {}",
            self.sum_micros.load(Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "{name}_count {cumulative}");
    }
}

/// The process's counters.
pub struct Metrics {
    signatures: AtomicU64,
    withdrawals: AtomicU64,
    rejections: [AtomicU64; Rejection::ALL.len()],
    batch_size: Histogram,
    flush_seconds: Histogram,
}

pub static METRICS: Metrics = Metrics {
    signatures: AtomicU64::new(0),
    withdrawals: AtomicU64::new(0),
    rejections: [const { AtomicU64::new(0) }; Rejection::ALL.len()],
    batch_size: Histogram::new(&[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0]),
    flush_seconds: Histogram::new(&[
        0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    ]),
};

impl Metrics {
    pub fn signed(&self) {
        self.signatures.fetch_add(1, Relaxed);
    }

    pub fn withdrawn(&self) {
        self.withdrawals.fetch_add(1, Relaxed);
    }

    pub fn rejected(&self, why: Rejection) {
        let i = Rejection::ALL.iter().position(|r| *r == why).unwrap_or(0);
        self.rejections[i].fetch_add(1, Relaxed);
    }

    /// One group commit: how many operations, and how long flush + fdatasync took.
    pub fn committed(&self, batch: usize, flush: Duration) {
        self.batch_size.observe(batch as f64);
        self.flush_seconds.observe(flush.as_secs_f64());
    }

    pub fn render(&self, stored: u64) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP undersign_signatures_stored Signatures currently stored."
        );
        let _ = writeln!(
            out,
            "# TYPE undersign_signatures_stored gauge\nundersign_signatures_stored {stored}"
        );
        let _ = writeln!(
            out,
            "# HELP undersign_signatures_total Signatures accepted since start."
        );
        let _ = writeln!(out, "# TYPE undersign_signatures_total counter");
        let _ = writeln!(
            out,
            "undersign_signatures_total {}",
            self.signatures.load(Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP undersign_withdrawals_total Withdrawal requests with a well-formed code since start."
        );
        let _ = writeln!(out, "# TYPE undersign_withdrawals_total counter");
        let _ = writeln!(
            out,
            "undersign_withdrawals_total {}",
            self.withdrawals.load(Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP undersign_rejections_total Submissions not stored, by reason."
        );
        let _ = writeln!(out, "# TYPE undersign_rejections_total counter");
        for (i, r) in Rejection::ALL.iter().enumerate() {
            let _ = writeln!(
                out,
                "undersign_rejections_total{{reason=\"{}\"}} {}",
                r.name(),
                self.rejections[i].load(Relaxed)
            );
        }
        self.batch_size.render(
            &mut out,
            "undersign_commit_batch_size",
            "Operations per group commit.",
        );
        self.flush_seconds.render(
            &mut out,
            "undersign_commit_flush_seconds",
            "Time of flush plus fdatasync per batch.",
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative() {
        let h = Histogram::new(&[1.0, 2.0]);
        h.observe(0.5);
        h.observe(1.5);
        h.observe(9.0);
        let mut out = String::new();
        h.render(&mut out, "x", "help");
        assert!(out.contains("x_bucket{le=\"1\"} 1\n"));
        assert!(out.contains("x_bucket{le=\"2\"} 2\n"));
        assert!(out.contains("x_bucket{le=\"+Inf\"} 3\n"));
        assert!(out.contains("x_count 3\n"));
    }
}
