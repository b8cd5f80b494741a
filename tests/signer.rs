//! The signer's side, over real HTTP: informed consent before signing, every
//! page in the signer's language, names as people write them, and a receipt
//! a phone and a screen reader can use.

mod common;
use common::*;

const PAGES: [&str; 5] = ["/", "/about", "/withdraw", "/receipt", "/accessibility"];

/// Where `needle` first appears in `hay` (panics with a clear message).
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("{needle} is not on the page"))
}

#[test]
fn every_page_offers_every_language_and_names_the_organizers() {
    let org = Org::new();
    let server = Server::start(&org);
    for path in PAGES {
        let page = server.get(&format!("{path}?lang=ar")).text();
        // A link to /withdraw opened in the wrong language has a way back.
        assert!(
            page.contains("<nav class=\"langs\""),
            "{path}: no language switcher"
        );
        assert!(
            page.contains(&format!("href=\"{path}?lang=zh-Hant\"")),
            "{path}: the switcher stays on this page"
        );
        // Who runs this, and how to reach them, on every page.
        assert!(
            page.contains("Rights Not Raids coalition (demo)"),
            "{path}: no organizers"
        );
        assert!(
            page.contains("href=\"mailto:organizers@rights-not-raids.example\""),
            "{path}: no contact"
        );
    }
    let missing = server.get("/no-such-page?lang=fr").text();
    assert!(missing.contains("<nav class=\"langs\"") && missing.contains("organizers@"));
}

#[test]
fn the_signer_learns_who_sees_their_name_and_email_before_signing() {
    let org = Org::new();
    let server = Server::start(&org);
    let page = server.get("/?lang=en").text();
    let button = at(&page, "<button type=\"submit\"");
    for (question, answer) in [
        (
            "Who will see my name?",
            "Your name goes with it only if you tick",
        ),
        (
            "Who gets my email, and what for?",
            "Only the organizers see your email.",
        ),
        (
            "Who runs this petition?",
            "Rights Not Raids coalition (demo)",
        ),
    ] {
        let q = at(&page, question);
        assert!(q < at(&page, answer), "{question} comes before its answer");
        assert!(
            at(&page, answer) < button,
            "{question} is answered before the button"
        );
    }
    // The same on the About page, in the page's language when the organizers wrote it.
    let about = server.get("/about?lang=fr").text();
    assert!(about.contains("Seuls les organisateurs voient votre courriel."));
    // A language without the organizers' own texts shows the default
    // language's, marked as such for screen readers and translators.
    let thai = server.get("/?lang=th").text();
    assert!(thai.contains("lang=\"en\" dir=\"auto\">Only the organizers see your email."));
}

