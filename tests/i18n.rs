//! Every signer's language: complete translations, the right direction, the
//! right choice of language, and templates that only use messages that exist.

mod common;
use common::*;

use undersign::i18n::{CATALOG, message_ids};

const SHIPPED: [&str; 11] = [
    "ar", "en", "es", "fr", "ko", "pt", "th", "tl", "vi", "zh-Hans", "zh-Hant",
];

#[test]
fn every_required_language_is_shipped() {
    let have: Vec<&str> = CATALOG.languages().collect();
    for lang in SHIPPED {
        assert!(
            have.contains(&lang),
            "{lang} is not shipped (have {have:?})"
        );
    }
}

#[test]
fn every_language_has_every_english_message_and_no_other() {
    let english = message_ids("en");
    assert!(english.len() > 50, "the English reference looks truncated");
    for lang in CATALOG.languages().filter(|l| *l != "en") {
        let ids = message_ids(lang);
        let missing: Vec<_> = english.iter().filter(|id| !ids.contains(id)).collect();
        let extra: Vec<_> = ids.iter().filter(|id| !english.contains(id)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{lang} has messages English lacks: {extra:?}"
        );
    }
}

#[test]
fn translations_differ_from_english_and_keep_their_placeables() {
    let en = CATALOG.tr("en");
    for lang in CATALOG.languages().filter(|l| *l != "en") {
        let t = CATALOG.tr(lang);
        assert_ne!(
            t.get("sign-button"),
            en.get("sign-button"),
            "{lang} looks untranslated"
        );
        assert_ne!(
            t.get("how-kept-text"),
            en.get("how-kept-text"),
            "{lang} looks untranslated"
        );
        assert!(
            t.num("count-line", "count", 7u64).contains('7'),
            "{lang}: count-line lost its number"
        );
        assert!(
            t.num("try-again-in", "minutes", 12u64).contains("12"),
            "{lang}: try-again-in lost its number"
        );
        let p = t.texts("problem-too-long", &[("field", "FIELD"), ("max", "100")]);
        assert!(
            p.contains("FIELD") && p.contains("100"),
            "{lang}: problem-too-long lost a placeable: {p}"
        );
    }
}

#[test]
fn templates_use_only_messages_english_has() {
    let english = message_ids("en");
    for entry in std::fs::read_dir(root().join("templates")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for call in ["t.get(\"", "t.num(\"", "t.text(\"", "t.texts(\""] {
            for piece in text.split(call).skip(1) {
                let id = &piece[..piece.find('"').unwrap()];
                assert!(
                    english.iter().any(|e| e == id),
                    "{}: unknown message {id}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn every_language_renders_with_the_right_direction() {
    let org = Org::new();
    let server = Server::start(&org);
    for lang in SHIPPED {
        for path in ["/", "/about", "/withdraw", "/receipt", "/accessibility"] {
            let r = server.get(&format!("{path}?lang={lang}"));
            assert_eq!(r.status, 200, "{path} in {lang}");
            let html = r.text();
            let dir = if lang == "ar" { "rtl" } else { "ltr" };
            assert!(
                html.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
                "{path} in {lang}"
            );
            assert!(
                !html.contains("{ $") && !html.contains("{$"),
                "{path} in {lang} has an unfilled placeable"
            );
        }
    }
}

#[test]
fn a_missing_petition_text_falls_back_with_a_visible_note() {
    let org = Org::new();
    let server = Server::start(&org);
    let ko = server.get("/?lang=ko").text();
    assert!(ko.contains(&CATALOG.tr("ko").get("fallback-note")));
    assert!(
        ko.contains("<article class=\"petition\" lang=\"en\""),
        "the English text is marked as English"
    );
    let fr = server.get("/?lang=fr").text();
    assert!(
        !fr.contains(&CATALOG.tr("fr").get("fallback-note")),
        "French has its own petition text"
    );
}

#[test]
fn the_browser_language_is_chosen_and_carried_through_the_form() {
    let org = Org::new();
    let server = Server::start(&org);
    let pick = |accept: &str| {
        let html = server
            .request("GET", "/", &[("Accept-Language", accept)], b"")
            .text();
        let i = html.find("<html lang=\"").unwrap() + 12;
        html[i..i + html[i..].find('"').unwrap()].to_string()
    };
    assert_eq!(pick("zh-TW,zh;q=0.8"), "zh-Hant");
    assert_eq!(pick("zh-CN"), "zh-Hans");
    assert_eq!(pick("pt-BR,pt;q=0.9"), "pt");
    assert_eq!(pick("fil-PH"), "tl");
    assert_eq!(pick("de-DE,de;q=0.9"), "en");
    let page = server.get("/?lang=vi").text();
    assert!(page.contains("<input type=\"hidden\" name=\"lang\" value=\"vi\">"));
    // The language switcher names each language in itself, and sets no cookie.
    let r = server.get("/?lang=th");
    assert!(r.text().contains(">العربية<") && r.text().contains(">한국어<"));
    assert!(r.header("set-cookie").is_none());
    // A signature in Thai comes back as a Thai page and records `th`.
    let mut p = signer("สมชาย", "ใจดี", "", "th@example.org");
    p.push(("lang".into(), "th".into()));
    let receipt = server.sign_html(&pairs(&p));
    assert!(receipt.text().contains("<html lang=\"th\""));
    drop(server);
    assert_eq!(org.decrypt(&org.export())[0]["lang"], "th");
}
