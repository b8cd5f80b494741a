//! Receipt codes: the signer's only handle on their signature.
//!
//! A code is 128 random bits shown once on the receipt page, as 26 base32
//! characters and one check character. The server keeps only
//! `SHA-256("undersign-id" || code)` as the record's key, so the store can
//! find a record from its code (withdrawal) but never a code from a record.
//! The check character (Luhn mod 32) catches every single mistyped
//! character and most swapped neighbours, so a typing mistake is told
//! apart from a code that matches no signature.

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

/// Characters of a code as shown: 26 for the 128 bits, then the check character.
pub const CODE_CHARS: usize = 27;

/// The base32 alphabet the code is written in.
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Why some text is not a receipt code. Never carries the text.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum BadCode {
    /// Too short, too long, or characters a code never has.
    #[error("that is not a receipt code: it should be 27 letters and digits")]
    Shape,
    /// The right length, but the check character does not match: a typo.
    #[error("this receipt code has a typing mistake")]
    Typo,
}

fn value(c: u8) -> u32 {
    ALPHABET.iter().position(|&a| a == c).unwrap_or(0) as u32
}

/// The Luhn mod 32 check character of `data` (base32 characters).
fn check_char(data: &[u8]) -> u8 {
    let mut sum = 0;
    for (i, &c) in data.iter().rev().enumerate() {
        let mut v = value(c) * if i % 2 == 0 { 2 } else { 1 };
        v = v / 32 + v % 32;
        sum += v;
    }
    ALPHABET[((32 - sum % 32) % 32) as usize]
}

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
        let mut clean = Zeroizing::new(Vec::with_capacity(CODE_CHARS));
        for c in text.chars() {
            match c.to_ascii_uppercase() {
                '-' | ' ' => {}
                '0' => clean.push(b'O'),
                '1' => clean.push(b'I'),
                '8' => clean.push(b'B'),
                c @ ('A'..='Z' | '2'..='7') => clean.push(c as u8),
                _ => return Err(BadCode::Shape),
            }
            if clean.len() > CODE_CHARS {
                return Err(BadCode::Shape);
            }
        }
        if clean.len() != CODE_CHARS {
            return Err(BadCode::Shape);
        }
        let (data, check) = clean.split_at(CODE_CHARS - 1);
        if check_char(data) != check[0] {
            return Err(BadCode::Typo);
        }
        let mut bytes = [0u8; 16];
        // Checked above: 26 characters decode to 16 bytes, unless the last
        // one carries bits a real code never has (a typo there).
        match BASE32_NOPAD.decode_mut(data, &mut bytes) {
            Ok(16) => Ok(ReceiptCode(bytes)),
            _ => Err(BadCode::Typo),
        }
    }

    /// The code as the signer sees it: 27 characters in groups of four.
    pub fn display(&self) -> Zeroizing<String> {
        let mut plain = Zeroizing::new(BASE32_NOPAD.encode(&self.0).into_bytes());
        let check = check_char(&plain);
        plain.push(check);
        let mut out = Zeroizing::new(String::with_capacity(34));
        for (i, &c) in plain.iter().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c as char);
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
        assert_eq!(shown.len(), CODE_CHARS + 6);
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
            &"A".repeat(28),
            &"A".repeat(26),
            "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA!",
        ] {
            assert_eq!(
                ReceiptCode::parse(bad).unwrap_err(),
                BadCode::Shape,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn every_single_typo_and_most_swaps_are_caught() {
        let code = ReceiptCode::generate();
        let shown: Vec<u8> = code.display().bytes().filter(|&b| b != b'-').collect();
        for i in 0..shown.len() {
            for &c in ALPHABET {
                if c == shown[i] {
                    continue;
                }
                let mut typo = shown.clone();
                typo[i] = c;
                let typo = String::from_utf8(typo).unwrap();
                assert_eq!(
                    ReceiptCode::parse(&typo).err(),
                    Some(BadCode::Typo),
                    "a changed character {i} went unnoticed"
                );
            }
        }
        let mut swaps = 0;
        let mut caught = 0;
        for i in 0..shown.len() - 1 {
            if shown[i] == shown[i + 1] {
                continue;
            }
            let mut swapped = shown.clone();
            swapped.swap(i, i + 1);
            swaps += 1;
            caught +=
                usize::from(ReceiptCode::parse(std::str::from_utf8(&swapped).unwrap()).is_err());
        }
        assert!(caught * 10 >= swaps * 9, "{caught} of {swaps} swaps caught");
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
