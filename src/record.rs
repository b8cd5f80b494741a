//! Signer input turned into a record: normalization, validation and padding.
//!
//! Pure logic, no I/O. A [`Signature`] can only be built from input that passed
//! every check, and it wipes itself when dropped. [`Signature::to_padded_json`]
//! is the only way its values leave it, already padded, straight into `seal`.

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Every padded plaintext of every petition has exactly this length, so the
/// ciphertext size says nothing about how long a signer's name is.
/// It is the smallest multiple of the 1024-byte bucket above the largest record
/// the field limits allow (see `the_largest_record_fits_the_padding`).
pub const PADDED_LEN: usize = 3 * 1024;

pub const NAME_MAX: usize = 100;
pub const AFFILIATION_MAX: usize = 200;
pub const EMAIL_MAX: usize = 254;

/// The signer-facing fields of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    FirstName,
    LastName,
    Affiliation,
    Email,
    Consent,
}

impl Field {
    pub const TEXT: [Field; 4] = [
        Field::FirstName,
        Field::LastName,
        Field::Affiliation,
        Field::Email,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Affiliation => "affiliation",
            Field::Email => "email",
            Field::Consent => "consent",
        }
    }

    pub fn max_chars(self) -> usize {
        match self {
            Field::FirstName | Field::LastName => NAME_MAX,
            Field::Affiliation => AFFILIATION_MAX,
            Field::Email => EMAIL_MAX,
            Field::Consent => 3,
        }
    }
}

/// What is wrong with one field. Never carries the value itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Missing,
    TooLong,
    ControlCharacter,
    NotAnEmail,
    NoConsent,
    /// Neither name box holds anything, and the petition needs a name.
    NoName,
}

/// Which anti-abuse check a submission passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Pow,
    Hcaptcha,
    None,
}

/// Which fields the petition requires (affiliation is optional by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Required {
    pub first_name: bool,
    pub last_name: bool,
    /// A name in at least one of the two boxes: people with one name can sign.
    pub name: bool,
    pub affiliation: bool,
    pub email: bool,
}

impl Default for Required {
    fn default() -> Self {
        Required {
            first_name: true,
            last_name: true,
            name: false,
            affiliation: false,
            email: true,
        }
    }
}

impl Required {
    fn get(&self, field: Field) -> bool {
        match field {
            Field::FirstName => self.first_name,
            Field::LastName => self.last_name,
            Field::Affiliation => self.affiliation,
            Field::Email => self.email,
            Field::Consent => true,
        }
    }
}

/// The raw form as the signer sent it. Wiped on drop; shown back only when
/// the form is re-rendered with errors.
#[derive(Default, Zeroize, ZeroizeOnDrop)]
pub struct SignForm {
    pub first_name: String,
    pub last_name: String,
    pub affiliation: String,
    pub email: String,
    pub consent: bool,
    pub public: bool,
    pub lang: String,
}

impl fmt::Debug for SignForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignForm(<redacted>)")
    }
}

impl SignForm {
    pub fn text(&self, field: Field) -> &str {
        match field {
            Field::FirstName => &self.first_name,
            Field::LastName => &self.last_name,
            Field::Affiliation => &self.affiliation,
            Field::Email => &self.email,
            Field::Consent => "",
        }
    }
}

/// A validated, normalized signature. Only [`Signature::parse`] makes one.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Signature {
    first_name: String,
    last_name: String,
    affiliation: String,
    email: String,
    public: bool,
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature(<redacted>)")
    }
}

/// Bidirectional overrides and isolates: they can make a name display as
/// something else in the organizer's spreadsheet or the public list.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Trims and NFC-normalizes one value, refusing control characters.
fn normalize(raw: &str, field: Field, required: bool) -> Result<String, Problem> {
    let trimmed = raw.trim();
    if trimmed
        .chars()
        .any(|c| c.is_control() || is_bidi_control(c))
    {
        return Err(Problem::ControlCharacter);
    }
    let value: String = trimmed.nfc().collect();
    let chars = value.chars().count();
    if chars == 0 && required {
        return Err(Problem::Missing);
    }
    if chars > field.max_chars() {
        let mut value = value;
        value.zeroize();
        return Err(Problem::TooLong);
    }
    Ok(value)
}

/// A plain shape check, not a full RFC 5322 parser: one `@`, something before
/// it, a dotted domain after it, no spaces.
fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !value.chars().any(char::is_whitespace)
}

