//! The organizer's offline tools. They depend on `record`, `seal` and
//! `export`, never on `web` or `store`: decryption needs no server code.
//!
//! - keys: [`keygen`] (with [`passphrase`] and [`paper`] backups), [`identity`]
//!   (reading key files back);
//! - decryption: [`decrypt`] runs [`stream`] (all cores, into the encrypted
//!   [`spool`]), then routes records by [`review`] into [`sheet`]s at their
//!   [`destination`]s, plus the [`publiclist`] and the [`report`] (with its [`chart`]).

pub mod chart;
pub mod decrypt;
pub mod destination;
pub mod identity;
pub mod keygen;
pub mod paper;
pub mod passphrase;
pub mod publiclist;
pub mod report;
pub mod review;
pub mod sheet;
pub mod spool;
pub mod stream;

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Opens an output file readable by its owner only (plaintext may go in it).
/// `overwrite` truncates an existing file, which keeps that file's mode and
/// follows a symlink: files that replace others go through
/// [`AtomicFile`](crate::atomic::AtomicFile) instead (as `decrypt`'s do).
pub fn private_file(path: &Path, overwrite: bool) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).mode(0o600);
    if overwrite {
        o.create(true).truncate(true);
    } else {
        o.create_new(true);
    }
    o.open(path)
}
