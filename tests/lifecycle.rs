//! A petition's life: withdrawal, receipt checks, counting, closing, pausing, purging, retention.

mod common;
use common::*;

use std::time::{Duration, Instant};

fn post(server: &Server, path: &str, body: &str) -> Response {
    server.request(
        "POST",
        path,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        body.as_bytes(),
    )
}

fn post_html(server: &Server, path: &str, body: &str) -> Response {
    server.request(
        "POST",
        path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
}

fn counted(server: &Server, code: &str) -> bool {
    let r = post(server, "/receipt", &format!("code={code}"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["counted"].as_bool().unwrap()
}

#[test]
fn withdraw_round_trip() {
    let org = Org::new();
    let mut server = Server::start(&org);
    let keep = server
        .sign_json(&pairs(&signer("Stay", "Here", "", "stay@example.org")))
        .receipt()
        .unwrap();
    let code = server
        .sign_json(&pairs(&signer("Go", "Away", "", "go@example.org")))
        .receipt()
        .unwrap();
    assert_eq!(server.count(), 2);
    assert!(counted(&server, &code));

    // The HTML page answers neutrally and never shows the code.
    let r = post_html(&server, "/withdraw", &format!("code={code}"));
    assert_eq!(r.status, 200);
    assert!(r.text().contains("is now deleted"));
    assert!(!r.text().contains(&code));
    assert_eq!(r.header("connection").as_deref(), Some("close"));
    assert_eq!(server.count(), 1);
    assert!(
        !counted(&server, &code),
        "the old code now says not counted"
    );
    assert!(counted(&server, &keep));
    server.stop();

    let records = org.decrypt(&org.export());
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["email"], "stay@example.org");
}

#[test]
fn a_wrong_code_gets_the_same_answer_in_the_same_time() {
    let org = Org::new();
    let server = Server::start(&org);
    let code = server
        .sign_json(&pairs(&signer("Real", "Code", "", "r@example.org")))
        .receipt()
        .unwrap();
    // Well formed (its check character matches), but no signature's code.
    let wrong = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAA";
    let timed = |c: &str| {
        let t = Instant::now();
        let r = post_html(&server, "/withdraw", &format!("code={c}"));
        (r.status, r.text().replace(c, ""), t.elapsed())
    };
    let (s1, text1, t1) = timed(wrong);
    let (s2, text2, t2) = timed(&code);
    assert_eq!((s1, &text1), (s2, &text2), "same status and page");
    let floor = Duration::from_millis(800);
    assert!(
        t1 >= floor && t2 >= floor,
        "both wait the same floor: {t1:?} {t2:?}"
    );
    assert!(
        t1.abs_diff(t2) < Duration::from_millis(400),
        "{t1:?} vs {t2:?}"
    );
    assert_eq!(server.count(), 0);
}

#[test]
fn malformed_codes_are_refused_without_echo() {
    let org = Org::new();
    let server = Server::start(&org);
    for bad in ["", "12345", "not a code at all!", "%FF%FE", &"A".repeat(40)] {
        let r = post_html(&server, "/withdraw", &format!("code={bad}"));
        assert_eq!(r.status, 422, "{bad}");
        assert!(r.text().contains("not a receipt code"));
        let r = post(&server, "/receipt", &format!("code={bad}"));
        assert_eq!(r.status, 422, "{bad}");
    }
    assert_eq!(server.get("/withdraw").status, 200);
    assert_eq!(server.get("/receipt").status, 200);
}

#[test]
fn a_mistyped_code_is_called_a_typo_and_tied_to_its_field() {
    let org = Org::new();
    let server = Server::start(&org);
    let code = server
        .sign_json(&pairs(&signer("Typo", "Code", "", "t@example.org")))
        .receipt()
        .unwrap();
    // One character changed, as a signer copying from paper might.
    let mut typo: Vec<char> = code.chars().collect();
    typo[5] = if typo[5] == 'B' { 'C' } else { 'B' };
    let typo: String = typo.into_iter().collect();
    for path in ["/withdraw", "/receipt"] {
        let r = post_html(&server, path, &format!("code={typo}"));
        assert_eq!(r.status, 422, "{path}");
        let page = r.text();
        assert!(page.contains("typing mistake"), "{path}: {page}");
        assert!(
            !page.contains(&typo) && !page.contains(&code),
            "the code is never shown back"
        );
        assert!(
            page.contains("aria-describedby=\"code-error code-hint\""),
            "{path}: the error is not tied to the field"
        );
        assert!(page.contains("id=\"code-error\""));
    }
    // Too short is not a typo: it is not a code at all.
    let r = post_html(&server, "/withdraw", &format!("code={}", &code[..20]));
    assert!(r.text().contains("not a receipt code"));
    assert_eq!(server.count(), 1, "nothing was withdrawn");
}

#[test]
fn code_attempts_are_rate_limited() {
    let org = Org::new();
    let config = org.config("[limits]\ncode_attempts_burst = 2\ncode_attempts_per_hour = 1\n");
    let server = Server::start_with(&org, &config, &[], &[]);
    for _ in 0..2 {
        assert_eq!(
            post(&server, "/receipt", "code=AAAAAAAAAAAAAAAAAAAAAAAAAAA").status,
            200
        );
    }
    assert_eq!(
        post(&server, "/receipt", "code=AAAAAAAAAAAAAAAAAAAAAAAAAAA").status,
        429
    );
    assert_eq!(
        post_html(&server, "/withdraw", "code=AAAAAAAAAAAAAAAAAAAAAAAAAAA").status,
        429
    );
}

#[test]
fn the_receipt_page_explains_withdrawal_without_a_code_in_any_link() {
    let org = Org::new();
    let server = Server::start(&org);
    let r = server.sign_html(&pairs(&signer("Link", "Less", "", "l@example.org")));
    let code = r.receipt().unwrap();
    let page = r.text();
    assert!(page.contains("href=\"/withdraw"));
    for href in page.split("href=\"").skip(1) {
        let url = &href[..href.find('"').unwrap()];
        assert!(
            !url.contains(&code) && !url.contains(&code.replace('-', "")),
            "{url}"
        );
    }
    assert!(r.header("location").is_none());
}

#[test]
fn count_is_cacheable_and_the_page_shows_progress() {
    let org = Org::new();
    let server = Server::start(&org);
    server.sign_json(&pairs(&signer("One", "Signer", "", "o@example.org")));
    let r = server.get("/count");
    let cc = r.header("cache-control").unwrap();
    assert!(
        cc.contains("max-age=10") && cc.contains("stale-while-revalidate"),
        "{cc}"
    );
    // The page shows the public log's count, which moves once per batch.
    wait_for_batch();
    let page = server.get("/").text();
    assert!(
        page.contains("<progress max=\"5000\" value=\"1\""),
        "a progress bar without JavaScript"
    );
}

#[test]
fn a_closed_petition_refuses_signing_and_keeps_its_count() {
    let org = Org::new();
    let config = org.config("");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("closes = 2027-06-30", "closes = 2020-01-01");
    std::fs::write(&config, text).unwrap();
    let server = Server::start_with(&org, &config, &[], &[]);
    let page = server.get("/").text();
    assert!(page.contains("Signing has closed"));
    assert!(!page.contains("action=\"/sign\""));
    assert!(page.contains("signatures"));
    let r = server.sign_html(&pairs(&signer("Too", "Late", "", "t@example.org")));
    assert_eq!(r.status, 410);
    assert!(r.text().contains("no longer accepts"));
    assert_eq!(server.count(), 0);
}

#[test]
fn signing_pauses_and_resumes_on_sighup() {
    let org = Org::new();
    let config = org.config("[limits]\nenabled = false\n");
    let server = Server::start_with(&org, &config, &[], &[]);
    assert!(
        server
            .sign_json(&pairs(&signer("Before", "Pause", "", "b@example.org")))
            .receipt()
            .is_some()
    );

    let text = std::fs::read_to_string(&config).unwrap();
    let paused = text.replacen("[petition]", "[petition]\npaused = true", 1);
    let hup = |s: &Server, want: usize| {
        s.hup();
        let deadline = Instant::now() + Duration::from_secs(10);
        while s.output().matches("reloaded the petition").count() < want {
            assert!(Instant::now() < deadline, "no reload: {}", s.output());
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    std::fs::write(&config, &paused).unwrap();
    hup(&server, 1);
    assert!(server.get("/").text().contains("Signing is paused"));
    let r = server.sign_json(&pairs(&signer("During", "Pause", "", "d@example.org")));
    assert_eq!(r.status, 503);
    assert!(r.receipt().is_none());

    // A broken edit is refused and the running petition kept.
    std::fs::write(&config, paused.replace("paused = true", "paused = maybe")).unwrap();
    server.hup();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.output().contains("reload refused") {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::write(&config, &text).unwrap();
    hup(&server, 2);
    assert!(
        server
            .sign_json(&pairs(&signer("After", "Pause", "", "a@example.org")))
            .receipt()
            .is_some()
    );
    assert_eq!(server.count(), 2);
}

fn purge(org: &Org, export: &std::path::Path) -> std::process::Output {
    run(&[
        "purge",
        "--data",
        org.data.to_str().unwrap(),
        "--export",
        export.to_str().unwrap(),
    ])
}

fn sign_n(org: &Org, tag: &str, n: usize) {
    let server = Server::start(org);
    for i in 0..n {
        let r = server.sign_json(&pairs(&signer(
            tag,
            &i.to_string(),
            "",
            &format!("{tag}{i}@example.org"),
        )));
        assert!(r.receipt().is_some());
    }
}

#[test]
fn purge_deletes_exactly_what_a_verified_export_holds() {
    let org = Org::new();
    sign_n(&org, "old", 3);
    let export = org.export();
    sign_n(&org, "new", 2);

    // Truncated: refused, nothing deleted.
    let bytes = std::fs::read(&export).unwrap();
    let truncated = org.path("truncated.jsonl");
    std::fs::write(&truncated, &bytes[..bytes.len() - 40]).unwrap();
    let o = purge(&org, &truncated);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("truncated") || stderr(&o).contains("altered"),
        "{}",
        stderr(&o)
    );

    // Foreign: another petition's export, refused, nothing deleted.
    let other = Org::new();
    let other_config = other.config("").to_str().unwrap().to_string();
    let text = std::fs::read_to_string(&other_config)
        .unwrap()
        .replace("rights-not-raids", "another-petition");
    std::fs::write(&other_config, text).unwrap();
    {
        let s = Server::start_with(&other, std::path::Path::new(&other_config), &[], &[]);
        assert!(
            s.sign_json(&pairs(&signer("Other", "One", "", "x@example.org")))
                .receipt()
                .is_some()
        );
    }
    let foreign = other.export();
    let o = purge(&org, &foreign);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("belongs to petition"), "{}", stderr(&o));

    // Same petition slug but records this store does not hold: refused whole.
    let o = purge(&other, &export);
    assert!(!o.status.success());

    assert_eq!(
        org.decrypt(&org.export()).len(),
        5,
        "nothing was deleted by refused purges"
    );

    let o = purge(&org, &export);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("deleted 3 signature(s)") && stdout(&o).contains("2 remain"),
        "{}",
        stdout(&o)
    );
    // sled's files were rewritten into a fresh folder, and nothing is left of the old one.
    assert!(stdout(&o).contains("sled's files"), "{}", stdout(&o));
    for gone in ["sled.old", "sled.new", "conf"] {
        assert!(
            !org.data.join(gone).exists(),
            "{gone} is left after a purge"
        );
    }
    assert!(org.data.join("db").is_dir(), "the guard folder db/ is gone");
    let left: Vec<String> = org
        .decrypt(&org.export())
        .iter()
        .map(|r| r["first_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(left, ["new", "new"]);
}

#[test]
fn retention_refuses_to_serve_until_a_verified_purge() {
    let org = Org::new();
    sign_n(&org, "kept", 2);
    let config = org.config("");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "closes = 2027-06-30",
        "closes = 2020-01-01\nretention_days = 30",
    );
    std::fs::write(&config, &text).unwrap();
    let serve = |c: &std::path::Path| {
        run(&[
            "serve",
            "--config",
            c.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--data",
            org.data.to_str().unwrap(),
            "--recipients",
            org.recipients.to_str().unwrap(),
        ])
    };
    let o = serve(&config);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("retention") && stderr(&o).contains("undersign purge"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("closed on 2020-01-01"),
        "the last day of a bare closing date: {}",
        stderr(&o)
    );

    // At the organizer's choice, only a warning.
    let warn = org.path("warn.toml");
    std::fs::write(
        &warn,
        text.replace(
            "retention_days = 30",
            "retention_days = 30\nretention = \"warn\"",
        ),
    )
    .unwrap();
    let server = Server::start_with(&org, &warn, &[], &[]);
    assert!(server.output().contains("warning: retention"));
    drop(server);

    let export = org.export();
    assert!(purge(&org, &export).status.success());
    let server = Server::start_with(&org, &config, &[], &[]);
    // Served again. A purge is not a withdrawal: the public count keeps them.
    assert_eq!(server.count(), 2);
}

/// Signs `names` (each asking to be listed publicly); returns their receipt codes.
fn sign_public(server: &Server, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|name| {
            let mut fields = signer(
                name,
                "Public",
                "",
                &format!("{}@example.org", name.to_lowercase()),
            );
            fields.push(("public".into(), "yes".into()));
            server.sign_json(&pairs(&fields)).receipt().unwrap()
        })
        .collect()
}

/// `undersign merge -o OUT INPUTS…`.
fn merge(org: &Org, inputs: &[&std::path::Path]) -> (std::path::PathBuf, std::process::Output) {
    let out = org.path(&format!("merged-{}.jsonl", rand_suffix()));
    let mut args = vec![
        "merge".to_string(),
        "-o".into(),
        out.to_str().unwrap().into(),
    ];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap().to_string()));
    let o = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    (out, o)
}