impl Signature {
    /// Validates the whole form, reporting every field's problem at once.
    pub fn parse(form: &SignForm, required: &Required) -> Result<Signature, Vec<(Field, Problem)>> {
        let mut problems = Vec::new();
        let mut take = |field: Field| match normalize(form.text(field), field, required.get(field))
        {
            Ok(v) => v,
            Err(p) => {
                problems.push((field, p));
                String::new()
            }
        };
        let first_name = take(Field::FirstName);
        let last_name = take(Field::LastName);
        let affiliation = take(Field::Affiliation);
        let email = take(Field::Email);
        let name_missing = first_name.is_empty()
            && last_name.is_empty()
            && !problems
                .iter()
                .any(|(f, _)| matches!(f, Field::FirstName | Field::LastName));
        if required.name && name_missing {
            problems.push((Field::FirstName, Problem::NoName));
        }
        if !email.is_empty() && !looks_like_email(&email) {
            problems.push((Field::Email, Problem::NotAnEmail));
        }
        if !form.consent {
            problems.push((Field::Consent, Problem::NoConsent));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Signature {
            first_name,
            last_name,
            affiliation,
            email,
            public: form.public,
        })
    }

    /// The record v1 plaintext, padded with spaces to exactly [`PADDED_LEN`].
    pub fn to_padded_json(&self, envelope: &Envelope<'_>) -> Result<Zeroizing<Vec<u8>>, TooLarge> {
        let record = RecordOut {
            v: 1,
            petition: envelope.petition,
            first_name: &self.first_name,
            last_name: &self.last_name,
            affiliation: &self.affiliation,
            email: &self.email,
            public: self.public,
            lang: envelope.lang,
            day: envelope.day,
            check: envelope.check,
            flags: envelope.flags,
            pad: "",
        };
        // Allocated once at full size: no reallocation leaves a partial copy behind.
        let mut out = Zeroizing::new(Vec::with_capacity(PADDED_LEN));
        serde_json::to_writer(&mut *out, &record).map_err(|_| TooLarge)?;
        if out.len() > PADDED_LEN || !out.ends_with(b"\"\"}") {
            return Err(TooLarge);
        }
        // Grow the empty "pad" string in place: `""}` becomes `"<spaces>"}`.
        let unpadded = out.len() - 2;
        out.truncate(unpadded);
        out.resize(PADDED_LEN - 2, b' ');
        out.extend_from_slice(b"\"}");
        Ok(out)
    }
}

/// The parts of a record that do not come from the signer.
pub struct Envelope<'a> {
    pub petition: &'a str,
    pub lang: &'a str,
    /// UTC date only: a finer time would help link a record to a connection.
    pub day: &'a str,
    pub check: Check,
    pub flags: &'a [&'a str],
}

/// A record would not fit the fixed padded size (cannot happen within limits).
#[derive(Debug, thiserror::Error)]
#[error("the record does not fit the fixed padded size")]
pub struct TooLarge;

#[derive(Serialize)]
struct RecordOut<'a> {
    v: u32,
    petition: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    affiliation: &'a str,
    email: &'a str,
    public: bool,
    lang: &'a str,
    day: &'a str,
    check: Check,
    flags: &'a [&'a str],
    pad: &'a str,
}

/// A decrypted record, as the offline tools read it. Wiped on drop.
#[derive(Deserialize, Serialize, Zeroize, ZeroizeOnDrop)]
pub struct Record {
    pub v: u32,
    pub petition: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub affiliation: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub public: bool,
    pub lang: String,
    pub day: String,
    #[zeroize(skip)]
    pub check: Check,
    #[serde(default)]
    pub flags: Vec<String>,
    #[serde(default, skip_serializing)]
    pub pad: String,
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Record(<redacted>)")
    }
}

/// The decrypted bytes are not a record this version understands.
#[derive(Debug, thiserror::Error)]
#[error("decrypted data is not an undersign v1 record")]
pub struct NotARecord;

impl Record {
    pub fn from_json(bytes: &[u8]) -> Result<Record, NotARecord> {
        let record: Record = serde_json::from_slice(bytes).map_err(|_| NotARecord)?;
        if record.v != 1 {
            return Err(NotARecord);
        }
        Ok(record)
    }

