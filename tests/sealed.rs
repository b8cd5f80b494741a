//! Signatures sealed in the signer's browser, over real HTTP: the server takes
//! only what has the shape of one, stores it in the same record layout as its
//! own, and `decrypt` opens both layers. (The browser side itself is in the
//! browser suite, tests/browser/run.mjs.)

mod common;
use common::*;

const SLUG: &str = "rights-not-raids";

fn sealed_signer(org: &Org, first: &str, email: &str) -> Vec<(String, String)> {
    let fields = signer(first, "Sealed", "Org", email);
    let (sealed, _) = seal_as_a_browser(&[&org.recipient], SLUG, &fields, true);
    sealed_form(&sealed)
}

/// The record lines of an export (withdrawn ids first, then records).
fn records_in(export: &std::path::Path) -> usize {
    export_lines(export)
        .1
        .iter()
        .filter(|l| l.starts_with("{\"id\""))
        .count()
}

#[test]
fn a_browser_sealed_signature_is_stored_and_opens_offline_exactly() {
    let org = Org::new();
    let mut server = Server::start(&org);
    let r = server.sign_json(&pairs(&sealed_signer(&org, "Inés", "ines@example.org")));
    assert!(r.receipt().is_some(), "{}", r.text());
    let html = server.sign_html(&pairs(&sealed_signer(&org, "Tomás", "tomas@example.org")));
    assert!(
        html.text().contains("this server never saw them"),
        "the receipt says who sealed it"
    );
    let plain = server.sign_json(&pairs(&signer("Plain", "Path", "", "plain@example.org")));
    assert!(plain.receipt().is_some());
    server.stop();
    let records = org.decrypt(&org.export());
    let by = |email: &str| {
        records
            .iter()
            .find(|r| r["email"] == email)
            .unwrap_or_else(|| panic!("{email} missing"))
            .clone()
    };
    let ines = by("ines@example.org");
    assert_eq!(
        (
            ines["first_name"].as_str(),
            ines["affiliation"].as_str(),
            ines["public"].as_bool(),
            ines["sealed"].as_str(),
        ),
        (Some("Inés"), Some("Org"), Some(true), Some("browser"))
    );
    // The server's own facts, beside the signer's part.
    assert_eq!(ines["lang"], "en");
    assert_eq!(ines["check"], "none");
    assert_eq!(ines["flags"], serde_json::json!(["no_token"]));
    assert_eq!(
        ines["day"].as_str().unwrap(),
        time::OffsetDateTime::now_utc().date().to_string()
    );
    assert_eq!(by("plain@example.org")["sealed"], "server");
}

#[test]
fn sealed_bodies_the_server_cannot_check_are_refused_and_nothing_is_stored() {
    let org = Org::new();
    let mut server = Server::start(&org);
    let other = Org::new();
    let fields = signer("Bad", "Seal", "", "bad@example.org");
    let good = seal_as_a_browser(&[&org.recipient], SLUG, &fields, false);
    let two_keys = seal_as_a_browser(&[&org.recipient, &other.recipient], SLUG, &fields, false);
    // A payload of the wrong length: a signer part padded to another size.
    let short = {
        use std::io::Write as _;
        let key: age::x25519::Recipient = org.recipient.parse().unwrap();
        let e =
            age::Encryptor::with_recipients(std::iter::once(&key as &dyn age::Recipient)).unwrap();
        let mut out = Vec::new();
        let mut w = e.wrap_output(&mut out).unwrap();
        w.write_all(&[b' '; 2048]).unwrap();
        w.finish().unwrap();
        data_encoding::BASE64URL_NOPAD.encode(&out)
    };
    // A huge header: the real file behind a wall of extra stanzas.
    let huge = {
        let mut bytes = good.1.clone();
        let at = b"age-encryption.org/v1\n".len();
        let wall = "-> a-grease x\n\n".repeat(400);
        bytes.splice(at..at, wall.bytes());
        data_encoding::BASE64URL_NOPAD.encode(&bytes)
    };
    let mut with_fields = sealed_form(&good.0);
    with_fields.push(("first_name".into(), "Bad".into()));
    let mut no_consent = sealed_form(&good.0);
    no_consent.retain(|(k, _)| k != "consent");
    // What is wrong, the form that carries it, and what the refusal says.
    type Case<'a> = (&'a str, Vec<(String, String)>, &'a str);
    let cases: Vec<Case> = vec![
        ("garbage", sealed_form("not*base64url!"), "base64url"),
        (
            "not an age file",
            sealed_form(&data_encoding::BASE64URL_NOPAD.encode(b"hello")),
            "not an age file",
        ),
        (
            "sealed to two keys",
            sealed_form(&two_keys.0),
            "exactly this petition's keys",
        ),
        (
            "a payload of the wrong length",
            sealed_form(&short),
            "exactly one padded",
        ),
        ("a huge header", sealed_form(&huge), "larger than"),
        ("fields in the clear too", with_fields, "in the clear"),
        ("without consent", no_consent, "consent"),
    ];
    for (what, form, says) in cases {
        let r = server.sign_json(&pairs(&form));
        assert_eq!(r.status, 422, "{what}: {}", r.text());
        let body = r.json();
        assert_eq!(body["reason"], "bad_sealed", "{what}");
        assert!(
            body["error"].as_str().unwrap().contains(says),
            "{what}: {body}"
        );
        // The HTML answer says so too, without echoing anything.
        let page = server.sign_html(&pairs(&form));
        assert_eq!(page.status, 422, "{what}");
    }
    // The well-formed one is taken.
    assert!(
        server
            .sign_json(&pairs(&sealed_form(&good.0)))
            .receipt()
            .is_some()
    );
    server.stop();
    assert_eq!(
        records_in(&org.export()),
        1,
        "only the well-formed one is stored"
    );
}

