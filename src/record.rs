//! Signer input turned into a record: normalization, validation and padding;
//! and the same rules checked again on a record read back.
//!
//! Pure logic, no I/O. A [`Signature`] can only be built from input that passed
//! every check, and it wipes itself when dropped. [`Signature::to_padded_json`]
//! is the only way its values leave it, already padded, straight into `seal`.
//!
//! Anyone holding the public keys can seal a record, so `decrypt` trusts none:
//! [`Record::from_untrusted`] checks an opened record against the very rules
//! the server applies here (one definition, so the two cannot drift).

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::{UnicodeNormalization, is_nfc};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Every padded plaintext of every petition has exactly this length, so the
/// ciphertext size says nothing about how long a signer's name is.
/// It is the smallest multiple of the 1024-byte bucket above the largest record
/// the field limits allow (see `the_largest_record_fits_the_padding`).
pub const PADDED_LEN: usize = 3 * 1024;

pub const NAME_MAX: usize = 100;
pub const AFFILIATION_MAX: usize = 200;
pub const EMAIL_MAX: usize = 254;
/// The longest language tag a petition may name (`config` checks its texts' tags with
/// [`is_language_tag`]).
pub const LANG_MAX: usize = 16;

/// The flags the server writes into a record (set by `guard`; see docs/formats.md).
pub const FLAG_HONEYPOT: &str = "honeypot";
pub const FLAG_TOO_FAST: &str = "too_fast";
pub const FLAG_NO_TOKEN: &str = "no_token";
/// Every flag the server writes: a record carrying any other was not made by it.
pub const FLAGS: [&str; 3] = [FLAG_HONEYPOT, FLAG_TOO_FAST, FLAG_NO_TOKEN];

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
    /// The signer's part already sealed in their browser (base64url), sent
    /// instead of the fields above: the server never sees those.
    pub sealed: String,
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