    /// The email as duplicates are compared: compatibility-normalized,
    /// lower-cased, trimmed. Empty when the signer gave none.
    pub fn dedup_key(&self) -> Zeroizing<String> {
        Zeroizing::new(
            self.email
                .trim()
                .nfkc()
                .flat_map(char::to_lowercase)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(first: &str, last: &str, aff: &str, email: &str) -> SignForm {
        let mut f = SignForm::default();
        f.first_name.push_str(first);
        f.last_name.push_str(last);
        f.affiliation.push_str(aff);
        f.email.push_str(email);
        f.consent = true;
        f
    }

    fn envelope() -> Envelope<'static> {
        Envelope {
            petition: "demo",
            lang: "en",
            day: "2026-11-28",
            check: Check::None,
            flags: &[],
        }
    }

    fn padded(f: &SignForm) -> Zeroizing<Vec<u8>> {
        Signature::parse(f, &Required::default())
            .unwrap()
            .to_padded_json(&envelope())
            .unwrap()
    }

    #[test]
    fn values_are_trimmed_and_nfc_normalized() {
        // "e" + combining acute (NFD) must come back as the single code point é.
        let f = form("  Rene\u{301} ", "Lévesque", "", "r@example.org");
        let r = Record::from_json(&padded(&f)).unwrap();
        assert_eq!(r.first_name, "René");
        assert_eq!(r.affiliation, "");
    }

    #[test]
    fn control_characters_are_refused() {
        let f = form("A\u{7}", "B", "", "a@example.org");
        let err = Signature::parse(&f, &Required::default()).unwrap_err();
        assert_eq!(err, vec![(Field::FirstName, Problem::ControlCharacter)]);
        let f = form("A", "B\nC", "", "a@example.org");
        assert!(Signature::parse(&f, &Required::default()).is_err());
        let f = form("A", "\u{202E}gnol", "", "a@example.org");
        assert!(Signature::parse(&f, &Required::default()).is_err());
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let ok = form(
            &"陈".repeat(NAME_MAX),
            "x",
            &"🌸".repeat(AFFILIATION_MAX),
            "a@b.c",
        );
        assert!(Signature::parse(&ok, &Required::default()).is_ok());
        let long = form(&"陈".repeat(NAME_MAX + 1), "x", "", "a@b.c");
        assert_eq!(
            Signature::parse(&long, &Required::default()).unwrap_err(),
            vec![(Field::FirstName, Problem::TooLong)]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut f = form("", "", "", "not-an-address");
        f.consent = false;
        let err = Signature::parse(&f, &Required::default()).unwrap_err();
        assert_eq!(
            err,
            vec![
                (Field::FirstName, Problem::Missing),
                (Field::LastName, Problem::Missing),
                (Field::Email, Problem::NotAnEmail),
                (Field::Consent, Problem::NoConsent),
            ]
        );
    }

    #[test]
    fn email_shape() {
        for good in ["a@b.c", "first.last+tag@example.org", "名@例子.中国"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in ["", "a", "a@b", "@b.c", "a@.b", "a@b.", "a b@c.d", "a@b..c"] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    #[test]
    fn optional_fields_follow_the_petition() {
        let f = form("A", "B", "", "");
        assert!(Signature::parse(&f, &Required::default()).is_err());
        let lax = Required {
            email: false,
            ..Required::default()
        };
        assert!(Signature::parse(&f, &lax).is_ok());
        let strict = Required {
            affiliation: true,
            ..Required::default()
        };
        assert!(Signature::parse(&form("A", "B", "", "a@b.c"), &strict).is_err());
    }

    #[test]
    fn every_padded_record_has_the_same_length() {
        let short = padded(&form("A", "B", "", "a@b.c"));
        let long = padded(&form(&"x".repeat(NAME_MAX), "y", "z", "e@example.org"));
        assert_eq!(short.len(), PADDED_LEN);
        assert_eq!(long.len(), PADDED_LEN);
    }

    #[test]
    fn the_largest_record_fits_the_padding() {
        // 4-byte characters and quote escapes at every limit, the longest envelope.
        let local = "𝔸".repeat(EMAIL_MAX - 4);
        let f = form(
            &"🌸".repeat(NAME_MAX),
            &"\"".repeat(NAME_MAX),
            &"𝔸".repeat(AFFILIATION_MAX),
            &format!("{local}@a.b"),
        );
        let sig = Signature::parse(&f, &Required::default()).unwrap();
        let slug = "a".repeat(crate::config::SLUG_MAX);
        let lang = "x".repeat(crate::config::LANG_MAX);
        let env = Envelope {
            petition: &slug,
            lang: &lang,
            day: "2026-11-28",
            check: Check::Hcaptcha,
            flags: &["honeypot", "too_fast", "spent_token"],
        };
        let json = sig.to_padded_json(&env).unwrap();
        assert_eq!(json.len(), PADDED_LEN);
        let r = Record::from_json(&json).unwrap();
        assert_eq!(r.last_name, "\"".repeat(NAME_MAX));
    }

    #[test]
    fn dedup_key_folds_case_width_and_space() {
        let mut r = Record::from_json(&padded(&form("A", "B", "", "Ｍaria@Example.org"))).unwrap();
        assert_eq!(*r.dedup_key(), "maria@example.org");
        r.email = " maria@example.ORG ".into();
        assert_eq!(*r.dedup_key(), "maria@example.org");
    }

    #[test]
    fn debug_output_is_redacted() {
        let f = form("Canary", "B", "", "a@b.c");
        assert!(!format!("{f:?}").contains("Canary"));
        let s = Signature::parse(&f, &Required::default()).unwrap();
        assert!(!format!("{s:?}").contains("Canary"));
    }
}
