//! The organizer's offline tools. They depend on `record`, `seal` and
//! `export`, never on `web` or `store`: decryption needs no server code.

pub mod decrypt;
pub mod keygen;

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Opens an output file readable by its owner only (plaintext may go in it).
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
