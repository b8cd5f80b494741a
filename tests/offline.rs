//! The organizer's offline toolkit, end to end through the binary: keys that
//! cannot be lost, decryption at scale, dedup and review, spreadsheet-safe CSV,
//! the public list, the report, sealed outputs.
//!
//! Exports are made here through the library (seal + export writer), exactly as
//! the server makes them, so a test can choose days, checks and flags.

mod common;
use common::*;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use age::secrecy::ExposeSecret;
use rayon::prelude::*;
use undersign::export::{FORMAT, Header, Writer};
use undersign::receipt::RecordId;
use undersign::record::{Check, Envelope, Required, SignForm, Signature};
use undersign::seal::Recipients;

/// One signature as the server would have sealed it.
#[derive(Clone)]
struct Signer {
    first: String,
    last: String,
    affiliation: String,
    email: String,
    public: bool,
    day: &'static str,
    lang: &'static str,
    check: Check,
    flags: &'static [&'static str],
}

fn signer(first: &str, last: &str, affiliation: &str, email: &str) -> Signer {
    Signer {
        first: first.into(),
        last: last.into(),
        affiliation: affiliation.into(),
        email: email.into(),
        public: false,
        day: "2026-11-28",
        lang: "en",
        check: Check::Pow,
        flags: &[],
    }
}

impl Signer {
    fn on(mut self, day: &'static str) -> Self {
        self.day = day;
        self
    }
    fn public(mut self) -> Self {
        self.public = true;
        self
    }
    fn flagged(mut self, flags: &'static [&'static str]) -> Self {
        self.flags = flags;
        self
    }
    fn lang(mut self, lang: &'static str) -> Self {
        self.lang = lang;
        self
    }

    fn seal(&self, recipients: &Recipients) -> Vec<u8> {
        let mut form = SignForm::default();
        form.first_name.push_str(&self.first);
        form.last_name.push_str(&self.last);
        form.affiliation.push_str(&self.affiliation);
        form.email.push_str(&self.email);
        form.public = self.public;
        form.consent = true;
        let lax = Required {
            first_name: false,
            last_name: false,
            name: false,
            affiliation: false,
            email: false,
        };
        let sig = Signature::parse(&form, &lax).expect("a valid test signer");
        let envelope = Envelope {
            petition: "open-letter",
            lang: self.lang,
            day: self.day,
            check: self.check,
            flags: self.flags,
        };
        let plain = sig.to_padded_json(&envelope).unwrap();
        recipients.seal(&plain).unwrap().0
    }
}

/// A scratch organizer whose key is made with the age crate (fast), not keygen.
struct Kit {
    dir: tempfile::TempDir,
    key: PathBuf,
    recipient: String,
}

