//! How a stored record is laid out (record format 2): one age file sealed by
//! the server, whose plaintext has one length for every record of a petition
//! ([`Layout::len`]):
//!
//! ```text
//! {"v":2,"petition":…,"lang":…,"day":…,"check":…,"flags":[…],"sealed":"server","pad":"   "}\n
//! <the signer's part>
//! ```
//!
//! The first line holds the facts only the server knows (a browser could lie
//! about them): the day, the check that passed, the flags. The signer's part
//! is their padded signer JSON ([`PADDED_LEN`] bytes, see
//! [`Signature::to_signer_json`]): in the clear when the server sealed the
//! record, or an age file of it when the signer's browser sealed it
//! (`"sealed":"browser"`, and the server never saw the names). The facts
//! line's padding takes up the difference, so a seized store sees one layout
//! and one length whichever path sealed a record. A standard age tool opens
//! every layer: `age -d` the outer one, `tail -n +2 | age -d` the inner one.
//!
//! Pure logic, no I/O, like `record`.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::record::{
    Check, Envelope, Malformed, NotARecord, PADDED_LEN, PadError, Record, Rule, Signature,
    SignerPart,
};

/// Room for the facts line, its padding included, at the least: the longest
/// facts the server can write fit (see `the_longest_facts_fit`).
pub const FACTS_MAX: usize = 256;

/// Room an age grease stanza may take in a browser-sealed header (age adds
/// one random stanza of up to about 210 bytes; typage adds none).
pub const GREASE_MAX: usize = 256;

/// The 1 KiB bucket every record's plaintext length is rounded up to.
const BUCKET: usize = 1024;

/// Which path sealed the signer's part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sealed {
    /// The server, on arrival (no JavaScript, or a browser that cannot seal).
    #[default]
    Server,
    /// The signer's browser, before sending: the server never saw the names.
    Browser,
}

/// The record length of one petition: fixed by its recipients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    len: usize,
    /// The largest browser-sealed signer part accepted.
    inner_max: usize,
}

impl Layout {
    /// For `recipients` keys, all X25519 when `browser` (browsers can seal
    /// only to those): room for the facts and the larger of the two parts.
    pub fn new(recipients: usize, browser: bool) -> Layout {
        let inner_max = if browser {
            inner_len(recipients) + GREASE_MAX
        } else {
            0
        };
        let part = PADDED_LEN.max(inner_max);
        Layout {
            len: (FACTS_MAX + part).div_ceil(BUCKET) * BUCKET,
            inner_max,
        }
    }

    /// Every record's plaintext length.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The largest signer part a browser may send (0: browsers do not seal).
    pub fn inner_max(&self) -> usize {
        self.inner_max
    }
}

/// The length of an age file of a signer part, sealed to `n` X25519 keys
/// without a grease stanza (as typage seals): the header line, one 98-byte
/// stanza per key, the MAC line, the nonce, and one payload chunk with its tag.
pub fn inner_len(n: usize) -> usize {
    22 + 98 * n + 48 + 16 + PADDED_LEN + 16
}

/// The length of the payload after an inner header: nonce and one chunk.
pub const INNER_PAYLOAD: usize = 16 + PADDED_LEN + 16;

#[derive(Serialize)]
struct FactsOut<'a> {
    v: u32,
    petition: &'a str,
    lang: &'a str,
    day: &'a str,
    check: Check,
    flags: &'a [&'a str],
    sealed: Sealed,
    pad: &'a str,
}

/// The facts line of a record read back.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub v: u32,
    pub petition: String,
    pub lang: String,
    pub day: String,
    pub check: Check,
    #[serde(default)]
    pub flags: Vec<String>,
    pub sealed: Sealed,
    #[serde(default)]
    pub pad: String,
}

