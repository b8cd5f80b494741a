//! The export format: JSON Lines of ciphertext with a header and a checked trailer.
//!
//! ```text
//! {"format":"undersign-export","v":1,"petition":"…","recipients":"<fingerprint>","count":N}
//! {"id":"<hex>","age":"<base64 age file>"}        one per record
//! {"trailer":true,"count":N,"sha256":"<hex of every record line, newlines included>"}
//! ```
//! The trailer makes a truncated or altered export an error, not a silent
//! loss. Reading and writing both stream: memory does not grow with the export.

use std::io::{self, BufRead, Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::receipt::RecordId;
use crate::seal::Ciphertext;

pub const FORMAT: &str = "undersign-export";

/// Longest line read: a record is a few KiB (more with many recipients). A
/// bound keeps a hostile or broken file from filling memory with one line.
pub const MAX_LINE: usize = 1 << 20;

/// First line of an export.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub v: u32,
    pub petition: String,
    pub recipients: String,
    pub count: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    id: String,
    age: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trailer {
    trailer: bool,
    count: u64,
    sha256: String,
}

/// What is wrong with an export. Positions only: an export holds nothing readable.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot read the export: {0}")]
    Io(#[from] io::Error),
    #[error("the export is empty")]
    Empty,
    #[error("line 1 is not an undersign export header")]
    BadHeader,
    #[error("this export is format version {0}; this undersign reads version 1")]
    Version(u32),
    #[error("line {0} is not a valid export record")]
    BadLine(u64),
    #[error(
        "the export is truncated: it ends after {} without its trailer",
        crate::count(*.0, "record", "records")
    )]
    Truncated(u64),
    #[error(
        "the export was altered or damaged: its trailer counts {expected} records, {found} are present"
    )]
    CountMismatch { expected: u64, found: u64 },
    #[error("the export was altered or damaged: its records do not match the trailer's checksum")]
    HashMismatch,
    #[error("line {0} comes after the trailer")]
    AfterTrailer(u64),
}

/// Writes an export line by line.
pub struct Writer<W: Write> {
    out: W,
    hash: Sha256,
    count: u64,
    line: String,
}

impl<W: Write> Writer<W> {
    pub fn new(mut out: W, header: &Header) -> io::Result<Self> {
        serde_json::to_writer(&mut out, header)?;
        out.write_all(b"\n")?;
        Ok(Writer {
            out,
            hash: Sha256::new(),
            count: 0,
            line: String::with_capacity(8192),
        })
    }

    pub fn record(&mut self, id: &RecordId, ct: &[u8]) -> io::Result<()> {
        self.line.clear();
        self.line.push_str("{\"id\":\"");
        self.line.push_str(&id.to_hex());
        self.line.push_str("\",\"age\":\"");
        B64.encode_string(ct, &mut self.line);
        self.line.push_str("\"}\n");
        self.hash.update(self.line.as_bytes());
        self.out.write_all(self.line.as_bytes())?;
        self.count += 1;
        Ok(())
    }

    /// Writes the trailer and returns the number of records.
    pub fn finish(mut self) -> io::Result<u64> {
        let trailer = Trailer {
            trailer: true,
            count: self.count,
            sha256: hex::encode(self.hash.finalize()),
        };
        serde_json::to_writer(&mut self.out, &trailer)?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(self.count)
    }
}

/// Reads an export, checking the trailer when the records run out.
///
/// Records are handed out as they are read; the caller learns that the export
/// was truncated or altered only at the end, so anything that must not act on
/// a bad export reads it through once with [`verify`] first.
pub struct Reader<R: BufRead> {
    input: R,
    header: Header,
    hash: Sha256,
    count: u64,
    line_no: u64,
    done: bool,
    buf: String,
}

/// One record of an export.
pub struct Entry {
    pub id: String,
    pub ciphertext: Ciphertext,
}

