//! End-to-end signing throughput of the real `undersign serve` over loopback,
//! against the machine's own bound, measured in the same run.
//!
//! `cargo bench --bench signing` builds the release binary; this program only
//! drives it ([`common::server`]) with concurrent clients ([`common::load`]):
//!
//! * signing: N clients `POST /sign`, one signature per connection; only a 200
//!   carrying a receipt counts, and the server sends that only after the
//!   record is fsynced;
//! * the bound ([`common::bound`]): pure age sealing of one padded record on
//!   every core (no HTTP, no disk), and the same clients against
//!   `GET /healthz` (a bare connect/answer/close); one signature needs both,
//!   so the bound is 1 / (1/encrypt + 1/bare), and the ratio is signing over it;
//! * sign + pow: one recipient again, on a fresh server whose proof-of-work is
//!   on at 0 bits: each client fetches the page, answers its challenge and signs
//!   with it, as a browser with JavaScript does; the server verifies every answer;
//! * browser-sealed: one recipient again, on a fresh server, every body sealed
//!   ahead of the run as the page's script seals it (no X25519 on the clients
//!   during the run); the server checks each sealed part's age header and
//!   length and seals the record around it, as for a server-sealed signature;
//! * pow verify: the library's `Pow::verify`, alone on one thread, set against
//!   the server CPU one signature costs (the issue asks for well under 5%).
//!
//! Settings (environment): `BENCH_CLIENTS` (default 64), `BENCH_SECS` (measured
//! signing seconds, default 10), `BENCH_RECIPIENTS` (a list such as `1,3`; the
//! one-recipient run always happens, the three-recipient run when the variable
//! is unset or names 3). The sign + pow run measures `BENCH_SECS` but at most
//! 5 s. The last line is the one-recipient summary, for scripts.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::bound::{self, encrypt_throughput};
use common::load::{Load, Target, preflight, run_load, set_sealed_pool};
use common::server::{Server, keygen};
use undersign::guard::pow::{self, Pow, Verdict};
use undersign::guard::unix_now;

/// The server binary wipes every freed heap block (see src/main.rs). The encrypt
/// baseline runs in this process, so it uses the same allocator: otherwise it
/// would leave out a real per-record cost (age's 64 KiB chunk buffer is wiped on
/// every seal) and flatter the ceiling. The client side pays it too, a little.
#[global_allocator]
static ALLOC: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

/// Requests issued before the measured window start, so connection setup,
/// sled's first segments and the CPU frequency settle before counting.
const WARMUP: Duration = Duration::from_millis(1500);
/// The bare baseline only needs to be long enough to be stable.
const BARE_SECS: Duration = Duration::from_secs(5);
const BARE_WARMUP: Duration = Duration::from_secs(1);
/// The sign + pow run is a comparison, not the headline: a short window suffices.
const POW_SECS: Duration = Duration::from_secs(5);
/// What the sign + pow server adds to the `[limits]` table: challenges of 0 bits
/// (`pow_bits` may not exceed `pow_max_bits`), so any answer solves them and the
/// clients spend nothing on solving, while the server still checks each one
/// (signature, expiry, single use, hash) exactly as at real difficulty.
const POW_LIMITS: &str = "pow_bits = 0\npow_max_bits = 0\n";
/// Challenges verified in the in-process cost measurement, and the size of the
/// batches timed separately, so a cost that grows with the spent set shows.
const VERIFY_COUNT: usize = 100_000;
const VERIFY_BATCH: usize = 10_000;
/// Challenges per `Pow` for the fresh-set figure: a spent set this small costs
/// next to nothing to scan, so what remains is the fixed work.
const FRESH_GROUP: usize = 1_000;

struct Settings {
    clients: usize,
    measure: Duration,
    three_recipients: bool,
}

