//! End to end over real HTTP with a real sled folder: sign, count, export, decrypt.

mod common;
use common::*;

#[test]
fn every_field_comes_back_exactly_in_any_script() {
    let org = Org::new();
    let server = Server::start(&org);
    let long_first = "陈".repeat(100);
    let long_aff = "🌸".repeat(200);
    let people = [
        signer("陈", "美玲", "移民 工人 支援", "meiling@example.org"),
        signer("مريم", "حداد", "", "maryam@example.org"),
        signer(
            "Thảo 🌸",
            "D'Souza-Kim",
            "Shelter \"North\" <i>",
            "thao+kim@example.org",
        ),
        signer(&long_first, "O'Brien & Søn", &long_aff, "long@example.org"),
        signer("A", "B", "C", "a@b.co"),
    ];
    let mut receipts = Vec::new();
    for p in &people {
        let r = server.sign_json(&pairs(p));
        assert_eq!(r.status, 200, "{}", r.text());
        receipts.push(r.receipt().expect("a receipt"));
    }
    assert_eq!(server.count(), people.len() as u64);
    drop(server);

    let records = org.decrypt(&org.export());
    assert_eq!(records.len(), people.len());
    for p in &people {
        let found = records.iter().any(|r| {
            r["first_name"] == p[0].1.as_str()
                && r["last_name"] == p[1].1.as_str()
                && r["affiliation"] == p[2].1.as_str()
                && r["email"] == p[3].1.as_str()
        });
        assert!(found, "a signer's fields did not come back exactly");
    }
    for r in &records {
        assert_eq!(r["v"], 2);
        assert_eq!(r["sealed"], "server");
        assert_eq!(r["petition"], "rights-not-raids");
        assert_eq!(r["check"], "none");
        assert_eq!(r["public"], false);
        assert_eq!(r["day"].as_str().unwrap().len(), 10);
    }
    // Receipt codes are distinct and never appear in the export.
    let mut unique = receipts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), receipts.len());
}

#[test]
fn html_signing_gives_a_receipt_page_and_keeps_choices() {
    let org = Org::new();
    let server = Server::start(&org);
    let mut p = signer("Amélie", "Roy", "", "amelie@example.org");
    p.push(("public".into(), "yes".into()));
    p.push(("lang".into(), "fr".into()));
    let r = server.sign_html(&pairs(&p));
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let code = r.receipt().expect("id=\"receipt-code\" on the page");
    assert_eq!(code.len(), 33, "27 characters in groups of four");
    assert_eq!(r.header("connection").as_deref(), Some("close"));
    drop(server);
    let records = org.decrypt(&org.export());
    assert_eq!(records[0]["public"], true);
    assert_eq!(records[0]["lang"], "fr");
}

#[test]
fn invalid_forms_get_422_with_every_problem_and_nothing_is_kept() {
    let org = Org::new();
    let server = Server::start(&org);
    // The demo asks for a name in either box, and an email.
    let r = server.sign_json(&[("first_name", ""), ("last_name", ""), ("email", "nope")]);
    assert_eq!(r.status, 422);
    let errors = &r.json()["errors"];
    assert!(errors["first_name"].is_string(), "no name at all");
    assert!(errors["email"].is_string());
    assert!(errors["consent"].is_string());
    assert!(errors.get("last_name").is_none());

    // The HTML answer re-renders the form with what was typed and a summary on top.
    let r = server.sign_html(&[("first_name", "Keep<Me>"), ("last_name", ""), ("email", "")]);
    assert_eq!(r.status, 422);
    let page = r.text();
    assert!(page.contains("class=\"error-summary\""));
    assert!(
        page.contains("value=\"Keep&#60;Me&#62;\"") || page.contains("value=\"Keep&lt;Me&gt;\""),
        "{page}"
    );
    assert!(page.contains("href=\"#email\""));
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(!page.contains("Keep<Me>"), "typed values are escaped");

    let long = "x".repeat(101);
    let r = server.sign_json(&pairs(&signer(&long, "B", "", "a@b.co")));
    assert_eq!(r.status, 422);
    let r = server.sign_json(&pairs(&signer("Bell\u{7}", "B", "", "a@b.co")));
    assert_eq!(r.status, 422);
    assert_eq!(server.count(), 0);
}