impl<R: BufRead> Reader<R> {
    pub fn new(mut input: R) -> Result<Self, ExportError> {
        let mut first = String::new();
        if (&mut input).take(MAX_LINE as u64).read_line(&mut first)? == 0 {
            return Err(ExportError::Empty);
        }
        let header: Header = serde_json::from_str(first.trim_end()).map_err(|_| {
            // A newer version may add fields: say so rather than "bad header".
            match serde_json::from_str::<serde_json::Value>(&first)
                .ok()
                .and_then(|v| v.get("v")?.as_u64())
            {
                Some(v) if v != 1 => ExportError::Version(v as u32),
                _ => ExportError::BadHeader,
            }
        })?;
        // The names are printed to the organizer's terminal: no control characters.
        let petition_ok = header.petition.is_empty() || crate::config::valid_slug(&header.petition);
        let keys_ok = header.recipients.len() <= 64
            && header.recipients.bytes().all(|b| b.is_ascii_hexdigit());
        if header.format != FORMAT || !petition_ok || !keys_ok {
            return Err(ExportError::BadHeader);
        }
        if header.v != 1 {
            return Err(ExportError::Version(header.v));
        }
        Ok(Reader {
            input,
            header,
            hash: Sha256::new(),
            count: 0,
            line_no: 1,
            done: false,
            buf: String::new(),
        })
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The next record, `None` after a verified trailer, or the first error.
    pub fn next_entry(&mut self) -> Option<Result<Entry, ExportError>> {
        if self.done {
            return None;
        }
        let r = self.read_one();
        if !matches!(r, Some(Ok(_))) {
            self.done = true;
        }
        r
    }

    fn read_one(&mut self) -> Option<Result<Entry, ExportError>> {
        self.buf.clear();
        match (&mut self.input)
            .take(MAX_LINE as u64)
            .read_line(&mut self.buf)
        {
            Err(e) => return Some(Err(e.into())),
            Ok(0) => return Some(Err(ExportError::Truncated(self.count))),
            Ok(_) => {}
        }
        self.line_no += 1;
        if !self.buf.ends_with('\n') {
            return Some(Err(if self.buf.len() >= MAX_LINE {
                ExportError::BadLine(self.line_no)
            } else {
                ExportError::Truncated(self.count)
            }));
        }
        if let Ok(line) = serde_json::from_str::<Line>(&self.buf) {
            let ct = B64.decode(line.age.as_bytes());
            if RecordId::from_hex(&line.id).is_none() || ct.is_err() {
                return Some(Err(ExportError::BadLine(self.line_no)));
            }
            self.hash.update(self.buf.as_bytes());
            self.count += 1;
            return Some(Ok(Entry {
                id: line.id,
                ciphertext: Ciphertext(ct.unwrap_or_default()),
            }));
        }
        let Ok(trailer) = serde_json::from_str::<Trailer>(&self.buf) else {
            return Some(Err(ExportError::BadLine(self.line_no)));
        };
        if !trailer.trailer {
            return Some(Err(ExportError::BadLine(self.line_no)));
        }
        if trailer.count != self.count {
            return Some(Err(ExportError::CountMismatch {
                expected: trailer.count,
                found: self.count,
            }));
        }
        let digest = hex::encode(std::mem::take(&mut self.hash).finalize());
        if digest != trailer.sha256 {
            return Some(Err(ExportError::HashMismatch));
        }
        // Anything at all after the trailer is refused, without reading it.
        match self.input.fill_buf() {
            Ok([]) => None,
            Ok(_) => Some(Err(ExportError::AfterTrailer(self.line_no + 1))),
            Err(e) => Some(Err(e.into())),
        }
    }
}

/// Reads a whole export through, checking every line and the trailer.
/// Returns the header and the number of records.
pub fn verify<R: BufRead>(input: R) -> Result<(Header, u64), ExportError> {
    let mut reader = Reader::new(input)?;
    while let Some(entry) = reader.next_entry() {
        entry?;
    }
    Ok((reader.header.clone(), reader.count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlong_lines_and_terminal_codes_in_the_header_are_refused() {
        let mut out = Vec::new();
        Writer::new(&mut out, &header(0)).unwrap().finish().unwrap();
        let good = String::from_utf8(out).unwrap();
        let (head, rest) = good.split_once('\n').unwrap();
        let long = format!("{head}\n{}\n{rest}", "x".repeat(MAX_LINE + 10));
        assert!(matches!(
            verify(long.as_bytes()),
            Err(ExportError::BadLine(2))
        ));
        let escape = good.replace("\"petition\":\"p\"", "\"petition\":\"\\u001b]0;x\\u0007\"");
        assert_ne!(escape, good);
        assert!(matches!(
            verify(escape.as_bytes()),
            Err(ExportError::BadHeader)
        ));
        let junk = format!("{good}{}", "y".repeat(MAX_LINE * 2));
        assert!(matches!(
            verify(junk.as_bytes()),
            Err(ExportError::AfterTrailer(_))
        ));
    }

    fn header(count: u64) -> Header {
        Header {
            format: FORMAT.into(),
            v: 1,
            petition: "p".into(),
            recipients: "f".into(),
            count,
        }
    }

    fn sample(n: u8) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = Writer::new(&mut out, &header(n as u64)).unwrap();
        for i in 0..n {
            w.record(&RecordId([i; 32]), &[i; 40]).unwrap();
        }
        assert_eq!(w.finish().unwrap(), n as u64);
        out
    }

    #[test]
    fn a_written_export_reads_back() {
        let data = sample(3);
        let mut r = Reader::new(&data[..]).unwrap();
        assert_eq!(r.header(), &header(3));
        let mut n = 0;
        while let Some(e) = r.next_entry() {
            let e = e.unwrap();
            assert_eq!(e.ciphertext.as_bytes(), &[n; 40]);
            n += 1;
        }
        assert_eq!(n, 3);
        assert_eq!(verify(&sample(0)[..]).unwrap().1, 0);
    }

    #[test]
    fn truncation_anywhere_is_detected() {
        let data = sample(3);
        let header_end = data.iter().position(|&b| b == b'\n').unwrap() + 1;
        for cut in header_end..data.len() - 1 {
            let err = verify(&data[..cut]).unwrap_err();
            assert!(
                matches!(err, ExportError::Truncated(_) | ExportError::BadLine(_)),
                "cut at {cut}: {err}"
            );
        }
        assert!(matches!(
            verify(&data[..3]).unwrap_err(),
            ExportError::BadHeader
        ));
        assert!(matches!(verify(&b""[..]).unwrap_err(), ExportError::Empty));
    }

    #[test]
    fn a_dropped_record_line_is_detected() {
        let data = String::from_utf8(sample(3)).unwrap();
        let mut lines: Vec<&str> = data.lines().collect();
        lines.remove(2);
        let cut = lines.join("\n") + "\n";
        assert!(matches!(
            verify(cut.as_bytes()).unwrap_err(),
            ExportError::CountMismatch {
                expected: 3,
                found: 2
            }
        ));
    }

    #[test]
    fn a_flipped_byte_is_detected() {
        let data = sample(3);
        let header_end = data.iter().position(|&b| b == b'\n').unwrap() + 1;
        let trailer_start = data[..data.len() - 1]
            .iter()
            .rposition(|&b| b == b'\n')
            .unwrap()
            + 1;
        for i in header_end..trailer_start {
            if data[i] == b'\n' {
                continue;
            }
            let mut bad = data.clone();
            bad[i] ^= 0x01;
            assert!(verify(&bad[..]).is_err(), "flip at {i} went unnoticed");
        }
    }

    #[test]
    fn lines_after_the_trailer_are_refused() {
        let mut data = sample(1);
        data.extend_from_slice(b"{\"id\":\"00\",\"age\":\"\"}\n");
        assert!(matches!(
            verify(&data[..]).unwrap_err(),
            ExportError::AfterTrailer(4)
        ));
    }

    #[test]
    fn even_a_blank_line_then_junk_after_the_trailer_is_refused() {
        for tail in [&b"\n"[..], b"\n{\"id\":\"00\",\"age\":\"\"}\n", b" "] {
            let mut data = sample(1);
            data.extend_from_slice(tail);
            assert!(matches!(
                verify(&data[..]).unwrap_err(),
                ExportError::AfterTrailer(_)
            ));
        }
    }

    #[test]
    fn other_versions_are_named() {
        let data = b"{\"format\":\"undersign-export\",\"v\":2,\"petition\":\"p\",\"recipients\":\"f\",\"count\":0,\"new\":1}\n";
        assert!(matches!(
            verify(&data[..]).unwrap_err(),
            ExportError::Version(2)
        ));
    }
}
