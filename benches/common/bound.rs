//! The machine's bound for one signature per connection: pure age sealing of
//! one record on every core, and a bare connect/answer/close, measured here
//! and now. A signature needs both, one after the other, so their rates
//! combine like resistors in series: 1 / (1/encrypt + 1/bare).

use std::time::{Duration, Instant};

use undersign::record::PADDED_LEN;
use undersign::seal::Recipients;

const ENCRYPT_SECS: Duration = Duration::from_secs(3);
const ENCRYPT_WARMUP: Duration = Duration::from_millis(500);

/// Seconds each encrypt sample measures.
pub fn encrypt_secs() -> f64 {
    ENCRYPT_SECS.as_secs_f64()
}

/// Seals one record of the library's padded size per iteration on every
/// core, through the library, with no HTTP and no disk; returns (seals/s,
/// threads). The caller's process should use the server's wiping allocator:
/// age's chunk buffer is wiped on every seal, a real per-record cost.
pub fn encrypt_throughput(recipients_text: &str) -> (f64, usize) {
    let recipients = Recipients::parse(recipients_text).expect("parsing the bench recipients");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let plaintext = vec![b' '; PADDED_LEN];
    let measure_start = Instant::now() + ENCRYPT_WARMUP;
    let end = measure_start + ENCRYPT_SECS;
    let total: u64 = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut sealed = 0u64;
                    loop {
                        let ct = recipients.seal(&plaintext).expect("sealing a record");
                        std::hint::black_box(ct);
                        let now = Instant::now();
                        if now > end {
                            break sealed;
                        }
                        if now >= measure_start {
                            sealed += 1;
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("an encrypt thread panicked"))
            .sum()
    });
    (total as f64 / ENCRYPT_SECS.as_secs_f64(), threads)
}

/// The bound for one signature per connection, from its two parts (per s).
pub fn combined(encrypt_per_s: f64, bare_per_s: f64) -> f64 {
    1.0 / (1.0 / encrypt_per_s + 1.0 / bare_per_s)
}