/// Characters no stored value may hold: control characters (C0, DEL and C1,
/// among them ESC and BEL, which drive a terminal) and bidirectional
/// overrides and isolates.
pub fn is_control_or_bidi(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// The rules every stored text value obeys, whoever checks them: the server
/// on a form (after trimming and NFC), `decrypt` on a record it opened.
fn check_text(value: &str, field: Field) -> Result<(), Problem> {
    if value.chars().any(is_control_or_bidi) {
        return Err(Problem::ControlCharacter);
    }
    if value.chars().count() > field.max_chars() {
        return Err(Problem::TooLong);
    }
    if field == Field::Email && !value.is_empty() && !looks_like_email(value) {
        return Err(Problem::NotAnEmail);
    }
    Ok(())
}

/// Trims and NFC-normalizes one value, then applies [`check_text`].
fn normalize(raw: &str, field: Field, required: bool) -> Result<String, Problem> {
    let trimmed = raw.trim();
    // Refused before anything is copied: a control character is never normalized.
    if trimmed.chars().any(is_control_or_bidi) {
        return Err(Problem::ControlCharacter);
    }
    let mut value: String = trimmed.nfc().collect();
    if value.is_empty() && required {
        return Err(Problem::Missing);
    }
    if let Err(p) = check_text(&value, field) {
        value.zeroize();
        return Err(p);
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

/// A language tag as petitions name them: `en`, `fr`, `zh-Hant`; ASCII letters
/// and digits in parts of at most 8, at most [`LANG_MAX`] in all.
pub fn is_language_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= LANG_MAX
        && tag
            .split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A real calendar date written `YYYY-MM-DD`, as the server writes `day`.
pub fn is_day(day: &str) -> bool {
    let b = day.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u16, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let Ok(month) = time::Month::try_from(m as u8) else {
        return false;
    };
    time::Date::from_calendar_date(i32::from(y), month, d as u8).is_ok()
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

    /// The signer's part of a format 2 record: what only the signer gives,
    /// padded with spaces to exactly [`PADDED_LEN`]. A browser that seals
    /// builds this very JSON itself (static/sign.js); the server writes it
    /// in the clear inside its own seal (see `layout`).
    pub fn to_signer_json(&self, petition: &str) -> Result<Zeroizing<Vec<u8>>, PadError> {
        let part = SignerOut {
            v: 2,
            petition,
            first_name: &self.first_name,
            last_name: &self.last_name,
            affiliation: &self.affiliation,
            email: &self.email,
            public: self.public,
            pad: "",
        };
        padded_json(&part)
    }

    /// The record format 1 plaintext, padded with spaces to exactly [`PADDED_LEN`]
    /// (what undersign wrote before format 2; kept for reading tests of old exports).
    /// The envelope is held to the rules `decrypt` checks, so the server never
    /// writes a record that `decrypt` would set aside.
    pub fn to_padded_json(&self, envelope: &Envelope<'_>) -> Result<Zeroizing<Vec<u8>>, PadError> {
        let flags = envelope.flags.iter().copied();
        if let Some(m) = check_envelope(envelope.lang, envelope.day, flags)
            .into_iter()
            .next()
        {
            return Err(PadError::Envelope(m));
        }
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
        padded_json(&record)
    }
}

/// `value` as compact JSON padded with spaces to exactly [`PADDED_LEN`]. Its
/// last key is an empty `pad`, which grows in place: `""}` becomes
/// `"<spaces>"}`. Allocated once at full size, so no reallocation leaves a
/// partial copy of a signer's values behind.
fn padded_json(value: &impl Serialize) -> Result<Zeroizing<Vec<u8>>, PadError> {
    let mut out = Zeroizing::new(Vec::with_capacity(PADDED_LEN));
    serde_json::to_writer(&mut *out, value).map_err(|_| PadError::TooLarge)?;
    if out.len() > PADDED_LEN || !out.ends_with(b"\"\"}") {
        return Err(PadError::TooLarge);
    }
    let unpadded = out.len() - 2;
    out.truncate(unpadded);
    out.resize(PADDED_LEN - 2, b' ');
    out.extend_from_slice(b"\"}");
    Ok(out)
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

/// Why a signature cannot become a record (neither can happen with the
/// server's own envelope and the field limits).
#[derive(Debug, thiserror::Error)]
pub enum PadError {
    #[error("the record does not fit the fixed padded size")]
    TooLarge,
    #[error("the record's {0}")]
    Envelope(Malformed),
}

/// Which rule a record read back breaks. The texts go into the `reason`
/// column of `decrypt`'s suspicious file: they name a rule, never a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    ControlCharacter,
    TooLong,
    NotAnEmail,
    /// Not equal to its own trimmed NFC form, as the server stores values.
    NotNormalized,
    NotALanguageTag,
    NotADay,
    UnknownFlag,
    OtherPetition,
    /// The plaintext is not padded to [`PADDED_LEN`] with spaces.
    NotPadded,
}

impl Rule {
    fn of(problem: Problem) -> Rule {
        match problem {
            Problem::ControlCharacter => Rule::ControlCharacter,
            Problem::TooLong => Rule::TooLong,
            Problem::NotAnEmail => Rule::NotAnEmail,
            // `check_text` never reports these: they need the form.
            Problem::Missing | Problem::NoConsent | Problem::NoName => Rule::NotNormalized,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::ControlCharacter => "holds a control or bidirectional-override character",
            Rule::TooLong => "is longer than the server allows",
            Rule::NotAnEmail => "is not an email address",
            Rule::NotNormalized => "is not trimmed and NFC-normalized as the server stores it",
            Rule::NotALanguageTag => "is not a language tag",
            Rule::NotADay => "is not a date written YYYY-MM-DD",
            Rule::UnknownFlag => "holds a flag the server never writes",
            Rule::OtherPetition => "names another petition than the export",
            Rule::NotPadded => "is not padded as the server pads every record",
        })
    }
}

/// One broken rule of a record read back: which key, which rule. Never the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed {
    pub key: &'static str,
    pub rule: Rule,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.key, self.rule)
    }
}

