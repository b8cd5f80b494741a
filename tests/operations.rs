//! Running it for real: graceful shutdown under load, the onion header, metrics.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Sends one sign request to an address and returns the answer.
type SignFn = Arc<dyn Fn(&str, &[u8]) -> Response + Send + Sync>;

/// Signs from 8 clients, sends SIGTERM mid-flight, then checks the exit and
/// that every acknowledged signature is in the export.
fn sigterm_loses_nothing(org: &Org, mut server: Server, sign: SignFn) {
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let threads: Vec<_> = (0..8)
        .map(|c| {
            let (addr, acked, sign) = (server.addr.clone(), acked.clone(), sign.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    let email = format!("term-{c}-{i}@example.org");
                    let body = form(&pairs(&signer("Term", &format!("{c}-{i}"), "", &email)));
                    let r = sign(&addr, body.as_bytes());
                    match r.receipt() {
                        Some(_) => {
                            acked.lock().unwrap().insert(email);
                        }
                        None => return,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(600));
    let status = server.stop();
    for t in threads {
        t.join().unwrap();
    }
    assert!(status.success(), "exit status {status:?}");
    assert!(
        server
            .output()
            .contains("every acknowledged signature is on disk")
    );
    let acked = acked.lock().unwrap().clone();
    assert!(!acked.is_empty());
    let stored: BTreeSet<String> = org
        .decrypt(&org.export())
        .iter()
        .map(|r| r["email"].as_str().unwrap().to_string())
        .collect();
    let lost: Vec<_> = acked.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged signatures lost on SIGTERM",
        lost.len()
    );
}

#[test]
fn sigterm_under_load_finishes_in_flight_signatures_and_exits_zero() {
    let org = Org::new();
    let server = Server::start(&org);
    let sign = |addr: &str, body: &[u8]| {
        let json = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ];
        request(addr, "POST", "/sign", &json, body)
    };
    sigterm_loses_nothing(&org, server, Arc::new(sign));
}

#[test]
fn sigterm_over_https_loses_nothing_either() {
    let org = Org::new();
    let (cert, key, der) = make_cert(org.dir.path(), "site");
    let server = Server::start_with(&org, &tls_config(&org, &cert, &key, ""), &[], &[]);
    let sign = move |addr: &str, body: &[u8]| https(addr, &[&der], "POST", "/sign", body).0;
    sigterm_loses_nothing(&org, server, Arc::new(sign));
}
#[test]
fn onion_location_names_the_same_page_on_the_onion_service() {
    let org = Org::new();
    let onion = format!("{}.onion", "a".repeat(56));
    let config = org.config("[limits]\nenabled = false\n");
    let text = std::fs::read_to_string(&config).unwrap().replacen(
        "[server]",
        &format!("[server]\nonion = \"{onion}\""),
        1,
    );
    std::fs::write(&config, text).unwrap();
    let server = Server::start_with(&org, &config, &[], &[]);
    let r = server.get("/about?lang=fr");
    assert_eq!(
        r.header("onion-location").as_deref(),
        Some(format!("http://{onion}/about?lang=fr").as_str())
    );
    // The petition page states the real onion address, in the page's language.
    let page = server.get("/?lang=fr").text();
    assert!(
        page.contains("la seule adresse onion de cette pétition")
            && page.contains(&format!(
                "<code dir=\"ltr\" translate=\"no\">{onion}</code>"
            )),
        "{page}"
    );
    drop(server);
    // Without an onion address there is no header; a malformed one stops the start.
    let plain = Server::start(&org);
    let page = plain.get("/");
    assert!(page.header("onion-location").is_none());
    assert!(!page.text().contains("onion"));
    drop(plain);
    let bad = org.config("");
    let text = std::fs::read_to_string(&bad).unwrap().replacen(
        "[server]",
        "[server]\nonion = \"example.com\"",
        1,
    );
    std::fs::write(&bad, text).unwrap();
    let o = run(&[
        "check",
        "--config",
        bad.to_str().unwrap(),
        "--recipients",
        org.recipients.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("onion"), "{}", stderr(&o));
}

#[test]
fn metrics_count_without_values_on_a_loopback_listener_of_their_own() {
    let org = Org::new();
    let off = Server::start(&org);
    assert_eq!(off.get("/metrics").status, 404);
    assert!(!off.output().contains("metrics on"), "off by default");
    drop(off);

    let config = org.config("[limits]\nenabled = false\n");
    let text = std::fs::read_to_string(&config).unwrap().replacen(
        "[server]",
        "[server]\nmetrics_listen = \"127.0.0.1:0\"",
        1,
    );
    std::fs::write(&config, text).unwrap();
    let server = Server::start_with(&org, &config, &[], &[]);
    let out = server.output_with("metrics on http://");
    let at = out
        .split("metrics on http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a metrics listener")
        .to_string();
    let canary = "MetricsCanaryQx9";
    assert!(
        server
            .sign_json(&pairs(&signer(canary, "B", "", "m@example.org")))
            .receipt()
            .is_some()
    );
    assert_eq!(
        server
            .sign_json(&pairs(&signer(canary, "", "", "bad")))
            .status,
        422
    );
    let m = request(&at, "GET", "/metrics", &[], b"");
    assert_eq!(m.status, 200);
    let text = m.text();
    assert!(text.contains("undersign_signatures_stored 1\n"), "{text}");
    assert!(text.contains("undersign_rejections_total{reason=\"invalid\"} 1\n"));
    assert!(text.contains("undersign_commit_flush_seconds_count"));
    assert!(!text.contains(canary) && !text.contains("m@example.org"));
    // The public listener never answers it: through a local proxy or Tor
    // daemon every visitor would arrive from loopback.
    assert_eq!(server.get("/metrics").status, 404);
    // And the metrics listener serves nothing else.
    assert_eq!(request(&at, "GET", "/", &[], b"").status, 404);

    let bad = org.config("");
    let text = std::fs::read_to_string(&bad).unwrap().replacen(
        "[server]",
        "[server]\nmetrics_listen = \"0.0.0.0:9100\"",
        1,
    );
    std::fs::write(&bad, text).unwrap();
    let o = run(&["check", "--config", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("metrics_listen must be a loopback address"));
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

#[test]
fn remote_export_needs_the_token_and_gives_a_verified_export() {
    let org = Org::new();
    let token = "correct-horse-battery-staple-token";
    let config = org.config("[limits]\nenabled = false\n");
    let text = std::fs::read_to_string(&config).unwrap().replacen(
        "[server]",
        &format!("[server]\nadmin_token_sha256 = \"{}\"", sha256_hex(token)),
        1,
    );
    std::fs::write(&config, text).unwrap();
    let server = Server::start_with(&org, &config, &[], &[]);
    for i in 0..3 {
        assert!(
            server
                .sign_json(&pairs(&signer(
                    "Remote",
                    &i.to_string(),
                    "",
                    &format!("r{i}@example.org")
                )))
                .receipt()
                .is_some()
        );
    }
    assert_eq!(server.get("/admin/export").status, 401);
    let wrong = server.request(
        "GET",
        "/admin/export",
        &[("Authorization", "Bearer not-the-token")],
        b"",
    );
    assert_eq!(wrong.status, 401);
    let r = server.request(
        "GET",
        "/admin/export",
        &[("Authorization", &format!("Bearer {token}"))],
        b"",
    );
    assert_eq!(r.status, 200);
    let (header, n) = undersign::export::verify(&r.body[..]).expect("a complete, verified export");
    assert_eq!((header.petition.as_str(), n), ("rights-not-raids", 3));
    assert!(!server.output().contains(token));
    let file = org.path("remote.jsonl");
    std::fs::write(&file, &r.body).unwrap();
    assert_eq!(org.decrypt(&file).len(), 3);
    // Without a configured token there is no remote export at all.
    drop(server);
    let plain = Server::start(&org);
    let r = plain.request(
        "GET",
        "/admin/export",
        &[("Authorization", &format!("Bearer {token}"))],
        b"",
    );
    assert_eq!(r.status, 404);
}
