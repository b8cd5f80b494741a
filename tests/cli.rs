//! The command line as an organizer meets it: clear errors, safe defaults.

mod common;
use common::*;
use std::path::Path;

use std::os::unix::fs::PermissionsExt;

#[test]
fn keygen_prints_the_recipient_last_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.txt");
    let o = run(&["keygen", "-o", key.to_str().unwrap()]);
    assert!(o.status.success());
    let last = stdout(&o).lines().last().unwrap().to_string();
    assert!(last.starts_with("age1"), "{last}");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let secret = std::fs::read_to_string(&key).unwrap();
    assert!(secret.contains("AGE-SECRET-KEY-1"));
    assert!(!stdout(&o).contains("AGE-SECRET-KEY") && !stderr(&o).contains("AGE-SECRET-KEY"));

    let again = run(&["keygen", "-o", key.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&key).unwrap(), secret);
}

fn serve_fails(org: &Org, extra: &[&str]) -> String {
    let mut args = vec![
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--data",
        org.data.to_str().unwrap(),
        "--recipients",
        org.recipients.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(!o.status.success(), "serve started when it should not have");
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "one clear line: {err}");
    err
}

#[test]
fn serve_refuses_a_secret_key_in_the_recipients_file() {
    let org = Org::new();
    let secret = std::fs::read_to_string(&org.identity).unwrap();
    let key_line = secret
        .lines()
        .find(|l| l.starts_with("AGE-SECRET"))
        .unwrap();
    std::fs::write(&org.recipients, format!("{}\n{key_line}\n", org.recipient)).unwrap();
    let err = serve_fails(&org, &["--config", example_config().to_str().unwrap()]);
    assert!(
        err.contains("SECRET key") && err.contains("line 2"),
        "{err}"
    );
    assert!(!err.contains(key_line), "the error must not echo the key");
    assert!(!org.data.exists(), "nothing was written");
}

#[test]
fn serve_refuses_to_start_without_a_recipient() {
    let org = Org::new();
    std::fs::write(&org.recipients, "# nobody yet\n").unwrap();
    let err = serve_fails(&org, &["--config", example_config().to_str().unwrap()]);
    assert!(err.contains("no recipients"), "{err}");
    // The shipped keys/recipients.txt holds no key, on purpose.
    let shipped = root().join("keys/recipients.txt");
    let text = std::fs::read_to_string(shipped).unwrap();
    assert!(undersign::seal::Recipients::parse(&text).is_err());
}

#[test]
fn serve_without_a_config_suggests_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(BIN)
        .arg("serve")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("petition.toml") && err.contains("undersign demo"),
        "{err}"
    );
}

#[test]
fn config_errors_name_the_file_and_line() {
    let org = Org::new();
    let config = org.path("petition.toml");
    let text = std::fs::read_to_string(example_config()).unwrap();
    let bad = text.replacen("[petition]", "[petition]\nsurprise = true", 1);
    let line = bad.lines().position(|l| l.starts_with("surprise")).unwrap() + 1;
    std::fs::write(&config, bad).unwrap();
    let err = serve_fails(&org, &["--config", config.to_str().unwrap()]);
    assert!(err.contains(&format!("petition.toml:{line}:")), "{err}");
    assert!(err.contains("unknown field"), "{err}");
}

#[test]
fn export_of_a_running_server_says_the_folder_is_in_use() {
    let org = Org::new();
    let server = Server::start(&org);
    let out = org.path("e.jsonl");
    let o = run(&[
        "export",
        "--data",
        org.data.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("in use"), "{}", stderr(&o));
    drop(server);
}

/// `undersign decrypt -i IDENTITY EXPORT -o OUT` (`-` for standard output).
fn decrypt(identity: &Path, export: &Path, out: &Path) -> std::process::Output {
    let arg = |p: &Path| p.to_str().unwrap().to_string();
    let args = [
        "decrypt",
        "-i",
        &arg(identity),
        &arg(export),
        "-o",
        &arg(out),
    ];
    run(&args)
}

fn signed_export(org: &Org, people: &[Vec<(String, String)>]) -> std::path::PathBuf {
    let server = Server::start(org);
    for p in people {
        assert_eq!(server.sign_json(&pairs(p)).status, 200);
    }
    drop(server);
    org.export()
}

#[test]
fn decrypt_refuses_a_truncated_or_altered_export_and_writes_nothing() {
    let org = Org::new();
    let people: Vec<_> = (0..3)
        .map(|i| signer("T", &i.to_string(), "", &format!("t{i}@example.org")))
        .collect();
    let export = signed_export(&org, &people);
    let bytes = std::fs::read(&export).unwrap();

    let truncated = org.path("truncated.jsonl");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let mut flipped = bytes.clone();
    let mid = bytes.len() / 2;
    flipped[mid] = if flipped[mid] == b'A' { b'B' } else { b'A' };
    let altered = org.path("altered.jsonl");
    std::fs::write(&altered, &flipped).unwrap();
    // The header is covered too: another count and key fingerprint.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let (header, rest) = text.split_once('\n').unwrap();
    let mut h: serde_json::Value = serde_json::from_str(header).unwrap();
    h["count"] = 99.into();
    h["recipients"] = "00".into();
    let reheaded = org.path("reheaded.jsonl");
    std::fs::write(&reheaded, format!("{h}\n{rest}")).unwrap();

    for (file, word) in [
        (&truncated, "truncated"),
        (&altered, "altered"),
        (&reheaded, "altered"),
    ] {
        let out = org.path("out.csv");
        let o = decrypt(&org.identity, file, &out);
        assert!(!o.status.success());
        assert!(stderr(&o).contains(word), "{}", stderr(&o));
        assert!(!out.exists(), "no output file from a bad export");
    }
}

#[test]
fn decrypt_with_a_wrong_key_fails_and_writes_nothing() {
    let org = Org::new();
    let export = signed_export(&org, &[signer("W", "K", "", "w@example.org")]);
    let other = Org::new();
    let o = decrypt(&other.identity, &export, Path::new("-"));
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "not even a CSV header");
    let err = stderr(&o);
    assert!(
        err.contains(
            "none of the 1 records opened with the given identities (1 are sealed to other keys)"
        ),
        "{err}"
    );
    assert!(err.contains("Nothing was written"), "{err}");
}

