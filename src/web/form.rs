//! Decoding `application/x-www-form-urlencoded` bodies into a [`SignForm`].
//!
//! Written here rather than with serde's form decoder because its errors echo
//! the offending input (`unknown variant …`), and because bad UTF-8 must be an
//! error, not silently replaced.

use percent_encoding::percent_decode;
use zeroize::Zeroizing;

use crate::guard::GuardFields;
use crate::record::SignForm;

/// Why a body is not a readable form. Says nothing about the contents.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormError {
    #[error("the form is not valid UTF-8 text")]
    NotUtf8,
    #[error("the form has too many fields")]
    TooManyFields,
    #[error("the form names a field twice")]
    Repeated,
    #[error("the form has a broken %-escape")]
    BadEscape,
}

const MAX_PAIRS: usize = 32;

/// Decodes one `+`/percent-encoded component into a string that wipes itself.
/// A `%` not followed by two hex digits never comes from a browser: refused.
fn decode_component(raw: &[u8]) -> Result<Zeroizing<String>, FormError> {
    for (i, _) in raw.iter().enumerate().filter(|(_, b)| **b == b'%') {
        let hex = raw.get(i + 1..i + 3).ok_or(FormError::BadEscape)?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return Err(FormError::BadEscape);
        }
    }
    let plus_free: Zeroizing<Vec<u8>> = Zeroizing::new(
        raw.iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect(),
    );
    let bytes: Zeroizing<Vec<u8>> = Zeroizing::new(percent_decode(&plus_free).collect());
    match std::str::from_utf8(&bytes) {
        Ok(s) => Ok(Zeroizing::new(s.to_owned())),
        Err(_) => Err(FormError::NotUtf8),
    }
}

/// The fields of a sign or withdraw form, by name. Unknown names are ignored so
/// that later form additions (a honeypot, a token) do not break older pages.
pub fn decode_pairs(
    body: &[u8],
    mut each: impl FnMut(&str, Zeroizing<String>) -> Result<(), FormError>,
) -> Result<(), FormError> {
    let mut seen: Vec<Zeroizing<String>> = Vec::new();
    for (n, pair) in body
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        if n >= MAX_PAIRS {
            return Err(FormError::TooManyFields);
        }
        let (k, v) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let key = decode_component(k)?;
        if seen.iter().any(|s| **s == *key) {
            return Err(FormError::Repeated);
        }
        each(&key, decode_component(v)?)?;
        seen.push(key);
    }
    Ok(())
}

fn yes(v: &str) -> bool {
    matches!(v, "yes" | "on" | "true" | "1")
}

/// The honeypot's field name: plausible to a bot, hidden from people.
pub const HONEYPOT: &str = "website";

pub fn decode_sign_form(body: &[u8]) -> Result<(SignForm, GuardFields), FormError> {
    let mut form = SignForm::default();
    let mut guard = GuardFields::default();
    decode_pairs(body, |key, value| {
        match key {
            "first_name" => form.first_name.push_str(&value),
            "last_name" => form.last_name.push_str(&value),
            "affiliation" => form.affiliation.push_str(&value),
            "email" => form.email.push_str(&value),
            "consent" => form.consent = yes(&value),
            "public" => form.public = yes(&value),
            "lang" => form.lang.push_str(&value),
            "sealed" => form.sealed.push_str(&value),
            "challenge" => guard.challenge.push_str(&value),
            "pow" => guard.pow.push_str(&value),
            HONEYPOT => guard.honeypot.push_str(&value),
            "h-captcha-response" => guard.hcaptcha.push_str(&value),
            "pow_state" => guard.unfinished = value.as_str() == "unfinished",
            _ => {}
        }
        Ok(())
    })?;
    Ok((form, guard))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent_escapes() {
        let (f, g) = decode_sign_form(
            b"first_name=Ana+Mar%C3%ADa&last_name=%E9%99%88&consent=yes&email=a%40b.c&x=1&website=w&pow=7",
        )
        .unwrap();
        assert_eq!((g.honeypot.as_str(), g.pow.as_str()), ("w", "7"));
        assert_eq!(f.first_name, "Ana María");
        assert_eq!(f.last_name, "陈");
        assert_eq!(f.email, "a@b.c");
        assert!(f.consent);
        assert!(!f.public);
    }

    #[test]
    fn bad_utf8_is_an_error_not_a_replacement() {
        assert_eq!(
            decode_sign_form(b"first_name=%FF%FE").unwrap_err(),
            FormError::NotUtf8
        );
        assert_eq!(
            decode_sign_form(b"first_name=\xff").unwrap_err(),
            FormError::NotUtf8
        );
    }

    #[test]
    fn repeated_and_excess_fields_are_refused() {
        assert_eq!(
            decode_sign_form(b"email=a&email=b").unwrap_err(),
            FormError::Repeated
        );
        let many: Vec<String> = (0..40).map(|i| format!("f{i}=x")).collect();
        assert_eq!(
            decode_sign_form(many.join("&").as_bytes()).unwrap_err(),
            FormError::TooManyFields
        );
    }

    #[test]
    fn errors_never_contain_the_input() {
        for body in [&b"first_name=CANARY%FF"[..], b"CANARY=1&CANARY=2"] {
            let msg = decode_sign_form(body).unwrap_err().to_string();
            assert!(!msg.contains("CANARY"), "{msg}");
        }
    }

    #[test]
    fn broken_escapes_are_refused() {
        for body in [&b"first_name=100%"[..], b"last_name=%zz", b"a=%4", b"%g0=1"] {
            assert_eq!(
                decode_sign_form(body).unwrap_err(),
                FormError::BadEscape,
                "{body:?}"
            );
        }
        assert_eq!(
            decode_sign_form(b"first_name=100%25").unwrap().0.first_name,
            "100%"
        );
    }
}
