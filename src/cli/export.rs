//! `undersign export`, `purge` and `merge`: encrypted exports in and out of
//! a stopped server's data folder.

use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use indicatif::HumanBytes;
use sha2::{Digest, Sha256};

use undersign::atomic::AtomicFile;
use undersign::count;
use undersign::store::SledFilesError;

use super::existing_store;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Data folder.
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// Output file, or - for standard output.
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(clap::Args)]
pub struct PurgeArgs {
    /// Data folder.
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// The export whose records are deleted (its trailer is checked first).
    #[arg(long)]
    export: PathBuf,
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// Exports to merge (each trailer is checked first).
    #[arg(required = true, num_args = 2..)]
    exports: Vec<PathBuf>,
    /// Where to write the merged export.
    #[arg(short, long)]
    output: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

pub fn export(ExportArgs { data, output }: ExportArgs) -> Result<ExitCode> {
    let store = existing_store(&data)?;
    let n = if output == Path::new("-") {
        store.export(io::stdout().lock())?
    } else {
        // Appears whole or not at all: a full disk leaves no short export behind.
        let mut w = AtomicFile::create(&output, true)?;
        let n = store.export(&mut w)?;
        w.commit().with_context(|| output.display().to_string())?;
        n
    };
    eprintln!(
        "undersign: exported {} and {}",
        count(n.records, "encrypted signature", "encrypted signatures"),
        count(n.withdrawn, "withdrawn id", "withdrawn ids")
    );
    Ok(ExitCode::SUCCESS)
}

pub fn merge(
    MergeArgs {
        exports,
        output,
        force,
    }: MergeArgs,
) -> Result<ExitCode> {
    let mut w = AtomicFile::create(&output, force)?;
    let merged = undersign::merge::merge(&exports, &mut w)?;
    w.commit().with_context(|| output.display().to_string())?;
    eprintln!(
        "undersign: merged {} of petition \"{}\" from {} exports ({} dropped) into {}; \
         {} dropped, {} carried",
        count(merged.records, "record", "records"),
        merged.petition,
        exports.len(),
        count(merged.duplicates, "duplicate", "duplicates"),
        output.display(),
        count(
            merged.withdrawn_dropped,
            "withdrawn record",
            "withdrawn records"
        ),
        count(merged.withdrawn, "withdrawn id", "withdrawn ids"),
    );
    Ok(ExitCode::SUCCESS)
}

pub fn purge(
    PurgeArgs {
        data,
        export: export_path,
    }: PurgeArgs,
) -> Result<ExitCode> {
    use undersign::export;
    let open = || -> Result<_> {
        let f =
            std::fs::File::open(&export_path).with_context(|| export_path.display().to_string())?;
        Ok(BufReader::with_capacity(1 << 20, f))
    };
    // The whole export must be intact before anything is deleted.
    let (header, _) = export::verify(open()?).with_context(|| export_path.display().to_string())?;
    let store = existing_store(&data)?;
    if store.petition_slug().is_some_and(|s| s != header.petition) {
        bail!(
            "{}: this export belongs to petition \"{}\", not to the one in {}; nothing was deleted",
            export_path.display(),
            header.petition,
            data.display()
        );
    }
    // Each record's bytes, by digest: an export whose ciphertexts were swapped
    // between ids must not delete the records really stored under them.
    let mut reader = export::Reader::new(open()?)?;
    let mut held = Vec::new();
    while let Some(item) = reader.next_item() {
        if let export::Item::Record(entry) = item? {
            let digest: [u8; 32] = Sha256::digest(entry.ciphertext.as_bytes()).into();
            held.push((entry.record_id(), digest));
        }
    }
    let now = undersign::guard::unix_now();
    let (deleted, remaining) = store
        .purge(&held, now)
        .with_context(|| export_path.display().to_string())?;
    println!(
        "undersign: deleted {deleted} signature(s) held in the export; {remaining} remain in {}",
        data.display()
    );
    // sled keeps the garbage of every bucket the purge rewrote (and of every
    // batch before it): rewrite its files to what they hold.
    match store.rewrite_sled() {
        Ok((before, after)) => println!(
            "undersign: sled's files (the index and the public log) were rewritten: {} before, \
             {} now",
            HumanBytes(before),
            HumanBytes(after)
        ),
        // The purge itself is durable already: a rewrite that stopped short
        // leaves the old files (whole) or, after the swap, only their leftover.
        Err(e @ SledFilesError::OldCopyLeft(_)) => eprintln!(
            "undersign: warning: sled's files (the index and the public log) were rewritten, but {e}"
        ),
        Err(e) => eprintln!(
            "undersign: warning: the purge is done, but sled's files were not rewritten ({e}): \
             nothing is lost, but they are larger than they need be and may still hold earlier \
             versions of the index (SECURITY.md, what the data folder still reveals)"
        ),
    }
    println!(
        "undersign: the deleted ciphertexts were wiped from the data folder; a disk may still keep \
         old blocks: see SECURITY.md for wiping a data folder for good"
    );
    Ok(ExitCode::SUCCESS)
}
