//! Decryption at scale: `undersign decrypt` (the release binary) on an export
//! of DECRYPT_RECORDS records (default 1,000,000), against pure parallel
//! `age::decrypt` of the same kind of ciphertexts in the same run.
//!
//!     cargo bench --bench decrypt
//!     DECRYPT_RECORDS=200000 cargo bench --bench decrypt
//!
//! Every record is its own age file (its own file key and ephemeral share),
//! sealed through the library exactly as the server seals it. Two exports are
//! measured, one after the other: distinct emails (a real petition: nearly
//! every record is kept), and every email the same (the worst case for the
//! duplicate check: one record kept, every other one set aside for review).
//! Each is written to DECRYPT_DIR (default: the system temporary folder); a
//! million records take about 4.6 GB there, one export at a time.
//!
//! Prints records per second for both, their ratio (the goal is at least
//! 0.9: reading, checking and writing cost little next to the
//! cryptography), and the projected time for a million records. On a shared
//! machine the wall-clock figures move with the load, so CPU seconds per
//! record are printed too. The last line is machine-readable.

use std::io::BufWriter;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use age::secrecy::ExposeSecret;
use rayon::prelude::*;
use undersign::export::{FORMAT, Header, Writer};
use undersign::receipt::RecordId;
use undersign::record::{Check, Envelope, Required, SignForm, Signature};
use undersign::seal::Recipients;

/// `undersign decrypt` wipes every freed heap block (see src/main.rs), and
/// age frees a 64 KiB chunk buffer per record: the pure baseline runs under
/// the same allocator, as the signing bench's encrypt baseline does, or it
/// would leave out a real per-record cost of age in that process.
#[global_allocator]
static ALLOC: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

/// Ciphertexts decrypted in memory for the pure-age figure.
const SAMPLE: usize = 100_000;

/// One export's figures.
struct Case {
    pure: Rate,
    ours: Rate,
    wall: Duration,
    size: u64,
    summary: String,
}

