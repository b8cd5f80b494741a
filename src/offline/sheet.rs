//! Decrypted records as rows: a spreadsheet-safe CSV or JSON Lines.
//!
//! The CSV is what organizers open in Excel or LibreOffice, so no cell may start
//! like a formula: anyone holding the public keys can forge a record, and a
//! signer can type `=HYPERLINK(…)` as a name. JSON Lines keeps values exactly.
//! In both, a control or bidi character (which only a forged record can hold:
//! the server refuses them) is written as visible text, so no file can carry a
//! terminal escape sequence to whatever prints it.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::record::{Check, Record, is_control_or_bidi};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// The file extension side files get (`OUT.review.csv`, `OUT.review.jsonl`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "jsonl",
        }
    }
}

/// The CSV header row.
pub const CSV_COLUMNS: [&str; 9] = [
    "first_name",
    "last_name",
    "affiliation",
    "email",
    "lang",
    "day",
    "check",
    "public",
    "flags",
];

/// The extra column (and JSON key) of the suspicious file: why a record was set aside.
pub const REASON_COLUMN: &str = "reason";

/// The UTF-8 byte-order mark: without it Excel reads a CSV in the local legacy
/// code page and mangles Chinese, Korean, Thai or Arabic names.
pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// Starts of a cell a spreadsheet may take as a formula or a command
/// (OWASP's list, plus a line feed).
fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r' | '\n')
}

/// The cell as written to CSV: a leading apostrophe makes spreadsheets show
/// the value as text instead of evaluating it.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if is_formula_start(c) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The value with every control and bidi character written as the text
/// `\u{1b}`: a value the server wrote never holds one, so it comes back
/// unchanged; a forged one can neither drive a terminal (ESC, BEL, C1 codes)
/// nor reorder what is shown around it.
pub fn visible(value: &str) -> Cow<'_, str> {
    if !value.chars().any(is_control_or_bidi) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 16);
    for c in value.chars() {
        if is_control_or_bidi(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A copy of the record with every string made [`visible`], or `None` when
/// nothing needs it (every record the server wrote).
fn visible_record(r: &Record) -> Option<Record> {
    let strings = [
        &r.petition,
        &r.first_name,
        &r.last_name,
        &r.affiliation,
        &r.email,
        &r.lang,
        &r.day,
    ];
    let clean = strings
        .into_iter()
        .chain(&r.flags)
        .all(|s| !s.chars().any(is_control_or_bidi));
    if clean {
        return None;
    }
    let v = |s: &str| visible(s).into_owned();
    Some(Record {
        v: r.v,
        petition: v(&r.petition),
        first_name: v(&r.first_name),
        last_name: v(&r.last_name),
        affiliation: v(&r.affiliation),
        email: v(&r.email),
        public: r.public,
        lang: v(&r.lang),
        day: v(&r.day),
        check: r.check,
        flags: r.flags.iter().map(|f| v(f)).collect(),
        sealed: r.sealed,
        pad: String::new(),
    })
}

pub fn check_name(check: Check) -> &'static str {
    match check {
        Check::Pow => "pow",
        Check::Hcaptcha => "hcaptcha",
        Check::None => "none",
    }
}

/// Rows of one output file.
pub struct Sheet<W: Write> {
    out: Out<W>,
    /// Rows carry a [`REASON_COLUMN`] (the suspicious file).
    reason: bool,
}

enum Out<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Json(io::BufWriter<W>),
}

#[derive(Serialize)]
struct JsonRow<'a> {
    id: &'a str,
    #[serde(flatten)]
    record: &'a Record,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

impl<W: Write> Sheet<W> {
    /// Starts a sheet: the BOM (when asked, CSV only) and the header row.
    pub fn new(format: Format, bom: bool, out: W) -> io::Result<Self> {
        Sheet::start(format, bom, out, false)
    }

    /// Starts a sheet whose rows say why each record was set aside.
    pub fn with_reason(format: Format, bom: bool, out: W) -> io::Result<Self> {
        Sheet::start(format, bom, out, true)
    }

