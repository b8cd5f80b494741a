//! The public log: a count anyone can verify, end to end over real HTTP with
//! real sled folders. `undersign verify` accepts the honest log and refuses a
//! tampered or rewritten one; an acknowledged signature is in the next
//! checkpoint even after a kill -9; batches come out sorted; a purge changes
//! nothing public; and a client written from the C2SP specifications alone
//! agrees (tests/c2sp/verify.mjs).

mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use undersign::receipt::ReceiptCode;
use undersign::tlog::note::{LogKey, open_checkpoint};
use undersign::tlog::tiles::{self, MemoryTiles};
use undersign::tlog::{Entry, Kind};

fn entry_of(code: &str, kind: Kind) -> Entry {
    Entry::new(kind, &ReceiptCode::parse(code).unwrap().record_id())
}

/// `undersign verify` against `url`, remembering in `state`.
fn verify(url: &str, state: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["verify", "--url", url, "--state", state.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

fn withdraw(server: &Server, code: &str) {
    let r = server.request(
        "POST",
        "/withdraw",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        format!("code={code}").as_bytes(),
    );
    assert_eq!(r.status, 200);
}

fn sign(server: &Server, n: usize, tag: &str) -> Vec<String> {
    (0..n)
        .map(|i| {
            server
                .sign_json(&pairs(&signer(
                    tag,
                    &i.to_string(),
                    "",
                    &format!("{tag}{i}@example.org"),
                )))
                .receipt()
                .expect("a receipt")
        })
        .collect()
}

/// Every entry of the published log, fetched from its bundles.
fn published_entries(addr: &str) -> Vec<Entry> {
    let cp = request(addr, "GET", "/log/checkpoint", &[], b"").text();
    let size: u64 = cp.lines().nth(1).unwrap().parse().unwrap();
    let mut out = Vec::new();
    for id in tiles::tiles_of(size) {
        if id.kind == tiles::Kind::Entries {
            let r = request(addr, "GET", &format!("/log/{}", id.path()), &[], b"");
            assert_eq!(r.status, 200, "{}", id.path());
            out.extend(tiles::decode_bundle(&r.body).unwrap());
        }
    }
    assert_eq!(out.len() as u64, size);
    out
}

/// Everything a verifier fetches from the server, by path.
fn mirror(addr: &str) -> BTreeMap<String, Vec<u8>> {
    let mut site = BTreeMap::new();
    for path in ["/log/key", "/log/checkpoint", "/count"] {
        let r = request(addr, "GET", path, &[], b"");
        assert_eq!(r.status, 200);
        site.insert(path.to_string(), r.body);
    }
    let cp = String::from_utf8(site["/log/checkpoint"].clone()).unwrap();
    let size: u64 = cp.lines().nth(1).unwrap().parse().unwrap();
    for id in tiles::tiles_of(size) {
        let path = format!("/log/{}", id.path());
        let r = request(addr, "GET", &path, &[], b"");
        assert_eq!(r.status, 200, "{path}");
        site.insert(path, r.body);
    }
    site
}

/// A stand-in server: serves `site` (path → body) for a minute at most and
/// records every path asked for.
fn serve_static(site: BTreeMap<String, Vec<u8>>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    listener.set_nonblocking(true).unwrap();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            let Ok((mut s, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            s.set_nonblocking(false).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let text = String::from_utf8_lossy(&head);
            let path = text.split_whitespace().nth(1).unwrap_or("").to_string();
            seen.lock().unwrap().push(path.clone());
            let (status, body) = match site.get(&path) {
                Some(b) => ("200 OK", b.clone()),
                None => ("404 Not Found", b"not found\n".to_vec()),
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
    });
    (format!("http://{addr}"), asked)
}

/// A path → body copy of a log, as a stand-in serves it.
type Site = BTreeMap<String, Vec<u8>>;

/// What to break, how, and what `verify` must then say.
type Tampering = (&'static str, fn(&mut Site), &'static str);

fn flip_last_byte(site: &mut BTreeMap<String, Vec<u8>>, path: &str) {
    let body = site
        .get_mut(path)
        .unwrap_or_else(|| panic!("{path} not mirrored"));
    *body.last_mut().unwrap() ^= 0x01;
}

#[test]
fn the_log_verifies_counts_like_count_and_shows_each_signer_their_entry() {
    let org = Org::new();
    let server = Server::start(&org);
    let codes = sign(&server, 5, "log");
    withdraw(&server, &codes[1]);
    wait_for_batch();

    // The checkpoint verifies under the key the server publishes.
    let vkey = server.get("/log/key").text();
    let cp = open_checkpoint(&server.get("/log/checkpoint").body, vkey.trim()).unwrap();
    assert_eq!(cp.size, 6);
    assert_eq!(
        count_after_batch(&server),
        4,
        "/count = 5 added - 1 withdrawn"
    );

    let url = format!("http://{}", server.addr);
    let state = org.path("verify.json");
    let o = verify(&url, &state, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("first check of the log localhost/rights-not-raids"),
        "{err}"
    );
    assert!(
        err.contains("verified: 4 signatures counted (5 added, 1 withdrawn)"),
        "{err}"
    );
    assert!(err.contains("/count agrees"), "{err}");

    for (i, code) in codes.iter().enumerate() {
        let proof = org.path(&format!("proof-{i}"));
        let o = verify(
            &url,
            &state,
            &["--code", code, "--proof", proof.to_str().unwrap()],
        );
        let err = stderr(&o);
        if i == 1 {
            assert_eq!(o.status.code(), Some(2), "{err}");
            assert!(err.contains("your signature was withdrawn"), "{err}");
        } else {
            assert!(o.status.success(), "{err}");
            assert!(err.contains("your signature is counted"), "{err}");
            let p = std::fs::read_to_string(&proof).unwrap();
            assert!(p.starts_with("c2sp.org/tlog-proof@v1\nindex "), "{p}");
            assert!(p.ends_with(&String::from_utf8(cp.note.clone()).unwrap()));
        }
        assert!(consistent(&err), "{err}");
    }
    // A code that never signed: not in the log.
    let stranger = ReceiptCode::generate();
    let o = verify(&url, &state, &["--code", &stranger.display()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not in the log"));
    // The server never printed a code.
    let out = server.output();
    assert!(codes.iter().all(|c| !out.contains(c.as_str())));
}

fn consistent(err: &str) -> bool {
    err.contains("consistent with your last check")
}

#[test]
fn a_tampered_tile_checkpoint_or_count_is_refused_and_nothing_is_remembered() {
    let org = Org::new();
    let server = Server::start(&org);
    let codes = sign(&server, 3, "tamper");
    wait_for_batch();
    let honest = mirror(&server.addr);
    drop(server);

    let (url, asked) = serve_static(honest.clone());
    let state = org.path("honest.json");
    let o = verify(&url, &state, &[]);
    assert!(o.status.success(), "the mirror is the log: {}", stderr(&o));
    let without_code: BTreeSet<String> = asked.lock().unwrap().drain(..).collect();
    let o = verify(&url, &state, &["--code", &codes[0]]);
    assert!(o.status.success(), "{}", stderr(&o));
    // With a code, the same requests: none chosen by the code, none carrying it.
    let with_code: BTreeSet<String> = asked.lock().unwrap().drain(..).collect();
    assert_eq!(with_code, without_code);
    let id = ReceiptCode::parse(&codes[0]).unwrap().record_id().to_hex();
    let compact = codes[0].replace('-', "");
    assert!(
        with_code
            .iter()
            .all(|p| !p.contains(&id) && !p.contains(&compact) && !p.contains(&codes[0]))
    );

    let cases: [Tampering; 4] = [
        (
            "entry bundle",
            |s| flip_last_byte(s, "/log/tile/entries/000.p/3"),
            "do not hash to the checkpoint's root",
        ),
        (
            "hash tile",
            |s| flip_last_byte(s, "/log/tile/0/000.p/3"),
            "does not match the log's entries",
        ),
        (
            "checkpoint",
            |s| {
                let cp = String::from_utf8(s["/log/checkpoint"].clone()).unwrap();
                let altered = cp.replacen("\n3\n", "\n2\n", 1);
                assert_ne!(cp, altered);
                s.insert("/log/checkpoint".into(), altered.into_bytes());
            },
            "it was altered",
        ),
        (
            "count",
            |s| {
                let c = String::from_utf8(s["/count"].clone()).unwrap();
                s.insert(
                    "/count".into(),
                    c.replace("\"log_count\":3", "\"log_count\":30")
                        .into_bytes(),
                );
            },
            "/count says 30",
        ),
    ];
    for (what, tamper, why) in cases {
        let mut site = honest.clone();
        tamper(&mut site);
        let (url, _) = serve_static(site);
        let state = org.path(&format!("{what}.json"));
        let o = verify(&url, &state, &[]);
        assert_eq!(o.status.code(), Some(1), "a tampered {what} passed");
        assert!(stderr(&o).contains(why), "{what}: {}", stderr(&o));
        assert!(!state.exists(), "{what}: a refused log was remembered");
    }
}

#[test]
fn a_rewritten_history_is_caught_by_the_consistency_check() {
    let org = Org::new();
    let mut server = Server::start(&org);
    let codes = sign(&server, 4, "history");
    wait_for_batch();
    let url = format!("http://{}", server.addr);
    let state = org.path("verify.json");
    assert!(verify(&url, &state, &[]).status.success());
    let honest = published_entries(&server.addr);
    assert!(server.stop().success());

    // The operator (who holds the log key) serves the log with a signature
    // removed: once shorter, once padded back beyond its old size.
    let key =
        LogKey::from_private(&std::fs::read_to_string(org.data.join("log.key")).unwrap()).unwrap();
    let removed = entry_of(&codes[2], Kind::Added);
    let mut fewer: Vec<Entry> = honest.iter().copied().filter(|e| *e != removed).collect();
    assert_eq!(fewer.len(), 3);
    let rewritten = |entries: &[Entry]| {
        let mut t = MemoryTiles::default();
        let root = t.append(0, entries).unwrap();
        let size = entries.len() as u64;
        let mut site = BTreeMap::new();
        site.insert(
            "/log/key".to_string(),
            format!("{}\n", key.vkey()).into_bytes(),
        );
        site.insert("/log/checkpoint".to_string(), key.sign(size, root));
        site.insert(
            "/count".to_string(),
            format!("{{\"count\":{size},\"goal\":5000,\"log_size\":{size}}}").into_bytes(),
        );
        for id in tiles::tiles_of(size) {
            site.insert(format!("/log/{}", id.path()), t.get(&id).unwrap());
        }
        serve_static(site).0
    };
    let o = verify(&rewritten(&fewer), &state, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("shrank from 4 entries"),
        "{}",
        stderr(&o)
    );
    for i in 0..2u8 {
        fewer.push(Entry::new(
            Kind::Added,
            &undersign::receipt::RecordId([i; 32]),
        ));
    }
    let o = verify(&rewritten(&fewer), &state, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("history was rewritten"),
        "{}",
        stderr(&o)
    );

    // A new log key (a log started over under the same name) is refused too.
    let other = Org::new();
    let fresh = Server::start(&other);
    sign(&fresh, 1, "fresh");
    wait_for_batch();
    let o = verify(&format!("http://{}", fresh.addr), &state, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is not the one you checked before"),
        "{}",
        stderr(&o)
    );

    // The honest log still verifies against what was remembered.
    let server = Server::start(&org);
    let o = verify(&format!("http://{}", server.addr), &state, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(consistent(&stderr(&o)));
}

#[test]
fn killed_server_loses_no_acknowledged_signature_from_the_log() {
    use rand::Rng;
    let org = Org::new();
    let mut acked = Vec::new();
    let mut rng = rand::rng();
    for round in 0..3 {
        let mut server = Server::start(&org);
        let addr = server.addr.clone();
        let clients = std::thread::spawn(move || {
            sign_until_gone(&addr, 12, &format!("k{round}"))
                .into_iter()
                .map(|(_, code)| code)
                .collect::<Vec<_>>()
        });
        std::thread::sleep(Duration::from_millis(rng.random_range(300..1500)));
        server.kill(); // SIGKILL, maybe in the middle of a batch
        let got = clients.join().unwrap();
        assert!(!got.is_empty(), "round {round} acknowledged nothing");
        acked.extend(got);
    }
    let server = Server::start(&org);
    wait_for_batch();
    let logged: BTreeSet<Entry> = published_entries(&server.addr).into_iter().collect();
    let lost = acked
        .iter()
        .filter(|c| !logged.contains(&entry_of(c, Kind::Added)))
        .count();
    assert_eq!(
        lost,
        0,
        "{lost} of {} acknowledged signatures are not in the log",
        acked.len()
    );
    // A kill between the commit and the answer leaves a stored, logged but
    // unacknowledged signature: the count may exceed the receipts, never fall short.
    assert!(count_after_batch(&server) >= acked.len() as u64);
    // And every stored record is in the log: the export agrees with it.
    drop(server);
    let export = org.export();
    let server = Server::start(&org);
    let o = verify(
        &format!("http://{}", server.addr),
        &org.path("verify.json"),
        &["--export", export.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the export agrees with the log"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn entries_within_a_batch_come_out_sorted_not_in_arrival_order() {
    let org = Org::new();
    let config = org.config("[limits]\nenabled = false\n\n[log]\nbatch_seconds = 4\n");
    let server = Server::start_with(&org, &config, &[], &[]);
    // Start just after a batch, so all of these land in the next one.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    std::thread::sleep(Duration::from_millis(4000 - now % 4000 + 150));
    let codes = sign(&server, 24, "order");
    assert_eq!(
        server.get("/count").json()["log_size"],
        0,
        "signing took longer than a batch: the test could not hold them in one"
    );
    std::thread::sleep(Duration::from_millis(4800));
    let arrival: Vec<Entry> = codes.iter().map(|c| entry_of(c, Kind::Added)).collect();
    let published = published_entries(&server.addr);
    assert_eq!(published.len(), 24, "one batch");
    let mut sorted = arrival.clone();
    sorted.sort();
    assert_eq!(
        published, sorted,
        "a batch is published sorted by entry bytes"
    );
    assert_ne!(published, arrival, "not in the order signers arrived");
}

#[test]
fn the_log_is_served_on_the_onion_listener_and_cached_by_kind() {
    let org = Org::new();
    let config = org.config("[limits]\nenabled = false\n");
    let text = std::fs::read_to_string(&config).unwrap().replacen(
        "[server]\n",
        "[server]\nonion_listen = \"127.0.0.1:0\"\nmetrics_listen = \"127.0.0.1:0\"\n",
        1,
    );
    std::fs::write(&config, text).unwrap();
    let server = Server::start_with(&org, &config, &[], &[]);
    let out = server.output_with("for the onion service");
    let i = out
        .find("for the onion service")
        .expect("no onion listener");
    let onion = out[..i]
        .rsplit("listening on http://")
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    // 257 signatures: one full tile and bundle, and partial ones after them.
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                for i in (t..257).step_by(8) {
                    let fields = signer("Tile", &i.to_string(), "", "t@example.org");
                    let r = sign_json_at(&addr, &pairs(&fields));
                    assert!(r.receipt().is_some());
                    n += 1;
                }
                n
            })
        })
        .collect();
    let signed: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(signed, 257);
    wait_for_batch();

    let get = |path: &str| request(&onion, "GET", path, &[], b"");
    let cp = get("/log/checkpoint");
    assert_eq!(cp.status, 200);
    assert!(cp.text().starts_with("localhost/rights-not-raids\n257\n"));
    assert_eq!(
        cp.header("content-type").unwrap(),
        "text/plain; charset=utf-8"
    );
    assert_eq!(cp.header("cache-control").unwrap(), "public, max-age=5");
    let key = get("/log/key");
    assert_eq!(key.status, 200);
    assert!(open_checkpoint(&cp.body, key.text().trim()).is_ok());
    for (path, len, cache) in [
        ("/log/tile/0/000", 8192, "immutable"),
        ("/log/tile/entries/000", 256 * 35, "immutable"),
        ("/log/tile/0/001.p/1", 32, "max-age=60"),
        ("/log/tile/entries/001.p/1", 35, "max-age=60"),
        ("/log/tile/1/000.p/1", 32, "max-age=60"),
        ("/log/tile/0/000.p/7", 7 * 32, "max-age=60"),
    ] {
        let r = get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.body.len(), len, "{path}");
        assert!(r.header("cache-control").unwrap().contains(cache), "{path}");
        assert_eq!(
            r.header("content-type").unwrap(),
            "application/octet-stream",
            "{path}"
        );
        assert_eq!(
            r.body,
            server.get(path).body,
            "{path}: both listeners agree"
        );
    }
    // Level-1 hash 0 is the root of the first full level-0 tile.
    let t0 = get("/log/tile/0/000").body;
    let t1 = get("/log/tile/1/000.p/1").body;
    assert_eq!(t1, tlog_tiles::Tile::subtree_hash(&t0).0.to_vec());
    for missing in [
        "/log/tile/0/001",
        "/log/tile/0/001.p/2",
        "/log/tile/2/000.p/1",
        "/log/tile/0/0001",
        "/log/tile/data/000",
        "/log/tile/../key",
    ] {
        let r = get(missing);
        assert_eq!(r.status, 404, "{missing}");
        assert!(r.header("content-security-policy").is_some());
    }
    let url = format!("http://{onion}");
    let o = verify(&url, &org.path("verify.json"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The operator's counters say how far the log is, and nothing about anyone.
    let out = server.output_with("metrics on http://");
    let metrics = out
        .split("metrics on http://")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches("/metrics")
        .to_string();
    let m = request(&metrics, "GET", "/metrics", &[], b"").text();
    assert!(m.contains("\nundersign_log_entries 257\n"), "{m}");
    assert!(m.contains("\nundersign_log_pending 0\n"), "{m}");
    assert_eq!(get("/metrics").status, 404, "not on the onion listener");
}

#[test]
fn a_purge_changes_neither_the_log_nor_the_public_count() {
    let org = Org::new();
    let mut server = Server::start(&org);
    sign(&server, 3, "purged");
    assert_eq!(count_after_batch(&server), 3);
    let before = server.get("/log/checkpoint").text();
    let url = format!("http://{}", server.addr);
    let state = org.path("verify.json");
    assert!(verify(&url, &state, &[]).status.success());
    assert!(server.stop().success());

    let export = org.export();
    let o = run(&[
        "purge",
        "--data",
        org.data.to_str().unwrap(),
        "--export",
        export.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    let server = Server::start(&org);
    assert_eq!(count_after_batch(&server), 3, "a purge is not a withdrawal");
    assert_eq!(server.get("/log/checkpoint").text(), before);
    let o = verify(&format!("http://{}", server.addr), &state, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(consistent(&stderr(&o)));
    // The organizers' purged export still agrees with the log.
    let o = verify(
        &format!("http://{}", server.addr),
        &state,
        &["--export", export.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("the export agrees with the log"));
}

#[test]
fn an_export_that_lost_or_gained_a_record_disagrees_with_the_log() {
    let org = Org::new();
    let mut server = Server::start(&org);
    let codes = sign(&server, 3, "audit");
    withdraw(&server, &codes[0]);
    wait_for_batch();
    assert!(server.stop().success());
    let export = org.export();
    let server = Server::start(&org);
    let url = format!("http://{}", server.addr);
    let state = org.path("verify.json");
    let saved = org.path("log.json");
    let o = verify(
        &url,
        &state,
        &[
            "--export",
            export.to_str().unwrap(),
            "--save-log",
            saved.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("the export agrees with the log: all 2 records"));
    // Offline, decrypt compares the export with the saved copy of the log.
    let decrypt = |export: &Path| {
        run(&[
            "decrypt",
            "-i",
            org.identity.to_str().unwrap(),
            export.to_str().unwrap(),
            "--format",
            "json",
            "-o",
            org.path(&format!("plain-{}.jsonl", rand_suffix()))
                .to_str()
                .unwrap(),
            "--log",
            saved.to_str().unwrap(),
        ])
    };
    let o = decrypt(&export);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the export agrees with the log"),
        "{}",
        stderr(&o)
    );

    // A record dropped from the export (re-sealed with a correct trailer) is missing.
    let text = std::fs::read_to_string(&export).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let write_export = |records: &[&str], name: &str| -> PathBuf {
        let path = org.path(name);
        let n = records.iter().filter(|l| l.starts_with("{\"id\"")).count();
        let header = lines[0].replace("\"count\":2", &format!("\"count\":{n}"));
        let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
        common::write_export(&path, &header, &lines);
        path
    };
    // Export v2: withdrawn ids first, then the records.
    let body = &lines[1..lines.len() - 1];
    let withdrawn: Vec<&str> = body
        .iter()
        .copied()
        .filter(|l| l.starts_with("{\"withdrawn\""))
        .collect();
    let records: Vec<&str> = body
        .iter()
        .copied()
        .filter(|l| l.starts_with("{\"id\""))
        .collect();
    assert_eq!(records.len(), 2);
    let short = write_export(&[&withdrawn[..], &records[..1]].concat(), "short.jsonl");
    let o = verify(&url, &state, &["--export", short.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("does NOT agree")
            && stderr(&o).contains("and 1 signatures the log counts are missing"),
        "{}",
        stderr(&o)
    );
    // A record the log never counted (a fake, added behind the log's back).
    let fake = format!("{{\"id\":\"{}\",\"age\":\"AAAA\"}}", "ab".repeat(32));
    let padded = write_export(
        &[&withdrawn[..], &records[..], &[fake.as_str()]].concat(),
        "padded.jsonl",
    );
    let o = verify(&url, &state, &["--export", padded.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("1 of its records are not in the log"),
        "{}",
        stderr(&o)
    );
}

/// HTML as askama escapes it.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[test]
fn the_receipt_page_explains_how_to_check_the_count_in_every_language() {
    use undersign::i18n::CATALOG;
    let org = Org::new();
    let server = Server::start(&org);
    let vkey = server.get("/log/key").text().trim().to_string();
    let mut seen = BTreeSet::new();
    for lang in CATALOG.languages() {
        let mut p = signer("Page", lang, "", "page@example.org");
        p.push(("lang".into(), lang.into()));
        let r = server.sign_html(&pairs(&p));
        assert_eq!(r.status, 200, "{lang}");
        let page = r.text();
        let code = r.receipt().unwrap();
        let t = CATALOG.tr(lang);
        for id in ["log-check-heading", "log-check-intro", "log-check-code"] {
            let text = t.get(id);
            assert!(page.contains(&escaped(&text)), "{lang} lacks {id}");
            seen.insert(text);
        }
        let command = format!(
            "undersign verify --url http://{} --key {vkey} --code -",
            server.addr
        );
        assert!(page.contains(&command), "{lang}: {page}");
        // The code is shown once, in its box: not in the command, not in a link.
        assert_eq!(page.matches(code.as_str()).count(), 1, "{lang}");
    }
    assert_eq!(
        seen.len(),
        3 * CATALOG.languages().count(),
        "every language has its own words"
    );
    // On the onion address, the command goes through Tor.
    let onion = format!("{}.onion", "b".repeat(56));
    let body = form(&pairs(&signer("Tor", "Page", "", "tor@example.org")));
    let mut s = std::net::TcpStream::connect(&server.addr).unwrap();
    write!(
        s,
        "POST /sign HTTP/1.1\r\nHost: {onion}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let r = parse_response(&raw);
    assert!(
        r.text().contains(&format!(
            "--url http://{onion} --proxy socks5h://127.0.0.1:9050 --key"
        )),
        "{}",
        r.text()
    );
}

#[test]
fn an_independent_c2sp_client_agrees_with_the_log() {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        skip("this test needs node (20 or newer)");
        return;
    }
    let org = Org::new();
    let server = Server::start(&org);
    let codes = sign(&server, 300, "c2sp");
    withdraw(&server, &codes[7]);
    wait_for_batch();
    let script = root().join("tests/c2sp/verify.mjs");
    let check = |code: &str| {
        let o = std::process::Command::new("node")
            .arg(&script)
            .arg(format!("http://{}", server.addr))
            .arg(code)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let r = check(&codes[0]);
    assert_eq!(r["size"], 301);
    assert_eq!(
        (r["added"].as_u64(), r["withdrawn"].as_u64()),
        (Some(300), Some(1))
    );
    assert_eq!(r["count"].as_u64(), Some(count_after_batch(&server)));
    assert_eq!(r["code"], "counted");
    assert_eq!(check(&codes[7])["code"], "withdrawn");
    assert_eq!(check(&ReceiptCode::generate().display())["code"], "absent");
    // Both clients see the same root.
    let cp = server.get("/log/checkpoint").text();
    assert_eq!(cp.lines().nth(2).unwrap(), r["root"].as_str().unwrap());
}

#[test]
fn check_and_serve_print_the_log_key_and_keep_it_private() {
    use std::os::unix::fs::PermissionsExt;
    let org = Org::new();
    let config = org.config("[limits]\nenabled = false\n");
    let server = Server::start_with(&org, &config, &[], &[]);
    let out = server.output();
    let vkey = server.get("/log/key").text().trim().to_string();
    assert!(out.contains(&format!("log key {vkey}")), "{out}");
    assert!(out.contains("made the log key"));
    let key_file = org.data.join("log.key");
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let secret = std::fs::read_to_string(&key_file).unwrap();
    assert!(secret.starts_with("PRIVATE+KEY+localhost/rights-not-raids+"));
    assert!(
        !out.contains(secret.trim()),
        "the private key is never printed"
    );
    drop(server);
    // The config's `data` is the folder beside it: the one the server used.
    let o = run(&[
        "check",
        "--config",
        config.to_str().unwrap(),
        "--recipients",
        org.recipients.to_str().unwrap(),
    ]);
    assert!(
        stdout(&o).contains(&format!("log key: {vkey}")),
        "{}",
        stdout(&o)
    );
    // A restart reads the same key, never makes another.
    let server = Server::start_with(&org, &config, &[], &[]);
    assert_eq!(server.get("/log/key").text().trim(), vkey);
    assert!(!server.output().contains("made the log key"));
}

#[test]
fn a_cosigned_checkpoint_catches_a_server_showing_another_history() {
    let org = Org::new();
    let server = Server::start(&org);
    let codes = sign(&server, 3, "cosign");
    wait_for_batch();
    let url = format!("http://{}", server.addr);

    // An organizer makes a cosigner key and cosigns what they verified.
    let key_file = org.path("cosigner.key");
    let o = run(&[
        "keygen",
        "--cosigner",
        "example.org/alice",
        "-o",
        key_file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let witness = stdout(&o).trim().to_string();
    assert!(witness.starts_with("example.org/alice+"));
    let o = verify(
        &url,
        &org.path("alice.json"),
        &["--cosign", key_file.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let cosigned = org.path("cosigned.txt");
    std::fs::write(&cosigned, &o.stdout).unwrap();
    let text = stdout(&o);
    assert!(
        text.starts_with("localhost/rights-not-raids\n3\n"),
        "{text}"
    );
    assert_eq!(
        text.matches("\n— ").count(),
        2,
        "the log's signature and Alice's"
    );

    // A signer checks the log against Alice's cosigned checkpoint: it agrees,
    // and still does after more signatures.
    sign(&server, 2, "later");
    wait_for_batch();
    let against = [
        "--witness",
        &witness,
        "--cosigned",
        cosigned.to_str().unwrap(),
    ];
    let o = verify(&url, &org.path("bob.json"), &against);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("consistent with the checkpoint cosigned at"));

    // The server shows a newcomer another history, one that is consistent
    // on its own and signed by the real log key, but lacks a signature
    // Alice saw: the newcomer's first check would trust it, but not against
    // Alice's checkpoint.
    let key =
        LogKey::from_private(&std::fs::read_to_string(org.data.join("log.key")).unwrap()).unwrap();
    let dropped = entry_of(&codes[1], Kind::Added);
    let mut other: Vec<Entry> = published_entries(&server.addr)
        .into_iter()
        .filter(|e| *e != dropped)
        .collect();
    other.push(Entry::new(
        Kind::Added,
        &undersign::receipt::RecordId([7; 32]),
    ));
    let mut t = MemoryTiles::default();
    let root = t.append(0, &other).unwrap();
    let size = other.len() as u64;
    let mut site = Site::new();
    site.insert("/log/key".into(), format!("{}\n", key.vkey()).into_bytes());
    site.insert("/log/checkpoint".into(), key.sign(size, root));
    site.insert(
        "/count".into(),
        format!("{{\"count\":{size},\"goal\":5000,\"log_size\":{size}}}").into_bytes(),
    );
    for id in tiles::tiles_of(size) {
        site.insert(format!("/log/{}", id.path()), t.get(&id).unwrap());
    }
    let (split, _) = serve_static(site);
    let o = verify(&split, &org.path("carol.json"), &[]);
    assert!(o.status.success(), "on its own, the other history verifies");
    let o = verify(&split, &org.path("dave.json"), &against);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("shows a different history to different people"),
        "{}",
        stderr(&o)
    );
    // A forged cosignature (Alice's line on another checkpoint) is refused.
    let forged =
        String::from_utf8(key.sign(size, root)).unwrap() + text.lines().last().unwrap() + "\n";
    std::fs::write(&cosigned, forged).unwrap();
    let o = verify(&url, &org.path("erin.json"), &against);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no valid cosignature"),
        "{}",
        stderr(&o)
    );
}

/// `/count` once the entries waiting for a batch are published: then it and
/// the log's checkpoint describe the same signatures.
fn count_after_batch(server: &Server) -> u64 {
    wait_for_batch();
    server.count()
}

/// The interface contract: `/count` counts a signature as soon as it is
/// acknowledged; the log's own count follows at its batch.
#[test]
fn count_moves_at_once_and_the_log_count_at_its_batch() {
    let org = Org::new();
    let config = org.config("[limits]\nenabled = false\n\n[log]\nbatch_seconds = 3600\n");
    let mut server = Server::start_with(&org, &config, &[], &[]);
    let codes = sign(&server, 2, "live");
    let body = server.get("/count").json();
    assert_eq!(
        (
            body["count"].as_u64(),
            body["log_count"].as_u64(),
            body["log_size"].as_u64()
        ),
        (Some(2), Some(0), Some(0)),
        "{body}"
    );
    let r = server.request(
        "POST",
        "/withdraw",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        format!("code={}", codes[0]).as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert_eq!(server.count(), 1);
    // Kept across a restart: the waiting entries are on disk.
    server.stop();
    let server = Server::start_with(&org, &config, &[], &[]);
    assert_eq!(server.count(), 1);
}