fn main() {
    let n: usize = std::env::var("DECRYPT_RECORDS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let dir = match std::env::var_os("DECRYPT_DIR") {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("a scratch folder");
    let id = age::x25519::Identity::generate();
    let key = dir.path().join("organizer.key");
    std::fs::write(&key, format!("{}\n", id.to_string().expose_secret())).unwrap();
    let recipients = Recipients::parse(&id.to_public().to_string()).unwrap();
    let cores = rayon::current_num_threads();

    let distinct = case(dir.path(), &key, &id, &recipients, n, false);
    let same = case(dir.path(), &key, &id, &recipients, n, true);

    println!(
        "decrypt bench: {n} records, export {:.0} MB, {cores} cores",
        distinct.size as f64 / 1e6
    );
    for (name, c) in [
        ("distinct emails", &distinct),
        ("every email the same", &same),
    ] {
        println!("  {name}:");
        println!(
            "    pure parallel age::decrypt   {:>9.0} records/s   {:>6.1} µs CPU/record",
            c.pure.per_sec,
            c.pure.cpu_per_record * 1e6,
        );
        println!(
            "    undersign decrypt (release)  {:>9.0} records/s   {:>6.1} µs CPU/record  ({:.1} s wall)",
            c.ours.per_sec,
            c.ours.cpu_per_record * 1e6,
            c.wall.as_secs_f64()
        );
        println!(
            "    ratio (wall)  {:.2}   ratio (CPU)  {:.2}   goal >= 0.90",
            c.ours.per_sec / c.pure.per_sec,
            c.pure.cpu_per_record / c.ours.cpu_per_record
        );
        println!("    undersign said: {}", c.summary);
    }
    println!(
        "  projected for 1,000,000 records: {:.0} s at this run's speed, {:.0} s with {cores} idle cores",
        1e6 / distinct.ours.per_sec,
        1e6 * distinct.ours.cpu_per_record / cores as f64
    );
    println!(
        "decrypt: records={n} ratio_distinct={:.2} ratio_same={:.2} cpu_ratio_distinct={:.2} \
         cpu_ratio_same={:.2} per_s_distinct={:.0} per_s_same={:.0} pure_per_s={:.0}",
        distinct.ours.per_sec / distinct.pure.per_sec,
        same.ours.per_sec / same.pure.per_sec,
        distinct.pure.cpu_per_record / distinct.ours.cpu_per_record,
        same.pure.cpu_per_record / same.ours.cpu_per_record,
        distinct.ours.per_sec,
        same.ours.per_sec,
        (distinct.pure.per_sec + same.pure.per_sec) / 2.0,
    );
}

/// Seals an export of `n` records (every email the same when `same_email`),
/// then measures pure age before and after `undersign decrypt` on it.
fn case(
    dir: &Path,
    key: &Path,
    id: &age::x25519::Identity,
    recipients: &Recipients,
    n: usize,
    same_email: bool,
) -> Case {
    // 1. The export, sealed on all cores 10,000 records at a time.
    let export = dir.join("export.jsonl");
    let started = Instant::now();
    let mut sample = Vec::with_capacity(SAMPLE.min(n));
    {
        let header = Header {
            format: FORMAT.into(),
            v: 1,
            petition: "bench".into(),
            recipients: recipients.fingerprint().into(),
            count: n as u64,
        };
        let file = BufWriter::with_capacity(1 << 20, std::fs::File::create(&export).unwrap());
        let mut w = Writer::new(file, &header).unwrap();
        let mut i = 0;
        while i < n {
            let end = (i + 10_000).min(n);
            let sealed: Vec<Vec<u8>> = (i..end)
                .into_par_iter()
                .map(|j| seal(recipients, j, same_email))
                .collect();
            for (j, ct) in (i..end).zip(sealed) {
                let mut rid = [0u8; 32];
                rid[..8].copy_from_slice(&(j as u64).to_be_bytes());
                w.record(&RecordId(rid), &ct).unwrap();
                if sample.len() < SAMPLE {
                    sample.push(ct);
                }
            }
            i = end;
            eprint!("\rsealing: {i}/{n}");
        }
        w.finish().unwrap();
    }
    let size = std::fs::metadata(&export).unwrap().len();
    eprintln!(
        "\rsealed {n} records in {:.1} s; export {:.0} MB",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );

    // 2. Pure age: parallel age::decrypt of in-memory ciphertexts, before and
    //    after the binary's run, so a change in the machine's load shows.
    let pure_before = pure_age(id, &sample);

    // 3. The real command, end to end: read, verify, decrypt, dedup, write CSV.
    let out = dir.join("signatures.csv");
    let cpu_before = children_cpu();
    let started = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_undersign"))
        .args(["decrypt", "-i"])
        .arg(key)
        .arg(&export)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("running undersign decrypt");
    let wall = started.elapsed();
    let cpu = children_cpu().saturating_sub(cpu_before);
    let said = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "decrypt failed: {said}");
    assert!(
        said.contains(&format!("{n} records: ")),
        "unexpected summary: {said}"
    );
    let pure_after = pure_age(id, &sample);
    for f in std::fs::read_dir(dir).unwrap().flatten() {
        let name = f.file_name();
        if name.to_string_lossy().starts_with("signatures") || f.path() == export {
            let _ = std::fs::remove_file(f.path());
        }
    }
    Case {
        pure: Rate::mean(&pure_before, &pure_after),
        ours: Rate {
            per_sec: n as f64 / wall.as_secs_f64(),
            cpu_per_record: cpu.as_secs_f64() / n as f64,
        },
        wall,
        size,
        summary: said
            .lines()
            .find(|l| l.contains(&format!("{n} records: ")))
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

fn seal(recipients: &Recipients, i: usize, same_email: bool) -> Vec<u8> {
    let mut form = SignForm::default();
    form.first_name.push_str("Bench");
    form.last_name.push_str(&format!("Signer {i}"));
    form.affiliation.push_str("Collectif des travailleuses");
    if same_email {
        form.email.push_str("everyone@example.org");
    } else {
        form.email.push_str(&format!("signer{i}@example.org"));
    }
    form.public = i.is_multiple_of(3);
    form.consent = true;
    let sig = Signature::parse(&form, &Required::default()).unwrap();
    let day = format!("2026-11-{:02}", 1 + i % 28);
    let envelope = Envelope {
        petition: "bench",
        lang: if i.is_multiple_of(2) { "en" } else { "fr" },
        day: &day,
        check: Check::Pow,
        flags: &[],
    };
    recipients
        .seal(&sig.to_padded_json(&envelope).unwrap())
        .unwrap()
        .0
}

struct Rate {
    per_sec: f64,
    cpu_per_record: f64,
}

impl Rate {
    fn mean(a: &Rate, b: &Rate) -> Rate {
        Rate {
            per_sec: (a.per_sec + b.per_sec) / 2.0,
            cpu_per_record: (a.cpu_per_record + b.cpu_per_record) / 2.0,
        }
    }
}

fn pure_age(id: &age::x25519::Identity, sample: &[Vec<u8>]) -> Rate {
    let cpu_before = self_cpu();
    let started = Instant::now();
    let opened: usize = sample
        .par_iter()
        .map(|ct| age::decrypt(id, ct).map(|p| p.len()).unwrap_or(0))
        .sum();
    let wall = started.elapsed();
    let cpu = self_cpu().saturating_sub(cpu_before);
    assert!(opened > 0);
    Rate {
        per_sec: sample.len() as f64 / wall.as_secs_f64(),
        cpu_per_record: cpu.as_secs_f64() / sample.len() as f64,
    }
}

/// User + system CPU time from /proc/self/stat: fields 14-15 (this process)
/// or 16-17 (its waited-for children), in clock ticks of 1/100 s.
fn cpu_from_stat(children: bool) -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // `after` starts at field 3 (state), so field k is at index k - 3.
    let (u, s) = if children { (13, 14) } else { (11, 12) };
    let ticks = fields.get(u).copied().unwrap_or(0) + fields.get(s).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn self_cpu() -> Duration {
    cpu_from_stat(false)
}

fn children_cpu() -> Duration {
    cpu_from_stat(true)
}