/// Decrypts to a spreadsheet and a public list; returns the first names in
/// each, and what decrypt printed.
fn decrypt_with_list(org: &Org, export: &std::path::Path) -> (Vec<String>, String, String) {
    let sheet = org.path(&format!("sheet-{}.jsonl", rand_suffix()));
    let list = org.path(&format!("list-{}", rand_suffix()));
    let o = run(&[
        "decrypt",
        "-i",
        org.identity.to_str().unwrap(),
        export.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        sheet.to_str().unwrap(),
        "--public-list",
        list.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "decrypt failed: {}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_to_string(&sheet)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["first_name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    names.sort();
    let md = std::fs::read_to_string(format!("{}.md", list.display())).unwrap();
    (names, md, stderr(&o))
}

#[test]
fn a_withdrawal_stays_withdrawn_when_an_export_from_before_it_is_merged() {
    let org = Org::new();
    let mut server = Server::start(&org);
    let codes = sign_public(&server, &["Ana", "Bea", "Cleo"]);
    assert!(server.stop().success());
    let before = org.export();
    let mut server = Server::start(&org);
    let r = post(&server, "/withdraw", &format!("code={}", codes[1]));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(server.stop().success());
    let after = org.export();

    for inputs in [[&before, &after], [&after, &before]] {
        let (merged, o) = merge(&org, &inputs.map(|p| p.as_path()));
        assert!(o.status.success(), "{}", stderr(&o));
        let (names, list, _) = decrypt_with_list(&org, &merged);
        assert_eq!(names, ["Ana", "Cleo"], "the spreadsheet");
        assert!(
            list.contains("Ana") && list.contains("Cleo"),
            "the public list"
        );
        assert!(
            !list.contains("Bea"),
            "the withdrawn signer is listed publicly"
        );
        assert!(
            stderr(&o).contains("merged 2 records")
                && stderr(&o).contains("1 withdrawn record dropped"),
            "{}",
            stderr(&o)
        );
        // Merged again with the old export, the withdrawal still holds.
        let (twice, o) = merge(&org, &[&before, &merged]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(decrypt_with_list(&org, &twice).0, ["Ana", "Cleo"]);
    }
}

#[test]
fn decrypt_drops_a_record_its_export_lists_as_withdrawn_and_says_so() {
    let org = Org::new();
    let mut server = Server::start(&org);
    let codes = sign_public(&server, &["Ana", "Bea", "Cleo"]);
    assert!(server.stop().success());
    let before = org.export();
    let mut server = Server::start(&org);
    let r = post(&server, "/withdraw", &format!("code={}", codes[2]));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(server.stop().success());
    let after = org.export();
    // The records from before, under the withdrawn id from after: one export
    // that holds a record and its withdrawal (a concatenation by hand).
    let (header, records) = export_lines(&before);
    let (_, later) = export_lines(&after);
    let withdrawn: Vec<String> = later
        .into_iter()
        .filter(|l| l.starts_with("{\"withdrawn\":"))
        .collect();
    assert_eq!(withdrawn.len(), 1, "the export lists the withdrawn id");
    let both = org.path("both.jsonl");
    write_export(
        &both,
        &header.replace("\"v\":1,", "\"v\":2,"),
        &[withdrawn, records].concat(),
    );
    let (names, list, err) = decrypt_with_list(&org, &both);
    assert_eq!(names, ["Ana", "Bea"]);
    assert!(
        !list.contains("Cleo"),
        "the withdrawn signer is listed publicly"
    );
    assert!(
        err.contains("3 records: 2 written, ")
            && err.contains(" failed to decrypt, 1 dropped as withdrawn\n"),
        "{err}"
    );
}

#[test]
fn purge_refuses_an_export_whose_ciphertexts_were_swapped() {
    let org = Org::new();
    sign_n(&org, "kept", 2);
    let export = org.export();
    // The two ciphertexts swapped between the two ids, under a trailer that verifies.
    let (header, lines) = export_lines(&export);
    let records: Vec<serde_json::Value> = lines
        .iter()
        .filter(|l| l.starts_with("{\"id\":"))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    let swapped: Vec<String> = [(0, 1), (1, 0)]
        .iter()
        .map(|&(i, j)| {
            format!(
                "{{\"id\":{},\"age\":{}}}",
                records[i]["id"], records[j]["age"]
            )
        })
        .collect();
    let forged = org.path("swapped.jsonl");
    write_export(&forged, &header, &swapped);
    let verify = run(&[
        "merge",
        "-o",
        org.path("check.jsonl").to_str().unwrap(),
        forged.to_str().unwrap(),
        forged.to_str().unwrap(),
    ]);
    assert!(
        verify.status.success(),
        "the forged export verifies: {}",
        stderr(&verify)
    );

    let o = purge(&org, &forged);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("2 record(s) of the export differ") && err.contains("nothing was deleted"),
        "{err}"
    );
    assert_eq!(org.decrypt(&org.export()).len(), 2, "nothing was deleted");
    let o = purge(&org, &export);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `YYYY-MM-DDTHH:MM:SSZ`, `secs` from now.
fn utc_in(secs: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        t.date(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A reload that sets (or moves up) a deadline already past is checked at
/// once, not at the next daily check.
#[test]
fn a_reload_that_passes_the_retention_deadline_stops_the_server_at_once() {
    let org = Org::new();
    sign_n(&org, "kept", 1);
    let config = org.config("[limits]\nenabled = false\n");
    let mut server = Server::start_with(&org, &config, &[], &[]);
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "closes = 2027-06-30",
        &format!("closes = {}\nretention_days = 0", utc_in(-3600)),
    );
    std::fs::write(&config, text).unwrap();
    server.hup();
    let status = exit_within(&mut server, 15).expect("the reloaded deadline waited a day");
    assert!(!status.success());
    let out = server.output();
    assert!(out.contains("reloaded the petition"), "{out}");
    assert!(
        out.lines()
            .last()
            .unwrap_or_default()
            .ends_with("; stopped"),
        "{out}"
    );
}

#[test]
fn a_running_server_stops_when_the_retention_deadline_passes() {
    let org = Org::new();
    sign_n(&org, "kept", 1);
    let config = org.config("[limits]\nenabled = false\n");
    // Closes in a few seconds, with nothing to be kept after closing.
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "closes = 2027-06-30",
        &format!("closes = {}\nretention_days = 0", utc_in(8)),
    );
    std::fs::write(&config, text).unwrap();
    // Started (and checked) before the deadline…
    let mut server = Server::start_with(&org, &config, &[], &[]);
    assert_eq!(server.count(), 1);
    // …it stops once the deadline passes.
    let status = exit_within(&mut server, 40).expect("the server kept serving past the deadline");
    assert!(!status.success());
    let out = server.output();
    let last = out.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("undersign: error: retention: this petition closed on ")
            && last.contains("undersign purge")
            && last.ends_with("; stopped"),
        "{out}"
    );
}
