//! The export format: JSON Lines of ciphertext with a header and a checked trailer.
//!
//! ```text
//! {"format":"undersign-export","v":2,"petition":"…","recipients":"<fingerprint>","count":N}
//! {"withdrawn":"<hex id>"}                        one per withdrawn record id, first
//! {"id":"<hex>","age":"<base64 age file>"}        one per record
//! {"trailer":true,"count":N,"withdrawn":W,"sha256":"<hex of every line before it, newlines included>"}
//! ```
//! The trailer makes a truncated or corrupted export an error, not a silent
//! loss (its hash is no signature: the public log is what catches a forged
//! one). Reading and writing both stream: memory does not grow with the export.
//!
//! Withdrawn ids travel with the records so that a withdrawal holds wherever
//! the export goes: `merge` and `decrypt` drop every record whose id is
//! withdrawn in any input. They come before the records, so a reader knows
//! them all before the first record (and `decrypt` never opens a withdrawn
//! one). Version 1 exports (no withdrawn lines, no `withdrawn` in the
//! trailer) are still read. Each line is one [`Item`]; a new kind of line is
//! one more variant, parsed in [`Reader`] and written by [`Writer`].

use std::io::{self, BufRead, Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::receipt::RecordId;
use crate::seal::Ciphertext;

pub const FORMAT: &str = "undersign-export";

/// The version this undersign writes. It reads this one and version 1.
pub const VERSION: u32 = 2;

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

impl Header {
    /// A header for what this undersign writes.
    pub fn new(petition: String, recipients: String, count: u64) -> Header {
        Header {
            format: FORMAT.into(),
            v: VERSION,
            petition,
            recipients,
            count,
        }
    }
}

/// Borrowed from the line read (no escapes in hex or base64), so the
/// few KiB of base64 are decoded in place rather than copied first.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordLine<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    age: std::borrow::Cow<'a, str>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WithdrawnLine {
    withdrawn: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trailer {
    trailer: bool,
    count: u64,
    /// Version 2 and later; absent in version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    withdrawn: Option<u64>,
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
    #[error("this export is format version {0}; this undersign reads versions 1 and 2")]
    Version(u32),
    #[error("line {0} is not a valid export record")]
    BadLine(u64),
    #[error("line {0}: a withdrawn id after the records (they come before the first record)")]
    OutOfOrder(u64),
    #[error(
        "the export is truncated: it ends after {} without its trailer",
        crate::count(*.0, "record", "records")
    )]
    Truncated(u64),
    #[error(
        "the export was altered or damaged: its trailer counts {expected} records, {found} are present"
    )]
    CountMismatch { expected: u64, found: u64 },
    #[error(
        "the export was altered or damaged: its trailer counts {expected} withdrawn ids, {found} are present"
    )]
    WithdrawnMismatch { expected: u64, found: u64 },
    #[error("the export was altered or damaged: its records do not match the trailer's checksum")]
    HashMismatch,
    #[error("line {0} comes after the trailer")]
    AfterTrailer(u64),
}

/// What an export holds, by kind of line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub records: u64,
    /// Record ids withdrawn by their signers.
    pub withdrawn: u64,
}

/// The trailer's hash, started: from version 2 it covers the header line
/// too, so a changed petition name or key fingerprint is caught like a
/// changed record.
fn header_hash(v: u32, header_line: &[u8]) -> Sha256 {
    let mut hash = Sha256::new();
    if v >= 2 {
        hash.update(header_line);
    }
    hash
}

/// Writes an export line by line: withdrawn ids first, then records.
pub struct Writer<W: Write> {
    out: W,
    v: u32,
    hash: Sha256,
    counts: Counts,
    line: String,
}

