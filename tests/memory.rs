//! What a memory dump of the running server holds after signers leave: nothing readable.
//!
//! The dump is read from `/proc/PID/mem` over every mapped region (heap, stacks,
//! anonymous maps, sled's cache), the same bytes `gcore` would save.

mod common;
use common::*;

use std::io::{Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// One field of `/proc/self/status` (`Uid`, `CapEff`…), as written there.
fn status(field: &str) -> String {
    let text = std::fs::read_to_string("/proc/self/status").unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Whether this process holds a capability (numbers from `capability.h`).
fn has_capability(bit: u32) -> bool {
    u64::from_str_radix(&status("CapEff"), 16).is_ok_and(|caps| caps & (1 << bit) != 0)
}

const CAP_SETGID: u32 = 6;
const CAP_SETUID: u32 = 7;
const CAP_SYS_PTRACE: u32 = 19;

/// The server is not dumpable, so only a reader with CAP_SYS_PTRACE (root)
/// may open its memory; anyone else skips the memory scans, saying why.
fn can_read_the_servers_memory() -> bool {
    let can = has_capability(CAP_SYS_PTRACE);
    if !can {
        skip(
            "reading a non-dumpable server's memory needs root (CAP_SYS_PTRACE); run the tests as root",
        );
    }
    can
}

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
    if !can_read_the_servers_memory() {
        return;
    }
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

/// Signers whose browsers seal: the names never reach the server's process
/// at all, so not even a memory image taken while they sign could hold them.
/// (The canaries are sealed here, in the test, as the signers' browsers do.)
#[test]
fn browser_sealed_signers_leave_nothing_in_the_servers_memory() {
    if !can_read_the_servers_memory() {
        return;
    }
    let org = Org::new();
    let server = Server::start(&org);
    let mut canaries = Vec::new();
    for i in 0..30 {
        let first = format!("SealFirst{i}Zq");
        let last = format!("封印{i}姓氏");
        let email = format!("seal.canary.{i}@example.org");
        let p = signer(&first, &last, "", &email);
        let (sealed, _) = seal_as_a_browser(&[&org.recipient], "rights-not-raids", &p, true);
        let r = server.sign_json(&pairs(&sealed_form(&sealed)));
        assert!(r.receipt().is_some(), "{}", r.text());
        canaries.extend([first, last, email]);
    }
    // Measured while the server still runs, idle or not: nothing to find.
    let regions = dump(server.child.id());
    let found: Vec<&String> = canaries
        .iter()
        .filter(|c| regions.iter().any(|r| hits(r, c) > 0))
        .collect();
    assert!(found.is_empty(), "{} canaries in memory", found.len());
}

/// The same over HTTPS: rustls's buffers hold the decrypted requests.
#[test]
fn idle_https_server_memory_holds_no_signer_data() {
    if !can_read_the_servers_memory() {
        return;
    }
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

/// An unprivileged user (not root, no capabilities).
const NOBODY: u32 = 65534;

/// Run by `sh` as [`NOBODY`]: starts the command in its arguments as its own
/// child (so even Yama's `ptrace_scope = 1`, which lets a process look only
/// at its descendants, would allow the look), waits for `$READY` in its
/// output, tries to open the child's `/proc/PID/mem`, and prints the outcome.
const PEEK: &str = r#"
"$@" >"$OUT" 2>&1 &
pid=$!
n=0
until grep -q "$READY" "$OUT" 2>/dev/null; do
  n=$((n + 1))
  if [ "$n" -gt 300 ]; then echo "never ready"; kill "$pid"; exit 1; fi
  sleep 0.1
done
if { true <"/proc/$pid/mem"; } 2>"$OUT.err"; then echo "readable"; else echo "refused: $(cat "$OUT.err")"; fi
kill "$pid"
wait "$pid"
exit 0
"#;

/// What a process of [`NOBODY`] gets when it opens the memory of `target`,
/// a child it started and that printed `ready`.
fn peek_as_nobody(dir: &Path, ready: &str, target: &[&str]) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(PEEK)
        .arg("peek")
        .args(target)
        .env("OUT", dir.join(format!("peek-{}.log", rand_suffix())))
        .env("READY", ready)
        .current_dir(dir)
        .uid(NOBODY)
        .gid(NOBODY)
        .output()
        .expect("running sh as nobody");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Hands a folder and everything in it to [`NOBODY`].
fn give_to_nobody(path: &Path) {
    std::os::unix::fs::chown(path, Some(NOBODY), Some(NOBODY)).unwrap();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            give_to_nobody(&entry.unwrap().path());
        }
    }
}

#[test]
fn another_process_of_the_same_user_cannot_read_the_servers_memory() {
    if status("Uid").split_whitespace().nth(1) != Some("0")
        || !has_capability(CAP_SETUID)
        || !has_capability(CAP_SETGID)
    {
        skip(
            "this test runs the server as another, unprivileged user, which needs root; run the tests as root",
        );
        return;
    }
    let org = Org::new();
    let config = org.config("[limits]\nenabled = false\n");
    // A copy of the binary inside the folder nobody is given: the checkout
    // may sit below a folder only its owner can enter (`mktemp -d` makes one).
    let bin = org.dir.path().join("undersign");
    std::fs::copy(BIN, &bin).unwrap();
    give_to_nobody(org.dir.path());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&bin).unwrap().permissions().mode();
    assert!(
        mode & 0o005 == 0o005,
        "the server binary must be readable and runnable by others, or the kernel makes any process of it undumpable and this test proves nothing"
    );

    // The control: the same user may read a dumpable process of its own, so
    // the check below can fail.
    let control = peek_as_nobody(
        org.dir.path(),
        "ready",
        &["sh", "-c", "echo ready; exec sleep 30"],
    );
    assert_eq!(control, "readable", "the control process");

    let server = peek_as_nobody(
        org.dir.path(),
        "listening on",
        &[
            bin.to_str().unwrap(),
            "serve",
            "--config",
            config.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--data",
            org.data.to_str().unwrap(),
            "--recipients",
            org.recipients.to_str().unwrap(),
        ],
    );
    assert!(
        server.starts_with("refused") && server.contains("Permission denied"),
        "the server's memory: {server}"
    );
}
