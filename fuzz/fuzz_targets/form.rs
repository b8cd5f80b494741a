//! The sign form decoder (`web::decode_sign_form`) on any request body, and
//! what the signing path does next with a form that decodes and validates.
//!
//! Properties: no body panics the decoder or the validator; every form that
//! validates fits the fixed padded size (even with the longest envelope) and
//! reads back as a record with the same choices, which breaks none of the
//! rules `decrypt` checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersign::config::{LANG_MAX, SLUG_MAX};
use undersign::record::{
    AFFILIATION_MAX, Check, EMAIL_MAX, Envelope, NAME_MAX, PADDED_LEN, Record, Required, Signature,
};
use undersign::web::decode_sign_form;

fuzz_target!(|body: &[u8]| {
    let Ok((form, _guard_fields)) = decode_sign_form(body) else {
        return;
    };
    let Ok(signature) = Signature::parse(&form, &Required::default()) else {
        return;
    };
    let slug = "a".repeat(SLUG_MAX);
    // The longest language tag: parts of at most 8 characters.
    let lang = format!("{}-{}", "x".repeat(8), "x".repeat(LANG_MAX - 9));
    let envelope = Envelope {
        petition: &slug,
        lang: &lang,
        day: "2026-11-28",
        check: Check::Hcaptcha,
        flags: &["honeypot", "too_fast", "no_token"],
    };
    let padded = signature
        .to_padded_json(&envelope)
        .expect("every valid signature fits the fixed padded size");
    assert_eq!(padded.len(), PADDED_LEN);
    let (record, broken) =
        Record::from_untrusted(&padded, &slug).expect("a padded record reads back");
    assert!(broken.is_empty(), "decrypt accepts what the server writes");
    assert_eq!(record.public, form.public);
    assert!(record.first_name.chars().count() <= NAME_MAX);
    assert!(record.last_name.chars().count() <= NAME_MAX);
    assert!(record.affiliation.chars().count() <= AFFILIATION_MAX);
    assert!(record.email.chars().count() <= EMAIL_MAX);
    assert!(record.pad.bytes().all(|b| b == b' '));
});