/// The whole plaintext: `facts\n` padded so that it and `part` make `len` bytes.
fn assemble(
    envelope: &Envelope<'_>,
    sealed: Sealed,
    part: &[u8],
    layout: Layout,
) -> Result<Zeroizing<Vec<u8>>, PadError> {
    if let Some(m) =
        crate::record::check_envelope(envelope.lang, envelope.day, envelope.flags.iter().copied())
            .into_iter()
            .next()
    {
        return Err(PadError::Envelope(m));
    }
    let facts = FactsOut {
        v: 2,
        petition: envelope.petition,
        lang: envelope.lang,
        day: envelope.day,
        check: envelope.check,
        flags: envelope.flags,
        sealed,
        pad: "",
    };
    // Allocated once at full size: no reallocation leaves a partial copy behind.
    let mut out = Zeroizing::new(Vec::with_capacity(layout.len));
    serde_json::to_writer(&mut *out, &facts).map_err(|_| PadError::TooLarge)?;
    let line_len = layout
        .len
        .checked_sub(part.len() + 1)
        .filter(|&l| l >= out.len())
        .ok_or(PadError::TooLarge)?;
    // Grow the empty "pad" string in place: `""}` becomes `"<spaces>"}`.
    let unpadded = out.len() - 2;
    out.truncate(unpadded);
    out.resize(line_len - 2, b' ');
    out.extend_from_slice(b"\"}\n");
    out.extend_from_slice(part);
    debug_assert_eq!(out.len(), layout.len);
    Ok(out)
}

/// A server-sealed record's plaintext: the facts, then the signer's part in
/// the clear (the whole is sealed to the organizers' keys at once).
pub fn server_record(
    signature: &Signature,
    envelope: &Envelope<'_>,
    layout: Layout,
) -> Result<Zeroizing<Vec<u8>>, PadError> {
    let part = signature.to_signer_json(envelope.petition)?;
    assemble(envelope, Sealed::Server, &part, layout)
}

/// A browser-sealed record's plaintext: the facts, then the age file the
/// signer's browser made (checked by `seal::BrowserSealed` first).
pub fn browser_record(
    inner: &[u8],
    envelope: &Envelope<'_>,
    layout: Layout,
) -> Result<Zeroizing<Vec<u8>>, PadError> {
    if inner.len() > layout.inner_max {
        return Err(PadError::TooLarge);
    }
    assemble(envelope, Sealed::Browser, inner, layout)
}

/// An opened record's layers: format 1 (one JSON object), or format 2.
pub enum Opened<'a> {
    V1,
    V2 {
        facts: Facts,
        /// The signer's part: JSON in the clear, or an age file to open.
        part: &'a [u8],
    },
}

/// Tells the two record formats apart and reads format 2's facts line.
pub fn open(plain: &[u8]) -> Result<Opened<'_>, NotARecord> {
    let Some(end) = plain.iter().position(|&b| b == b'\n') else {
        return Ok(Opened::V1);
    };
    let facts: Facts = serde_json::from_slice(&plain[..end]).map_err(|_| NotARecord)?;
    if facts.v != 2 {
        return Err(NotARecord);
    }
    Ok(Opened::V2 {
        facts,
        part: &plain[end + 1..],
    })
}

