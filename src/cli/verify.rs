//! `undersign verify` and `undersign keygen --cosigner`: the thin command
//! line over [`undersign::verify`].

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

use undersign::receipt::ReceiptCode;
use undersign::tlog::note::Cosigner;
use undersign::verify::{self, CodeStatus, Verify};

/// Options of `undersign verify`.
#[derive(clap::Args)]
pub struct Args {
    /// The petition's address (https://…, or http://….onion with --proxy).
    #[arg(long)]
    url: String,
    /// The log key the organizers published [default: the one remembered from your first check].
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
    /// A receipt code: check that this signature is counted. Use - to type it unseen.
    #[arg(long, value_name = "CODE")]
    code: Option<String>,
    /// With --code: write the proof that the signature is in the log (c2sp.org/tlog-proof) to FILE.
    #[arg(long, value_name = "FILE", requires = "code")]
    proof: Option<PathBuf>,
    /// Compare an export (from `undersign export` or `pull`) with the log.
    #[arg(long, value_name = "FILE")]
    export: Option<PathBuf>,
    /// Cosign the verified checkpoint with this cosigner key (`keygen --cosigner`); prints it.
    #[arg(long, value_name = "KEYFILE")]
    cosign: Option<PathBuf>,
    /// A cosigner's verifier key: the log must be consistent with its --cosigned checkpoint.
    #[arg(long, value_name = "KEY", requires = "cosigned")]
    witness: Option<String>,
    /// A checkpoint cosigned by --witness (the output of `verify --cosign`).
    #[arg(long, value_name = "FILE", requires = "witness")]
    cosigned: Option<PathBuf>,
    /// Where the last checkpoint of each log is remembered [default: ~/.local/state/undersign/verify.json].
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Save the verified log to FILE, to compare it with an export offline (`decrypt --log`).
    #[arg(long, value_name = "FILE")]
    save_log: Option<PathBuf>,
    #[command(flatten)]
    connection: super::remote::Connection,
}

/// The code from the command line, or typed without echo for `--code -`
/// (so it stays out of the shell's history).
fn read_code(given: &str) -> Result<ReceiptCode> {
    let text = if given == "-" {
        if std::io::stdin().is_terminal() {
            Zeroizing::new(rpassword::prompt_password("receipt code: ")?)
        } else {
            let mut line = Zeroizing::new(String::new());
            std::io::stdin().read_line(&mut line)?;
            line
        }
    } else {
        Zeroizing::new(given.to_string())
    };
    Ok(ReceiptCode::parse(text.trim())?)
}

fn read_private(path: &Path) -> Result<Zeroizing<String>> {
    Ok(Zeroizing::new(std::fs::read_to_string(path).with_context(
        || format!("{}: cannot read the cosigner key", path.display()),
    )?))
}

