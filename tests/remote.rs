//! Remote export and merging, end to end: `undersign token`, `GET
//! /admin/export` over real HTTPS, `undersign pull`, `undersign merge`.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;

use common::*;

fn sign_some(server: &Server, names: &[&str]) {
    for name in names {
        let email = format!("{}@example.org", name.to_lowercase());
        let r = server.sign_json(&pairs(&signer(name, "Remote", "", &email)));
        assert_eq!(r.status, 200, "{}", r.text());
    }
}

/// `undersign token`: the token file and the config line with its hash.
fn make_token(org: &Org) -> (std::path::PathBuf, String) {
    let file = org.path("admin.token");
    let out = run(&["token", "-o", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out).trim().to_string();
    assert!(line.starts_with("admin_token_sha256 = \""), "{line}");
    (file, line)
}

fn pull(url: &str, token: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "pull",
        "--url",
        url,
        "--token-file",
        token.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn partial_left(dir: &Path) -> bool {
    files_under(dir)
        .iter()
        .any(|p| p.to_string_lossy().ends_with(".partial"))
}

#[test]
fn token_and_pull_over_https_give_a_checked_export() {
    let org = Org::new();
    let (token, line) = make_token(&org);
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&token).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    assert!(
        !run(&["token", "-o", token.to_str().unwrap()])
            .status
            .success(),
        "never overwritten"
    );

    let (cert, key, _) = make_cert(org.dir.path(), "site");
    let config = org.config(&format!(
        "[limits]\nenabled = false\n\n[server.tls]\ncert = \"{}\"\nkey = \"{}\"\n",
        cert.display(),
        key.display()
    ));
    // admin_token_sha256 belongs to [server]: insert it at the top of that table.
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen("[server]\n", &format!("[server]\n{line}\n"), 1);
    assert!(text.contains(&line), "the example has a [server] table");
    std::fs::write(&config, text).unwrap();
    // Signatures arrive (over plain HTTP here: tests/tls.rs signs over HTTPS)…
    let mut plain = Server::start(&org);
    sign_some(&plain, &["Ana", "Bo", "Cy"]);
    assert!(plain.stop().success());
    // …and the HTTPS server hands them out to the token.
    let mut server = Server::start_with(&org, &config, &[], &[]);

    let url = format!(
        "https://localhost:{}",
        server.addr.rsplit(':').next().unwrap()
    );
    let ca = ["--ca-cert", cert.to_str().unwrap()];
    let out = org.path("pulled.export");
    let pulled = pull(&url, &token, &out, &ca);
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    assert!(
        stderr(&pulled).contains("pulled 3 records of petition"),
        "{}",
        stderr(&pulled)
    );
    let names: Vec<String> = org
        .decrypt(&out)
        .iter()
        .map(|r| r["first_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 3);
    for n in ["Ana", "Bo", "Cy"] {
        assert!(names.iter().any(|x| x == n));
    }

    // Never overwritten without --force; with it, replaced.
    let again = pull(&url, &token, &out, &ca);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    let forced = pull(&url, &token, &out, &[ca[0], ca[1], "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));

    // A wrong token: a clear refusal, no file.
    let wrong = org.path("wrong.token");
    std::fs::write(&wrong, "not-the-token\n").unwrap();
    let refused = pull(&url, &wrong, &org.path("nope.export"), &ca);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("401"), "{}", stderr(&refused));
    assert!(!org.path("nope.export").exists() && !partial_left(org.dir.path()));

    // Without the certificate the server is not trusted: no download.
    let untrusted = pull(&url, &token, &org.path("untrusted.export"), &[]);
    assert_eq!(untrusted.status.code(), Some(1));
    assert!(!org.path("untrusted.export").exists());

    let log = server.output();
    let secret = std::fs::read_to_string(&token).unwrap();
    assert_eq!(
        hits(log.as_bytes(), secret.trim()),
        0,
        "the token is never logged"
    );
    assert!(server.stop().success());
}

#[test]
fn pull_refuses_plain_http_to_other_hosts_and_keeps_no_broken_download() {
    let org = Org::new();
    let token = org.path("admin.token");
    std::fs::write(&token, "some-token\n").unwrap();
    let out = org.path("export.export");

    let clear = pull("http://petition.example.org", &token, &out, &[]);
    assert_eq!(clear.status.code(), Some(1));
    assert!(stderr(&clear).contains("refusing to send the token over plain http://"));

    // A server that stops before the trailer: the download is not kept.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let fake = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
        let body = "{\"format\":\"undersign-export\",\"v\":1,\"petition\":\"p\",\"recipients\":\"ab\",\"count\":1}\n";
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body.as_bytes()).unwrap();
    });
    let cut = pull(&format!("http://{addr}"), &token, &out, &[]);
    fake.join().unwrap();
    assert_eq!(cut.status.code(), Some(1));
    assert!(stderr(&cut).contains("truncated"), "{}", stderr(&cut));
    assert!(!out.exists() && !partial_left(org.dir.path()));
}

#[test]
fn merge_keeps_each_record_once_across_instances() {
    let org = Org::new();
    // Instance A, exported twice (an overlapping export), then instance B.
    let mut a = Server::start(&org);
    sign_some(&a, &["A1", "A2"]);
    assert!(a.stop().success());
    let first = org.export();
    let mut a = Server::start(&org);
    sign_some(&a, &["A3"]);
    assert!(a.stop().success());
    let second = org.export();
    std::fs::rename(&org.data, org.path("data-a")).unwrap();
    let mut b = Server::start(&org);
    sign_some(&b, &["B1", "B2"]);
    assert!(b.stop().success());
    let third = org.export();

    let merged = org.path("merged.export");
    let args = |out: &Path| -> Vec<String> {
        ["merge", "-o", out.to_str().unwrap()]
            .into_iter()
            .map(String::from)
            .chain([&first, &second, &third].map(|p| p.to_str().unwrap().to_string()))
            .collect()
    };
    let a: Vec<String> = args(&merged);
    let out = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("merged 5 records of petition")
            && stderr(&out).contains("(2 duplicates dropped)"),
        "{}",
        stderr(&out)
    );
    let mut names: Vec<String> = org
        .decrypt(&merged)
        .iter()
        .map(|r| r["first_name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["A1", "A2", "A3", "B1", "B2"]);

    // A truncated input: nothing is written.
    let text = std::fs::read_to_string(&third).unwrap();
    let cut = org.path("cut.export");
    std::fs::write(&cut, &text[..text.trim_end().rfind('\n').unwrap() + 1]).unwrap();
    let refused_out = org.path("refused.export");
    let refused = run(&[
        "merge",
        "-o",
        refused_out.to_str().unwrap(),
        first.to_str().unwrap(),
        cut.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("truncated"),
        "{}",
        stderr(&refused)
    );
    assert!(!refused_out.exists() && !partial_left(org.dir.path()));
}

#[test]
fn a_withdrawal_on_another_instance_holds_when_their_pulls_are_merged() {
    let mut org = Org::new();
    let (token, line) = make_token(&org);
    let config = org.config("[limits]\nenabled = false\n");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen("[server]\n", &format!("[server]\n{line}\n"), 1),
    )
    .unwrap();
    // Two instances of one petition, each on its own folder, both running.
    org.data = org.path("data-a");
    let mut a = Server::start_with(&org, &config, &[], &[]);
    org.data = org.path("data-b");
    let mut b = Server::start_with(&org, &config, &[], &[]);
    let codes: Vec<String> = ["Ana", "Bea", "Cleo"]
        .iter()
        .map(|name| {
            let email = format!("{}@example.org", name.to_lowercase());
            a.sign_json(&pairs(&signer(name, "Remote", "", &email)))
                .receipt()
                .unwrap()
        })
        .collect();
    b.sign_json(&pairs(&signer("Dan", "Remote", "", "dan@example.org")))
        .receipt()
        .unwrap();
    // Bea's withdrawal lands on B, which never held her signature.
    let w = b.request(
        "POST",
        "/withdraw",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        format!("code={}", codes[1]).as_bytes(),
    );
    assert_eq!(w.status, 200, "{}", w.text());

    // Both pulled while running (the pull checks the new lines as they arrive).
    let pulled: Vec<_> = [&a, &b]
        .iter()
        .enumerate()
        .map(|(i, server)| {
            let out = org.path(&format!("pulled-{i}.export"));
            let o = pull(&format!("http://{}", server.addr), &token, &out, &[]);
            assert!(o.status.success(), "{}", stderr(&o));
            out
        })
        .collect();
    assert!(
        std::fs::read_to_string(&pulled[1])
            .unwrap()
            .contains("{\"withdrawn\":\""),
        "B's export carries the withdrawal"
    );
    assert!(a.stop().success() && b.stop().success());

    let merged = org.path("merged.export");
    let out = run(&[
        "merge",
        "-o",
        merged.to_str().unwrap(),
        pulled[0].to_str().unwrap(),
        pulled[1].to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("merged 3 records")
            && stderr(&out).contains("1 withdrawn record dropped"),
        "{}",
        stderr(&out)
    );
    let mut names: Vec<String> = org
        .decrypt(&merged)
        .iter()
        .map(|r| r["first_name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["Ana", "Cleo", "Dan"]);
}

/// Listens on loopback; the thread says whether anyone connected within `secs`.
fn recorder(secs: u64) -> (String, std::thread::JoinHandle<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    listener.set_nonblocking(true).unwrap();
    let seen = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while std::time::Instant::now() < deadline {
            if listener.accept().is_ok() {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        false
    });
    (addr, seen)
}

/// Answers the first request with `head`, then `body` until the client hangs up.
fn fake_server(head: String, body: impl Fn(usize) -> Vec<u8> + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
        if s.write_all(head.as_bytes()).is_err() {
            return;
        }
        for i in 0.. {
            let chunk = body(i);
            if chunk.is_empty() || s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    addr
}

#[test]
fn pull_follows_no_redirect_and_takes_no_proxy_from_the_environment() {
    let org = Org::new();
    let token = org.path("admin.token");
    std::fs::write(&token, "some-token\n").unwrap();
    let (elsewhere, reached) = recorder(3);
    let server = fake_server(
        format!(
            "HTTP/1.1 302 Found\r\nLocation: http://{elsewhere}/admin/export\r\nContent-Length: 0\r\n\r\n"
        ),
        |_| Vec::new(),
    );
    let proxy = format!("http://{elsewhere}");
    let out = org.path("pulled.export");
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(["pull", "--url", &format!("http://{server}"), "--token-file"])
        .arg(&token)
        .arg("-o")
        .arg(&out)
        .stdin(std::process::Stdio::null());
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env(var, &proxy);
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("302") && stderr(&o).contains("redirect"),
        "{}",
        stderr(&o)
    );
    assert!(!reached.join().unwrap(), "the token went somewhere else");
    assert!(!out.exists());
}

#[test]
fn pull_refuses_proxies_that_would_see_the_token_in_clear() {
    let org = Org::new();
    let token = org.path("admin.token");
    std::fs::write(&token, "some-token\n").unwrap();
    let out = org.path("x.export");
    let onion = format!("http://{}.onion", "a".repeat(56));
    for (url, extra) in [
        (onion.as_str(), vec![]),
        (onion.as_str(), vec!["--proxy", "http://127.0.0.1:8118"]),
        (
            onion.as_str(),
            vec!["--proxy", "socks5h://203.0.113.9:9050"],
        ),
        (
            "http://127.0.0.1:9",
            vec!["--proxy", "socks5h://127.0.0.1:9050"],
        ),
    ] {
        let o = pull(url, &token, &out, &extra);
        assert_eq!(o.status.code(), Some(1), "{url} {extra:?}");
        assert!(
            stderr(&o).contains("any other proxy would see the token"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn a_hostile_server_cannot_fill_the_disk_with_one_endless_line() {
    let org = Org::new();
    let token = org.path("admin.token");
    std::fs::write(&token, "some-token\n").unwrap();
    let header = "{\"format\":\"undersign-export\",\"v\":1,\"petition\":\"p\",\"recipients\":\"ab\",\"count\":1}\n";
    let server = fake_server(
        format!("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{header}"),
        // Without end: 64 KiB of one line, again and again (stopped at 1 GiB).
        |i| {
            if i < 16 * 1024 {
                vec![b'x'; 64 * 1024]
            } else {
                Vec::new()
            }
        },
    );
    let out = org.path("endless.export");
    let started = std::time::Instant::now();
    let o = pull(&format!("http://{server}"), &token, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("line 2 is not a valid export record"),
        "{}",
        stderr(&o)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(!out.exists() && !partial_left(org.dir.path()));
}