/// A format 2 record from its facts and the signer's part (opened, when the
/// browser sealed it), with every rule of the server's it breaks.
pub fn record(
    facts: &Facts,
    signer: &[u8],
    petition: &str,
) -> Result<(Record, Vec<Malformed>), NotARecord> {
    let part = SignerPart::from_json(signer)?;
    let mut broken = Vec::new();
    let padded = signer.len() == PADDED_LEN
        && part.pad.bytes().all(|b| b == b' ')
        && facts.pad.bytes().all(|b| b == b' ');
    if !padded {
        broken.push(Malformed {
            key: "pad",
            rule: Rule::NotPadded,
        });
    }
    if part.petition != facts.petition {
        broken.push(Malformed {
            key: "petition",
            rule: Rule::OtherPetition,
        });
    }
    let record = part.into_record(facts);
    broken.extend(record.check(petition));
    broken.dedup();
    Ok((record, broken))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Required, SignForm};

    fn signature(first: &str) -> Signature {
        let mut f = SignForm::default();
        f.first_name.push_str(first);
        f.last_name.push_str("Roe");
        f.email.push_str("r@example.org");
        f.consent = true;
        Signature::parse(&f, &Required::default()).unwrap()
    }

    fn envelope() -> Envelope<'static> {
        Envelope {
            petition: "demo",
            lang: "zh-Hant",
            day: "2026-11-28",
            check: Check::Hcaptcha,
            flags: &["honeypot", "too_fast", "no_token"],
        }
    }

    #[test]
    fn the_longest_facts_fit() {
        let slug = "p".repeat(crate::config::SLUG_MAX);
        let lang = "a".repeat(crate::record::LANG_MAX);
        let facts = FactsOut {
            v: 2,
            petition: &slug,
            lang: &lang,
            day: "2026-11-28",
            check: Check::Hcaptcha,
            flags: &crate::record::FLAGS,
            sealed: Sealed::Browser,
            pad: "",
        };
        let len = serde_json::to_vec(&facts).unwrap().len();
        assert!(
            len < FACTS_MAX,
            "{len}: the facts and their newline must fit"
        );
    }

    #[test]
    fn both_paths_give_one_length_and_read_back() {
        let layout = Layout::new(3, true);
        assert_eq!(layout.len() % BUCKET, 0);
        let server = server_record(&signature("Ana"), &envelope(), layout).unwrap();
        let long = server_record(&signature(&"陈".repeat(100)), &envelope(), layout).unwrap();
        let inner = vec![7u8; inner_len(3)];
        let browser = browser_record(&inner, &envelope(), layout).unwrap();
        let greased = browser_record(&vec![7u8; inner_len(3) + 200], &envelope(), layout).unwrap();
        for p in [&server, &long, &browser, &greased] {
            assert_eq!(p.len(), layout.len());
        }
        let Opened::V2 { facts, part } = open(&server).unwrap() else {
            panic!("format 2")
        };
        assert_eq!(facts.sealed, Sealed::Server);
        let (r, broken) = record(&facts, part, "demo").unwrap();
        assert!(broken.is_empty(), "{broken:?}");
        assert_eq!(
            (r.first_name.as_str(), r.v, r.sealed),
            ("Ana", 2, Sealed::Server)
        );
        assert_eq!(r.flags, ["honeypot", "too_fast", "no_token"]);
        let Opened::V2 { facts, part } = open(&browser).unwrap() else {
            panic!("format 2")
        };
        assert_eq!((facts.sealed, part), (Sealed::Browser, &inner[..]));
    }

    #[test]
    fn a_signer_part_too_large_for_the_layout_is_refused() {
        let layout = Layout::new(1, true);
        let inner = vec![0u8; layout.inner_max() + 1];
        assert!(browser_record(&inner, &envelope(), layout).is_err());
        // Without browser sealing, no signer part may come from outside.
        assert!(browser_record(&[0u8; 10], &envelope(), Layout::new(1, false)).is_err());
    }

    #[test]
    fn a_lying_signer_part_is_named_not_trusted() {
        let layout = Layout::new(1, true);
        let plain = server_record(&signature("Ana"), &envelope(), layout).unwrap();
        let Opened::V2 { facts, .. } = open(&plain).unwrap() else {
            panic!()
        };
        let forged = "{\"v\":2,\"petition\":\"other\",\"first_name\":\"A\\u001b]0;X\\u0007\",\"last_name\":\"\",\"affiliation\":\"\",\"email\":\"\",\"public\":true,\"pad\":\"\"}";
        let (_, broken) = record(&facts, forged.as_bytes(), "demo").unwrap();
        let keys: Vec<&str> = broken.iter().map(|m| m.key).collect();
        assert!(
            keys.contains(&"pad") && keys.contains(&"petition") && keys.contains(&"first_name"),
            "{keys:?}"
        );
    }
}