/// The rules for the parts of a record the server writes itself.
pub(crate) fn check_envelope<'a>(
    lang: &str,
    day: &str,
    mut flags: impl Iterator<Item = &'a str>,
) -> Vec<Malformed> {
    let mut broken = Vec::new();
    if !is_language_tag(lang) {
        broken.push(Malformed {
            key: "lang",
            rule: Rule::NotALanguageTag,
        });
    }
    if !is_day(day) {
        broken.push(Malformed {
            key: "day",
            rule: Rule::NotADay,
        });
    }
    if flags.any(|f| !FLAGS.contains(&f)) {
        broken.push(Malformed {
            key: "flags",
            rule: Rule::UnknownFlag,
        });
    }
    broken
}

#[derive(Serialize)]
struct SignerOut<'a> {
    v: u32,
    petition: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    affiliation: &'a str,
    email: &'a str,
    public: bool,
    pad: &'a str,
}

/// The signer's part of a format 2 record, read back (from the clear or from
/// the browser's seal). Wiped on drop.
#[derive(Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct SignerPart {
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
    #[serde(default)]
    pub pad: String,
}

impl SignerPart {
    pub fn from_json(bytes: &[u8]) -> Result<SignerPart, NotARecord> {
        let part: SignerPart = serde_json::from_slice(bytes).map_err(|_| NotARecord)?;
        if part.v != 2 {
            return Err(NotARecord);
        }
        Ok(part)
    }

    /// The whole record: the signer's part with the server's facts.
    pub fn into_record(mut self, facts: &crate::layout::Facts) -> Record {
        Record {
            v: 2,
            petition: std::mem::take(&mut self.petition),
            first_name: std::mem::take(&mut self.first_name),
            last_name: std::mem::take(&mut self.last_name),
            affiliation: std::mem::take(&mut self.affiliation),
            email: std::mem::take(&mut self.email),
            public: self.public,
            lang: facts.lang.clone(),
            day: facts.day.clone(),
            check: facts.check,
            flags: facts.flags.clone(),
            sealed: facts.sealed,
            pad: String::new(),
        }
    }
}

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
    /// Who sealed the signer's part (format 2); format 1 records were all
    /// sealed by the server.
    #[serde(default)]
    #[zeroize(skip)]
    pub sealed: crate::layout::Sealed,
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
#[error("decrypted data is not an undersign record")]
pub struct NotARecord;

impl Record {
    /// Reads an opened plaintext that anyone holding the public keys could have
    /// sealed: the record, and every rule of the server's it breaks (none for a
    /// record the server wrote). `petition` is the export's.
    pub fn from_untrusted(
        plain: &[u8],
        petition: &str,
    ) -> Result<(Record, Vec<Malformed>), NotARecord> {
        let record = Record::from_json(plain)?;
        let mut broken = record.check(petition);
        if plain.len() != PADDED_LEN || record.pad.bytes().any(|b| b != b' ') {
            broken.push(Malformed {
                key: "pad",
                rule: Rule::NotPadded,
            });
        }
        Ok((record, broken))
    }

