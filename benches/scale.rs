//! The largest petition on record, on this machine: fill a data folder with
//! BENCH_RECORDS signatures (default 1,000,000) through the real HTTP path,
//! then measure what an operator meets at that size, and project the figures
//! to 6.1 million signatures ("Revoke Article 50", 2019) on this machine and
//! on a 1 vCPU / 1 GB server.
//!
//!     cargo bench --bench scale
//!     BENCH_RECORDS=100000 BENCH_DIR=/var/tmp cargo bench --bench scale
//!
//! The method, in order ([`run`]):
//! 1. fill: the release server with its default settings (limits off, so one
//!    address may sign at full speed), 64 clients signing one signature per
//!    connection; its resident memory and its data folder's size are sampled
//!    at 0, 25, 50, 75 and 100% of the records, with the signing rate and the
//!    server's own CPU time per signature for each quarter;
//! 2. withdraw one signature in 100 (through `/withdraw`, with their receipts);
//! 3. restart: the time from launch to listening, and the memory after;
//! 4. export (`undersign export`): time, peak memory, size;
//! 5. purge half of it (`undersign purge` with an export of half the
//!    records), and the folder's size after;
//! 6. decrypt the whole export (`undersign decrypt`) against pure parallel
//!    age decryption of a sample of the same records, in the same run.
//!
//! Every size is set against the ciphertext it holds (records × the mean size
//! of a stored record, read from the export), and split into the record
//! files and sled's share. Settings: BENCH_RECORDS,
//! BENCH_CLIENTS (64), BENCH_DIR (scratch folder; the run needs about 10 KB
//! per record there at its peak), BENCH_DECRYPT (set to 0 to skip step 6),
//! BENCH_SERVER_TOML (lines added to the server's config, to measure another
//! setting than the defaults: `[storage]\ncache_mb = 4`, say).
//! The last line is machine-readable.

mod common;

use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use common::load::{fill, withdraw_all};
use common::server::{EXE, Memory, Server, disk_usage, keygen, run_watched};
use undersign::export;

/// The server's allocator, as in the signing bench (age wipes its buffers).
#[global_allocator]
static ALLOC: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

/// The petition the projection is for.
const TARGET: f64 = 6_100_000.0;
/// Its peak, per second (about 2,000 a minute).
const TARGET_PEAK_PER_S: f64 = 2000.0 / 60.0;
/// One receipt kept (and withdrawn) per this many signatures.
const WITHDRAW_EVERY: u64 = 100;
/// Records decrypted in memory for the pure-age figure.
const SAMPLE: usize = 20_000;

struct Settings {
    records: u64,
    clients: usize,
    dir: PathBuf,
    decrypt: bool,
    server_toml: String,
}

