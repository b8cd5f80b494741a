//! Property tests: no input makes the parsers panic, and what passes validation
//! always pads to the fixed size, reads back unchanged, and breaks none of the
//! rules `decrypt` checks.

use proptest::prelude::*;

use undersign::offline::sheet::{Format, Sheet};
use undersign::receipt::ReceiptCode;
use undersign::record::{
    Check, Envelope, PADDED_LEN, Record, Required, SignForm, Signature, is_control_or_bidi,
};

/// Text a forger might seal: any character, control and bidi ones often.
const FORGED: &str = "(\\PC|\\p{Cc}|[\u{202a}-\u{202e}\u{2066}-\u{2069}]|\u{1b}\\]0;X\u{7}){0,12}";

fn form_of(
    first: &str,
    last: &str,
    aff: &str,
    email: &str,
    consent: bool,
    public: bool,
) -> SignForm {
    let mut f = SignForm::default();
    f.first_name.push_str(first);
    f.last_name.push_str(last);
    f.affiliation.push_str(aff);
    f.email.push_str(email);
    f.consent = consent;
    f.public = public;
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn form_decoding_never_panics(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = undersign::web::decode_sign_form(&body);
    }

    #[test]
    fn form_decoding_of_form_shaped_text_never_panics(body in "([a-z_%+=&0-9A-F]|%[0-9A-Fa-f]{0,2}){0,300}") {
        let _ = undersign::web::decode_sign_form(body.as_bytes());
    }

    #[test]
    fn valid_signatures_pad_to_one_size_and_read_back(
        first in "\\PC{0,120}", last in "\\PC{0,120}", aff in "\\PC{0,220}",
        local in "[a-zA-Z0-9.+_\\PC]{0,60}", public in any::<bool>(),
    ) {
        let email = format!("{local}@example.org");
        let f = form_of(&first, &last, &aff, &email, true, public);
        if let Ok(sig) = Signature::parse(&f, &Required::default()) {
            let env = Envelope { petition: "p", lang: "en", day: "2026-11-28", check: Check::Pow, flags: &[] };
            let json = sig.to_padded_json(&env).expect("within limits everything fits");
            prop_assert_eq!(json.len(), PADDED_LEN);
            let (r, broken) = Record::from_untrusted(&json, "p").expect("valid JSON record");
            // One set of rules: whatever the server writes, decrypt accepts.
            prop_assert_eq!(broken, []);
            prop_assert_eq!(r.first_name.chars().count() <= 100, true);
            prop_assert_eq!(r.public, public);
            // Normalization is idempotent: the stored value validates to itself.
            let again = form_of(&r.first_name, &r.last_name, &r.affiliation, &r.email, true, public);
            let sig2 = Signature::parse(&again, &Required::default()).expect("a stored record re-validates");
            let json2 = sig2.to_padded_json(&env).unwrap();
            prop_assert_eq!(&json[..], &json2[..]);
        }
    }

    /// A record sealed by anyone: a record that passes the checks holds no
    /// control or bidi character, and no sheet row, whatever the record, does.
    #[test]
    fn forged_records_never_put_a_control_character_in_a_sheet(
        first in FORGED, last in FORGED, aff in FORGED, email in FORGED,
        lang in FORGED, day in FORGED, flag in FORGED,
    ) {
        let json = serde_json::json!({
            "v": 1, "petition": "p", "first_name": first, "last_name": last,
            "affiliation": aff, "email": email, "lang": lang, "day": day,
            "check": "none", "flags": [flag],
        });
        let bytes = serde_json::to_vec(&json).unwrap();
        let (r, broken) = Record::from_untrusted(&bytes, "p").unwrap();
        let all = [&r.first_name, &r.last_name, &r.affiliation, &r.email, &r.lang, &r.day]
            .into_iter()
            .chain(&r.flags);
        if broken.iter().all(|m| m.key == "pad") {
            for value in all {
                prop_assert!(!value.chars().any(is_control_or_bidi));
            }
        }
        for format in [Format::Csv, Format::Json] {
            let mut sheet = Sheet::with_reason(format, false, Vec::new()).unwrap();
            sheet.row("00", &r, "first_name holds a control character").unwrap();
            let text = String::from_utf8(sheet.finish().unwrap()).unwrap();
            prop_assert!(!text.chars().any(|c| c != '\n' && is_control_or_bidi(c)));
        }
    }

    #[test]
    fn receipt_code_parsing_never_panics(text in "\\PC{0,64}") {
        let _ = ReceiptCode::parse(&text);
    }

    #[test]
    fn export_reading_never_panics(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = undersign::export::verify(&data[..]);
    }

    #[test]
    fn config_parsing_never_panics(text in "\\PC{0,400}") {
        let _ = undersign::config::Config::parse(&text, "fuzz.toml", std::path::Path::new("."));
    }
}
