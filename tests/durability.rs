//! Storage promises: an acknowledged signature is on disk, whatever happens next.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;

/// Signs from `clients` threads until the server stops answering; returns the
/// emails of every signature that got a receipt.
fn sign_until_gone(addr: &str, clients: usize, tag: &str) -> BTreeSet<String> {
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let acked = acked.clone();
            let addr = addr.to_string();
            let tag = tag.to_string();
            std::thread::spawn(move || {
                for i in 0.. {
                    let email = format!("{tag}-{c}-{i}@example.org");
                    let body = form(&pairs(&signer("Durable", &format!("{c}-{i}"), "", &email)));
                    let r = request(
                        &addr,
                        "POST",
                        "/sign",
                        &[
                            ("Content-Type", "application/x-www-form-urlencoded"),
                            ("Accept", "application/json"),
                        ],
                        body.as_bytes(),
                    );
                    match r.receipt() {
                        Some(_) => {
                            acked.lock().unwrap().insert(email);
                        }
                        None if r.status == 0 => return,
                        None => panic!("unexpected answer {}: {}", r.status, r.text()),
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    Arc::try_unwrap(acked).unwrap().into_inner().unwrap()
}

#[test]
fn killed_server_loses_no_acknowledged_signature() {
    let org = Org::new();
    let mut acked = BTreeSet::new();
    let mut rng = rand::rng();
    for round in 0..4 {
        let mut server = Server::start(&org);
        let addr = server.addr.clone();
        let clients = std::thread::spawn(move || sign_until_gone(&addr, 16, &format!("r{round}")));
        std::thread::sleep(Duration::from_millis(rng.random_range(150..900)));
        server.kill(); // SIGKILL: no shutdown path runs
        let got = clients.join().unwrap();
        assert!(!got.is_empty(), "round {round} acknowledged nothing");
        acked.extend(got);
    }
    let stored: BTreeSet<String> = org
        .decrypt(&org.export())
        .iter()
        .map(|r| r["email"].as_str().unwrap().to_string())
        .collect();
    let lost: Vec<_> = acked.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged signatures lost",
        lost.len(),
        acked.len()
    );
}

#[test]
fn every_acknowledged_batch_is_fdatasynced() {
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have strace: .ci/run installs it"
        );
        eprintln!("skipped: this test needs strace (apt-get install strace)");
        return;
    }
    let org = Org::new();
    let trace = org.path("strace.txt");
    let trace_arg = trace.to_str().unwrap().to_string();
    // Limits off: twelve signatures without JavaScript from one address
    // would outrun its share of the no-JavaScript budget.
    let config = org.config("[limits]\nenabled = false\n");
    let mut server = Server::start_with(
        &org,
        &config,
        &[],
        &[
            "strace",
            "-f",
            "-e",
            "trace=fdatasync,fsync",
            "-o",
            &trace_arg,
        ],
    );
    let before = std::fs::read_to_string(&trace)
        .unwrap_or_default()
        .matches("fdatasync(")
        .count();
    // One at a time: each signature is its own batch and must be synced before its receipt.
    let n = 12;
    for i in 0..n {
        let r = server.sign_json(&pairs(&signer(
            "Sync",
            &i.to_string(),
            "",
            &format!("s{i}@example.org"),
        )));
        assert!(r.receipt().is_some());
    }
    server.kill();
    let after = std::fs::read_to_string(&trace)
        .unwrap()
        .matches("fdatasync(")
        .count();
    assert!(
        after - before >= n,
        "only {} fdatasync calls for {n} acknowledged batches",
        after - before
    );
}

#[test]
fn a_full_disk_refuses_with_503_and_loses_nothing_acknowledged() {
    let org = Org::new();
    let mnt = org.path("small-disk");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=1536k",
            "tmpfs",
            mnt.to_str().unwrap(),
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root and must be able to mount a small tmpfs"
        );
        eprintln!("skipped: cannot mount a tmpfs here (not root)");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let mut org = org;
    org.data = mnt.join("data");
    let mut server = Server::start(&org);

    let mut acked = BTreeSet::new();
    let mut refused = None;
    for i in 0..5000 {
        let email = format!("full-{i}@example.org");
        let r = server.sign_json(&pairs(&signer("Full", &i.to_string(), "", &email)));
        if r.receipt().is_some() {
            acked.insert(email);
        } else {
            refused = Some(r);
            break;
        }
    }
    let refused = refused.expect("a 1.5 MiB disk never filled");
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert!(refused.json().get("receipt").is_none());
    // The server keeps running and keeps answering.
    assert_eq!(server.get("/healthz").status, 200);
    let again = server.sign_json(&pairs(&signer("Full", "again", "", "again@example.org")));
    assert!(again.status == 503 || again.receipt().is_some());
    if again.receipt().is_some() {
        acked.insert("again@example.org".into());
    }
    server.kill();

    // Read the full disk's store from a roomy copy.
    let copy = org.path("copy");
    assert!(
        std::process::Command::new("cp")
            .arg("-a")
            .arg(&org.data)
            .arg(&copy)
            .status()
            .unwrap()
            .success()
    );
    org.data = copy;
    let stored: BTreeSet<String> = org
        .decrypt(&org.export())
        .iter()
        .map(|r| r["email"].as_str().unwrap().to_string())
        .collect();
    assert!(
        acked.is_subset(&stored),
        "an acknowledged signature is missing after the disk filled"
    );
}
