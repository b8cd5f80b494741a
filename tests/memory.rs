//! What a memory dump of the running server holds after signers leave: nothing readable.
//!
//! The dump is read from `/proc/PID/mem` over every mapped region (heap, stacks,
//! anonymous maps, sled's cache), the same bytes `gcore` would save.

mod common;
use common::*;

use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

/// Every readable private mapping of a process, as one byte vector per region.
fn dump(pid: u32) -> Vec<Vec<u8>> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    let mut mem = std::fs::File::open(format!("/proc/{pid}/mem"))
        .expect("reading /proc/PID/mem (needs ptrace rights)");
    let mut regions = Vec::new();
    for line in maps.lines() {
        let mut parts = line.split_whitespace();
        let (range, perms) = (parts.next().unwrap(), parts.next().unwrap());
        let path = line.split_whitespace().nth(5).unwrap_or("");
        // Readable, and not the binary's or a library's code pages or the vsyscall page.
        if !perms.starts_with('r') || path.starts_with("[vsyscall]") || path.starts_with("[vvar") {
            continue;
        }
        if perms.contains('x') {
            continue;
        }
        let (start, end) = range.split_once('-').unwrap();
        let start = u64::from_str_radix(start, 16).unwrap();
        let end = u64::from_str_radix(end, 16).unwrap();
        let mut buf = vec![0u8; (end - start) as usize];
        if mem.seek(SeekFrom::Start(start)).is_ok() && mem.read_exact(&mut buf).is_ok() {
            regions.push(buf);
        }
    }
    regions
}

/// Signs 30 times and sends 30 rejected forms through `sign` (JSON or HTML
/// reply), lets the server go idle, then searches all of its memory.
fn nothing_left_after_signing(server: &Server, sign: impl Fn(&[(&str, &str)], bool) -> Response) {
    let mut canaries = Vec::new();
    let mut receipts = Vec::new();
    for i in 0..30 {
        let first = format!("MemFirst{i}Zq");
        let last = format!("记忆{i}姓氏");
        let aff = format!("منظمة{i}ذاكرة");
        let email = format!("mem.canary.{i}@example.org");
        let p = signer(&first, &last, &aff, &email);
        let r = sign(&pairs(&p), i % 2 == 1);
        receipts.push(r.receipt().expect("signed"));
        // A rejected submission, re-rendered with the typed values, then freed.
        let bad_first = format!("MemBad{i}Zq");
        let bad = signer(&bad_first, &last, &aff, "not-an-email");
        assert_eq!(sign(&pairs(&bad), true).status, 422);
        canaries.extend([first, last, aff, email, bad_first]);
    }
    // Let workers go idle and the committer finish.
    std::thread::sleep(Duration::from_secs(2));
    let regions = dump(server.child.id());
    let total: usize = regions.iter().map(Vec::len).sum();
    assert!(total > 1 << 20, "the dump read real memory");
    eprintln!("scanned {} MiB in {} regions", total >> 20, regions.len());

    let mut found = Vec::new();
    for c in canaries.iter().chain(receipts.iter()) {
        let n: usize = regions.iter().map(|r| hits(r, c)).sum();
        if n > 0 {
            found.push(format!("{c:?} x{n}"));
        }
    }
    assert!(
        found.is_empty(),
        "signer data left in memory: {} values, e.g. {:?}",
        found.len(),
        &found[..found.len().min(5)]
    );
}

#[test]
fn idle_server_memory_holds_no_signer_data() {
    let org = Org::new();
    let server = Server::start(&org);
    nothing_left_after_signing(&server, |fields, html| {
        if html {
            server.sign_html(fields)
        } else {
            server.sign_json(fields)
        }
    });
}

/// The same over HTTPS: rustls's buffers hold the decrypted requests.
#[test]
fn idle_https_server_memory_holds_no_signer_data() {
    let org = Org::new();
    let (cert, key, der) = make_cert(org.dir.path(), "site");
    let server = Server::start_with(&org, &tls_config(&org, &cert, &key, ""), &[], &[]);
    nothing_left_after_signing(&server, |fields, _| {
        https(
            &server.addr,
            &[&der],
            "POST",
            "/sign",
            form(fields).as_bytes(),
        )
        .0
    });
}

#[test]
fn core_dumps_are_disabled() {
    let org = Org::new();
    let server = Server::start(&org);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.child.id())).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
}
