//! `undersign decrypt`: the side files' default names, then the end-of-run
//! report; the work itself is [`undersign::offline::decrypt`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};

use undersign::count;
use undersign::offline::decrypt::{self, Format};
use undersign::offline::destination::SealTo;
use undersign::offline::review::DEFAULT_SUSPICIOUS_FLAGS;

use super::{load_identities, verify};

#[derive(clap::Args)]
pub struct Args {
    /// Identity file: age, passphrase-protected age, or SSH key; repeat for several.
    #[arg(short, long = "identity", required = true)]
    identities: Vec<PathBuf>,
    /// The export file (from `undersign export`).
    export: PathBuf,
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Output file (mode 0600), or - for standard output.
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Start CSV files with a UTF-8 byte-order mark, so Excel shows every script intact.
    #[arg(long)]
    excel: bool,
    /// Passphrase for protected identities, from the first line of FILE
    /// (for automation and tests; the terminal is asked otherwise).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// Where to list the duplicates dropped [default: OUTPUT.review.csv next to -o FILE].
    #[arg(long, value_name = "FILE", conflicts_with = "keep_duplicates")]
    review: Option<PathBuf>,
    /// Where to set suspicious records aside [default: OUTPUT.suspicious.csv next to a CSV -o FILE].
    #[arg(long, value_name = "FILE", conflicts_with = "keep_suspicious")]
    suspicious: Option<PathBuf>,
    /// Keep records with the same email as another one in the output.
    #[arg(long)]
    keep_duplicates: bool,
    /// Keep suspicious records in the output (their flags stay in the flags column).
    #[arg(long)]
    keep_suspicious: bool,
    /// Flags that make a record suspicious, comma-separated.
    #[arg(long, value_name = "FLAGS", value_delimiter = ',', default_values_t = DEFAULT_SUSPICIOUS_FLAGS.map(String::from))]
    suspicious_flags: Vec<String>,
    /// Write the public signatories to FILE.md and FILE.html, ready to publish.
    #[arg(long, value_name = "FILE")]
    public_list: Option<PathBuf>,
    /// Write a self-contained HTML report (totals, a chart per day, languages, checks, flags).
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// Seal every output file to this age1… or SSH public key, so no plaintext lands on disk; repeatable.
    #[arg(long, value_name = "RECIPIENT")]
    encrypt_to: Vec<String>,
    /// Check that the export agrees with the public log saved by `verify --save-log` (exit 2 if not).
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let Args {
        identities,
        export,
        format,
        output,
        excel,
        passphrase_file,
        review,
        suspicious,
        keep_duplicates,
        keep_suspicious,
        suspicious_flags,
        public_list,
        report,
        encrypt_to,
        log,
    } = args;
    // Counts only, before anything is decrypted: the log names no one.
    let log_agrees = match &log {
        Some(saved) => verify::check_saved_log(&export, saved)?,
        None => true,
    };
    if excel && format != Format::Csv {
        bail!("--excel adds a byte-order mark for spreadsheets: it applies to CSV only");
    }
    let seal = SealTo::parse(&encrypt_to)?;
    let sealed = seal.is_some();
    let output = (output != Path::new("-")).then_some(output);
    let ext = format.extension();
    let review = review.or_else(|| {
        let out = output.as_deref().filter(|_| !keep_duplicates)?;
        Some(decrypt::side_path(out, "review", ext, sealed))
    });
    // JSON Lines keeps every record with its `flags`: it feeds other tools.
    let suspicious = suspicious.or_else(|| {
        let out = output
            .as_deref()
            .filter(|_| !keep_suspicious && format == Format::Csv)?;
        Some(decrypt::side_path(out, "suspicious", ext, sealed))
    });
    // Records that break the server's rules are never kept: without a
    // suspicious file they get their own, beside a file output.
    let malformed = match (&suspicious, output.as_deref()) {
        (None, Some(out)) => Some(decrypt::side_path(out, "malformed", ext, sealed)),
        _ => None,
    };
    let suspicious_flags = known_flags(suspicious_flags)?;
    let job = decrypt::Job {
        export: export.clone(),
        format,
        output,
        excel,
        review,
        suspicious,
        malformed,
        suspicious_flags,
        keep_duplicates,
        public_list,
        report,
        seal,
        progress: true,
        identities: identities.clone(),
        passphrase_file: passphrase_file.clone(),
    };
    // Before a passphrase is asked: an output must never replace a key.
    job.check_outputs()?;
    let ids = load_identities(&identities, passphrase_file.as_deref())?;
    let summary = decrypt::run(&job, &ids).map_err(|e| match e {
        // The export's own problems say which export; the others name their file.
        decrypt::DecryptError::Export(_) => anyhow::anyhow!("{}: {e}", export.display()),
        other => other.into(),
    })?;
    print_summary(&job, &summary);
    Ok(if summary.tally.failed == 0 && log_agrees {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// The end-of-run report on standard error: one summary line, then details.
fn print_summary(job: &decrypt::Job, s: &decrypt::Summary) {
    let t = &s.tally;
    eprintln!(
        "undersign: {}: {} written, {} dropped (same email), \
         {} set aside as suspicious, {} failed to decrypt, {} dropped as withdrawn",
        count(t.records, "record", "records"),
        t.kept,
        count(t.duplicates, "duplicate", "duplicates"),
        t.suspicious,
        t.failed,
        t.withdrawn
    );
    if t.malformed > 0 {
        // Counted apart: not one of them is a signature the server wrote.
        let set_aside = format!(
            "undersign: {} set aside as malformed (not as the server writes records: forged, \
             or from a broken client)",
            count(t.malformed, "record", "records")
        );
        match &s.malformed_in {
            Some(p) => eprintln!("{set_aside}; see the reason column of {}", p.display()),
            None => eprintln!(
                "{set_aside}; they are not listed anywhere: with -o FILE or --suspicious FILE they are"
            ),
        }
    }
    if t.flagged > 0 {
        let flags: Vec<String> = t.flags.iter().map(|(f, n)| format!("{f} {n}")).collect();
        eprintln!(
            "undersign: {} decrypted; {} carry flags ({})",
            t.decrypted,
            t.flagged,
            flags.join(", ")
        );
    } else {
        eprintln!("undersign: {} decrypted; none carries a flag", t.decrypted);
    }
    for (path, what) in &s.files {
        eprintln!("undersign: wrote {} ({what})", path.display());
    }
    if t.duplicates > 0 && job.review.is_none() {
        eprintln!("undersign: the duplicates are not listed anywhere; --review FILE lists them");
    }
    for (id, why) in &s.failures {
        eprintln!("undersign: record {id}: {why}");
    }
    let unlisted = t.failed.saturating_sub(s.failures.len() as u64);
    if unlisted > 0 {
        eprintln!("undersign: … and {unlisted} more records failed");
    }
    // (When none opens at all, decrypt stops before writing anything.)
    if s.no_matching_key > 0 {
        eprintln!(
            "undersign: {} of the {} records were sealed to keys not given here: add the other \
             organizers' keys with more -i. Check a key before launch with \
             `undersign check --config petition.toml --identity FILE`",
            s.no_matching_key, t.records
        );
    }
}

/// The flags the server writes; a typo in `--suspicious-flags` would
/// otherwise let flagged records into the spreadsheet unnoticed.
fn known_flags(flags: Vec<String>) -> Result<Vec<String>> {
    let known = undersign::record::FLAGS;
    let mut out = Vec::new();
    for flag in flags.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
        if !known.contains(&flag) {
            bail!(
                "--suspicious-flags: unknown flag \"{flag}\" (the server writes {})",
                known.join(", ")
            );
        }
        out.push(flag.to_string());
    }
    Ok(out)
}