impl Kit {
    fn new() -> Kit {
        let dir = tempfile::tempdir().unwrap();
        let id = age::x25519::Identity::generate();
        let key = dir.path().join("organizer.key");
        std::fs::write(&key, format!("{}\n", id.to_string().expose_secret())).unwrap();
        Kit {
            dir,
            key,
            recipient: id.to_public().to_string(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// An export of `signers`, in this order, sealed to `recipients` (one per line).
    fn export_to(&self, recipients: &str, signers: &[Signer]) -> PathBuf {
        let recipients = Recipients::parse(recipients).unwrap();
        let sealed: Vec<Vec<u8>> = signers.par_iter().map(|s| s.seal(&recipients)).collect();
        let path = self.path(&format!("export-{}.jsonl", rand_suffix()));
        write_export(
            &path,
            recipients.fingerprint(),
            sealed.len() as u64,
            sealed.into_iter(),
        );
        path
    }

    fn export(&self, signers: &[Signer]) -> PathBuf {
        self.export_to(&self.recipient, signers)
    }

    /// An export of `signers`, then `forged` records: JSON written here and
    /// sealed to the organizer's public key, as anyone who has it could.
    fn export_with_forged(&self, signers: &[Signer], forged: &[serde_json::Value]) -> PathBuf {
        let recipients = Recipients::parse(&self.recipient).unwrap();
        let mut sealed: Vec<Vec<u8>> = signers.iter().map(|s| s.seal(&recipients)).collect();
        for record in forged {
            let json = serde_json::to_vec(record).unwrap();
            sealed.push(recipients.seal(&json).unwrap().0);
        }
        let path = self.path(&format!("export-{}.jsonl", rand_suffix()));
        write_export(
            &path,
            recipients.fingerprint(),
            sealed.len() as u64,
            sealed.into_iter(),
        );
        path
    }

    fn decrypt(&self, export: &Path, extra: &[&str]) -> Output {
        let mut args = vec![
            "decrypt",
            "-i",
            self.key.to_str().unwrap(),
            export.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(&args)
    }

    /// Decrypts into every output: `s.csv`, the report `r.html`, the public
    /// list `pub.md` and `pub.html`.
    fn decrypt_everything(&self, export: &Path) -> Output {
        let path = |name| self.path(name).to_str().unwrap().to_string();
        let (out, report, list) = (path("s.csv"), path("r.html"), path("pub"));
        let args = ["-o", &out, "--report", &report, "--public-list", &list];
        self.decrypt(export, &args)
    }

    /// Decrypts with a public list (`s.csv`, `public.md`, `public.html`) and
    /// returns the list in Markdown and in HTML.
    fn public_list(&self, export: &Path) -> (String, String) {
        let (out, list) = (self.path("s.csv"), self.path("public"));
        let args = [
            "-o",
            out.to_str().unwrap(),
            "--public-list",
            list.to_str().unwrap(),
        ];
        ok(&self.decrypt(export, &args));
        let read = |name| std::fs::read_to_string(self.path(name)).unwrap();
        (read("public.md"), read("public.html"))
    }
}

/// Record ids in export order; the export format only asks them to be hex.
fn write_export(path: &Path, fingerprint: &str, count: u64, sealed: impl Iterator<Item = Vec<u8>>) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let header = Header {
        format: FORMAT.into(),
        v: 1,
        petition: "open-letter".into(),
        recipients: fingerprint.into(),
        count,
    };
    let mut w = Writer::new(file, &header).unwrap();
    for (i, ct) in sealed.enumerate() {
        let mut id = [0u8; 32];
        id[..8].copy_from_slice(&(i as u64).to_be_bytes());
        id[8..].copy_from_slice(&rand::random::<[u8; 24]>());
        w.record(&RecordId(id), &ct).unwrap();
    }
    w.finish().unwrap();
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|row| row.unwrap().iter().map(String::from).collect())
        .collect()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn ok(o: &Output) {
    assert!(o.status.success(), "undersign failed: {}", stderr(o));
}

/// The stderr of a failed command, checked to be one clear line.
fn one_error_line(o: &Output) -> String {
    assert!(!o.status.success(), "it should have failed");
    let err = stderr(o);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains("unlocking"))
        .collect();
    assert_eq!(lines.len(), 1, "one clear line: {err}");
    lines[0].to_string()
}

// ---------------------------------------------------------------- keys

/// `undersign keygen -o KEY --passphrase-file PASS`: a passphrase-protected key.
fn keygen_locked(key: &Path, pass: &Path) -> Output {
    let arg = |p: &Path| p.to_str().unwrap().to_string();
    run(&["keygen", "-o", &arg(key), "--passphrase-file", &arg(pass)])
}

#[test]
fn a_passphrase_key_round_trips_and_a_wrong_passphrase_is_a_clear_error() {
    let kit = Kit::new();
    let pass = kit.path("pass.txt");
    std::fs::write(&pass, "three correct horses\n").unwrap();
    let key = kit.path("locked.key");
    let o = keygen_locked(&key, &pass);
    ok(&o);
    let recipient = stdout(&o).lines().last().unwrap().to_string();
    assert!(
        recipient.starts_with("age1"),
        "the recipient is the last line"
    );
    assert!(stderr(&o).contains("passphrase-protected"));
    assert_eq!(mode(&key), 0o600);
    let text = std::fs::read_to_string(&key).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(!text.contains("AGE-SECRET-KEY"), "no secret in the clear");

    let export = kit.export_to(&recipient, &[signer("Lin", "Wei", "", "lin@example.org")]);
    let out = kit.path("out.csv");
    let args = |passfile: &Path| {
        run(&[
            "decrypt",
            "-i",
            key.to_str().unwrap(),
            "--passphrase-file",
            passfile.to_str().unwrap(),
            export.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
    };
    let good = args(&pass);
    ok(&good);
    assert_eq!(csv_rows(&out)[0][0], "Lin");

    std::fs::remove_file(&out).unwrap();
    let wrong = kit.path("wrong.txt");
    std::fs::write(&wrong, "three wrong horses\n").unwrap();
    let bad = args(&wrong);
    assert_eq!(bad.status.code(), Some(1));
    let line = one_error_line(&bad);
    assert!(
        line.contains("wrong passphrase") && line.contains("locked.key"),
        "{line}"
    );
    assert!(
        !line.contains("three"),
        "the error never repeats a passphrase"
    );
    assert!(!out.exists(), "nothing written with a wrong passphrase");
}

#[test]
fn a_passphrase_key_is_a_standard_armored_age_file() {
    let kit = Kit::new();
    let pass = kit.path("pass.txt");
    std::fs::write(&pass, "standard tools open it").unwrap();
    let key = kit.path("locked.key");
    ok(&keygen_locked(&key, &pass));
    // What `age -d locked.key` does: undo the armor, unlock with scrypt.
    use base64::Engine;
    let text = std::fs::read_to_string(&key).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    let binary = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let scrypt = age::scrypt::Identity::new("standard tools open it".to_owned().into());
    let inner = age::decrypt(&scrypt, &binary).unwrap();
    let inner = String::from_utf8(inner).unwrap();
    assert!(
        inner.contains("AGE-SECRET-KEY-1"),
        "an age identity file inside"
    );
}

#[test]
fn keygen_refuses_a_short_passphrase_and_writes_nothing() {
    let kit = Kit::new();
    let pass = kit.path("pass.txt");
    std::fs::write(&pass, "short\n").unwrap();
    let key = kit.path("k.key");
    let o = keygen_locked(&key, &pass);
    assert!(one_error_line(&o).contains("too short"));
    assert!(!key.exists());
}

#[test]
fn keygen_writes_a_printable_qr_code_and_a_backup_guide() {
    let kit = Kit::new();
    let key = kit.path("k.key");
    let svg = kit.path("k.svg");
    let o = run(&[
        "keygen",
        "-o",
        key.to_str().unwrap(),
        "--qr-svg",
        svg.to_str().unwrap(),
    ]);
    ok(&o);
    let recipient = stdout(&o).lines().last().unwrap().to_string();
    assert!(recipient.starts_with("age1"));
    let guide = stderr(&o);
    assert!(
        guide.contains("second key") && guide.contains("paper"),
        "{guide}"
    );
    assert_eq!(mode(&svg), 0o600, "the QR code is as secret as the key");
    let svg_text = std::fs::read_to_string(&svg).unwrap();
    assert!(svg_text.contains("<svg") && svg_text.contains(&recipient));

    // An existing QR code file is never overwritten, and no key is made.
    let key3 = kit.path("k3.key");
    let o = run(&[
        "keygen",
        "-o",
        key3.to_str().unwrap(),
        "--qr-svg",
        svg.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(one_error_line(&o).contains("k.svg"), "{}", stderr(&o));
    assert!(!key3.exists());
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), svg_text);

    // A refused passphrase leaves no QR code file behind (nor a key).
    let pass = kit.path("short.txt");
    std::fs::write(&pass, "short\n").unwrap();
    let svg4 = kit.path("k4.svg");
    let o = run(&[
        "keygen",
        "-o",
        key3.to_str().unwrap(),
        "--passphrase-file",
        pass.to_str().unwrap(),
        "--qr-svg",
        svg4.to_str().unwrap(),
    ]);
    assert!(one_error_line(&o).contains("too short"));
    assert!(!key3.exists() && !svg4.exists());

    // Drawing a secret on something that may be a log is refused.
    let key2 = kit.path("k2.key");
    let o = run(&["keygen", "-o", key2.to_str().unwrap(), "--qr"]);
    assert!(one_error_line(&o).contains("--qr-svg"));
    assert!(!key2.exists());
}

#[test]
fn an_ssh_key_with_or_without_passphrase_decrypts_among_several_identities() {
    if std::process::Command::new("ssh-keygen")
        .arg("-?")
        .output()
        .is_err()
    {
        skip("ssh-keygen is not installed (apt-get install openssh-client)");
        return;
    }
    let kit = Kit::new();
    let plain = kit.path("id_plain");
    let locked = kit.path("id_locked");
    for (path, pass) in [(&plain, ""), (&locked, "ssh pass phrase")] {
        let o = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", pass, "-C", "test", "-f"])
            .arg(path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let public = |p: &Path| std::fs::read_to_string(p.with_extension("pub")).unwrap();
    // Two records: one for the plain SSH key, one for the protected one.
    let a = kit.export_to(
        &public(&plain),
        &[signer("Ssh", "Plain", "", "p@example.org")],
    );
    let b = kit.export_to(
        &public(&locked),
        &[signer("Ssh", "Locked", "", "l@example.org")],
    );
    let pass = kit.path("pass.txt");
    std::fs::write(&pass, "ssh pass phrase\n").unwrap();
    for (export, name) in [(&a, "Plain"), (&b, "Locked")] {
        let out = kit.path(&format!("{name}.csv"));
        let o = run(&[
            "decrypt",
            "-i",
            kit.key.to_str().unwrap(),
            "-i",
            plain.to_str().unwrap(),
            "-i",
            locked.to_str().unwrap(),
            "--passphrase-file",
            pass.to_str().unwrap(),
            export.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        ok(&o);
        assert_eq!(csv_rows(&out)[0][1], name);
    }
}

#[test]
fn a_wrong_identity_is_a_clear_error() {
    let kit = Kit::new();
    let export = kit.export(&[
        signer("A", "One", "", "a@example.org"),
        signer("B", "Two", "", "b@example.org"),
    ]);
    // Yesterday's good spreadsheet survives a run with the wrong key.
    let sheet = kit.path("signatures.csv");
    std::fs::write(&sheet, "yesterday's good spreadsheet\n").unwrap();
    let other = Kit::new();
    let o = other.decrypt(&export, &["-o", sheet.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("none of the 2 records opened with the given identities"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&sheet).unwrap(),
        "yesterday's good spreadsheet\n"
    );
    assert!(!kit.path("signatures.review.csv").exists());

    let junk = kit.path("junk.key");
    std::fs::write(&junk, "this is not a key\n").unwrap();
    let o = run(&[
        "decrypt",
        "-i",
        junk.to_str().unwrap(),
        export.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let line = one_error_line(&o);
    assert!(
        line.contains("junk.key") && line.contains("not an age identity"),
        "{line}"
    );
    assert!(
        !line.contains("this is not"),
        "the error never repeats the file"
    );
}

#[test]
fn check_accepts_a_passphrase_key() {
    let kit = Kit::new();
    let pass = kit.path("pass.txt");
    std::fs::write(&pass, "check me before launch").unwrap();
    let key = kit.path("locked.key");
    let o = keygen_locked(&key, &pass);
    ok(&o);
    let recipients = kit.path("recipients.txt");
    std::fs::write(&recipients, stdout(&o)).unwrap();
    let o = run(&[
        "check",
        "--config",
        example_config().to_str().unwrap(),
        "--recipients",
        recipients.to_str().unwrap(),
        "--identity",
        key.to_str().unwrap(),
        "--passphrase-file",
        pass.to_str().unwrap(),
    ]);
    ok(&o);
    assert!(stdout(&o).contains("identity ok"));
}

// ---------------------------------------------------------------- review

#[test]
fn dedup_keeps_the_earliest_day_and_lists_the_rest_for_review() {
    let kit = Kit::new();
    let export = kit.export(&[
        signer("Maria", "Late", "", "maria@example.org").on("2026-12-02"),
        signer("Maria", "Early", "", " MARIA@Example.org").on("2026-11-29"),
        signer("Maria", "Same day", "", "maria@example.org").on("2026-11-29"),
        signer("Bo", "Lee", "", "bo@example.org").on("2026-12-01"),
        signer("No", "Email", "", ""),
        signer("No", "Email", "", ""),
    ]);
    let out = kit.path("signatures.csv");
    let o = kit.decrypt(&export, &["-o", out.to_str().unwrap()]);
    ok(&o);
    assert!(
        stderr(&o).contains("2 duplicates dropped"),
        "{}",
        stderr(&o)
    );
    let rows = csv_rows(&out);
    let last_names: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(last_names, ["Early", "Lee", "Email", "Email"]);
    let review = kit.path("signatures.review.csv");
    assert_eq!(mode(&review), 0o600);
    let reviewed: Vec<String> = csv_rows(&review)
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(reviewed, ["Late", "Same day"]);

    let all = kit.path("all.csv");
    ok(&kit.decrypt(&export, &["-o", all.to_str().unwrap(), "--keep-duplicates"]));
    assert_eq!(csv_rows(&all).len(), 6);
    assert!(!kit.path("all.review.csv").exists());
}

#[test]
fn suspicious_records_are_set_aside_not_lost() {
    let kit = Kit::new();
    let export = kit.export(&[
        signer("Real", "Person", "", "real@example.org"),
        signer("Bot", "Honey", "", "bot@example.org").flagged(&["honeypot", "too_fast"]),
        signer("Api", "Client", "", "api@example.org").flagged(&["no_token"]),
        // A bot using a real signer's email must not push the real one out.
        signer("Bot", "Copy", "", "real@example.org")
            .flagged(&["too_fast"])
            .on("2026-11-01"),
    ]);
    let out = kit.path("s.csv");
    let o = kit.decrypt(&export, &["-o", out.to_str().unwrap()]);
    ok(&o);
    let err = stderr(&o);
    assert!(err.contains("2 set aside as suspicious"), "{err}");
    assert!(err.contains("4 decrypted; 3 carry flags"), "{err}");
    let kept: Vec<(String, String)> = csv_rows(&out)
        .into_iter()
        .map(|r| (r[1].clone(), r[8].clone()))
        .collect();
    assert_eq!(
        kept,
        [
            ("Person".to_string(), String::new()),
            ("Client".to_string(), "no_token".to_string())
        ]
    );
    let aside: Vec<String> = csv_rows(&kit.path("s.suspicious.csv"))
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(aside, ["Honey", "Copy"]);

    let all = kit.path("all.csv");
    ok(&kit.decrypt(&export, &["-o", all.to_str().unwrap(), "--keep-suspicious"]));
    assert_eq!(
        csv_rows(&all).len(),
        3,
        "kept, with the copy now a duplicate"
    );
    let strict = kit.path("strict.csv");
    ok(&kit.decrypt(
        &export,
        &[
            "-o",
            strict.to_str().unwrap(),
            "--suspicious-flags",
            "honeypot, no_token",
        ],
    ));
    assert_eq!(csv_rows(&strict).len(), 1, "spaces after commas are fine");
    // A typo must not quietly let flagged records into the spreadsheet.
    let typo = kit.path("typo.csv");
    let o = kit.decrypt(
        &export,
        &[
            "-o",
            typo.to_str().unwrap(),
            "--suspicious-flags",
            "honey_pot",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(one_error_line(&o).contains("unknown flag \"honey_pot\""));
    assert!(!typo.exists());
}

// ---------------------------------------------------------------- outputs

#[test]
fn excel_gets_a_byte_order_mark_and_every_script_intact() {
    let kit = Kit::new();
    let names = [
        ("陈", "美玲"),
        ("지민", "김"),
        ("สมชาย", "ใจดี"),
        ("مريم", "حداد"),
    ];
    let signers: Vec<Signer> = names
        .iter()
        .enumerate()
        .map(|(i, (f, l))| signer(f, l, "", &format!("p{i}@example.org")))
        .collect();
    let export = kit.export(&signers);
    let out = kit.path("excel.csv");
    ok(&kit.decrypt(&export, &["-o", out.to_str().unwrap(), "--excel"]));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM first");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    for (f, l) in names {
        assert!(text.contains(&format!("{f},{l},")), "{text}");
    }
    assert!(
        std::fs::read(kit.path("excel.review.csv"))
            .unwrap()
            .starts_with(&[0xEF, 0xBB, 0xBF])
    );

    let plain = kit.path("plain.csv");
    ok(&kit.decrypt(&export, &["-o", plain.to_str().unwrap()]));
    assert!(std::fs::read(&plain).unwrap().starts_with(b"first_name,"));
}

#[test]
fn csv_cells_never_start_like_a_formula_and_json_keeps_them_exact() {
    let kit = Kit::new();
    let export = kit.export(&[
        signer(
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+1",
            "@SUM(A1:A9)",
            "-x@example.org",
        ),
        signer("Ana", "Ruiz", "Colectivo, \"Sur\"", "ana@example.org"),
    ]);
    let out = kit.path("safe.csv");
    ok(&kit.decrypt(&export, &["-o", out.to_str().unwrap()]));
    let rows = csv_rows(&out);
    assert_eq!(rows[0][0], "'=HYPERLINK(\"http://evil.example\",\"x\")");
    assert_eq!(rows[0][1], "'+1");
    assert_eq!(rows[0][2], "'@SUM(A1:A9)");
    assert_eq!(rows[0][3], "'-x@example.org");
    assert_eq!(
        rows[1][2], "Colectivo, \"Sur\"",
        "ordinary values untouched"
    );

    let json = kit.path("exact.jsonl");
    ok(&kit.decrypt(&export, &["--format", "json", "-o", json.to_str().unwrap()]));
    let first: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&json)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        first["first_name"],
        "=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    assert!(first["id"].as_str().unwrap().len() == 64);
}

#[test]
fn the_public_list_names_only_signers_who_opted_in() {
    let kit = Kit::new();
    let export = kit.export(&[
        signer(
            "Thảo",
            "D'Souza-Kim",
            "Shelter \"North\" <i>",
            "t@example.org",
        )
        .public(),
        signer("Private", "Person", "Hidden Org", "p@example.org"),
        signer("مريم", "حداد", "", "m@example.org").public(),
        signer("Bot", "Public", "Spam Inc", "bot@example.org")
            .public()
            .flagged(&["honeypot"]),
        signer("Dup", "Public", "", "m@example.org")
            .public()
            .on("2026-12-24"),
    ]);
    let (md, html) = kit.public_list(&export);
    for text in [&md, &html] {
        assert!(text.contains("2 people signed publicly"), "{text}");
        for absent in ["Private", "Hidden Org", "Bot", "Spam", "Dup"] {
            assert!(
                !text.contains(absent),
                "{absent} must not be listed: {text}"
            );
        }
        assert!(text.contains("Thảo") && text.contains("مريم"));
        assert!(!text.contains("@example.org"), "no email is ever published");
    }
    assert!(
        md.contains("- Thảo D'Souza-Kim — Shelter \"North\" \\<i\\>"),
        "{md}"
    );
    assert!(html.contains("Shelter &quot;North&quot; &lt;i&gt;"));
    assert!(!html.contains("<i>") && !html.contains("<script"));
}

#[test]
fn consent_to_be_listed_holds_only_when_every_copy_asked() {
    let kit = Kit::new();
    // The same person signed twice; only the earlier (kept) copy asked to be
    // listed. Which copy is kept is chance: their name must not be published.
    let export = kit.export(&[
        signer("Twice", "Signed", "", "twice@example.org")
            .public()
            .on("2026-11-20"),
        signer("Twice", "Again", "", "twice@example.org").on("2026-11-25"),
        signer("Once", "Public", "", "once@example.org").public(),
    ]);
    let (md, _) = kit.public_list(&export);
    assert!(md.contains("Once Public"), "{md}");
    assert!(
        !md.contains("Twice"),
        "listed against one copy's wish: {md}"
    );
    // The spreadsheet says what the public list does…
    let rows = csv_rows(&kit.path("s.csv"));
    let twice = rows.iter().find(|r| r[1] == "Signed").unwrap();
    assert_eq!(twice[7], "no", "{twice:?}");
    // …and the review file says why.
    let review = csv_rows(&kit.path("s.review.csv"));
    assert_eq!(review.len(), 1);
    assert!(
        review[0][9].contains("did not ask to be listed publicly"),
        "{:?}",
        review[0]
    );
}

#[test]
fn the_report_is_one_self_contained_page_with_totals_and_a_chart() {
    let kit = Kit::new();
    let mut signers = vec![
        signer("A", "A", "Union", "a@example.org")
            .public()
            .lang("fr"),
        signer("B", "B", "union", "b@example.org")
            .public()
            .on("2026-11-30"),
        signer("C", "C", "", "c@example.org").on("2026-11-30"),
        signer("C", "Again", "", "c@example.org").on("2026-12-01"),
        signer("H", "Pot", "", "h@example.org").flagged(&["honeypot"]),
    ];
    signers[2].check = Check::None;
    let export = kit.export(&signers);
    let out = kit.path("s.csv");
    let report = kit.path("report.html");
    ok(&kit.decrypt(
        &export,
        &[
            "-o",
            out.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
    ));
    assert_eq!(mode(&report), 0o600);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("<div class=\"big\">3</div><div>signatures kept</div>"));
    assert!(html.contains("<div class=\"big\">1</div><div>duplicates dropped"));
    assert!(html.contains("<div class=\"big\">1</div><div>set aside as suspicious"));
    assert!(html.contains("<svg"), "a chart drawn inline");
    assert!(
        html.contains("<title>2026-11-29: 0</title>"),
        "days without signatures show"
    );
    assert!(
        html.contains(">Union</td>"),
        "top affiliations, case-folded"
    );
    for banned in [
        "<script", "http:", "https:", "<link", "<img", "src=", "@import",
    ] {
        assert!(
            !html.contains(banned),
            "the report must be self-contained: {banned}"
        );
    }
}

#[test]
fn encrypt_to_leaves_no_plaintext_on_disk() {
    let kit = Kit::new();
    let vault = age::x25519::Identity::generate();
    let export = kit.export(&[
        signer("Canary", "Sealed", "", "canary@example.org").public(),
        signer("Canary", "Twice", "", "canary@example.org").on("2026-12-01"),
    ]);
    let out = kit.path("s.csv.age");
    let report = kit.path("r.html.age");
    let list = kit.path("pub");
    ok(&kit.decrypt(
        &export,
        &[
            "-o",
            out.to_str().unwrap(),
            "--encrypt-to",
            &vault.to_public().to_string(),
            "--report",
            report.to_str().unwrap(),
            "--public-list",
            list.to_str().unwrap(),
        ],
    ));
    let review = kit.path("s.review.csv.age");
    let files = [
        out.clone(),
        review,
        kit.path("s.suspicious.csv.age"),
        report,
        kit.path("pub.md.age"),
        kit.path("pub.html.age"),
    ];
    for f in &files {
        let bytes = std::fs::read(f).unwrap_or_else(|_| panic!("{} written", f.display()));
        assert!(
            hits(&bytes, "Canary") == 0,
            "{} holds plaintext",
            f.display()
        );
        assert_eq!(mode(f), 0o600);
        age::decrypt(&vault, &bytes).expect("the recipient opens every output");
    }
    let csv =
        String::from_utf8(age::decrypt(&vault, &std::fs::read(&out).unwrap()).unwrap()).unwrap();
    assert!(csv.contains("Canary,Sealed,"), "{csv}");
    // And no other file appeared: no plaintext spool, no stray output.
    let mut names: Vec<String> = std::fs::read_dir(kit.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("export-") && n != "organizer.key")
        .collect();
    names.sort();
    assert_eq!(names.len(), files.len(), "{names:?}");
}

#[test]
fn a_bad_export_leaves_no_file_at_all() {
    let kit = Kit::new();
    let export = kit.export(&[
        signer("A", "A", "", "a@example.org").public(),
        signer("A", "B", "", "a@example.org"),
    ]);
    let bytes = std::fs::read(&export).unwrap();
    std::fs::write(&export, &bytes[..bytes.len() - 40]).unwrap();
    let o = kit.decrypt_everything(&export);
    assert!(one_error_line(&o).contains("truncated"));
    let left: Vec<_> = std::fs::read_dir(kit.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "only the key and the export: {left:?}");
}

#[test]
fn decrypt_refuses_to_overwrite_its_own_export() {
    let kit = Kit::new();
    let export = kit.export(&[signer("A", "A", "", "a@example.org")]);
    let before = std::fs::read(&export).unwrap();
    let o = kit.decrypt(&export, &["-o", export.to_str().unwrap()]);
    assert!(one_error_line(&o).contains("is the export itself"));
    assert_eq!(std::fs::read(&export).unwrap(), before);
}

// ---------------------------------------------------------------- untrusted records

/// The terminal title sequence: ESC ] 0 ; X BEL.
const ESCAPE: &str = "\u{1b}]0;X\u{7}";

/// A record nobody's server wrote: a terminal escape in every text field and
/// in `flags`, otherwise as the server writes them.
fn forged(email: &str, day: &str) -> serde_json::Value {
    serde_json::json!({
        "v": 1, "petition": "open-letter",
        "first_name": format!("Forged{ESCAPE}"), "last_name": ESCAPE,
        "affiliation": format!("Org{ESCAPE}"), "email": format!("{ESCAPE}{email}"),
        "public": true, "lang": "en", "day": day, "check": "pow",
        "flags": ["no_token", ESCAPE], "pad": "",
    })
}

fn holds_no_escape(what: &str, bytes: &[u8]) {
    assert!(
        !bytes.contains(&0x1b) && !bytes.contains(&0x07),
        "{what} carries ESC or BEL"
    );
}

/// Every file in the kit's folder but the key and the exports.
fn outputs(kit: &Kit) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(kit.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.starts_with("export-") && name != "organizer.key"
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_forged_record_is_set_aside_with_why_and_nothing_written_carries_an_escape() {
    let kit = Kit::new();
    let export = kit.export_with_forged(
        &[
            signer("Real", "Person", "Shelter", "real@example.org").public(),
            signer("Ana", "Ruiz", "", "ana@example.org").on("2026-11-30"),
        ],
        // The second uses a real signer's email on an earlier day: it must not
        // push the real signature out as a duplicate.
        &[
            forged("x@example.org", "2026-11-28"),
            forged("real@example.org", "2026-11-01"),
        ],
    );
    let out = kit.path("s.csv");
    let o = kit.decrypt_everything(&export);
    ok(&o);
    holds_no_escape("stdout", &o.stdout);
    holds_no_escape("stderr", &o.stderr);
    let err = stderr(&o);
    assert!(err.contains("4 records: 2 written, 0 duplicates"), "{err}");
    assert!(err.contains("2 records set aside as malformed"), "{err}");
    assert!(err.contains("reason column of"), "{err}");
    assert!(!err.contains("Forged") && !err.contains("0;X"), "{err}");
    let files = outputs(&kit);
    assert_eq!(files.len(), 6, "{files:?}");
    for f in &files {
        holds_no_escape(&f.display().to_string(), &std::fs::read(f).unwrap());
    }
    let kept: Vec<String> = csv_rows(&out).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(kept, ["Real", "Ana"]);
    let aside = csv_rows(&kit.path("s.suspicious.csv"));
    assert_eq!(aside.len(), 2);
    assert_eq!(
        aside[0][0], "Forged\\u{1b}]0;X\\u{7}",
        "made visible, not lost"
    );
    assert_eq!(aside[0][8], "no_token \\u{1b}]0;X\\u{7}");
    let reason = &aside[0][9];
    for key in ["first_name", "last_name", "affiliation", "email", "flags"] {
        assert!(reason.contains(key), "{reason}");
    }
    assert!(
        !reason.contains("0;X"),
        "a reason never repeats a value: {reason}"
    );
    for public in ["pub.md", "pub.html", "r.html"] {
        let text = std::fs::read_to_string(kit.path(public)).unwrap();
        assert!(
            !text.contains("Forged") && !text.contains("Org"),
            "{public}"
        );
    }

    // JSON Lines keeps suspicious records: the malformed ones get their own file.
    let json = kit.path("s.jsonl");
    let o = kit.decrypt(&export, &["--format", "json", "-o", json.to_str().unwrap()]);
    ok(&o);
    holds_no_escape("stderr", &o.stderr);
    let text = std::fs::read_to_string(kit.path("s.malformed.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["last_name"], "\\u{1b}]0;X\\u{7}");
    assert!(rows[0]["reason"].as_str().unwrap().contains("email"));
    assert!(
        !text.contains("\\u001b") && !text.contains("\\u0007"),
        "{text}"
    );
    assert_eq!(std::fs::read_to_string(&json).unwrap().lines().count(), 2);

    // Standard output: the good records only; the others counted, and said so.
    let o = kit.decrypt(&export, &["-o", "-"]);
    ok(&o);
    holds_no_escape("stdout", &o.stdout);
    holds_no_escape("stderr", &o.stderr);
    assert_eq!(stdout(&o).lines().count(), 3, "header and two signatures");
    assert!(stderr(&o).contains("not listed anywhere"), "{}", stderr(&o));

    // --keep-suspicious never keeps a malformed record.
    let all = kit.path("all.csv");
    ok(&kit.decrypt(&export, &["-o", all.to_str().unwrap(), "--keep-suspicious"]));
    assert_eq!(csv_rows(&all).len(), 2);
    assert_eq!(csv_rows(&kit.path("all.malformed.csv")).len(), 2);
}

/// Writes `text` at each path with mode 0644, as an older run or another tool might have.
fn older_files(paths: &[PathBuf]) {
    for p in paths {
        std::fs::write(p, "older\n").unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
}

#[test]
fn every_output_is_a_new_0600_file_even_over_an_older_0644_one() {
    let kit = Kit::new();
    let vault = age::x25519::Identity::generate();
    let export = kit.export(&[
        signer("A", "A", "", "a@example.org").public(),
        signer("A", "B", "", "a@example.org").on("2026-12-01"),
        signer("H", "Pot", "", "h@example.org").flagged(&["honeypot"]),
    ]);
    for sealed in [false, true] {
        let age = if sealed { ".age" } else { "" };
        let name = |n: &str| kit.path(&format!("{n}{age}"));
        let files = [
            name("s.csv"),
            name("s.review.csv"),
            name("s.suspicious.csv"),
            name("r.html"),
            name("pub.md"),
            name("pub.html"),
        ];
        older_files(&files);
        let mut args = vec![
            "-o".to_string(),
            files[0].display().to_string(),
            "--report".into(),
            files[3].display().to_string(),
            "--public-list".into(),
            kit.path("pub").display().to_string(),
        ];
        if sealed {
            args.extend(["--encrypt-to".into(), vault.to_public().to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&kit.decrypt(&export, &args));
        for f in &files {
            assert_eq!(mode(f), 0o600, "{}", f.display());
            assert_ne!(std::fs::read(f).unwrap(), b"older\n", "{}", f.display());
        }
    }
}

#[test]
fn a_symlink_at_an_output_path_is_replaced_never_followed() {
    let kit = Kit::new();
    let export = kit.export(&[
        signer("A", "A", "", "a@example.org").public(),
        signer("A", "B", "", "a@example.org").on("2026-12-01"),
    ]);
    let elsewhere = tempfile::tempdir().unwrap();
    let names = [
        "s.csv",
        "s.review.csv",
        "s.suspicious.csv",
        "r.html",
        "pub.md",
    ];
    for name in names {
        let victim = elsewhere.path().join(name);
        std::fs::write(&victim, "victim\n").unwrap();
        std::os::unix::fs::symlink(&victim, kit.path(name)).unwrap();
    }
    ok(&kit.decrypt_everything(&export));
    for name in names {
        let victim = elsewhere.path().join(name);
        assert_eq!(
            std::fs::read(&victim).unwrap(),
            b"victim\n",
            "{name} followed"
        );
        let link = std::fs::symlink_metadata(kit.path(name)).unwrap();
        assert!(link.is_file(), "{name} is now a file of its own");
        assert_eq!(mode(&kit.path(name)), 0o600);
    }
}

#[test]
fn an_output_naming_a_key_file_is_refused_before_anything_is_read() {
    let kit = Kit::new();
    let export = kit.export(&[signer("A", "A", "", "a@example.org")]);
    let key = std::fs::read(&kit.key).unwrap();
    let linked = kit.path("link-to-key");
    std::os::unix::fs::symlink(&kit.key, &linked).unwrap();
    let key_path = kit.key.to_str().unwrap();
    for args in [
        vec!["-o", key_path],
        vec!["-o", linked.to_str().unwrap()],
        vec![
            "-o",
            kit.path("s.csv").to_str().unwrap(),
            "--report",
            key_path,
        ],
        vec![
            "-o",
            kit.path("s.csv").to_str().unwrap(),
            "--review",
            key_path,
        ],
    ] {
        let o = kit.decrypt(&export, &args);
        let line = one_error_line(&o);
        assert!(line.contains("is an identity file given with -i"), "{line}");
        assert_eq!(std::fs::read(&kit.key).unwrap(), key, "the key is intact");
    }
    // The passphrase file is read too.
    let pass = kit.path("pass.txt");
    std::fs::write(&pass, "not needed here\n").unwrap();
    let o = kit.decrypt(
        &export,
        &[
            "--passphrase-file",
            pass.to_str().unwrap(),
            "-o",
            pass.to_str().unwrap(),
        ],
    );
    assert!(one_error_line(&o).contains("is the --passphrase-file"));
    assert_eq!(std::fs::read(&pass).unwrap(), b"not needed here\n");
    // Nor the name an output is written under before it takes its own.
    let partial_key = kit.path("k.partial");
    std::fs::copy(&kit.key, &partial_key).unwrap();
    let o = run(&[
        "decrypt",
        "-i",
        partial_key.to_str().unwrap(),
        export.to_str().unwrap(),
        "-o",
        kit.path("k").to_str().unwrap(),
    ]);
    assert!(one_error_line(&o).contains("written first as"));
    assert_eq!(std::fs::read(&partial_key).unwrap(), key);
}

#[test]
fn a_failed_run_leaves_older_files_as_they_were_and_no_new_file() {
    let kit = Kit::new();
    let export = kit.export(&[
        signer("A", "A", "", "a@example.org").public(),
        signer("A", "B", "", "a@example.org").on("2026-12-01"),
        signer("H", "Pot", "", "h@example.org").flagged(&["honeypot"]),
    ]);
    let out = kit.path("s.csv");
    older_files(std::slice::from_ref(&out));
    let folder = kit.path("report-folder");
    std::fs::create_dir(&folder).unwrap();
    std::fs::create_dir(kit.path("r.html.partial")).unwrap();
    let before = outputs(&kit);
    let decrypt = |report: &Path| {
        kit.decrypt(
            &export,
            &[
                "-o",
                out.to_str().unwrap(),
                "--public-list",
                kit.path("pub").to_str().unwrap(),
                "--report",
                report.to_str().unwrap(),
            ],
        )
    };
    let check = |o: &Output| {
        let line = one_error_line(o);
        assert_eq!(std::fs::read(&out).unwrap(), b"older\n", "{line}");
        assert_eq!(mode(&out), 0o644, "untouched, mode included");
        assert_eq!(outputs(&kit), before, "no file of this run is left: {line}");
        line
    };
    // The report is written last: a folder named as the report.
    let line = check(&decrypt(&folder));
    assert!(line.contains("is a folder"), "{line}");
    // Half-way: the spreadsheet, review, suspicious and public list files are
    // written when the report's new file cannot be made.
    let line = check(&decrypt(&kit.path("r.html")));
    assert!(line.contains("r.html"), "{line}");
}

// ---------------------------------------------------------------- scale

/// Peak resident memory of a child, read from /proc while it runs (VmHWM only
/// grows, so the last reading is the peak up to then).
fn run_measuring_peak_kib(args: &[&str]) -> (Output, u64) {
    let mut child = std::process::Command::new(BIN)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        if let Some((_, hwm)) = memory_kib(child.id()) {
            peak = peak.max(hwm);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (child.wait_with_output().unwrap(), peak)
}

#[test]
fn a_hundred_thousand_records_decrypt_in_bounded_memory() {
    const N: usize = 100_000;
    let kit = Kit::new();
    let recipients = Recipients::parse(&kit.recipient).unwrap();
    let export = kit.path("big.jsonl");
    let started = std::time::Instant::now();
    // Every record is its own age file; sealed on all cores, 10,000 at a time
    // so the test itself stays small. Ten emails come twice.
    let sealed = (0..N).step_by(10_000).flat_map(|start| {
        (start..start + 10_000)
            .into_par_iter()
            .map(|i| {
                let email = format!("s{}@example.org", i % (N - 10));
                signer("Scale", &i.to_string(), "", &email).seal(&recipients)
            })
            .collect::<Vec<_>>()
    });
    write_export(&export, recipients.fingerprint(), N as u64, sealed);
    let size = std::fs::metadata(&export).unwrap().len();
    assert!(size > 400_000_000, "a big export: {size} bytes");

    let sealed_in = started.elapsed();
    let started = std::time::Instant::now();
    let out = kit.path("big.csv");
    let (o, peak_kib) = run_measuring_peak_kib(&[
        "decrypt",
        "-i",
        kit.key.to_str().unwrap(),
        export.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    assert!(
        stderr(&o).contains(&format!("{N} records: {} written, 10 duplicates", N - 10)),
        "{}",
        stderr(&o)
    );
    let peak_mb = peak_kib / 1024;
    eprintln!(
        "{N} records sealed in {:.1} s, decrypted in {:.1} s ({} MB export): peak RSS {peak_mb} MB",
        sealed_in.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        size >> 20
    );
    assert!(
        peak_mb < 150,
        "peak RSS {peak_mb} MB for a {} MB export",
        size >> 20
    );
}
