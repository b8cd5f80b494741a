//! `undersign decrypt`: export in, spreadsheet out, on the organizer's machine.
//!
//! The export is read through once to check its trailer before a single
//! record is decrypted, so a truncated or altered file produces no output.
//! Then records are decrypted in parallel chunks (constant memory) and
//! written in export order.

use std::collections::HashSet;
use std::io::{self, BufRead, Write};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::export::{self, ExportError};
use crate::record::{Check, Record};
use crate::seal::{Identities, OpenError};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

pub const CSV_COLUMNS: [&str; 8] = [
    "first_name",
    "last_name",
    "affiliation",
    "email",
    "lang",
    "day",
    "check",
    "public",
];

/// What a decryption run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub records: u64,
    pub written: u64,
    pub duplicates: u64,
    /// Ids of records that did not decrypt, and why.
    pub failed: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DecryptError {
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("cannot write the output: {0}")]
    Output(#[from] io::Error),
}

impl From<csv::Error> for DecryptError {
    fn from(e: csv::Error) -> Self {
        DecryptError::Output(io::Error::other(e.to_string()))
    }
}

const CHUNK: usize = 2048;

/// Decrypts `input` (opened twice: once to verify, once to decrypt) into `out`.
pub fn decrypt<R: BufRead, W: Write>(
    open_input: impl Fn() -> io::Result<R>,
    identities: &Identities,
    format: Format,
    out: W,
) -> Result<Summary, DecryptError> {
    export::verify(open_input()?)?;
    let mut reader = export::Reader::new(open_input()?)?;
    let mut sink = Sink::new(format, out)?;
    let mut summary = Summary::default();
    // Hashes of normalized emails, not the emails: the set may grow large.
    let mut seen: HashSet<[u8; 32]> = HashSet::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    loop {
        chunk.clear();
        while chunk.len() < CHUNK {
            match reader.next_entry() {
                Some(entry) => chunk.push(entry?),
                None => break,
            }
        }
        if chunk.is_empty() {
            break;
        }
        let opened: Vec<Result<Record, String>> = chunk
            .par_iter()
            .map(|e| {
                let plain = identities
                    .open(e.ciphertext.as_bytes())
                    .map_err(|e: OpenError| e.to_string())?;
                Record::from_json(&plain).map_err(|e| e.to_string())
            })
            .collect();
        for (entry, result) in chunk.iter().zip(opened) {
            summary.records += 1;
            let record = match result {
                Ok(r) => r,
                Err(why) => {
                    summary.failed.push((entry.id.clone(), why));
                    continue;
                }
            };
            let key = record.dedup_key();
            if !key.is_empty() && !seen.insert(Sha256::digest(key.as_bytes()).into()) {
                summary.duplicates += 1;
                continue;
            }
            sink.write(&entry.id, &record)?;
            summary.written += 1;
        }
    }
    sink.finish()?;
    Ok(summary)
}

enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Json(io::BufWriter<W>),
}

impl<W: Write> Sink<W> {
    fn new(format: Format, out: W) -> Result<Self, DecryptError> {
        Ok(match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(CSV_COLUMNS)?;
                Sink::Csv(Box::new(w))
            }
            Format::Json => Sink::Json(io::BufWriter::new(out)),
        })
    }

    fn write(&mut self, id: &str, r: &Record) -> Result<(), DecryptError> {
        match self {
            Sink::Csv(w) => {
                let check = match r.check {
                    Check::Pow => "pow",
                    Check::Hcaptcha => "hcaptcha",
                    Check::None => "none",
                };
                let public = if r.public { "yes" } else { "no" };
                w.write_record([
                    r.first_name.as_str(),
                    &r.last_name,
                    &r.affiliation,
                    &r.email,
                    &r.lang,
                    &r.day,
                    check,
                    public,
                ])?;
            }
            Sink::Json(w) => {
                let mut value = serde_json::to_value(r).map_err(io::Error::other)?;
                value["id"] = id.into();
                serde_json::to_writer(&mut *w, &value).map_err(io::Error::other)?;
                w.write_all(b"\n")?;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<(), DecryptError> {
        match self {
            Sink::Csv(mut w) => w.flush()?,
            Sink::Json(mut w) => w.flush()?,
        }
        Ok(())
    }
}