impl Settings {
    fn from_env() -> Settings {
        let number = |name: &str, default: u64| -> u64 {
            std::env::var(name)
                .ok()
                .map(|v| {
                    v.replace('_', "")
                        .trim()
                        .parse()
                        .unwrap_or_else(|_| panic!("{name} must be a whole number"))
                })
                .unwrap_or(default)
        };
        Settings {
            records: number("BENCH_RECORDS", 1_000_000).max(1000),
            clients: number("BENCH_CLIENTS", 64).max(1) as usize,
            dir: std::env::var_os("BENCH_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(std::env::temp_dir),
            decrypt: std::env::var("BENCH_DECRYPT").map_or(true, |v| v.trim() != "0"),
            server_toml: std::env::var("BENCH_SERVER_TOML").unwrap_or_default(),
        }
    }
}

// ---------------------------------------------------------------------------
// The method
// ---------------------------------------------------------------------------

/// The state of the server at one point of the fill.
#[derive(Clone, Copy, Default)]
struct Mark {
    records: u64,
    at: Duration,
    memory: Memory,
    disk: Disk,
    /// Server CPU time so far.
    cpu: Duration,
}

/// A finished command: how long it took and its highest resident memory.
struct Step {
    wall: Duration,
    peak: u64,
    stderr: String,
}

fn step(cmd: &mut Command, what: &str) -> Step {
    let (out, wall, peak) = run_watched(cmd);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{what} failed: {stderr}");
    Step { wall, peak, stderr }
}

struct Outcome {
    marks: Vec<Mark>,
    filled: u64,
    fill_errors: u64,
    withdrawn: u64,
    after_withdrawals: Disk,
    restart: Duration,
    restart_memory: Memory,
    export: Step,
    export_bytes: u64,
    purge: Step,
    purged: u64,
    after_purge: Disk,
    decrypt: Option<(Step, f64)>,
    ct_bytes: f64,
    stored: u64,
}

/// The mean size of the stored records (ciphertext bytes per signature),
/// read from the export: what the server really seals (its record layout,
/// with room for a browser-sealed part, is larger than a bare signer JSON).
fn ciphertext_mean(export_path: &Path) -> f64 {
    let file = std::fs::File::open(export_path).expect("opening the export");
    let mut reader =
        export::Reader::new(std::io::BufReader::new(file)).expect("reading the export");
    let (mut records, mut bytes) = (0u64, 0u64);
    while let Some(item) = reader.next_item() {
        if let export::Item::Record(entry) = item.expect("a valid export") {
            records += 1;
            bytes += entry.ciphertext.as_bytes().len() as u64;
        }
    }
    bytes as f64 / records.max(1) as f64
}

/// A data folder's size: in all, and its record files (the rest is sled's).
#[derive(Clone, Copy, Default)]
struct Disk {
    total: u64,
    records: u64,
}

impl Disk {
    fn of(data: &Path) -> Disk {
        Disk {
            total: disk_usage(data),
            records: disk_usage(&data.join("records")),
        }
    }
}

fn run(settings: &Settings, rt: &tokio::runtime::Runtime) -> Outcome {
    let scratch = tempfile::tempdir_in(&settings.dir).expect("a scratch folder in BENCH_DIR");
    let dir = scratch.path();
    let recipients_text = keygen(dir, "organizer.key") + "\n";
    let recipients = dir.join("recipients.txt");
    std::fs::write(&recipients, &recipients_text).expect("writing the recipients");
    let data = dir.join("data");

    // 1. Fill, sampling every quarter.
    let n = settings.records;
    let server = Server::start(&data, &recipients, &settings.server_toml);
    let pid = server.pid();
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut marks = vec![Mark {
        records: 0,
        at: Duration::ZERO,
        memory: server.memory(),
        disk: Disk::of(&data),
        cpu: server.cpu(),
    }];
    eprintln!(
        "bench: filling {n} records with {} clients",
        settings.clients
    );
    let filled = std::thread::scope(|scope| {
        let sampler = scope.spawn(|| {
            let mut marks = Vec::new();
            for quarter in 1..=4u64 {
                let target = n * quarter / 4;
                while done.load(Ordering::Relaxed) < target {
                    std::thread::sleep(Duration::from_millis(100));
                }
                marks.push(Mark {
                    records: done.load(Ordering::Relaxed),
                    at: started.elapsed(),
                    memory: Memory::of(pid),
                    disk: Disk::of(&data),
                    cpu: common::server::cpu_of(pid),
                });
                eprintln!(
                    "bench: {} records, {:.0} s, resident {:.1} MB",
                    marks.last().map_or(0, |m: &Mark| m.records),
                    started.elapsed().as_secs_f64(),
                    marks.last().map_or(0, |m: &Mark| m.memory.now) as f64 / 1e6
                );
            }
            marks
        });
        let filled = rt.block_on(fill(
            server.addr,
            settings.clients,
            n,
            done.clone(),
            WITHDRAW_EVERY,
        ));
        marks.extend(sampler.join().expect("the sampler panicked"));
        filled
    });

    // 2. Withdraw one in a hundred.
    let codes = filled.receipts.clone();
    eprintln!("bench: withdrawing {} signatures", codes.len());
    let withdrawn = rt.block_on(withdraw_all(server.addr, codes, settings.clients));
    // Let the last batch's wipes and the log settle before measuring.
    std::thread::sleep(Duration::from_secs(1));
    let after_withdrawals = Disk::of(&data);
    let exit = server.stop();
    eprintln!("bench: server {exit}");

    // 3. Restart.
    let server = Server::start(&data, &recipients, &settings.server_toml);
    let restart = server.started_in;
    std::thread::sleep(Duration::from_millis(500));
    let restart_memory = server.memory();
    server.stop();
    let stored = undersign::store::Store::open(&data).map_or(0, |s| s.count());

    // 4. Export.
    let export_path = dir.join("export.jsonl");
    eprintln!("bench: export");
    let export = step(
        Command::new(EXE)
            .arg("export")
            .arg("--data")
            .arg(&data)
            .arg("-o")
            .arg(&export_path),
        "undersign export",
    );
    let export_bytes = std::fs::metadata(&export_path).map_or(0, |m| m.len());
    let ct_bytes = ciphertext_mean(&export_path);

    // 5. Purge half of it.
    let half = dir.join("half.jsonl");
    let purged = write_half(&export_path, &half);
    eprintln!("bench: purge {purged} records");
    let purge = step(
        Command::new(EXE)
            .arg("purge")
            .arg("--data")
            .arg(&data)
            .arg("--export")
            .arg(&half),
        "undersign purge",
    );
    let after_purge = Disk::of(&data);
    let _ = std::fs::remove_file(&half);

    // 6. Decrypt the whole export, against pure age on a sample.
    let decrypt = settings.decrypt.then(|| {
        // The folder is measured; free its room for decrypt's output and spool.
        let _ = std::fs::remove_dir_all(&data);
        let identity = identity_of(&dir.join("organizer.key"));
        let sample = sample_of(&export_path, SAMPLE);
        let before = pure_age(&identity, &sample);
        eprintln!("bench: decrypt");
        let out = dir.join("signatures.csv");
        let d = step(
            Command::new(EXE)
                .args(["decrypt", "-i"])
                .arg(dir.join("organizer.key"))
                .arg(&export_path)
                .arg("-o")
                .arg(&out),
            "undersign decrypt",
        );
        let after = pure_age(&identity, &sample);
        let _ = std::fs::remove_file(&out);
        (d, (before + after) / 2.0)
    });
    Outcome {
        marks,
        filled: filled.ok,
        fill_errors: filled.errors.values().sum(),
        withdrawn,
        after_withdrawals,
        restart,
        restart_memory,
        export,
        export_bytes,
        purge,
        purged,
        after_purge,
        decrypt,
        ct_bytes,
        stored,
    }
}

/// Writes an export holding the first half of `export`'s records (no
/// withdrawn ids); returns how many.
fn write_half(export_path: &Path, half: &Path) -> u64 {
    let open = || BufReader::with_capacity(1 << 20, std::fs::File::open(export_path).unwrap());
    let mut reader = export::Reader::new(open()).expect("reading the export");
    let header = reader.header().clone();
    let keep = header.count / 2;
    let out = BufWriter::with_capacity(1 << 20, std::fs::File::create(half).unwrap());
    let mut w = export::Writer::new(
        out,
        &export::Header {
            count: keep,
            ..header
        },
    )
    .expect("writing the half export");
    let mut n = 0;
    while let Some(item) = reader.next_item() {
        if let export::Item::Record(e) = item.expect("a readable export") {
            if n == keep {
                break;
            }
            w.record(&e.record_id(), e.ciphertext.as_bytes()).unwrap();
            n += 1;
        }
    }
    w.finish().unwrap();
    n
}

fn identity_of(path: &Path) -> age::x25519::Identity {
    let text = std::fs::read_to_string(path).expect("reading the organizer key");
    text.lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .and_then(|l| l.parse().ok())
        .expect("an age identity")
}

/// The first `n` ciphertexts of an export.
fn sample_of(export_path: &Path, n: usize) -> Vec<Vec<u8>> {
    let f = BufReader::new(std::fs::File::open(export_path).unwrap());
    let mut reader = export::Reader::new(f).unwrap();
    let mut out = Vec::with_capacity(n);
    while let Some(item) = reader.next_item() {
        if let export::Item::Record(e) = item.unwrap() {
            out.push(e.ciphertext.0);
            if out.len() == n {
                break;
            }
        }
    }
    out
}

/// Records per second of pure parallel `age::decrypt` on every core.
fn pure_age(id: &age::x25519::Identity, sample: &[Vec<u8>]) -> f64 {
    let started = Instant::now();
    let opened: usize = sample
        .par_iter()
        .map(|ct| age::decrypt(id, ct).map(|p| p.len()).unwrap_or(0))
        .sum();
    assert!(opened > 0, "the sample did not decrypt");
    sample.len() as f64 / started.elapsed().as_secs_f64()
}

// ---------------------------------------------------------------------------
// The report and the projection
// ---------------------------------------------------------------------------

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    let settings = Settings::from_env();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("building the client runtime");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let o = run(&settings, &rt);
    let n = o.filled as f64;
    let last = *o.marks.last().expect("the fill has marks");
    let ct = |records: f64| records * o.ct_bytes;