    /// Every rule of the server's this record breaks, one per key: each text
    /// field must be what [`Signature::parse`] would have stored (trimmed, NFC,
    /// no control or bidi character, within its length, an email's shape),
    /// the envelope what the server writes, and the petition the export's.
    /// Which fields the petition requires is not known offline, so an empty
    /// field passes.
    pub fn check(&self, petition: &str) -> Vec<Malformed> {
        let mut broken = Vec::new();
        if self.petition != petition {
            broken.push(Malformed {
                key: "petition",
                rule: Rule::OtherPetition,
            });
        }
        for field in Field::TEXT {
            let value = match field {
                Field::FirstName => &self.first_name,
                Field::LastName => &self.last_name,
                Field::Affiliation => &self.affiliation,
                Field::Email => &self.email,
                Field::Consent => continue,
            };
            let rule = match check_text(value, field) {
                Err(p) => Some(Rule::of(p)),
                Ok(()) if value.trim() != value || !is_nfc(value) => Some(Rule::NotNormalized),
                Ok(()) => None,
            };
            if let Some(rule) = rule {
                broken.push(Malformed {
                    key: field.name(),
                    rule,
                });
            }
        }
        let flags = self.flags.iter().map(String::as_str);
        broken.extend(check_envelope(&self.lang, &self.day, flags));
        broken
    }

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
        // The longest tag: parts of at most 8.
        let lang = format!("{}-{}", "x".repeat(8), "x".repeat(LANG_MAX - 9));
        let env = Envelope {
            petition: &slug,
            lang: &lang,
            day: "2026-11-28",
            check: Check::Hcaptcha,
            flags: &FLAGS,
        };
        let json = sig.to_padded_json(&env).unwrap();
        assert_eq!(json.len(), PADDED_LEN);
        let r = Record::from_json(&json).unwrap();
        assert_eq!(r.last_name, "\"".repeat(NAME_MAX));
    }

    #[test]
    fn a_record_the_server_writes_breaks_no_rule() {
        let f = form("  Rene\u{301} ", "陈", "Shelter", "r@example.org");
        let json = padded(&f);
        let (r, broken) = Record::from_untrusted(&json, "demo").unwrap();
        assert_eq!(broken, []);
        assert_eq!(r.check("demo"), []);
        assert_eq!(
            r.check("other"),
            [Malformed {
                key: "petition",
                rule: Rule::OtherPetition
            }]
        );
    }

    /// A record sealed by someone else than the server: every rule it breaks is
    /// named by key and rule, and no reason repeats a value.
    #[test]
    fn a_forged_record_breaks_the_server_rules_named_without_values() {
        let esc = "\u{1b}]0;X\u{7}";
        let json = serde_json::json!({
            "v": 1, "petition": "demo",
            "first_name": esc, "last_name": " Padded", "affiliation": "Rene\u{301}",
            "email": "x\u{9b}@example.org", "lang": "en\u{1b}", "day": "2026-02-30",
            "check": "pow", "flags": ["honeypot", esc], "pad": "\u{1b}",
        });
        let bytes = serde_json::to_vec(&json).unwrap();
        let (_, broken) = Record::from_untrusted(&bytes, "demo").unwrap();
        let keys: Vec<(&str, Rule)> = broken.iter().map(|m| (m.key, m.rule)).collect();
        assert_eq!(
            keys,
            [
                ("first_name", Rule::ControlCharacter),
                ("last_name", Rule::NotNormalized),
                ("affiliation", Rule::NotNormalized),
                ("email", Rule::ControlCharacter),
                ("lang", Rule::NotALanguageTag),
                ("day", Rule::NotADay),
                ("flags", Rule::UnknownFlag),
                ("pad", Rule::NotPadded),
            ]
        );
        for m in &broken {
            let text = m.to_string();
            assert!(text.is_ascii() && !text.contains("0;X"), "{text}");
        }
        let long = "a".repeat(EMAIL_MAX) + "@b.c";
        let bad_email = serde_json::json!({
            "v": 1, "petition": "demo", "first_name": "A", "last_name": "B",
            "email": long, "lang": "zh-Hant", "day": "2024-02-29", "check": "none",
        });
        let r = Record::from_json(&serde_json::to_vec(&bad_email).unwrap()).unwrap();
        assert_eq!(
            r.check("demo"),
            [Malformed {
                key: "email",
                rule: Rule::TooLong
            }]
        );
    }

    #[test]
    fn days_are_real_dates_and_languages_are_tags() {
        for good in ["2026-11-28", "2024-02-29", "2000-01-01"] {
            assert!(is_day(good), "{good}");
        }
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-28",
            "２026-11-28",
            "",
        ] {
            assert!(!is_day(bad), "{bad}");
        }
        for good in ["en", "zh-Hant", "pt-BR", "x-abcdefgh"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in [
            "",
            "en-",
            "e n",
            "en\u{1b}",
            "abcdefghi",
            "a-b-c-d-e-f-g-h-i",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn the_server_refuses_an_envelope_decrypt_would_set_aside() {
        let sig = Signature::parse(&form("A", "B", "", "a@b.c"), &Required::default()).unwrap();
        let env = Envelope {
            flags: &["spent_token"],
            ..envelope()
        };
        assert!(matches!(
            sig.to_padded_json(&env),
            Err(PadError::Envelope(Malformed { key: "flags", .. }))
        ));
        let env = Envelope {
            day: "2026-11-28T10:00",
            ..envelope()
        };
        assert!(sig.to_padded_json(&env).is_err());
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