impl<W: Write> Writer<W> {
    pub fn new(mut out: W, header: &Header) -> io::Result<Self> {
        if !(1..=VERSION).contains(&header.v) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "unknown export version",
            ));
        }
        let mut first = serde_json::to_vec(header)?;
        first.push(b'\n');
        out.write_all(&first)?;
        Ok(Writer {
            out,
            v: header.v,
            hash: header_hash(header.v, &first),
            counts: Counts::default(),
            line: String::with_capacity(8192),
        })
    }

    fn put_line(&mut self) -> io::Result<()> {
        self.hash.update(self.line.as_bytes());
        self.out.write_all(self.line.as_bytes())
    }

    /// A record id its signer withdrew. Must come before every record.
    pub fn withdrawn(&mut self, id: &RecordId) -> io::Result<()> {
        if self.v < 2 || self.counts.records > 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "withdrawn ids are written before the records, in version 2",
            ));
        }
        self.line.clear();
        self.line.push_str("{\"withdrawn\":\"");
        self.line.push_str(&id.to_hex());
        self.line.push_str("\"}\n");
        self.put_line()?;
        self.counts.withdrawn += 1;
        Ok(())
    }

    pub fn record(&mut self, id: &RecordId, ct: &[u8]) -> io::Result<()> {
        self.line.clear();
        self.line.push_str("{\"id\":\"");
        self.line.push_str(&id.to_hex());
        self.line.push_str("\",\"age\":\"");
        B64.encode_string(ct, &mut self.line);
        self.line.push_str("\"}\n");
        self.put_line()?;
        self.counts.records += 1;
        Ok(())
    }

    /// Writes the trailer and returns what was written.
    pub fn finish(mut self) -> io::Result<Counts> {
        let trailer = Trailer {
            trailer: true,
            count: self.counts.records,
            withdrawn: (self.v >= 2).then_some(self.counts.withdrawn),
            sha256: hex::encode(self.hash.finalize()),
        };
        serde_json::to_writer(&mut self.out, &trailer)?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(self.counts)
    }
}

/// One line of an export, after the header.
pub enum Item {
    /// A record id its signer withdrew: every record with this id is dropped,
    /// in this export and in any it is merged with.
    Withdrawn(RecordId),
    /// A sealed signature.
    Record(Entry),
}

impl Item {
    /// Lines of a kind come together, in this order.
    fn section(&self) -> u8 {
        match self {
            Item::Withdrawn(_) => 0,
            Item::Record(_) => 1,
        }
    }
}

/// One record of an export. Only the reader makes them, so the id is valid.
pub struct Entry {
    /// The id as written: 64 lowercase hex digits.
    pub id: String,
    pub ciphertext: Ciphertext,
    record_id: RecordId,
}

impl Entry {
    /// The record id, parsed.
    pub fn record_id(&self) -> RecordId {
        self.record_id
    }
}

/// Reads an export, checking the trailer when the lines run out.
///
/// Items are handed out as they are read; the caller learns that the export
/// was truncated or altered only at the end, so anything that must not act on
/// a bad export reads it through once with [`verify`] first.
pub struct Reader<R: BufRead> {
    input: R,
    header: Header,
    hash: Sha256,
    counts: Counts,
    section: u8,
    line_no: u64,
    done: bool,
    buf: String,
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
                Some(v) if !(1..=VERSION as u64).contains(&v) => {
                    ExportError::Version(v.try_into().unwrap_or(u32::MAX))
                }
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
        if !(1..=VERSION).contains(&header.v) {
            return Err(ExportError::Version(header.v));
        }
        Ok(Reader {
            hash: header_hash(header.v, first.as_bytes()),
            input,
            header,
            counts: Counts::default(),
            section: 0,
            line_no: 1,
            done: false,
            buf: String::new(),
        })
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// What has been read so far (all of it, once `next_item` gave `None`).
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The next line, `None` after a verified trailer, or the first error.
    pub fn next_item(&mut self) -> Option<Result<Item, ExportError>> {
        if self.done {
            return None;
        }
        let r = self.read_one();
        if !matches!(r, Some(Ok(_))) {
            self.done = true;
        }
        r
    }

    /// One line as an item, if it is one of this version's kinds.
    fn parse_item(&self) -> Option<Item> {
        if let Ok(line) = serde_json::from_str::<RecordLine>(&self.buf) {
            let record_id = RecordId::from_hex(&line.id)?;
            let ct = B64.decode(line.age.as_bytes()).ok()?;
            return Some(Item::Record(Entry {
                id: line.id.into_owned(),
                ciphertext: Ciphertext(ct),
                record_id,
            }));
        }
        if self.header.v >= 2
            && let Ok(line) = serde_json::from_str::<WithdrawnLine>(&self.buf)
        {
            return RecordId::from_hex(&line.withdrawn).map(Item::Withdrawn);
        }
        None
    }