#[test]
fn with_an_ssh_recipient_the_server_takes_no_sealed_signature() {
    let org = Org::new();
    let ssh = org.path("ssh-organizer");
    let ok = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f", ssh.to_str().unwrap()])
        .status();
    if !ok.is_ok_and(|s| s.success()) {
        skip("ssh-keygen is not installed (apt-get install openssh-client)");
        return;
    }
    let public = std::fs::read_to_string(ssh.with_extension("pub")).unwrap();
    std::fs::write(&org.recipients, format!("{}\n{public}", org.recipient)).unwrap();
    let mut server = Server::start(&org);
    assert!(
        !server.get("/").text().contains("data-seal="),
        "the page offers browser sealing to an SSH key"
    );
    let r = server.sign_json(&pairs(&sealed_signer(&org, "Ssh", "ssh@example.org")));
    assert_eq!(r.status, 422);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("sealed on the server")
    );
    server.stop();
    assert_eq!(records_in(&org.export()), 0);
}

/// The parts of an age file's header: each stanza, and the rest.
fn stanzas(ct: &[u8]) -> (Vec<Vec<u8>>, usize) {
    let end = ct.windows(5).position(|w| w == b"\n--- ").unwrap() + 1;
    let header = &ct[..end];
    let mut out = Vec::new();
    let mut at = header.iter().position(|&b| b == b'\n').unwrap() + 1;
    while at < header.len() {
        let next = header[at + 1..]
            .windows(3)
            .position(|w| w == b"\n->")
            .map_or(header.len(), |i| at + 1 + i + 1);
        out.push(header[at..next].to_vec());
        at = next;
    }
    (out, ct.len() - end)
}

#[test]
fn a_seized_store_cannot_tell_which_path_sealed_a_record() {
    let org = Org::new();
    let mut server = Server::start(&org);
    for i in 0..100 {
        let short = format!("S{i}");
        let long = "陈".repeat(1 + i % 100);
        let (first, email) = if i % 2 == 0 {
            (short.as_str(), format!("s{i}@b.co"))
        } else {
            (long.as_str(), format!("{}{i}@example.org", "x".repeat(60)))
        };
        let p = signer(first, first, "", &email);
        assert!(server.sign_json(&pairs(&p)).receipt().is_some());
        let b = signer(first, first, "", &format!("b{email}"));
        let (sealed, _) = seal_as_a_browser(&[&org.recipient], SLUG, &b, i % 3 == 0);
        assert!(
            server
                .sign_json(&pairs(&sealed_form(&sealed)))
                .receipt()
                .is_some()
        );
    }
    server.stop();
    let export = org.export();
    let cts = export_ciphertexts(&export);
    assert_eq!(cts.len(), 200);
    // Every record: one X25519 stanza, age's random grease stanza, and the
    // same payload length. The only difference between records is the
    // grease age adds to every file, whichever path sealed it.
    let mut payloads = std::collections::BTreeSet::new();
    let mut fixed = std::collections::BTreeSet::new();
    for ct in &cts {
        let (parts, rest) = stanzas(ct);
        payloads.insert(rest);
        let x25519: Vec<&Vec<u8>> = parts
            .iter()
            .filter(|s| s.starts_with(b"-> X25519 "))
            .collect();
        let grease = parts
            .iter()
            .filter(|s| s.windows(7).any(|w| w == b"-grease"))
            .count();
        assert_eq!((x25519.len(), grease, parts.len()), (1, 1, 2));
        fixed.insert(x25519[0].len());
    }
    assert_eq!(payloads.len(), 1, "payload lengths differ: {payloads:?}");
    assert_eq!(fixed.len(), 1, "X25519 stanzas differ: {fixed:?}");
    // And the records open: both paths, to the same layout.
    let records = org.decrypt(&export);
    let browser = records.iter().filter(|r| r["sealed"] == "browser").count();
    assert_eq!((records.len(), browser), (200, 100));
}