#[test]
fn malformed_bodies_get_clear_errors_and_the_server_keeps_serving() {
    let org = Org::new();
    let server = Server::start(&org);
    let form_type = [("Content-Type", "application/x-www-form-urlencoded")];
    let bad_utf8 = server.request(
        "POST",
        "/sign",
        &form_type,
        b"first_name=%FF%FE&consent=yes",
    );
    assert_eq!(bad_utf8.status, 400);
    assert!(bad_utf8.text().contains("Nothing was kept"));
    let repeated = server.request("POST", "/sign", &form_type, b"email=a&email=b");
    assert_eq!(repeated.status, 400);
    let huge = vec![b'a'; 64 * 1024];
    let too_big = server.request("POST", "/sign", &form_type, &huge);
    assert!(
        too_big.status == 413 || too_big.status == 0,
        "status {}",
        too_big.status
    );
    let raw_garbage = server.request("POST", "/sign", &form_type, &[0xff; 300]);
    assert_eq!(raw_garbage.status, 400);
    assert_eq!(server.get("/healthz").status, 200);
    assert_eq!(server.count(), 0);
}

#[test]
fn pages_work_without_javascript() {
    let org = Org::new();
    let server = Server::start(&org);
    let page = server.get("/").text();
    assert!(page.contains("<form method=\"post\" action=\"/sign\""));
    for field in [
        "first_name",
        "last_name",
        "affiliation",
        "email",
        "consent",
        "public",
    ] {
        assert!(
            page.contains(&format!("<label for=\"{field}\"")),
            "no label for {field}"
        );
        assert!(
            page.contains(&format!("name=\"{field}\"")),
            "no input {field}"
        );
    }
    // Scripts only enhance (proof-of-work, sealing in the browser); none is
    // inline (the one data block is JSON, never run), none is needed to sign.
    for script in page.split("<script").skip(1) {
        let script = script.trim_start();
        assert!(
            script.starts_with("src=\"/static/")
                || script.starts_with("type=\"application/json\" id=\"sign-texts\">"),
            "inline or foreign script"
        );
    }
    assert!(page.contains("How are my details kept safe?"));
    // The public listing is opt-in.
    let public = page
        .split("id=\"public\"")
        .nth(1)
        .unwrap()
        .split('>')
        .next()
        .unwrap();
    assert!(!public.contains("checked"));
    let css = server.get("/static/style.css");
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(server.get("/nowhere").status, 404);
}

#[test]
fn language_comes_from_the_query_then_the_browser() {
    let org = Org::new();
    let server = Server::start(&org);
    let fr = server.get("/?lang=fr").text();
    assert!(fr.contains("<html lang=\"fr\""));
    let browser = server.request(
        "GET",
        "/",
        &[("Accept-Language", "de;q=0.9, fr-CA;q=0.8, en;q=0.1")],
        b"",
    );
    assert!(browser.text().contains("<html lang=\"fr\""));
    let unknown = server.get("/?lang=xx").text();
    assert!(unknown.contains("<html lang=\"en\""));
}

#[test]
fn count_and_health_answer_json_and_text() {
    let org = Org::new();
    let server = Server::start(&org);
    let r = server.get("/count");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let v = r.json();
    assert_eq!(v["count"], 0);
    assert_eq!(v["goal"], 5000);
    assert_eq!(server.get("/healthz").text(), "ok\n");
}

#[test]
fn graceful_stop_keeps_everything_and_exits_zero() {
    let org = Org::new();
    let mut server = Server::start(&org);
    for i in 0..5 {
        let r = server.sign_json(&pairs(&signer(
            &format!("G{i}"),
            "Stop",
            "",
            &format!("g{i}@example.org"),
        )));
        assert_eq!(r.status, 200);
    }
    assert!(server.stop().success());
    assert!(server.output().contains("stopped"));
    assert_eq!(org.decrypt(&org.export()).len(), 5);
}