    fn read_one(&mut self) -> Option<Result<Item, ExportError>> {
        self.buf.clear();
        match (&mut self.input)
            .take(MAX_LINE as u64)
            .read_line(&mut self.buf)
        {
            Err(e) => return Some(Err(e.into())),
            Ok(0) => return Some(Err(ExportError::Truncated(self.counts.records))),
            Ok(_) => {}
        }
        self.line_no += 1;
        if !self.buf.ends_with('\n') {
            return Some(Err(if self.buf.len() >= MAX_LINE {
                ExportError::BadLine(self.line_no)
            } else {
                ExportError::Truncated(self.counts.records)
            }));
        }
        if let Some(item) = self.parse_item() {
            if item.section() < self.section {
                return Some(Err(ExportError::OutOfOrder(self.line_no)));
            }
            self.section = item.section();
            self.hash.update(self.buf.as_bytes());
            match &item {
                Item::Withdrawn(_) => self.counts.withdrawn += 1,
                Item::Record(_) => self.counts.records += 1,
            }
            return Some(Ok(item));
        }
        let Ok(trailer) = serde_json::from_str::<Trailer>(&self.buf) else {
            return Some(Err(ExportError::BadLine(self.line_no)));
        };
        // Version 1 trailers count no withdrawn ids; later ones must.
        if !trailer.trailer || trailer.withdrawn.is_some() != (self.header.v >= 2) {
            return Some(Err(ExportError::BadLine(self.line_no)));
        }
        if trailer.count != self.counts.records {
            return Some(Err(ExportError::CountMismatch {
                expected: trailer.count,
                found: self.counts.records,
            }));
        }
        let withdrawn = trailer.withdrawn.unwrap_or(0);
        if withdrawn != self.counts.withdrawn {
            return Some(Err(ExportError::WithdrawnMismatch {
                expected: withdrawn,
                found: self.counts.withdrawn,
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
    while let Some(item) = reader.next_item() {
        item?;
    }
    Ok((reader.header.clone(), reader.counts.records))
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
        Header::new("p".into(), "f".into(), count)
    }

    /// `n` records after `withdrawn` withdrawn ids, in format `v`.
    fn sample_v(v: u32, withdrawn: u8, n: u8) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = Writer::new(
            &mut out,
            &Header {
                v,
                ..header(n as u64)
            },
        )
        .unwrap();
        for i in 0..withdrawn {
            w.withdrawn(&RecordId([100 + i; 32])).unwrap();
        }
        for i in 0..n {
            w.record(&RecordId([i; 32]), &[i; 40]).unwrap();
        }
        let counts = w.finish().unwrap();
        assert_eq!(
            counts,
            Counts {
                records: n as u64,
                withdrawn: withdrawn as u64
            }
        );
        out
    }

    fn sample(n: u8) -> Vec<u8> {
        sample_v(VERSION, 1, n)
    }

    fn read_all(data: &[u8]) -> Result<Vec<Item>, ExportError> {
        let mut r = Reader::new(data)?;
        let mut items = Vec::new();
        while let Some(item) = r.next_item() {
            items.push(item?);
        }
        Ok(items)
    }

    #[test]
    fn a_written_export_reads_back() {
        let data = sample(3);
        let mut r = Reader::new(&data[..]).unwrap();
        assert_eq!(r.header(), &header(3));
        let mut n = 0;
        let mut withdrawn = Vec::new();
        while let Some(item) = r.next_item() {
            match item.unwrap() {
                Item::Withdrawn(id) => withdrawn.push(id),
                Item::Record(e) => {
                    assert_eq!(e.ciphertext.as_bytes(), &[n; 40]);
                    assert_eq!(e.record_id(), RecordId([n; 32]));
                    n += 1;
                }
            }
        }
        assert_eq!(n, 3);
        assert_eq!(withdrawn, [RecordId([100; 32])]);
        assert_eq!(
            r.counts(),
            Counts {
                records: 3,
                withdrawn: 1
            }
        );
        assert_eq!(verify(&sample(0)[..]).unwrap().1, 0);
    }

    #[test]
    fn the_version_2_checksum_covers_the_header_and_version_1_stays_as_it_was() {
        let alter = |text: &str| {
            let (header, rest) = text.split_once('\n').unwrap();
            format!("{}\n{rest}", header.replace("\"count\":2", "\"count\":9"))
        };
        let v2 = String::from_utf8(sample_v(2, 1, 2)).unwrap();
        assert_ne!(alter(&v2), v2);
        assert!(verify(v2.as_bytes()).is_ok());
        assert!(matches!(
            verify(alter(&v2).as_bytes()),
            Err(ExportError::HashMismatch)
        ));
        // Version 1 exports written before still verify, header and all.
        let v1 = String::from_utf8(sample_v(1, 0, 2)).unwrap();
        assert_ne!(alter(&v1), v1);
        assert!(verify(alter(&v1).as_bytes()).is_ok());
    }

    #[test]
    fn version_2_lists_withdrawn_ids_before_the_records_under_the_trailer() {
        let text = String::from_utf8(sample_v(2, 2, 1)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("\"v\":2"), "{}", lines[0]);
        assert_eq!(
            lines[1],
            format!("{{\"withdrawn\":\"{}\"}}", "64".repeat(32))
        );
        assert!(lines[3].starts_with("{\"id\":"));
        let trailer = lines[4];
        assert!(
            trailer.starts_with("{\"trailer\":true,\"count\":1,\"withdrawn\":2,\"sha256\":"),
            "{trailer}"
        );
        // The checksum covers the withdrawn lines too.
        let mut flipped = text.clone().into_bytes();
        let at = lines[0].len() + 20;
        flipped[at] = if flipped[at] == b'0' { b'1' } else { b'0' };
        assert!(matches!(
            verify(&flipped[..]),
            Err(ExportError::HashMismatch)
        ));
        // A withdrawn line dropped, or one moved after the records: refused.
        let dropped = [lines[0], lines[2], lines[3], lines[4], ""].join("\n");
        assert!(matches!(
            verify(dropped.as_bytes()),
            Err(ExportError::WithdrawnMismatch {
                expected: 2,
                found: 1
            })
        ));
        let moved = [lines[0], lines[2], lines[3], lines[1], lines[4], ""].join("\n");
        assert!(matches!(
            verify(moved.as_bytes()),
            Err(ExportError::OutOfOrder(4))
        ));
        // The writer keeps the same order.
        let mut out = Vec::new();
        let mut w = Writer::new(&mut out, &header(1)).unwrap();
        w.record(&RecordId([1; 32]), b"x").unwrap();
        assert!(w.withdrawn(&RecordId([2; 32])).is_err());
    }

    #[test]
    fn version_1_exports_still_read_and_hold_no_withdrawn_ids() {
        let v1 = sample_v(1, 0, 2);
        let text = String::from_utf8(v1.clone()).unwrap();
        assert!(text.starts_with("{\"format\":\"undersign-export\",\"v\":1,"));
        assert!(!text.contains("withdrawn"), "{text}");
        let items = read_all(&v1).unwrap();
        assert_eq!(items.len(), 2);
        assert!(items.iter().all(|i| matches!(i, Item::Record(_))));
        // A version 1 writer takes no withdrawn id…
        let mut w = Writer::new(Vec::new(), &Header { v: 1, ..header(0) }).unwrap();
        assert!(w.withdrawn(&RecordId([2; 32])).is_err());
        // …and a version 1 reader no withdrawn line, nor a version 2 trailer.
        let (head, rest) = text.split_once('\n').unwrap();
        let with_line = format!("{head}\n{{\"withdrawn\":\"{}\"}}\n{rest}", "00".repeat(32));
        assert!(matches!(
            verify(with_line.as_bytes()),
            Err(ExportError::BadLine(2))
        ));
        let v2_trailer = text.replace(
            "\"count\":2,\"sha256\"",
            "\"count\":2,\"withdrawn\":0,\"sha256\"",
        );
        assert_ne!(v2_trailer, text);
        assert!(matches!(
            verify(v2_trailer.as_bytes()),
            Err(ExportError::BadLine(4))
        ));
        // A version 2 trailer must count the withdrawn ids.
        let v2 = String::from_utf8(sample_v(2, 0, 1)).unwrap();
        let bare = v2.replace(",\"withdrawn\":0", "");
        assert_ne!(bare, v2);
        assert!(matches!(
            verify(bare.as_bytes()),
            Err(ExportError::BadLine(3))
        ));
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
            ExportError::AfterTrailer(5)
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
        let data = b"{\"format\":\"undersign-export\",\"v\":3,\"petition\":\"p\",\"recipients\":\"f\",\"count\":0,\"new\":1}\n";
        assert!(matches!(
            verify(&data[..]).unwrap_err(),
            ExportError::Version(3)
        ));
        let data = b"{\"format\":\"undersign-export\",\"v\":3,\"petition\":\"p\",\"recipients\":\"f\",\"count\":0}\n";
        assert!(matches!(
            verify(&data[..]).unwrap_err(),
            ExportError::Version(3)
        ));
    }
}