    println!();
    println!(
        "undersign scale bench: {} records through HTTP, {} clients, {cores} cores shared by clients and server",
        o.filled, settings.clients
    );
    println!(
        "a stored record is {:.0} bytes of ciphertext (mean over the export); {} signing errors during the fill",
        o.ct_bytes, o.fill_errors
    );
    println!();
    println!(
        "{:>10} {:>8} {:>12} {:>11} {:>11} {:>9} {:>13} {:>9} {:>12}",
        "records",
        "time s",
        "resident MB",
        "peak MB",
        "disk MB",
        "sled MB",
        "disk/record",
        "ratio",
        "signing/s"
    );
    for (i, m) in o.marks.iter().enumerate() {
        let (rate, _) = quarter(&o.marks, i);
        println!(
            "{:>10} {:>8.1} {:>12.1} {:>11.1} {:>11.1} {:>9.1} {:>13.0} {:>9.2} {:>12}",
            m.records,
            m.at.as_secs_f64(),
            mb(m.memory.now),
            mb(m.memory.peak),
            mb(m.disk.total),
            mb(m.disk.total - m.disk.records),
            if m.records > 0 {
                m.disk.total as f64 / m.records as f64
            } else {
                f64::NAN
            },
            if m.records > 0 {
                m.disk.total as f64 / ct(m.records as f64)
            } else {
                f64::NAN
            },
            rate.map_or("-".into(), |r| format!("{r:.0}")),
        );
    }
    let cpu_us = (last.cpu - o.marks[0].cpu).as_secs_f64() * 1e6 / last.records.max(1) as f64;
    let (_, last_cpu_us) = quarter(&o.marks, o.marks.len() - 1);
    println!();
    println!(
        "server CPU per signature: {cpu_us:.0} µs over the fill, {:.0} µs in its last quarter",
        last_cpu_us.unwrap_or(cpu_us)
    );
    let live = n - o.withdrawn as f64;
    println!(
        "withdrew {} (1 in {WITHDRAW_EVERY}): disk {:.1} MB, {:.2} x the {:.0} MB of ciphertext left",
        o.withdrawn,
        mb(o.after_withdrawals.total),
        o.after_withdrawals.total as f64 / ct(live),
        ct(live) / 1e6
    );
    let parts = |d: Disk, records: f64| {
        format!(
            "record files {:.2} x the ciphertext, sled {:.0} bytes per record",
            d.records as f64 / ct(records),
            (d.total - d.records) as f64 / records.max(1.0)
        )
    };
    println!(
        "  at the end of the fill: {}",
        parts(last.disk, last.records as f64)
    );
    println!("  after withdrawing: {}", parts(o.after_withdrawals, live));
    println!(
        "restart with {} records: listening after {:.2} s, resident {:.1} MB",
        o.stored,
        o.restart.as_secs_f64(),
        mb(o.restart_memory.now)
    );
    println!(
        "export: {:.1} s, peak resident {:.1} MB, {:.0} MB ({:.0} bytes per record)",
        o.export.wall.as_secs_f64(),
        mb(o.export.peak),
        mb(o.export_bytes),
        o.export_bytes as f64 / o.stored.max(1) as f64
    );
    let left = o.stored.saturating_sub(o.purged) as f64;
    println!(
        "purge of {} records: {:.1} s; disk after {:.1} MB, {:.2} x the {:.0} MB of ciphertext left",
        o.purged,
        o.purge.wall.as_secs_f64(),
        mb(o.after_purge.total),
        o.after_purge.total as f64 / ct(left),
        ct(left) / 1e6
    );
    println!("  after the purge: {}", parts(o.after_purge, left));
    let decrypt_s = o.decrypt.as_ref().map(|(d, pure)| {
        let per_s = o.stored as f64 / d.wall.as_secs_f64();
        println!(
            "decrypt: {:.1} s ({per_s:.0} records/s), peak resident {:.1} MB; pure parallel age {pure:.0}/s; \
             ratio {:.2}",
            d.wall.as_secs_f64(),
            mb(d.peak),
            per_s / pure
        );
        let summary = d.stderr.lines().last().unwrap_or_default();
        println!("  decrypt said: {summary}");
        (d.wall.as_secs_f64(), per_s / pure)
    });