#[test]
fn check_refuses_a_petition_that_does_not_say_who_runs_it() {
    let org = Org::new();
    let text = std::fs::read_to_string(example_config()).unwrap();
    let start = text.find("[petition.organizers]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    let config = org.path("no-organizers.toml");
    std::fs::write(&config, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let out = run(&[
        "check",
        "--config",
        config.to_str().unwrap(),
        "--recipients",
        org.recipients.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("[petition.organizers]"), "{err}");
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
}

#[test]
fn the_form_asks_for_the_family_name_first_where_people_write_it_first() {
    let org = Org::new();
    let server = Server::start(&org);
    for (lang, family_first) in [
        ("zh-Hans", true),
        ("zh-Hant", true),
        ("ko", true),
        ("vi", true),
        ("en", false),
        ("ar", false),
        ("th", false),
    ] {
        let page = server.get(&format!("/?lang={lang}")).text();
        let given = at(&page, "id=\"first_name\"");
        let family = at(&page, "id=\"last_name\"");
        assert_eq!(family < given, family_first, "{lang}");
    }
    // The labels say which box is which.
    let page = server.get("/?lang=en").text();
    assert!(page.contains(">Given name") && page.contains(">Family name"));
}

#[test]
fn a_person_with_one_name_can_sign() {
    let org = Org::new();
    let mut server = Server::start(&org);
    let page = server.get("/?lang=en").text();
    assert!(page.contains("If you have only one name, write it in either box."));
    assert!(
        server
            .sign_json(&pairs(&signer("Sukarno", "", "", "s@example.org")))
            .receipt()
            .is_some()
    );
    assert!(
        server
            .sign_json(&pairs(&signer("", "Thein", "", "t@example.org")))
            .receipt()
            .is_some()
    );
    let none = server.sign_json(&pairs(&signer("", "", "", "n@example.org")));
    assert_eq!(none.status, 422);
    assert!(
        none.json()["errors"]["first_name"]
            .as_str()
            .unwrap()
            .contains("at least one")
    );
    server.stop();
    let mut names: Vec<String> = org
        .decrypt(&org.export())
        .iter()
        .map(|r| format!("{}|{}", r["first_name"], r["last_name"]))
        .collect();
    names.sort();
    assert_eq!(names, ["\"\"|\"Thein\"", "\"Sukarno\"|\"\""]);
}

#[test]
fn the_browser_never_blocks_the_form_in_its_own_language() {
    let org = Org::new();
    let server = Server::start(&org);
    for path in ["/", "/withdraw", "/receipt"] {
        let page = server.get(&format!("{path}?lang=ar")).text();
        let form = &page[at(&page, "<form method=\"post\"")..];
        let tag = &form[..form.find('>').unwrap()];
        assert!(tag.contains("novalidate"), "{path}: {tag}");
        assert!(
            page.contains("aria-required=\"true\""),
            "{path}: required fields are still announced"
        );
    }
    // The server's summary speaks the page's language, all problems at once.
    let r = server.sign_html(&[("lang", "ar")]);
    assert_eq!(r.status, 422);
    let page = r.text();
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(page.contains("class=\"error-summary\""));
    assert!(!page.contains("Please correct"), "not English: {page}");
}

#[test]
fn the_status_line_is_always_there_for_screen_readers() {
    let org = Org::new();
    let server = Server::start(&org);
    let page = server.get("/?lang=en").text();
    let status = &page[at(&page, "id=\"sign-status\"") - 40..];
    let tag = &status[..status.find("</p>").unwrap()];
    assert!(
        tag.contains("role=\"status\"") && tag.contains("aria-live=\"polite\""),
        "{tag}"
    );
    assert!(!tag.contains("hidden"), "present, empty, not hidden: {tag}");
    assert!(
        tag.ends_with("></p") || tag.ends_with('>'),
        "empty until needed: {tag}"
    );
    // Right after the button, where a phone's screen shows it.
    assert!(at(&page, "id=\"sign-status\"") > at(&page, "<button type=\"submit\""));
}

#[test]
fn the_receipt_is_read_letter_by_letter_and_advises_paper() {
    let org = Org::new();
    let server = Server::start(&org);
    let r = server.sign_html(&pairs(&signer("Paper", "First", "", "p@example.org")));
    let code = r.receipt().unwrap();
    let page = r.text();
    // Never machine-translated, read out one character at a time.
    let shown = &page[at(&page, "<code id=\"receipt-code\"")..];
    let tag = &shown[..shown.find('>').unwrap()];
    assert!(tag.contains("translate=\"no\""), "{tag}");
    let spoken: String = code
        .split('-')
        .map(|g| g.chars().map(String::from).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ");
    assert!(page.contains(&spoken), "no letter-by-letter reading");
    for advice in [
        "Write this code on paper now.",
        "leaves a copy on this device",
        "clipboard sync",
        "close this tab. Do not reload this page.",
    ] {
        assert!(page.contains(advice), "missing advice: {advice}");
    }
    // No language switcher here: a click away would lose the code.
    assert!(!page.contains("<nav class=\"langs\""));
}

#[test]
fn with_hcaptcha_on_the_pages_say_there_is_a_puzzle_and_that_skipping_it_still_works() {
    let org = Org::new();
    let secret = org.path("hcaptcha.secret");
    std::fs::write(&secret, "0x0000000000000000000000000000000000000000\n").unwrap();
    let config = org.config(&format!(
        "[hcaptcha]\nenabled = true\nsite_key = \"10000000-ffff-ffff-ffff-000000000001\"\nsecret_file = \"{}\"\nverify_url = \"http://127.0.0.1:9/\"\n",
        secret.display()
    ));
    let server = Server::start_with(&org, &config, &[], &[]);
    let a11y = server.get("/accessibility?lang=en").text();
    assert!(a11y.contains("puzzle from hCaptcha"), "{a11y}");
    assert!(a11y.contains("anyway: your signature is still accepted"));
    assert!(!a11y.contains("never asks you to solve a puzzle"));
    // The double-press guard and the status line come with the puzzle too.
    let page = server.get("/?lang=en").text();
    assert!(page.contains("<script src=\"/static/sign.js\""));
    assert!(page.contains("id=\"sign-status\""));
}
