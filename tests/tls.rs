//! HTTPS in the process, over real TLS: signing, HSTS, the redirect
//! listener, ACME challenges, and certificate renewals without a restart.

mod common;

use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use tokio_rustls::rustls::ClientConnection;
use tokio_rustls::rustls::pki_types::ServerName;

/// The certificate the server presents now (handshake only), if any is trusted.
fn presented(addr: &str, trusted: &[&[u8]]) -> Option<Vec<u8>> {
    let name = ServerName::try_from("localhost").unwrap();
    let mut conn = ClientConnection::new(client(trusted), name).unwrap();
    let mut sock = TcpStream::connect(addr).ok()?;
    while conn.is_handshaking() {
        conn.complete_io(&mut sock).ok()?;
    }
    Some(conn.peer_certificates()?[0].to_vec())
}

/// The redirect listener's address, from the server's start-up line.
fn redirect_addr(server: &Server) -> String {
    let out = server.output_with("redirecting http://");
    let i = out
        .find("redirecting http://")
        .expect("no redirect listener");
    out[i + "redirecting http://".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// Atomically replaces `to` with `from` (as certbot's symlink swap does).
fn replace(from: &Path, to: &Path) {
    let tmp = to.with_extension("new");
    std::fs::copy(from, &tmp).unwrap();
    std::fs::rename(&tmp, to).unwrap();
}

#[test]
fn https_signs_sends_hsts_and_plain_http_only_redirects() {
    let org = Org::new();
    let (cert, key, der) = make_cert(org.dir.path(), "site");
    let webroot = org.path("acme");
    std::fs::create_dir_all(webroot.join(".well-known/acme-challenge")).unwrap();
    std::fs::write(
        webroot.join(".well-known/acme-challenge/tok-EN_123"),
        "tok-EN_123.keyauth",
    )
    .unwrap();
    let extra = format!(
        "redirect_http = \"127.0.0.1:0\"\nacme_webroot = \"{}\"\n",
        webroot.display()
    );
    let mut server = Server::start_with(&org, &tls_config(&org, &cert, &key, &extra), &[], &[]);
    assert!(server.output().contains("listening on https://"));

    let (page, _) = https(&server.addr, &[&der], "GET", "/", b"");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    assert!(page.header("content-security-policy").is_some());

    let body = form(&pairs(&signer("Ada", "Lovelace", "", "ada@example.org")));
    let (signed, _) = https(&server.addr, &[&der], "POST", "/sign", body.as_bytes());
    assert_eq!(signed.status, 200, "{}", signed.text());
    assert!(signed.json()["receipt"].is_string());

    // Plain HTTP on the HTTPS port gets no page.
    assert_ne!(server.get("/").status, 200);

    let plain = redirect_addr(&server);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    // Same host (from the request's Host header), the HTTPS port, same path.
    let r = request(&plain, "GET", "/about?lang=fr", &[], b"");
    assert_eq!(r.status, 308);
    assert_eq!(
        r.header("location"),
        Some(format!("https://127.0.0.1:{port}/about?lang=fr"))
    );
    let posted = request(&plain, "POST", "/sign", &[], body.as_bytes());
    assert_eq!(posted.status, 308, "a form sent in clear is not taken");
    let challenge = request(
        &plain,
        "GET",
        "/.well-known/acme-challenge/tok-EN_123",
        &[],
        b"",
    );
    assert_eq!(challenge.status, 200);
    assert_eq!(challenge.text(), "tok-EN_123.keyauth");
    let missing = request(&plain, "GET", "/.well-known/acme-challenge/nope", &[], b"");
    assert_eq!(missing.status, 404);
    let escape = request(
        &plain,
        "GET",
        "/.well-known/acme-challenge/..%2F..%2Fpetition.toml",
        &[],
        b"",
    );
    assert_eq!(escape.status, 404);

    assert!(server.stop().success());
    let records = org.decrypt(&org.export());
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["first_name"], "Ada");
}

#[test]
fn renewed_certificates_are_served_without_a_restart() {
    let org = Org::new();
    let dir = org.dir.path();
    let (cert, key, first) = make_cert(dir, "live");
    let (next_cert, next_key, second) = make_cert(dir, "renewed");
    let (third_cert, third_key, third) = make_cert(dir, "third");
    let trusted: [&[u8]; 3] = [&first, &second, &third];
    let server = Server::start_with(&org, &tls_config(&org, &cert, &key, ""), &[], &[]);
    assert_eq!(presented(&server.addr, &trusted), Some(first.clone()));

    // A renewal by file change: picked up by the watcher within seconds.
    replace(&next_key, &key);
    replace(&next_cert, &cert);
    let deadline = Instant::now() + Duration::from_secs(30);
    while presented(&server.addr, &trusted).as_ref() != Some(&second) {
        assert!(Instant::now() < deadline, "renewal not picked up");
        std::thread::sleep(Duration::from_millis(200));
    }

    // A broken renewal (key of another certificate) is refused; the running one stays.
    replace(&third_key, &key);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server.output().contains("reload refused") {
        assert!(Instant::now() < deadline, "broken renewal not noticed");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        server
            .output()
            .contains("does not belong to the certificate")
    );
    assert_eq!(presented(&server.addr, &trusted), Some(second.clone()));

    // SIGHUP reloads at once (renewal hooks that signal).
    replace(&third_cert, &cert);
    server.hup();
    let deadline = Instant::now() + Duration::from_secs(10);
    while presented(&server.addr, &trusted).as_ref() != Some(&third) {
        assert!(Instant::now() < deadline, "SIGHUP did not reload");
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = server.output();
    assert!(!out.contains("PRIVATE KEY"), "no key material in the log");
}

#[test]
fn a_key_that_does_not_match_is_refused_before_start() {
    let org = Org::new();
    let (cert, _, _) = make_cert(org.dir.path(), "a");
    let (_, other_key, _) = make_cert(org.dir.path(), "b");
    let config = tls_config(&org, &cert, &other_key, "");
    let checked = run(&[
        "check",
        "--config",
        config.to_str().unwrap(),
        "--recipients",
        org.recipients.to_str().unwrap(),
    ]);
    assert_eq!(checked.status.code(), Some(1));
    let err = stderr(&checked);
    assert!(err.contains("does not belong to the certificate"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one clear line: {err}");

    std::fs::write(&other_key, "not a key\n").unwrap();
    let served = run(&[
        "serve",
        "--config",
        config.to_str().unwrap(),
        "--recipients",
        org.recipients.to_str().unwrap(),
        "--data",
        org.data.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(served.status.code(), Some(1));
    let err = stderr(&served);
    assert!(err.contains("no private key in this file"), "{err}");
    assert!(
        !err.contains("not a key"),
        "the file is never quoted: {err}"
    );
}

#[test]
fn plain_http_sends_no_hsts() {
    let org = Org::new();
    let server = Server::start(&org);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.header("strict-transport-security").is_none());
}

#[test]
fn an_onion_listener_serves_plain_http_beside_https() {
    let org = Org::new();
    let (cert, key, der) = make_cert(org.dir.path(), "site");
    let config = tls_config(&org, &cert, &key, "");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen(
        "[server]\n",
        "[server]\nonion_listen = \"127.0.0.1:0\"\n",
        1,
    );
    std::fs::write(&config, text).unwrap();
    let mut server = Server::start_with(&org, &config, &[], &[]);
    let out = server.output();
    let i = out
        .find("for the onion service")
        .expect("no onion listener");
    let line = out[..i].rsplit("listening on http://").next().unwrap();
    let onion = line.split_whitespace().next().unwrap().to_string();

    let body = form(&pairs(&signer("Tor", "User", "", "tor@example.org")));
    let signed = request(
        &onion,
        "POST",
        "/sign",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        body.as_bytes(),
    );
    assert_eq!(signed.status, 200, "{}", signed.text());
    let (page, _) = https(&server.addr, &[&der], "GET", "/", b"");
    assert_eq!(page.status, 200);
    assert!(server.stop().success());
    assert_eq!(org.decrypt(&org.export()).len(), 1);

    let bad = org.config("[limits]\nenabled = false\n");
    let text = std::fs::read_to_string(&bad).unwrap();
    let text = text.replacen(
        "[server]\n",
        "[server]\nonion_listen = \"0.0.0.0:8081\"\n",
        1,
    );
    std::fs::write(&bad, text).unwrap();
    let checked = run(&["check", "--config", bad.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(stderr(&checked).contains("onion_listen must be a loopback address"));
}

/// A TLS client that asks for thousands of pages at once and never reads the
/// answers: the server's writes (and TLS flushes) stall until a limit acts.
fn stalled_client(addr: &str, der: &[u8]) -> TcpStream {
    let name = ServerName::try_from("localhost").unwrap();
    let mut conn = ClientConnection::new(client(&[der]), name).unwrap();
    conn.set_buffer_limit(None);
    let mut sock = TcpStream::connect(addr).unwrap();
    while conn.is_handshaking() {
        conn.complete_io(&mut sock).unwrap();
    }
    let request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(3000);
    std::io::Write::write_all(&mut conn.writer(), request.as_bytes()).unwrap();
    // Send what the server will read; stop when it stops reading.
    sock.set_write_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    while conn.wants_write() && conn.write_tls(&mut sock).is_ok() {}
    sock
}

#[test]
fn clients_that_stop_reading_cannot_hold_the_https_server() {
    let org = Org::new();
    let (cert, key, der) = make_cert(org.dir.path(), "site");
    let config = org.config(&format!(
        "[limits]\nenabled = false\nmax_connections = 2\nrequest_timeout_seconds = 1\n\n\
         [server.tls]\ncert = \"{}\"\nkey = \"{}\"\n",
        cert.display(),
        key.display()
    ));
    let mut server = Server::start_with(&org, &config, &[], &[]);
    // Both connection slots taken by clients that never read.
    let _held = [
        stalled_client(&server.addr, &der),
        stalled_client(&server.addr, &der),
    ];
    let asked = Instant::now();
    let (page, _) = https(&server.addr, &[&der], "GET", "/healthz", b"");
    assert_eq!(
        page.status, 200,
        "the stalled connections were never closed"
    );
    assert!(
        asked.elapsed() < Duration::from_secs(15),
        "{:?}",
        asked.elapsed()
    );

    // And they cannot keep the server from stopping.
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "SIGTERM did not end the server");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn silent_handshakes_neither_block_others_nor_hold_a_slot_for_long() {
    let org = Org::new();
    let (cert, key, der) = make_cert(org.dir.path(), "site");
    let config = org.config(&format!(
        "[limits]\nenabled = false\nmax_connections = 2\n\n\
         [server.tls]\ncert = \"{}\"\nkey = \"{}\"\n",
        cert.display(),
        key.display()
    ));
    let server = Server::start_with(&org, &config, &[], &[]);
    // A client that connects and never says hello does not hold up the next one.
    let _silent = TcpStream::connect(&server.addr).unwrap();
    let asked = Instant::now();
    assert_eq!(
        https(&server.addr, &[&der], "GET", "/healthz", b"")
            .0
            .status,
        200
    );
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );
    // Two silent clients take both slots; the 10 s handshake limit frees them.
    let _second = TcpStream::connect(&server.addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let asked = Instant::now();
    assert_eq!(
        https(&server.addr, &[&der], "GET", "/healthz", b"")
            .0
            .status,
        200
    );
    let waited = asked.elapsed();
    assert!(waited < Duration::from_secs(20), "{waited:?}");
}

/// rustls would keep each session's secrets in memory for resumption (a
/// cache, and TLS 1.3 tickets); undersign keeps none, so a client offering
/// to resume always gets a full handshake.
#[test]
fn tls_sessions_are_never_resumed() {
    use std::io::{Read, Write};
    use std::sync::Arc;
    use tokio_rustls::rustls::pki_types::CertificateDer;
    use tokio_rustls::rustls::{self, ClientConfig, HandshakeKind, RootCertStore};

    let org = Org::new();
    let (cert, key, der) = make_cert(org.dir.path(), "site");
    let server = Server::start_with(&org, &tls_config(&org, &cert, &key, ""), &[], &[]);
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    for version in [&rustls::version::TLS13, &rustls::version::TLS12] {
        let mut roots = RootCertStore::empty();
        roots.add(CertificateDer::from(der.clone())).unwrap();
        // rustls clients keep the sessions they are given and offer them again.
        let config = Arc::new(
            ClientConfig::builder_with_provider(provider.clone())
                .with_protocol_versions(&[version])
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth(),
        );
        for round in 0..3 {
            let name = ServerName::try_from("localhost").unwrap();
            let mut conn = ClientConnection::new(config.clone(), name).unwrap();
            let mut sock = TcpStream::connect(&server.addr).unwrap();
            sock.set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut tls = rustls::Stream::new(&mut conn, &mut sock);
            tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut raw = Vec::new();
            // Reads the tickets too, if the server sent any.
            let _ = tls.read_to_end(&mut raw);
            assert_eq!(parse_response(&raw).status, 200);
            assert_eq!(
                conn.handshake_kind(),
                Some(HandshakeKind::Full),
                "{:?}, connection {round}",
                version.version
            );
        }
    }
}
