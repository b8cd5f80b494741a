//! What a seized server, its logs or a network observer can learn: nothing readable.

mod common;
use common::*;

/// Canary values that must never appear in cleartext anywhere on the server.
fn canaries() -> Vec<Vec<(String, String)>> {
    vec![
        signer(
            "CanaryFirstQx7",
            "CanaryLastQx7",
            "CanaryOrgQx7",
            "canary.mail.qx7@example.org",
        ),
        signer("金丝雀甲", "金丝雀乙", "金丝雀组织", "jinsique@example.org"),
        signer("كناري", "طائرصغير", "منظمةكناري", "kanari@example.org"),
        signer(
            "Ćanarỹ🐤",
            "Vögelchen🐤",
            "Nest🐤Coop",
            "voegel@example.org",
        ),
    ]
}

#[test]
fn seized_data_dir_and_server_output_hold_no_canary() {
    let org = Org::new();
    let mut server = Server::start(&org);
    let mut receipts = Vec::new();
    for c in canaries() {
        receipts.push(server.sign_json(&pairs(&c)).receipt().unwrap());
        receipts.push(server.sign_html(&pairs(&c)).receipt().unwrap());
        // Rejected submissions must not leave traces either.
        let mut bad = c.clone();
        bad[3].1 = format!("{}-not-an-email", bad[0].1);
        assert_eq!(server.sign_json(&pairs(&bad)).status, 422);
    }
    assert!(server.stop().success());
    let output = server.output();
    let mut files: Vec<Vec<u8>> = files_under(&org.data)
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    files.push(output.into_bytes());
    for c in canaries() {
        for (field, value) in c.iter().filter(|(k, _)| k != "consent") {
            let total: usize = files.iter().map(|f| hits(f, value)).sum();
            assert_eq!(total, 0, "the {field} canary is readable on the server");
        }
    }
    for code in &receipts {
        let total: usize = files
            .iter()
            .map(|f| hits(f, code) + hits(f, &code.replace('-', "")))
            .sum();
        assert_eq!(total, 0, "a receipt code is stored on the server");
    }
    // Each canary signed twice: the organizer reads them all, duplicates dropped by email.
    assert_eq!(org.decrypt(&org.export()).len(), 4);
}

#[test]
fn signing_writes_no_temporary_file() {
    let org = Org::new();
    let tmp = org.path("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let server = Server::start_env(&org, &example_config(), &[], &[], &[("TMPDIR", &tmp)]);
    for c in canaries() {
        assert!(server.sign_json(&pairs(&c)).receipt().is_some());
        assert_eq!(server.sign_html(&[("first_name", &c[0].1)]).status, 422);
    }
    drop(server);
    assert!(files_under(&tmp).is_empty(), "the server wrote to TMPDIR");
    // The data folder holds sled's own files (in `sled/`), the record files
    // (named by their slot size), the public log's signing key, the
    // folder's lock and the note of the guard that older releases stop at.
    for f in files_under(&org.data) {
        let name = f
            .strip_prefix(&org.data)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let sled_file = name.strip_prefix("sled/").is_some_and(|n| {
            n == "conf" || n == "db" || n.starts_with("snap.") || n.starts_with("blobs/")
        }) || name == "log.key"
            || name == "lock"
            || name == "db/README.txt"
            || name
                .strip_prefix("records/")
                .is_some_and(|size| size.parse::<u32>().is_ok());
        assert!(sled_file, "unexpected file in the data folder: {name}");
    }
}

const PAGES: [(&str, &str); 8] = [
    ("GET", "/"),
    ("GET", "/?lang=fr"),
    ("GET", "/count"),
    ("GET", "/healthz"),
    ("GET", "/static/style.css"),
    ("GET", "/static/sign.js"),
    ("GET", "/static/age.js"),
    ("GET", "/no-such-page"),
];

#[test]
fn every_response_carries_the_security_headers_and_no_cookie() {
    let org = Org::new();
    let server = Server::start(&org);
    let mut responses: Vec<(String, Response)> = PAGES
        .iter()
        .map(|(m, p)| (format!("{m} {p}"), server.request(m, p, &[], b"")))
        .collect();
    let ok = signer("Header", "Check", "", "h@example.org");
    responses.push(("POST /sign ok".into(), server.sign_html(&pairs(&ok))));
    responses.push((
        "POST /sign 422".into(),
        server.sign_html(&[("first_name", "x")]),
    ));
    responses.push((
        "POST /sign 400".into(),
        server.request(
            "POST",
            "/sign",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            b"a=%FF",
        ),
    ));
    for (what, r) in &responses {
        assert_eq!(
            r.header("content-security-policy").as_deref(),
            Some(undersign::web::CSP),
            "{what}"
        );
        assert_eq!(
            r.header("referrer-policy").as_deref(),
            Some("no-referrer"),
            "{what}"
        );
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(
            r.header("cross-origin-opener-policy").as_deref(),
            Some("same-origin"),
            "{what}"
        );
        assert_eq!(
            r.header("cross-origin-resource-policy").as_deref(),
            Some("same-origin"),
            "{what}"
        );
        assert!(
            r.header("permissions-policy")
                .unwrap()
                .contains("camera=()"),
            "{what}"
        );
        assert!(r.header("set-cookie").is_none(), "{what} sets a cookie");
    }
    for (what, r) in &responses {
        if what.starts_with("POST") || what == "GET /" || what.starts_with("GET /?") {
            assert_eq!(
                r.header("cache-control").as_deref(),
                Some("no-store"),
                "{what}"
            );
        }
    }
    for part in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        // The page's script posts a sealed signature to us, and to no one else.
        "connect-src 'self';",
    ] {
        assert!(undersign::web::CSP.contains(part));
    }
}

