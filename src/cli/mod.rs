//! The command line: `run` parses and hands each subcommand to its module.
//! Library errors arrive typed; here they become one line.

mod check;
mod decrypt;
mod export;
mod keygen;
mod remote;
mod serve;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use undersign::config::Config;
use undersign::offline::identity;
use undersign::offline::passphrase::Passphrases;
use undersign::seal::{Identities, Recipients};
use undersign::store::Store;

#[derive(Parser)]
#[command(
    name = "undersign",
    version,
    about = "Collect petition signatures that only the organizers can read."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the petition web server.
    Serve(serve::ServeArgs),
    /// Run the bundled demo petition with a throwaway key. NOT private.
    Demo(serve::DemoArgs),
    /// Make an organizer key (run it offline). Prints the public recipient last.
    Keygen(keygen::Args),
    /// Check a config and its recipients; with --identity, prove the key can decrypt.
    Check(check::Args),
    /// Write the encrypted export of a stopped server's data folder.
    Export(export::ExportArgs),
    /// Delete from a stopped server's data folder exactly the records an export holds.
    Purge(export::PurgeArgs),
    /// Decrypt an export offline: spreadsheet, review files, public list, report.
    Decrypt(decrypt::Args),
    /// Make a token for remote export; prints the line for the server's config.
    Token(remote::TokenArgs),
    /// Download the encrypted export from a running server and check it.
    Pull(remote::PullArgs),
    /// Check a petition's public log and count; with --code, that your signature is counted.
    ///
    /// Fetches the whole log, checks its signature, tiles and history and compares its
    /// count with the page's. A receipt code is looked for locally and sent nowhere.
    Verify(verify::Args),
    /// Merge exports of one petition (several servers, overlapping exports): each record once.
    Merge(export::MergeArgs),
}

pub fn run() -> Result<ExitCode> {
    match Cli::parse().command {
        Command::Serve(args) => serve::run(args),
        Command::Demo(args) => serve::demo(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Check(args) => check::run(args),
        Command::Export(args) => export::export(args),
        Command::Purge(args) => export::purge(args),
        Command::Decrypt(args) => decrypt::run(args),
        Command::Token(args) => remote::token(args),
        Command::Pull(args) => remote::pull(args),
        Command::Verify(args) => verify::run(args),
        Command::Merge(args) => export::merge(args),
    }
}

/// The config, or a hint at where one comes from.
fn load_config(path: &Path) -> Result<Config> {
    if !path.exists() {
        bail!(
            "{}: no such config file (pass yours with --config). Copy examples/petition.toml \
             and edit it, or try `undersign demo` for a throwaway demo petition",
            path.display()
        );
    }
    Ok(Config::load(path)?)
}

fn load_recipients(path: &Path) -> Result<Recipients> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the recipients file", path.display()))?;
    Recipients::parse(&text).with_context(|| format!("{}", path.display()))
}

fn load_identities(paths: &[PathBuf], passphrase_file: Option<&Path>) -> Result<Identities> {
    Ok(identity::load(
        paths,
        &Passphrases::from_option(passphrase_file),
    )?)
}

/// Opens a data folder that must already exist: a mistyped --data is an error,
/// not an empty store.
fn existing_store(data: &Path) -> Result<Store> {
    if !data.is_dir() {
        bail!(
            "{}: no such data folder (the `data` setting of the server's petition.toml; pass it with --data)",
            data.display()
        );
    }
    Ok(Store::open(data)?)
}

fn key_warning(key: &Path) -> String {
    format!(
        "the TLS key {} can be read by every user of this machine: chmod 0640 (or 0600) it",
        key.display()
    )
}