#[test]
fn decrypt_writes_csv_and_drops_duplicate_emails() {
    let org = Org::new();
    let people = [
        signer("Ana", "Ruiz", "Colectivo, \"Sur\"", "ana@example.org"),
        signer("Ana", "Ruiz", "Colectivo, \"Sur\"", " ANA@Example.org "),
        signer("Bo", "Lee", "", "bo@example.org"),
    ];
    let export = signed_export(&org, &people);
    let out = org.path("signatures.csv");
    let o = decrypt(&org.identity, &export, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 duplicate dropped"), "{}", stderr(&o));
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, undersign::offline::decrypt::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(|r| &r[2] == "Colectivo, \"Sur\""));
}

#[test]
fn check_proves_the_identity_matches_the_recipients() {
    let org = Org::new();
    let config = example_config();
    let args = |id: &std::path::Path| {
        run(&[
            "check",
            "--config",
            config.to_str().unwrap(),
            "--recipients",
            org.recipients.to_str().unwrap(),
            "--identity",
            id.to_str().unwrap(),
        ])
    };
    let good = args(&org.identity);
    assert!(good.status.success(), "{}", stderr(&good));
    assert!(stdout(&good).contains("identity ok"));
    let other = Org::new();
    let bad = args(&other.identity);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("cannot decrypt"), "{}", stderr(&bad));
}

#[test]
fn demo_says_loudly_it_is_a_demo_and_how_to_decrypt() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let log = dir.path().join("demo.log");
    let out = std::fs::File::create(&log).unwrap();
    let mut child = std::process::Command::new(BIN)
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--dir",
            demo.to_str().unwrap(),
        ])
        .current_dir(dir.path())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap();
    let mut addr = None;
    for _ in 0..300 {
        let text = std::fs::read_to_string(&log).unwrap();
        if let Some(i) = text.find("listening on http://") {
            addr = Some(
                text[i + 20..]
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .to_string(),
            );
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let addr = addr.expect("the demo started");
    let page = request(&addr, "GET", "/", &[], b"").text();
    assert!(
        page.contains("demo-banner"),
        "every demo page says it is a demo"
    );
    let r = sign_json_at(
        &addr,
        &pairs(&signer("Demo", "Person", "", "demo@example.org")),
    );
    assert!(r.receipt().is_some());
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());

    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("DEMO MODE: NOT PRIVATE"));
    // Run the two commands the banner prints, as a new user would.
    for line in text
        .lines()
        .filter(|l| l.contains(" export --data ") || l.contains(" decrypt -i "))
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        let o = std::process::Command::new(BIN)
            .args(&words[1..])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{line}: {}", stderr(&o));
    }
    let csv = std::fs::read_to_string(dir.path().join("demo-signatures.csv")).unwrap();
    assert!(csv.contains("Demo,Person,,demo@example.org,en,"), "{csv}");
}

#[test]
fn records_sealed_to_a_key_not_given_are_named_and_counted() {
    let org = Org::new();
    signed_export(&org, &[signer("Old", "Key", "", "old@example.org")]);
    // The organizers change keys mid-petition: later records use the new one.
    let other = Org::new();
    std::fs::copy(&other.recipients, &org.recipients).unwrap();
    let export = signed_export(&org, &[signer("New", "Key", "", "new@example.org")]);
    let o = decrypt(&org.identity, &export, Path::new("-"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("Old,Key"), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("1 failed to decrypt"), "{err}");
    assert!(
        err.contains("1 of the 2 records were sealed to keys not given here"),
        "{err}"
    );
}

#[test]
fn a_closed_output_pipe_ends_quietly_not_with_a_panic() {
    let org = Org::new();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(BIN)
        .args(["check", "--config", example_config().to_str().unwrap()])
        .args(["--recipients", org.recipients.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(141), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