#[test]
fn no_page_or_asset_names_a_third_party() {
    let org = Org::new();
    let server = Server::start(&org);
    for (_, path) in PAGES {
        let body = server.get(path).text().to_lowercase();
        for bad in [
            "http://",
            "https://",
            "src=\"//",
            "href=\"//",
            "url(",
            "@import",
        ] {
            assert!(
                !body.contains(bad),
                "{path} names an outside resource ({bad})"
            );
        }
    }
}

#[test]
fn every_record_has_the_same_payload_length_and_plain_age_opens_it() {
    let org = Org::new();
    let server = Server::start(&org);
    let max_email = format!("{}@example.org", "m".repeat(254 - 12));
    let max_utf8_email = format!("{}@例子.中国", "名".repeat(254 - 6));
    // One character and the maximum in every script a signer may write in.
    let scripts = ["x", "陈", "한", "ไ", "ب", "Ж", "ह", "Ệ", "🌸", "\""];
    let mut people = vec![
        signer(
            &"x".repeat(100),
            &"y".repeat(100),
            &"z".repeat(200),
            &max_email,
        ),
        signer(
            &"𝔸".repeat(100),
            &"𝔹".repeat(100),
            &"𝔺".repeat(200),
            &max_utf8_email,
        ),
    ];
    for (i, s) in scripts.iter().enumerate() {
        people.push(signer(s, s, "", &format!("{i}@b.co")));
        people.push(signer(
            &s.repeat(100),
            &s.repeat(100),
            &s.repeat(200),
            &format!("max{i}@example.org"),
        ));
    }
    for p in &people {
        assert_eq!(server.sign_json(&pairs(p)).status, 200);
    }
    drop(server);
    let export = org.export();
    let cts = export_ciphertexts(&export);
    assert_eq!(cts.len(), people.len());

    let payloads: std::collections::BTreeSet<usize> = cts
        .iter()
        .map(|ct| {
            let i = ct.windows(5).position(|w| w == b"\n--- ").unwrap();
            let j = i + 1 + ct[i + 1..].iter().position(|&b| b == b'\n').unwrap();
            ct.len() - (j + 1)
        })
        .collect();
    assert_eq!(payloads.len(), 1, "payload lengths differ: {payloads:?}");

    // Interop: the age crate's plain API, not undersign's decrypt path.
    let identity_text = std::fs::read_to_string(&org.identity).unwrap();
    let key_line = identity_text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap();
    let identity: age::x25519::Identity = key_line.parse().unwrap();
    let layout = undersign::layout::Layout::new(1, true);
    for ct in &cts {
        let plain = age::decrypt(&identity, ct).unwrap();
        assert_eq!(plain.len(), layout.len());
        // Record format 2: the server's facts on the first line, then the
        // signer's part (here in the clear inside the server's seal).
        let newline = plain.iter().position(|&b| b == b'\n').unwrap();
        let facts: serde_json::Value =
            serde_json::from_slice(&plain[..newline]).expect("facts are JSON");
        assert_eq!(
            (facts["v"].as_u64(), facts["sealed"].as_str()),
            (Some(2), Some("server"))
        );
        let part: serde_json::Value =
            serde_json::from_slice(&plain[newline + 1..]).expect("the signer's part is JSON");
        assert_eq!(part["v"], 2);
        assert_eq!(plain.len() - newline - 1, undersign::record::PADDED_LEN);
    }
}
