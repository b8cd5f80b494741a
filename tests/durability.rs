//! Storage promises: an acknowledged signature is on disk, whatever happens next.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::time::Duration;

use rand::Rng;

#[test]
fn killed_server_loses_no_acknowledged_signature() {
    let org = Org::new();
    let mut acked = BTreeSet::new();
    let mut rng = rand::rng();
    for round in 0..4 {
        let mut server = Server::start(&org);
        let addr = server.addr.clone();
        let clients = std::thread::spawn(move || {
            sign_until_gone(&addr, 16, &format!("r{round}"))
                .into_iter()
                .map(|(email, _)| email)
                .collect::<Vec<_>>()
        });
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

/// Whether strace is here; CI must have it.
fn have_strace() -> bool {
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_err()
    {
        skip("this test needs strace (apt-get install strace)");
        return false;
    }
    true
}

/// The emails of every record of the data folder, read by a restarted
/// undersign (export, then decrypt).
fn stored_emails(org: &Org) -> BTreeSet<String> {
    org.decrypt(&org.export())
        .iter()
        .map(|r| r["email"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_acknowledged_batch_is_fdatasynced() {
    if !have_strace() {
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
fn a_full_disk_refuses_with_503_stops_the_server_and_loses_nothing_acknowledged() {
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
        skip("cannot mount a tmpfs here (not root)");
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
    // The server stops rather than acknowledge anything after a failed write,
    // with one clear line and a non-zero exit.
    let status =
        exit_within(&mut server, 30).expect("the server kept running after a failed write");
    assert!(!status.success());
    let out = server.output();
    let last = out.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("undersign: error: storage failed: ")
            && last
                .ends_with("stopped so that no later signature is acknowledged over a lost write"),
        "{out}"
    );
    let again = server.sign_json(&pairs(&signer("Full", "again", "", "again@example.org")));
    assert!(again.receipt().is_none());

    // Restarted on a disk with room, every acknowledged signature is there.
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
    let mut restarted = Server::start(&org);
    assert_eq!(restarted.get("/healthz").text(), "ok\n");
    assert!(restarted.stop().success());
    let stored = stored_emails(&org);
    assert!(
        acked.is_subset(&stored),
        "an acknowledged signature is missing after the disk filled"
    );
}

#[test]
fn a_failed_fdatasync_stops_the_server_and_nothing_later_is_acknowledged() {
    if !have_strace() {
        return;
    }
    let org = Org::new();
    // The commit thread's fifth fdatasync fails, once: Linux may then have
    // dropped the batch's pages, and the next sync would "succeed" over the
    // hole. strace counts per thread: the main thread makes four at start
    // (store, petition, log key, first checkpoint) and the log's batches,
    // an hour apart here, make none during the test.
    let mut server = Server::start_with(
        &org,
        &org.config("[limits]\nenabled = false\n\n[log]\nbatch_seconds = 3600\n"),
        &[],
        &[
            "strace",
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=fdatasync",
            "-e",
            "inject=fdatasync:error=EIO:when=5",
        ],
    );
    let mut acked = BTreeSet::new();
    let mut answers = Vec::new();
    for i in 0..6 {
        let email = format!("eio-{i}@example.org");
        let r = server.sign_json(&pairs(&signer("Eio", &i.to_string(), "", &email)));
        if r.receipt().is_some() {
            acked.insert(email);
        }
        answers.push(r.status);
    }
    let refused = answers
        .iter()
        .position(|&s| s != 200)
        .expect("the injected error refused nothing");
    assert_eq!(answers[refused], 503, "{answers:?}");
    assert!(
        answers[refused + 1..].iter().all(|&s| s != 200),
        "a signature was acknowledged after a failed fdatasync: {answers:?}"
    );
    let status =
        exit_within(&mut server, 30).expect("the server kept running after a failed fdatasync");
    assert!(!status.success());
    let out = server.output();
    assert_eq!(
        out.matches("storage failed").count(),
        1,
        "one clear line: {out}"
    );
    assert!(out.contains("storage failed: Input/output error"), "{out}");

    let stored = stored_emails(&org);
    assert!(
        acked.is_subset(&stored),
        "an acknowledged signature is missing"
    );
}

#[test]
fn a_slow_disk_under_a_short_request_timeout_still_answers_every_stored_signature() {
    if !have_strace() {
        return;
    }
    let org = Org::new();
    // Each fdatasync takes 1.5 s; requests time out after 1 s.
    let config = org.config("[limits]\nenabled = false\nrequest_timeout_seconds = 1\n");
    let server = Server::start_with(
        &org,
        &config,
        &[],
        &[
            "strace",
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=fdatasync",
            "-e",
            "inject=fdatasync:delay_enter=1500000",
        ],
    );
    let answers: Vec<(String, Response)> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..6)
            .map(|i| {
                let server = &server;
                scope.spawn(move || {
                    let email = format!("slow-{i}@example.org");
                    let r = server.sign_json(&pairs(&signer("Slow", &i.to_string(), "", &email)));
                    (email, r)
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    // And a withdrawal: it answers too, and takes effect.
    let (withdrawn_email, code) = answers
        .iter()
        .find_map(|(e, r)| Some((e.clone(), r.receipt()?)))
        .expect("no signature got its receipt on a slow disk");
    let w = server.request(
        "POST",
        "/withdraw",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        format!("code={code}").as_bytes(),
    );
    assert_eq!(w.status, 200, "{}", w.text());
    drop(server);

    let stored = stored_emails(&org);
    let mut receipts = 0;
    for (email, r) in &answers {
        match r.receipt() {
            Some(_) => {
                receipts += 1;
                assert!(
                    stored.contains(email) || *email == withdrawn_email,
                    "a receipt for a signature that is not stored"
                );
            }
            None => {
                assert!(
                    matches!(r.status, 408 | 503),
                    "neither a receipt nor a refusal: {}",
                    r.status
                );
                assert!(!stored.contains(email), "refused, yet stored");
            }
        }
    }
    assert!(
        !stored.contains(&withdrawn_email),
        "the withdrawal answered but did not happen"
    );
    assert_eq!(
        receipts,
        stored.len() + 1,
        "receipts and stored records differ"
    );
}