    fn start(format: Format, bom: bool, mut out: W, reason: bool) -> io::Result<Self> {
        let out = match format {
            Format::Csv => {
                if bom {
                    out.write_all(BOM)?;
                }
                let mut w = csv::WriterBuilder::new()
                    .buffer_capacity(1 << 16)
                    .from_writer(out);
                let extra = reason.then_some(REASON_COLUMN);
                w.write_record(CSV_COLUMNS.iter().copied().chain(extra))
                    .map_err(csv_io)?;
                Out::Csv(Box::new(w))
            }
            Format::Json => Out::Json(io::BufWriter::with_capacity(1 << 16, out)),
        };
        Ok(Sheet { out, reason })
    }

    /// One record; `reason` goes in the reason column of a sheet that has one.
    pub fn row(&mut self, id: &str, r: &Record, reason: &str) -> io::Result<()> {
        let shown = visible_record(r);
        let r = shown.as_ref().unwrap_or(r);
        let reason = self.reason.then_some(reason);
        match &mut self.out {
            Out::Csv(w) => {
                let flags = r.flags.join(" ");
                let public = if r.public { "yes" } else { "no" };
                let cells = [
                    r.first_name.as_str(),
                    &r.last_name,
                    &r.affiliation,
                    &r.email,
                    &r.lang,
                    &r.day,
                    check_name(r.check),
                    public,
                    &flags,
                ];
                for cell in cells.into_iter().chain(reason) {
                    w.write_field(spreadsheet_safe(&visible(cell)).as_bytes())
                        .map_err(csv_io)?;
                }
                w.write_record(None::<&[u8]>).map_err(csv_io)
            }
            Out::Json(w) => {
                // The reason is made of fixed texts: nothing to make visible.
                let row = JsonRow {
                    id,
                    record: r,
                    reason,
                };
                serde_json::to_writer(&mut *w, &row)?;
                w.write_all(b"\n")
            }
        }
    }

    /// Flushes and hands back the destination, so it can be closed properly.
    pub fn finish(self) -> io::Result<W> {
        match self.out {
            Out::Csv(w) => w.into_inner().map_err(|e| e.into_error()),
            Out::Json(w) => w.into_inner().map_err(|e| e.into_error()),
        }
    }
}

fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        _ => io::Error::other("CSV writer error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_an_apostrophe_and_nothing_else_changes() {
        for bad in [
            "=1+1",
            "+33 6",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"http://x\")",
        ] {
            assert_eq!(spreadsheet_safe(bad), format!("'{bad}"), "{bad:?}");
        }
        for good in ["Ana", "", "陈美玲", "D'Souza-Kim", " =x", "'quoted", "a=b"] {
            assert_eq!(spreadsheet_safe(good), good, "{good:?}");
        }
    }

    #[test]
    fn csv_rows_are_safe_and_json_rows_exact() {
        let r = Record::from_json(
            br#"{"v":1,"petition":"p","first_name":"=cmd|' /C calc'!A0","last_name":"L","email":"-x@y.z","lang":"en","day":"2026-11-28","check":"pow","flags":["too_fast"]}"#,
        )
        .unwrap();
        let mut csv_sheet = Sheet::new(Format::Csv, true, Vec::new()).unwrap();
        csv_sheet.row("id1", &r, "").unwrap();
        let out = csv_sheet.finish().unwrap();
        assert!(out.starts_with(BOM));
        let text = String::from_utf8(out[BOM.len()..].to_vec()).unwrap();
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "'=cmd|' /C calc'!A0,L,,'-x@y.z,en,2026-11-28,pow,no,too_fast"
        );
        let mut json = Sheet::new(Format::Json, true, Vec::new()).unwrap();
        json.row("id1", &r, "").unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json.finish().unwrap()).unwrap();
        assert_eq!(v["first_name"], "=cmd|' /C calc'!A0");
        assert_eq!(v["id"], "id1");
        assert!(v.get("pad").is_none());
    }
}