pub fn run(a: Args) -> Result<ExitCode> {
    let code = a.code.as_deref().map(read_code).transpose()?;
    let state = match a.state.clone().or_else(verify::default_state_file) {
        Some(s) => s,
        None => bail!("no home folder to keep the log's last checkpoint in: pass --state FILE"),
    };
    let export = match &a.export {
        Some(p) => Some(verify::export_ids(p).with_context(|| p.display().to_string())?),
        None => None,
    };
    let cosigner = match &a.cosign {
        Some(p) => Some(
            Cosigner::from_private(&read_private(p)?).with_context(|| p.display().to_string())?,
        ),
        None => None,
    };
    let witness = match (&a.witness, &a.cosigned) {
        (Some(k), Some(f)) => Some((
            k.as_str(),
            std::fs::read(f).with_context(|| f.display().to_string())?,
        )),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(verify::verify(Verify {
        url: &a.url,
        key: a.key.as_deref(),
        state: &state,
        proxy: a.connection.proxy.as_deref(),
        ca_cert: a.connection.ca_cert.as_deref(),
        code: code.as_ref(),
        export,
        cosigner: cosigner.as_ref(),
        witness,
        now: undersign::guard::unix_now(),
        save_log: a.save_log.as_deref(),
    }))?;

    let r = &report;
    if r.first_use {
        eprintln!(
            "undersign: first check of the log {}: trusting the key the server gives, {}\n\
             undersign: compare it with the key the organizers published (their site, a printout): \
             every later check makes sure it never changes",
            r.origin, r.vkey
        );
    }
    match r.previous {
        Some(old) => eprintln!(
            "undersign: consistent with your last check ({}): nothing was removed or changed",
            undersign::count(old, "entry", "entries")
        ),
        None => eprintln!(
            "undersign: first checkpoint of this log remembered in {}",
            r.state_file.display()
        ),
    }
    if let Some((size, time)) = r.witnessed {
        eprintln!(
            "undersign: consistent with the checkpoint cosigned at {} ({})",
            time_text(time),
            undersign::count(size, "entry", "entries")
        );
    }
    eprintln!(
        "undersign: verified: {} counted ({} added, {} withdrawn) in the log {} at {}",
        undersign::count(r.count(), "signature", "signatures"),
        r.added,
        r.withdrawn,
        r.origin,
        undersign::count(r.size, "entry", "entries")
    );
    eprintln!("undersign: /count agrees with the log");

    let mut status = ExitCode::SUCCESS;
    match &r.code {
        Some(CodeStatus::Counted { index, proof }) => {
            eprintln!(
                "undersign: your signature is counted: its entry is number {index} of the log, and \
                 it was not withdrawn. Your code was not sent anywhere."
            );
            if let Some(path) = &a.proof {
                write_new(path, proof)?;
                eprintln!(
                    "undersign: wrote the proof of inclusion (c2sp.org/tlog-proof) to {}",
                    path.display()
                );
            }
        }
        Some(CodeStatus::Withdrawn { added, withdrawn }) => {
            eprintln!(
                "undersign: your signature was withdrawn: it was added as entry {added} and \
                 withdrawn as entry {withdrawn}. It is not counted."
            );
            status = ExitCode::from(2);
        }
        Some(CodeStatus::Absent) => {
            eprintln!(
                "undersign: your signature is not in the log. If you signed in the last few \
                 minutes, it is published with the next batch: check again later."
            );
            status = ExitCode::from(2);
        }
        None => {}
    }
    if let Some(path) = &a.save_log {
        eprintln!(
            "undersign: saved the verified log to {} (for `undersign decrypt --log`)",
            path.display()
        );
    }
    if let Some(a) = &r.export
        && !report_agreement(a)
    {
        status = ExitCode::from(2);
    }
    if let Some((note, line)) = &r.cosigned {
        std::io::stdout().write_all(note)?;
        eprintln!(
            "undersign: cosigned the checkpoint above (its last line is the cosignature: {}). \
             Publish it where signers can fetch it; they check with --witness YOUR-KEY --cosigned FILE",
            line.trim_end()
        );
    }
    Ok(status)
}

/// Says whether an export agrees with the log; true if it does.
pub fn report_agreement(a: &undersign::tlog::audit::Agreement) -> bool {
    if a.agrees() {
        eprintln!(
            "undersign: the export agrees with the log: all {} are counted, and every signature \
             the log counts is in the export{}",
            undersign::count(a.records, "record", "records"),
            if a.withdrawn_in_export > 0 {
                format!(" or withdrawn there ({})", a.withdrawn_in_export)
            } else {
                String::new()
            }
        );
        true
    } else {
        eprintln!(
            "undersign: the export does NOT agree with the log: {} of its records are not in the \
             log, {} are withdrawn in the log but still in the export, and {} signatures the log \
             counts are missing from it (if you purged after an earlier export, check that one too)",
            a.unlogged, a.withdrawn_in_log, a.missing
        );
        false
    }
}

/// `decrypt --log FILE`: compares the export with a log saved by `verify
/// --save-log`, offline. True if they agree.
pub fn check_saved_log(export: &Path, saved: &Path) -> Result<bool> {
    let bytes = std::fs::read(saved).with_context(|| saved.display().to_string())?;
    let (checkpoint, ledger) =
        undersign::tlog::snapshot::open(&bytes).with_context(|| saved.display().to_string())?;
    let (records, withdrawn) =
        verify::export_ids(export).with_context(|| export.display().to_string())?;
    eprintln!(
        "undersign: the saved log {} holds {} ({} counted) and checks out",
        checkpoint.origin,
        undersign::count(checkpoint.size, "entry", "entries"),
        ledger.tally.count()
    );
    Ok(report_agreement(&undersign::tlog::audit::compare(
        &ledger, records, withdrawn,
    )))
}

fn time_text(unix: u64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix as i64)
        .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
        .unwrap_or_else(|_| unix.to_string())
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = undersign::offline::private_file(path, false)
        .with_context(|| format!("{} (never overwritten)", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// `undersign keygen --cosigner NAME`: a cosigner key (mode 0600, never
/// overwritten); prints its verifier key last.
pub fn new_cosigner(output: &Path, name: &str) -> Result<ExitCode> {
    let (cosigner, private) = Cosigner::generate(name)?;
    let mut f = undersign::offline::private_file(output, false).with_context(|| {
        format!(
            "{} (never overwritten; choose another file with -o)",
            output.display()
        )
    })?;
    f.write_all(format!("{}\n", private.as_str()).as_bytes())?;
    f.sync_all()?;
    eprintln!(
        "undersign: wrote the cosigner key {} to {} (mode 0600). Keep it with you, not on the \
         server. Cosign with `undersign verify --url URL --cosign {}`; give signers this \
         verifier key to check your cosignatures with --witness:",
        cosigner.name(),
        output.display(),
        output.display()
    );
    println!("{}", cosigner.vkey());
    Ok(ExitCode::SUCCESS)
}
