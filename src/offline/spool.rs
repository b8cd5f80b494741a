//! Decrypted records parked between decryption and writing.
//!
//! `decrypt` opens every record once (the expensive part) while it checks the
//! export's trailer, but must write nothing from an export that turns out to be
//! truncated or altered, and can only tell which of two duplicates to keep once
//! it has seen them all. So records wait here, in export order, until the
//! export is proven whole.
//!
//! The spool never holds plaintext on disk: it is an age stream sealed to a
//! key made for this run and held only in memory, and its file is unlinked the
//! moment it is created, so nothing is left behind even if the process is killed.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::record::Record;

/// One decrypted record as parked.
#[derive(Deserialize)]
pub struct Parked {
    /// Position in the export (0-based, counting records that failed too).
    pub p: u64,
    /// The record id, as in the export.
    pub id: String,
    /// Set aside as suspicious (decided while decrypting; see `review`).
    pub s: bool,
    /// Why the record is malformed (the rules it breaks, no value); empty when
    /// it is as the server writes records.
    #[serde(default)]
    pub m: String,
    /// The email's comparison key (`review::Winners::key`), in hex; empty for none.
    pub k: String,
    pub r: Record,
}

impl Parked {
    pub fn key(&self) -> Option<[u8; 16]> {
        let mut key = [0; 16];
        hex::decode_to_slice(&self.k, &mut key).ok().map(|()| key)
    }
}

#[derive(Serialize)]
struct ParkedOut<'a> {
    p: u64,
    id: &'a str,
    s: bool,
    m: &'a str,
    k: String,
    r: &'a Record,
}

/// The writing half.
pub struct Spool {
    out: age::stream::StreamWriter<BufWriter<File>>,
    key: age::x25519::Identity,
    line: Zeroizing<Vec<u8>>,
}

impl Spool {
    /// Creates an unlinked spool file in `dir` (the output's folder, so it shares
    /// the output's disk and its protections).
    pub fn create(dir: &Path) -> io::Result<Spool> {
        let path = dir.join(format!(".undersign-spool-{:016x}", rand::random::<u64>()));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        std::fs::remove_file(&path)?;
        let key = age::x25519::Identity::generate();
        let recipient = key.to_public();
        let out = age::Encryptor::with_recipients(std::iter::once(&recipient as _))
            .map_err(io::Error::other)?
            .wrap_output(BufWriter::with_capacity(1 << 16, file))?;
        Ok(Spool {
            out,
            key,
            line: Zeroizing::new(Vec::with_capacity(4096)),
        })
    }

    pub fn park(
        &mut self,
        position: u64,
        id: &str,
        suspicious: bool,
        malformed: &str,
        key: Option<[u8; 16]>,
        r: &Record,
    ) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(
            &mut *self.line,
            &ParkedOut {
                p: position,
                id,
                s: suspicious,
                m: malformed,
                k: key.map(hex::encode).unwrap_or_default(),
                r,
            },
        )?;
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    /// Ends writing and rewinds, for reading back in the same order.
    pub fn into_reader(self) -> io::Result<SpoolReader> {
        let mut file = self
            .out
            .finish()?
            .into_inner()
            .map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        let decryptor = age::Decryptor::new_buffered(BufReader::with_capacity(1 << 16, file))
            .map_err(io::Error::other)?;
        let stream = decryptor
            .decrypt(std::iter::once(&self.key as &dyn age::Identity))
            .map_err(io::Error::other)?;
        Ok(SpoolReader {
            input: BufReader::with_capacity(1 << 16, Box::new(stream)),
            line: Zeroizing::new(Vec::with_capacity(4096)),
        })
    }
}

/// The reading half: records in the order they were parked.
pub struct SpoolReader {
    input: BufReader<Box<dyn Read + Send>>,
    line: Zeroizing<Vec<u8>>,
}

impl SpoolReader {
    pub fn next_parked(&mut self) -> io::Result<Option<Parked>> {
        self.line.clear();
        if self.input.read_until(b'\n', &mut self.line)? == 0 {
            return Ok(None);
        }
        serde_json::from_slice(&self.line)
            .map(Some)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the spool is damaged"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_in_order_from_an_unlinked_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::create(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the spool file is unlinked at once"
        );
        for i in 0..3u64 {
            let r = Record::from_json(
                format!(r#"{{"v":1,"petition":"p","first_name":"Canary{i}","last_name":"L","lang":"en","day":"2026-11-28","check":"none"}}"#)
                    .as_bytes(),
            )
            .unwrap();
            let key = (i == 2).then_some([7; 16]);
            spool
                .park(i * 2, &format!("id{i}"), i == 1, "", key, &r)
                .unwrap();
        }
        let mut reader = spool.into_reader().unwrap();
        for i in 0..3u64 {
            let p = reader.next_parked().unwrap().unwrap();
            assert_eq!(
                (p.p, p.id.as_str(), p.s),
                (i * 2, format!("id{i}").as_str(), i == 1)
            );
            assert_eq!(p.r.first_name, format!("Canary{i}"));
            assert_eq!(p.key(), (i == 2).then_some([7; 16]));
        }
        assert!(reader.next_parked().unwrap().is_none());
    }
}
