//! `undersign keygen`: an organizer's key, or with --cosigner a witness's.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use undersign::offline::passphrase::Passphrases;
use undersign::offline::{keygen, paper, private_file};

const DEFAULT_OUTPUT: &str = "undersign-identity.txt";

#[derive(clap::Args)]
pub struct Args {
    /// Where to write the secret identity (never overwritten).
    #[arg(short, long, default_value = DEFAULT_OUTPUT)]
    output: PathBuf,
    /// Protect the key with a passphrase, typed twice on the terminal.
    #[arg(long)]
    passphrase: bool,
    /// Read the passphrase from the first line of FILE instead (for automation
    /// and tests; implies --passphrase).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// Also draw the key as a QR code on the terminal, for a paper copy.
    #[arg(long)]
    qr: bool,
    /// Also write the key as a QR code in a printable SVG file (mode 0600, never overwritten).
    #[arg(long, value_name = "FILE")]
    qr_svg: Option<PathBuf>,
    /// Make a cosigner key for `verify --cosign` instead, named NAME (like example.org/alice).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["passphrase", "passphrase_file", "qr", "qr_svg"])]
    cosigner: Option<String>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    if let Some(name) = &args.cosigner {
        let output = if args.output == Path::new(DEFAULT_OUTPUT) {
            PathBuf::from("cosigner.key")
        } else {
            args.output
        };
        return super::verify::new_cosigner(&output, name);
    }
    organizer_key(
        &args.output,
        args.passphrase || args.passphrase_file.is_some(),
        args.passphrase_file.as_deref(),
        args.qr,
        args.qr_svg.as_deref(),
    )
}

/// `keygen`: every check that can fail happens before the key is made.
fn organizer_key(
    output: &Path,
    protect: bool,
    passphrase_file: Option<&Path>,
    qr: bool,
    qr_svg: Option<&Path>,
) -> Result<ExitCode> {
    if output.exists() {
        return Err(keygen::KeygenError::Exists(output.display().to_string()).into());
    }
    if qr && !io::stderr().is_terminal() {
        bail!(
            "--qr draws the secret key on the terminal only, and standard error is not one \
             (it may be a log); use --qr-svg FILE for a file to print"
        );
    }
    let mut svg_file = match qr_svg {
        Some(p) => Some(
            private_file(p, false)
                .with_context(|| format!("{}: cannot create the QR code file", p.display()))?,
        ),
        None => None,
    };
    // The QR code file is this run's own: a failure from here on removes it.
    let made = || -> Result<_> {
        let passphrase = match protect {
            true => Some(Passphrases::from_option(passphrase_file).new_passphrase()?),
            false => None,
        };
        Ok(keygen::keygen_with(output, passphrase.as_ref())?)
    };
    let key = made().inspect_err(|_| {
        if let Some(p) = qr_svg {
            let _ = std::fs::remove_file(p);
        }
    })?;
    if let (Some(file), Some(p)) = (svg_file.as_mut(), qr_svg) {
        let created = time::OffsetDateTime::now_utc().date().to_string();
        let svg = paper::svg(&key, &created)?;
        file.write_all(svg.as_bytes())
            .and_then(|_| file.sync_all())
            .with_context(|| format!("{}: cannot write the QR code", p.display()))?;
    }
    eprintln!("{}", keygen::backup_guide(output, &key));
    if let Some(p) = qr_svg {
        eprintln!(
            "undersign: the QR code for a paper copy is in {} (mode 0600); print it, then delete the file.",
            p.display()
        );
    }
    if qr {
        eprintln!("{}", paper::terminal(&key)?.as_str());
    }
    println!("{}", key.recipient);
    Ok(ExitCode::SUCCESS)
}