impl Settings {
    fn from_env() -> Settings {
        let clients = match std::env::var("BENCH_CLIENTS") {
            Ok(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .expect("BENCH_CLIENTS must be a positive whole number"),
            Err(_) => 64,
        };
        let measure = match std::env::var("BENCH_SECS") {
            Ok(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(Duration::from_secs_f64)
                .expect("BENCH_SECS must be a positive number of seconds"),
            Err(_) => Duration::from_secs(10),
        };
        let three_recipients = match std::env::var("BENCH_RECIPIENTS") {
            Err(_) => true,
            Ok(v) => {
                let counts: Vec<&str> = v
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .collect();
                for c in &counts {
                    if *c != "1" && *c != "3" {
                        eprintln!(
                            "bench: BENCH_RECIPIENTS: only 1 and 3 are measured; ignoring {c:?}"
                        );
                    }
                }
                counts.contains(&"3")
            }
        };
        Settings {
            clients,
            measure,
            three_recipients,
        }
    }
}

// ---------------------------------------------------------------------------
// Cost of one proof-of-work verification
// ---------------------------------------------------------------------------
// ---------------------------------------------------------------------------

struct VerifyCost {
    /// Mean over `VERIFY_COUNT` verifications on one `Pow`, microseconds.
    mean_us: f64,
    /// Mean of each batch of `VERIFY_BATCH`, in order: the spent set grows by
    /// one entry per verification, so a cost that depends on its size shows
    /// as a rise from the first batch to the last.
    batches_us: Vec<f64>,
    /// Mean with the spent set kept small (a new `Pow` every `FRESH_GROUP`):
    /// the fixed work of one verification, whatever the set's size.
    fresh_us: f64,
    /// Issuing one challenge (what each page view costs), for comparison.
    issue_us: f64,
}

/// `n` 0-bit challenges of `pow` with their answers, made before any timing.
fn answered_challenges(pow: &Pow, now: u64, n: usize) -> (Vec<String>, Vec<String>) {
    let tokens: Vec<String> = (0..n).map(|_| pow.issue(now, 0)).collect();
    let answers = tokens.iter().map(|t| pow::solve(t, 0)).collect();
    (tokens, answers)
}

/// Verifies every answer once; returns the time taken. Every one must pass, or
/// the loop would have timed refusals instead of verifications.
fn verify_all(pow: &Pow, now: u64, tokens: &[String], answers: &[String]) -> Duration {
    let start = Instant::now();
    let mut solved = 0usize;
    for (token, answer) in tokens.iter().zip(answers) {
        let verdict = pow.verify(
            std::hint::black_box(token),
            std::hint::black_box(answer),
            now,
        );
        solved += usize::from(matches!(verdict, Verdict::Solved(_)));
    }
    let took = start.elapsed();
    assert_eq!(solved, tokens.len(), "not every 0-bit challenge verified");
    took
}

fn micros_each(took: Duration, n: usize) -> f64 {
    took.as_secs_f64() * 1e6 / n as f64
}

/// `Pow::verify` alone on one thread: HMAC check, expiry, the spent-set insert
/// and the hash of the answer. Challenges are issued and answered beforehand,
/// at 0 bits so that solving is free; verifying does the same work at any
/// difficulty (one SHA-256 of the answer), so the figures hold for real ones.
fn pow_verify_cost() -> VerifyCost {
    let now = unix_now();

    // One `Pow` as in a server: every verification leaves its salt in the spent
    // set until the challenge expires (2 h), so the set only grows here.
    let pow = Pow::new();
    let issuing = Instant::now();
    let (tokens, answers) = answered_challenges(&pow, now, VERIFY_COUNT);
    let issue_us = micros_each(issuing.elapsed(), VERIFY_COUNT);
    let batches: Vec<Duration> = tokens
        .chunks(VERIFY_BATCH)
        .zip(answers.chunks(VERIFY_BATCH))
        .map(|(t, a)| verify_all(&pow, now, t, a))
        .collect();
    let mean_us = micros_each(batches.iter().sum(), VERIFY_COUNT);
    let batches_us = batches
        .iter()
        .zip(tokens.chunks(VERIFY_BATCH))
        .map(|(took, t)| micros_each(*took, t.len()))
        .collect();

    // The same number of verifications spread over fresh `Pow`s.
    let groups = VERIFY_COUNT / FRESH_GROUP;
    let fresh: Duration = (0..groups)
        .map(|_| {
            let pow = Pow::new();
            let (tokens, answers) = answered_challenges(&pow, now, FRESH_GROUP);
            verify_all(&pow, now, &tokens, &answers)
        })
        .sum();
    VerifyCost {
        mean_us,
        batches_us,
        fresh_us: micros_each(fresh, groups * FRESH_GROUP),
        issue_us,
    }
}

// ---------------------------------------------------------------------------
// One configuration: keys, encrypt baseline, server, load
// ---------------------------------------------------------------------------

struct Outcome {
    recipients: usize,
    /// Mean of the two samples below.
    encrypt_per_s: f64,
    /// Encrypt throughput just before and just after the signing run: this VM's
    /// speed drifts, and the spread shows how much to trust the ratio.
    encrypt_samples: [f64; 2],
    encrypt_threads: usize,
    sign: Load,
    bare: Option<Load>,
    /// (server's stored count, successes the clients saw including the preflight)
    stored: (u64, u64),
    server_exit: String,
    /// The server's own CPU time per signature over the signing run (its
    /// warm-up included), microseconds.
    server_cpu_us: f64,
}

fn run_config(
    rt: &tokio::runtime::Runtime,
    settings: &Settings,
    recipients: usize,
    with_bare: bool,
) -> Outcome {
    let dir = tempfile::tempdir().expect("creating a temp dir");
    let lines: Vec<String> = (0..recipients)
        .map(|i| keygen(dir.path(), &format!("identity-{i}.txt")))
        .collect();
    let recipients_text = lines.join("\n") + "\n";
    let recipients_file: PathBuf = dir.path().join("recipients.txt");
    std::fs::write(&recipients_file, &recipients_text).expect("writing the recipients file");

    // Measured while no server runs, so nothing else competes for the cores;
    // once now and once after the server stops (see `encrypt_samples`).
    eprintln!(
        "bench: {recipients} recipient(s): encrypt baseline, {} s",
        bound::encrypt_secs()
    );
    let (encrypt_before, encrypt_threads) = encrypt_throughput(&recipients_text);

    let data = dir.path().join("data");
    let server = Server::start(&data, &recipients_file, "");
    let addr = server.addr;
    rt.block_on(preflight(addr, Target::Sign));
    eprintln!(
        "bench: {recipients} recipient(s): signing, {} clients, {WARMUP:?} warm-up + {:?}",
        settings.clients, settings.measure
    );
    let cpu_before = server.cpu();
    let sign = rt.block_on(run_load(
        addr,
        Target::Sign,
        settings.clients,
        WARMUP,
        settings.measure,
    ));
    let server_cpu_us = (server.cpu() - cpu_before).as_secs_f64() * 1e6 / sign.ok_all.max(1) as f64;
    let bare = with_bare.then(|| {
        eprintln!(
            "bench: bare GET /healthz, {} clients, {BARE_WARMUP:?} warm-up + {BARE_SECS:?}",
            settings.clients
        );
        rt.block_on(run_load(
            addr,
            Target::Health,
            settings.clients,
            BARE_WARMUP,
            BARE_SECS,
        ))
    });
    let server_exit = server.stop();
    let stored = (stored_in(&data), sign.ok_all + 1);
    eprintln!(
        "bench: {recipients} recipient(s): encrypt baseline again, {} s",
        bound::encrypt_secs()
    );
    let (encrypt_after, _) = encrypt_throughput(&recipients_text);
    Outcome {
        recipients,
        encrypt_per_s: (encrypt_before + encrypt_after) / 2.0,
        encrypt_samples: [encrypt_before, encrypt_after],
        encrypt_threads,
        sign,
        bare,
        stored,
        server_exit,
        server_cpu_us,
    }
}

/// Records in a stopped server's data folder, as the store counts them.
fn stored_in(data: &std::path::Path) -> u64 {
    undersign::store::Store::open(data).map_or(0, |s| s.count())
}

/// A variant of one-recipient signing on its own fresh key, data dir and
/// server: with proof-of-work on, or with bodies sealed as a browser seals them.
struct VariantRun {
    sign: Load,
    /// As in [`Outcome::stored`].
    stored: (u64, u64),
    server_exit: String,
    /// As in [`Outcome::server_cpu_us`].
    server_cpu_us: f64,
}

/// Distinct sealed bodies made before the sealed run (a second of X25519).
const SEALED_POOL: usize = 8192;
/// The example petition's slug, which a browser-sealed part names.
const EXAMPLE_SLUG: &str = "rights-not-raids";

fn run_variant(
    rt: &tokio::runtime::Runtime,
    settings: &Settings,
    measure: Duration,
    target: Target,
) -> VariantRun {
    let dir = tempfile::tempdir().expect("creating a temp dir");
    let recipients_text = keygen(dir.path(), "identity-0.txt") + "\n";
    let recipients_file = dir.path().join("recipients.txt");
    std::fs::write(&recipients_file, &recipients_text).expect("writing the recipients file");
    let (tail, what) = match target {
        Target::SignPow => (POW_LIMITS, "sign + pow"),
        Target::SignSealed => {
            set_sealed_pool(&recipients_text, EXAMPLE_SLUG, SEALED_POOL);
            ("", "sign, browser-sealed")
        }
        Target::Sign | Target::Health => unreachable!("not a variant"),
    };
    let data = dir.path().join("data");
    let server = Server::start(&data, &recipients_file, tail);
    let addr = server.addr;
    rt.block_on(preflight(addr, target));
    eprintln!(
        "bench: {what}, 1 recipient, {} clients, {WARMUP:?} warm-up + {measure:?}",
        settings.clients
    );
    let cpu_before = server.cpu();
    let sign = rt.block_on(run_load(addr, target, settings.clients, WARMUP, measure));
    let server_cpu_us = (server.cpu() - cpu_before).as_secs_f64() * 1e6 / sign.ok_all.max(1) as f64;
    let server_exit = server.stop();
    let stored = (stored_in(&data), sign.ok_all + 1);
    VariantRun {
        sign,
        stored,
        server_exit,
        server_cpu_us,
    }
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

fn load_row(name: &str, load: &Load) {
    println!(
        "{name:<26} {:>10.1} {:>9.2} {:>9.2} {:>9.2} {:>9} {:>7}",
        load.per_s(),
        load.percentile_ms(50.0),
        load.percentile_ms(99.0),
        load.percentile_ms(100.0),
        load.ok(),
        load.error_count()
    );
}

fn notes(name: &str, load: &Load) {
    let seconds: Vec<String> = load.per_second.iter().map(u64::to_string).collect();
    println!("  {name}: successes per second: {}", seconds.join(" "));
    if !load.errors.is_empty() {
        let kinds: Vec<String> = load
            .errors
            .iter()
            .map(|(k, v)| format!("{k} x{v}"))
            .collect();
        println!("  {name}: errors: {}", kinds.join(", "));
    }
    if load.errors_outside > 0 {
        println!(
            "  {name}: {} more errors during warm-up or after the window",
            load.errors_outside
        );
    }
}

/// Whether the server stored exactly what the clients got receipts for, and how it stopped.
fn stored_notes(name: &str, (stored, acked): (u64, u64), server_exit: &str) {
    let verdict = if stored == acked {
        "match"
    } else if stored > acked {
        "server stored more than it acknowledged (client-side failures after commit)"
    } else {
        "MISMATCH: fewer stored than acknowledged"
    };
    println!("  {name}: server counts {stored} stored, clients got {acked} receipts: {verdict}");
    println!("  {name}: server {server_exit}");
}

/// One machine-readable line: signing against the bound of the same run.
fn summary(o: &Outcome, bare: &Load) -> String {
    let bound = bound::combined(o.encrypt_per_s, bare.per_s());
    format!(
        "signing_per_s={:.0} bound_per_s={:.0} ratio={:.2} p99_ms={:.2} encrypt_per_s={:.0} \
         bare_per_s={:.0} server_cpu_us={:.1}",
        o.sign.per_s(),
        bound,
        o.sign.per_s() / bound,
        o.sign.percentile_ms(99.0),
        o.encrypt_per_s,
        bare.per_s(),
        o.server_cpu_us,
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "recipient" } else { "recipients" }
}

fn main() {
    let settings = Settings::from_env();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("building the client runtime");

    let one = run_config(&rt, &settings, 1, true);
    let three = settings
        .three_recipients
        .then(|| run_config(&rt, &settings, 3, false));
    let pow_run = run_variant(
        &rt,
        &settings,
        settings.measure.min(POW_SECS),
        Target::SignPow,
    );
    let sealed_run = run_variant(&rt, &settings, settings.measure, Target::SignSealed);
    // Last, with no server running, so nothing competes for this one thread.
    eprintln!("bench: pow verify, 2 x {VERIFY_COUNT} challenges on one thread");
    let verify = pow_verify_cost();
    let outcomes: Vec<&Outcome> = std::iter::once(&one).chain(three.as_ref()).collect();
    let bare = one
        .bare
        .as_ref()
        .expect("the one-recipient run measures bare");

    println!();
    println!("undersign signing bench: {}", common::server::EXE);
    println!(
        "{} clients over loopback; signing {:.1} s after {:.1} s warm-up; sign + pow {:.1} s; \
         bare {:.1} s; encrypt 2 x {:.1} s on {} threads; {} cores shared by clients and server",
        settings.clients,
        settings.measure.as_secs_f64(),
        WARMUP.as_secs_f64(),
        pow_run.sign.window.as_secs_f64(),
        BARE_SECS.as_secs_f64(),
        bound::encrypt_secs(),
        one.encrypt_threads,
        one.encrypt_threads,
    );
    println!();
    println!(
        "{:<26} {:>10} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "measurement", "per s", "p50 ms", "p99 ms", "max ms", "ok", "errors"
    );
    for o in &outcomes {
        let n = o.recipients;
        load_row(&format!("sign, {n} {}", plural(n)), &o.sign);
    }
    load_row("sign + pow, 1 recipient", &pow_run.sign);
    load_row("sign, browser-sealed, 1", &sealed_run.sign);
    load_row("bare GET /healthz", bare);
    for o in &outcomes {
        let n = o.recipients;
        println!(
            "{:<26} {:>10.1} {:>9} {:>9} {:>9} {:>9} {:>7}",
            format!("encrypt, {n} {}", plural(n)),
            o.encrypt_per_s,
            "-",
            "-",
            "-",
            "-",
            "-"
        );
    }
    println!();
    for o in &outcomes {
        let n = o.recipients;
        let name = format!("sign, {n} {}", plural(n));
        notes(&name, &o.sign);
        stored_notes(&name, o.stored, &o.server_exit);
        let [before, after] = o.encrypt_samples;
        println!(
            "  encrypt, {n} {}: {before:.1}/s before signing, {after:.1}/s after ({:+.0}%)",
            plural(n),
            (after / before - 1.0) * 100.0
        );
    }
    notes("sign + pow, 1 recipient", &pow_run.sign);
    stored_notes(
        "sign + pow, 1 recipient",
        pow_run.stored,
        &pow_run.server_exit,
    );
    println!(
        "  sign + pow, 1 recipient: {:.2} of signing without pow (each signature also fetches the page)",
        pow_run.sign.per_s() / one.sign.per_s()
    );
    notes("sign, browser-sealed, 1", &sealed_run.sign);
    stored_notes(
        "sign, browser-sealed, 1",
        sealed_run.stored,
        &sealed_run.server_exit,
    );
    println!(
        "  sign, browser-sealed, 1: {:.2} of server-sealed signing; server CPU {:.1} µs per \
         signature against {:.1} (the server opens no signer's field: it checks the sealed \
         part's age header and length, then seals the record's first line and the sealed \
         part for the store, X25519 once per recipient as before)",
        sealed_run.sign.per_s() / one.sign.per_s(),
        sealed_run.server_cpu_us,
        one.server_cpu_us,
    );
    notes("bare", bare);
    let batches: Vec<String> = verify
        .batches_us
        .iter()
        .map(|b| format!("{b:.2}"))
        .collect();
    println!(
        "  pow verify: µs per verification by batch of {VERIFY_BATCH}: {}",
        batches.join(" ")
    );
    println!(
        "  pow verify: {:.2} µs each with at most {FRESH_GROUP} spent (fixed work); \
         {:.2} µs mean over {VERIFY_COUNT} on one Pow (pow_verify_us below)",
        verify.fresh_us, verify.mean_us
    );
    println!(
        "  pow issue: {:.2} µs per challenge (once per page view)",
        verify.issue_us
    );
    println!();
    for o in &outcomes {
        let n = o.recipients;
        let bound = bound::combined(o.encrypt_per_s, bare.per_s());
        println!(
            "sign, {n} {}: bound 1/(1/{:.0} + 1/{:.0}) = {bound:.0}/s; signing/bound: {:.2} \
             (goal >= 0.80, p99 <= 15 ms); server CPU {:.1} µs per signature",
            plural(n),
            o.encrypt_per_s,
            bare.per_s(),
            o.sign.per_s() / bound,
            o.server_cpu_us,
        );
    }
    if let Some(three) = &three {
        println!("three_recipients: {}", summary(three, bare));
    }
    // The server's own CPU per signature, measured from /proc over the run.
    let per_signature_cpu_us = one.server_cpu_us;
    println!(
        "pow_verify_us={:.2} per_signature_cpu_us={:.1} pow_share={:.2}%",
        verify.mean_us,
        per_signature_cpu_us,
        verify.mean_us / per_signature_cpu_us * 100.0
    );
    println!(
        "pow_on: signing_per_s={:.0} p99_ms={:.2}",
        pow_run.sign.per_s(),
        pow_run.sign.percentile_ms(99.0)
    );
    println!(
        "browser_sealed: signing_per_s={:.0} p99_ms={:.2} server_cpu_us={:.1}",
        sealed_run.sign.per_s(),
        sealed_run.sign.percentile_ms(99.0),
        sealed_run.server_cpu_us
    );
    println!("{}", summary(&one, bare));
}