    // Projection: the measured per-record figures, times 6.1 million.
    let half = &o.marks[2];
    let growth = (last.memory.now as f64 - half.memory.now as f64).max(0.0)
        / (last.records as f64 - half.records as f64).max(1.0);
    let rss_6m = last.memory.peak as f64 + growth * (TARGET - n).max(0.0);
    let disk_per_record = o.after_withdrawals.total as f64 / live;
    let export_per_record = o.export_bytes as f64 / o.stored.max(1) as f64;
    let scale = TARGET / o.stored.max(1) as f64;
    let last_rate = quarter(&o.marks, o.marks.len() - 1).0.unwrap_or(0.0);
    let one_core_rate = 1e6 / last_cpu_us.unwrap_or(cpu_us);
    println!();
    println!("projection for 6.1 million signatures (measured per-record figures x 6.1 million):");
    println!(
        "  memory: {:.0} MB resident (peak at {} records {:.1} MB, growth {:.1} bytes per record since half)",
        rss_6m / 1e6,
        last.records,
        mb(last.memory.peak),
        growth
    );
    println!(
        "  disk: {:.1} GB of data folder, {:.1} GB per export kept beside it",
        disk_per_record * TARGET / 1e9,
        export_per_record * TARGET / 1e9
    );
    println!(
        "  this machine: signing {last_rate:.0}/s at the end of the fill ({:.0} x the record's peak of \
         2,000 a minute); restart ~{:.1} s; export ~{:.0} s; decrypt ~{}",
        last_rate / TARGET_PEAK_PER_S,
        o.restart.as_secs_f64() * scale.max(1.0),
        o.export.wall.as_secs_f64() * scale,
        decrypt_s.map_or("not measured".into(), |(s, _)| format!(
            "{:.0} s",
            s * scale
        )),
    );
    println!(
        "  1 vCPU / 1 GB: signing at most {one_core_rate:.0}/s (server CPU alone, clients elsewhere; \
         {:.0} x the peak); memory {:.0} MB of 1,000; disk {:.1} GB plus exports; export ~{:.0} s \
         (bound by the disk, not the CPU)",
        one_core_rate / TARGET_PEAK_PER_S,
        rss_6m / 1e6,
        disk_per_record * TARGET / 1e9,
        o.export.wall.as_secs_f64() * scale,
    );
    let q = |i: usize| mb(o.marks[i].memory.now);
    println!(
        "scale: records={} rss_mb_0={:.1} rss_mb_25={:.1} rss_mb_50={:.1} rss_mb_75={:.1} rss_mb_100={:.1} \
         peak_rss_mb={:.1} disk_per_record={:.0} disk_ratio={:.2} disk_ratio_withdrawn={:.2} \
         disk_ratio_purged={:.2} restart_s={:.2} export_s={:.1} export_peak_mb={:.1} decrypt_s={:.1} \
         decrypt_ratio={:.2} fill_per_s={:.0} server_cpu_us={:.0} proj_6m1_disk_gb={:.1} proj_6m1_rss_mb={:.0}",
        o.filled,
        q(0),
        q(1),
        q(2),
        q(3),
        q(4),
        mb(last.memory.peak),
        last.disk.total as f64 / last.records.max(1) as f64,
        last.disk.total as f64 / ct(last.records as f64),
        o.after_withdrawals.total as f64 / ct(live),
        o.after_purge.total as f64 / ct(left),
        o.restart.as_secs_f64(),
        o.export.wall.as_secs_f64(),
        mb(o.export.peak),
        decrypt_s.map_or(f64::NAN, |d| d.0),
        decrypt_s.map_or(f64::NAN, |d| d.1),
        n / last.at.as_secs_f64(),
        cpu_us,
        disk_per_record * TARGET / 1e9,
        rss_6m / 1e6,
    );
}

/// The signing rate and server CPU per signature of the quarter ending at mark `i`.
fn quarter(marks: &[Mark], i: usize) -> (Option<f64>, Option<f64>) {
    if i == 0 {
        return (None, None);
    }
    let (a, b) = (marks[i - 1], marks[i]);
    let records = b.records.saturating_sub(a.records) as f64;
    let secs = (b.at - a.at).as_secs_f64();
    if records == 0.0 || secs == 0.0 {
        return (None, None);
    }
    (
        Some(records / secs),
        Some((b.cpu - a.cpu).as_secs_f64() * 1e6 / records),
    )
}
