//! Receipt codes: the signer's only handle on their signature.
//!
//! A code is 128 random bits shown once on the receipt page. The server keeps
//! only `SHA-256("undersign-id" || code)` as the record's key, so the store can
//! find a record from its code (withdrawal) but never a code from a record.

use data_encoding::BASE32_NOPAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A signer's receipt code. No `Display`: only the receipt page may show it.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct ReceiptCode([u8; 16]);

/// The key a record is stored under. Random-looking, derived from the code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct RecordId(pub [u8; 32]);

/// The receipt code could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("that is not a receipt code: it should be 26 letters and digits")]
pub struct BadCode;

impl ReceiptCode {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        ReceiptCode(bytes)
    }

    /// Reads a code as a signer might type it back: any case, with or without
    /// dashes and spaces, with digits base32 lacks folded to the letters they
    /// resemble (0→O, 1→I, 8→B).
    pub fn parse(text: &str) -> Result<Self, BadCode> {
        let mut clean = Zeroizing::new(String::with_capacity(32));
        for c in text.chars() {
            match c.to_ascii_uppercase() {
                '-' | ' ' => {}
                '0' => clean.push('O'),
                '1' => clean.push('I'),
                '8' => clean.push('B'),
                c @ ('A'..='Z' | '2'..='7') => clean.push(c),
                _ => return Err(BadCode),
            }
            if clean.len() > 26 {
                return Err(BadCode);
            }
        }
        // Checked first: decode_mut panics when the output length does not match.
        if clean.len() != 26 {
            return Err(BadCode);
        }
        let mut bytes = [0u8; 16];
        match BASE32_NOPAD.decode_mut(clean.as_bytes(), &mut bytes) {
            Ok(16) => Ok(ReceiptCode(bytes)),
            _ => Err(BadCode),
        }
    }

    /// The code as the signer sees it: 26 base32 characters in groups of four.
    pub fn display(&self) -> Zeroizing<String> {
        let plain = Zeroizing::new(BASE32_NOPAD.encode(&self.0));
        let mut out = Zeroizing::new(String::with_capacity(32));
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    pub fn record_id(&self) -> RecordId {
        let mut h = Sha256::new();
        h.update(b"undersign-id");
        h.update(self.0);
        RecordId(h.finalize().into())
    }
}

impl std::fmt::Debug for ReceiptCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReceiptCode(<redacted>)")
    }
}

impl RecordId {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).ok()?;
        Some(RecordId(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_parses_back_to_the_same_id() {
        let code = ReceiptCode::generate();
        let shown = code.display();
        assert_eq!(shown.len(), 26 + 6);
        let back = ReceiptCode::parse(&shown).unwrap();
        assert_eq!(back.record_id(), code.record_id());
        let sloppy = shown.to_lowercase().replace('-', " ");
        assert_eq!(
            ReceiptCode::parse(&sloppy).unwrap().record_id(),
            code.record_id()
        );
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "abc",
            "ÄÄÄÄ",
            &"A".repeat(27),
            &"A".repeat(25),
            "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-A!",
        ] {
            assert_eq!(ReceiptCode::parse(bad).unwrap_err(), BadCode, "{bad:?}");
        }
    }

    #[test]
    fn ids_differ_per_code() {
        assert_ne!(
            ReceiptCode::generate().record_id(),
            ReceiptCode::generate().record_id()
        );
    }

    #[test]
    fn debug_hides_the_code() {
        assert_eq!(
            format!("{:?}", ReceiptCode::generate()),
            "ReceiptCode(<redacted>)"
        );
    }
}
