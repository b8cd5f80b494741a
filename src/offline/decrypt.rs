//! `undersign decrypt`: one export in; a clean spreadsheet, review files, a
//! public list and a report out, on the organizer's own machine.
//!
//! Two passes, one decryption:
//! 1. [`stream`](super::stream) reads the export once, checking its trailer,
//!    opens every record on all cores and parks it in an encrypted spool.
//! 2. Only when the whole export has proven intact are output files created;
//!    the spool is read back in export order and every record routed to the
//!    spreadsheet or a review file ([`review`](super::review)).
//!
//! So a truncated or altered export produces no output at all. Files are
//! written beside their names and put in place together at the end
//! ([`Pending`]), so a failure while writing leaves every file at an output
//! path as it was, and an old file's mode or a planted symlink never carries
//! over to the new one.
//!
//! Every record is untrusted (anyone with the public keys can seal one): one
//! that breaks the server's rules is set aside as malformed, with why, and
//! nothing from it reaches the spreadsheet, the public list, the report's
//! tables or the terminal.

use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use super::destination::{Destination, Pending, SealTo};
use super::publiclist::PublicList;
use super::report::{self, Tally};
use super::review::Route;
use super::sheet::Sheet;
pub use super::sheet::{CSV_COLUMNS, Format};
use super::stream::{self, Opened, Rules};
use crate::atomic::{AtomicFile, partial_path};
use crate::export::{ExportError, Header};
use crate::record::Record;
use crate::seal::Identities;

#[derive(Debug, thiserror::Error)]
pub enum DecryptError {
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("{0}: cannot read the export: {1}")]
    Input(String, io::Error),
    #[error("{0}: cannot write: {1}")]
    Output(String, io::Error),
    #[error("cannot keep decrypted records in a temporary encrypted file in {0}: {1}")]
    Spool(String, io::Error),
    #[error("{0} is {1}: choose another output file")]
    OutputIsInput(String, &'static str),
    #[error("{0} is written first as {1}, which is {2}: choose another output file")]
    PartialIsInput(String, String, &'static str),
    #[error("{0} is a folder: name a file")]
    IsAFolder(String),
    #[error("{0} is named for two different outputs")]
    SameOutputTwice(String),
    #[error("{0}: the folder for this output does not exist")]
    NoFolder(String),
    #[error(
        "none of the {records} records opened with the given identities ({wrong_key} are sealed \
         to other keys): is this the right key file? Nothing was written"
    )]
    NothingOpened { records: u64, wrong_key: u64 },
}

/// Everything one `decrypt` run is asked to do.
pub struct Job {
    pub export: PathBuf,
    pub format: Format,
    /// `None`: standard output.
    pub output: Option<PathBuf>,
    /// Start CSV files with a UTF-8 byte-order mark, for Excel.
    pub excel: bool,
    /// Where dropped duplicates are listed (`None`: they are only counted).
    pub review: Option<PathBuf>,
    /// Where suspicious records go (`None`: they stay in the spreadsheet).
    /// Malformed records go there too.
    pub suspicious: Option<PathBuf>,
    /// Where malformed records go when there is no suspicious file; created
    /// only when there is one (`None`: they are only counted).
    pub malformed: Option<PathBuf>,
    /// Flags that make a record suspicious.
    pub suspicious_flags: Vec<String>,
    /// Keep every record, duplicates included.
    pub keep_duplicates: bool,
    /// `FILE` for `FILE.md` and `FILE.html`.
    pub public_list: Option<PathBuf>,
    pub report: Option<PathBuf>,
    /// Seal every output file to these recipients.
    pub seal: Option<SealTo>,
    /// Show a progress bar (it hides itself when stderr is not a terminal).
    pub progress: bool,
    /// Identity files (`-i`) and the passphrase file: read, never written.
    pub identities: Vec<PathBuf>,
    pub passphrase_file: Option<PathBuf>,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub tally: Tally,
    /// The first failed records, by id, and why.
    pub failures: Vec<(String, String)>,
    /// Failures because none of the identities matched.
    pub no_matching_key: u64,
    /// Files written, and what each holds.
    pub files: Vec<(PathBuf, String)>,
    /// The file malformed records were set aside in (`None`: only counted).
    pub malformed_in: Option<PathBuf>,
}

/// The default name of a side file next to `output`:
/// `signatures.csv` → `signatures.review.csv` (`…csv.age` when sealed).
pub fn side_path(output: &Path, what: &str, ext: &str, sealed: bool) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "signatures".into());
    let name = name.strip_suffix(".age").unwrap_or(&name);
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    output.with_file_name(format!(
        "{stem}.{what}.{ext}{}",
        if sealed { ".age" } else { "" }
    ))
}

/// `--public-list FILE` writes `FILE.md` and `FILE.html` (a given `.md` or
/// `.html` ending is dropped first).
pub fn public_list_paths(base: &Path, sealed: bool) -> (PathBuf, PathBuf) {
    let s = base.to_string_lossy();
    let s = s
        .strip_suffix(".md")
        .or_else(|| s.strip_suffix(".html"))
        .unwrap_or(&s);
    let age = if sealed { ".age" } else { "" };
    (
        PathBuf::from(format!("{s}.md{age}")),
        PathBuf::from(format!("{s}.html{age}")),
    )
}

impl Job {
    /// Every file this job may write.
    fn output_paths(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = [
            &self.output,
            &self.review,
            &self.suspicious,
            &self.malformed,
            &self.report,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        if let Some(base) = &self.public_list {
            let (md, html) = public_list_paths(base, self.seal.is_some());
            out.extend([md, html]);
        }
        out
    }

    /// Refuses outputs that would replace the export, a key, or each other,
    /// before anything is read or a passphrase asked.
    pub fn check_outputs(&self) -> Result<(), DecryptError> {
        use std::os::unix::fs::MetadataExt;
        let export = std::fs::metadata(&self.export)
            .map_err(|e| DecryptError::Input(self.export.display().to_string(), e))?;
        // Files this run reads, by device and inode: a link or another spelling
        // of the same file is caught too.
        let mut inputs = vec![((export.dev(), export.ino()), "the export itself")];
        let keys = self
            .identities
            .iter()
            .map(|p| (p, "an identity file given with -i"));
        let pass = self
            .passphrase_file
            .iter()
            .map(|p| (p, "the --passphrase-file"));
        for (p, what) in keys.chain(pass) {
            if let Ok(m) = std::fs::metadata(p) {
                inputs.push(((m.dev(), m.ino()), what));
            }
        }
        let read_by_this_run = |p: &Path| {
            let m = std::fs::metadata(p).ok()?;
            inputs
                .iter()
                .find(|(id, _)| *id == (m.dev(), m.ino()))
                .map(|(_, what)| *what)
        };
        let paths = self.output_paths();
        for (i, p) in paths.iter().enumerate() {
            let shown = p.display().to_string();
            // Decrypting a big export takes a while: a mistyped folder must fail now.
            let folder = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            if !folder.is_dir() {
                return Err(DecryptError::NoFolder(shown));
            }
            if let Some(what) = read_by_this_run(p) {
                return Err(DecryptError::OutputIsInput(shown, what));
            }
            let partial = partial_path(p);
            if let Some(what) = read_by_this_run(&partial) {
                return Err(DecryptError::PartialIsInput(
                    shown,
                    partial.display().to_string(),
                    what,
                ));
            }
            if p.is_dir() {
                return Err(DecryptError::IsAFolder(shown));
            }
            if paths[..i].iter().any(|q| absolute(q) == absolute(p)) {
                return Err(DecryptError::SameOutputTwice(shown));
            }
        }
        Ok(())
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Runs a whole decryption. See the module comment for the order of events.
pub fn run(job: &Job, identities: &Identities) -> Result<Summary, DecryptError> {
    job.check_outputs()?;
    let shown = job.export.display().to_string();
    let file = File::open(&job.export).map_err(|e| DecryptError::Input(shown.clone(), e))?;
    let input = BufReader::with_capacity(1 << 20, file);
    // The spool sits beside the output: same disk, same protections.
    let spool_dir = match job.output.as_deref().and_then(Path::parent) {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        Some(_) => PathBuf::from("."),
        None => std::env::temp_dir(),
    };
    let progress = if job.progress {
        progress_bar()
    } else {
        ProgressBar::hidden()
    };
    let suspicious_flags: &[String] = if job.suspicious.is_some() {
        &job.suspicious_flags
    } else {
        &[]
    };
    let opened = stream::open_all(
        input,
        identities,
        &Rules { suspicious_flags },
        &spool_dir,
        &progress,
    )?;
    progress.finish_and_clear();
    // A wrong key must not replace yesterday's good spreadsheet with an empty one.
    if opened.records > 0 && opened.decrypted == 0 {
        return Err(DecryptError::NothingOpened {
            records: opened.records,
            wrong_key: opened.no_matching_key,
        });
    }
    // The export is intact: from here on, files are created.
    write_outputs(job, opened, &spool_dir)
}

/// The sheets of one run, open for writing.
struct Sheets {
    main: Sheet<Destination>,
    review: Option<Sheet<Destination>>,
    /// Suspicious and malformed records, with a reason column, and its path.
    aside: Option<(Sheet<Destination>, PathBuf)>,
}

impl Sheets {
    fn open(job: &Job, aside: Option<&Path>) -> Result<Sheets, DecryptError> {
        let open = |path: Option<&Path>| {
            Destination::open(path, job.seal.as_ref())
                .and_then(|d| Sheet::new(job.format, job.excel, d))
                .map_err(|e| output_error(path, e))
        };
        Ok(Sheets {
            main: open(job.output.as_deref())?,
            review: job
                .review
                .as_deref()
                .map(|p| {
                    Destination::open(Some(p), job.seal.as_ref())
                        .and_then(|d| Sheet::with_reason(job.format, job.excel, d))
                        .map_err(|e| output_error(Some(p), e))
                })
                .transpose()?,
            aside: match aside {
                Some(p) => Some((
                    Destination::open(Some(p), job.seal.as_ref())
                        .and_then(|d| Sheet::with_reason(job.format, job.excel, d))
                        .map_err(|e| output_error(Some(p), e))?,
                    p.to_path_buf(),
                )),
                None => None,
            },
        })
    }
}

/// The reason column of a record set aside by its flags: the listed flags it
/// carries (a well-formed record's flags are the server's own words).
fn flagged(r: &Record, listed: &[String]) -> String {
    let hits: Vec<&str> = r
        .flags
        .iter()
        .filter(|f| listed.contains(f))
        .map(String::as_str)
        .collect();
    format!("flagged {}", hits.join(" "))
}

/// Reads the spool back in export order and routes every record.
fn write_outputs(job: &Job, opened: Opened, spool_dir: &Path) -> Result<Summary, DecryptError> {
    // Malformed records go to the suspicious file; without one, to their own
    // file, made only when there is something to put in it.
    let aside = job
        .suspicious
        .as_deref()
        .or(job.malformed.as_deref().filter(|_| opened.malformed > 0));
    let malformed_in = aside
        .filter(|_| opened.malformed > 0)
        .map(Path::to_path_buf);
    let mut sheets = Sheets::open(job, aside)?;
    let mut pending = Pending::default();
    let mut public = job.public_list.as_ref().map(|_| PublicList::default());
    let mut tally = Tally::default();
    tally.records = opened.records + opened.withdrawn;
    tally.withdrawn = opened.withdrawn;
    tally.failed = opened.failed;

    let spool_err = |e| DecryptError::Spool(spool_dir.display().to_string(), e);
    let mut parked = opened.spool.into_reader().map_err(spool_err)?;
    while let Some(mut p) = parked.next_parked().map_err(spool_err)? {
        let route = if !p.m.is_empty() {
            Route::Malformed
        } else if p.s {
            Route::Suspicious
        } else if !job.keep_duplicates && !opened.winners.is_winner(p.key(), p.p) {
            Route::Duplicate
        } else {
            Route::Keep
        };
        // Listed publicly only when every copy of this signer asked to be:
        // the spreadsheet says what the public list does.
        let consent_held = opened.winners.every_copy_public(p.key());
        if route == Route::Keep && !consent_held {
            p.r.public = false;
        }
        tally.count(&p.r, route);
        let reason;
        let (sheet, path) = match route {
            Route::Keep => {
                if p.r.public
                    && let Some(list) = public.as_mut()
                {
                    list.add(&p.r.first_name, &p.r.last_name, &p.r.affiliation);
                }
                reason = String::new();
                (Some(&mut sheets.main), job.output.as_deref())
            }
            // With no review file, a duplicate is only counted.
            Route::Duplicate => {
                reason = if p.r.public || consent_held {
                    "same email as a kept signature".to_string()
                } else {
                    "same email as a kept signature; this copy did not ask to be listed \
                     publicly, so the kept one is not listed either"
                        .to_string()
                };
                (sheets.review.as_mut(), job.review.as_deref())
            }
            // Always present: records are marked suspicious only when it is.
            Route::Suspicious => {
                reason = flagged(&p.r, &job.suspicious_flags);
                split(&mut sheets.aside)
            }
            // Present unless the output is standard output with no suspicious file.
            Route::Malformed => {
                reason = p.m.clone();
                split(&mut sheets.aside)
            }
        };
        if let Some(sheet) = sheet {
            sheet
                .row(&p.id, &p.r, &reason)
                .map_err(|e| output_error(path, e))?;
        }
    }

    let mut finish = |sheet: Sheet<Destination>, path: Option<&Path>| {
        let file = sheet
            .finish()
            .and_then(Destination::finish)
            .map_err(|e| output_error(path, e))?;
        pending.extend(file);
        Ok::<(), DecryptError>(())
    };
    let mut files = Vec::new();
    finish(sheets.main, job.output.as_deref())?;
    if let Some(p) = &job.output {
        files.push((
            p.clone(),
            crate::count(tally.kept, "signature", "signatures"),
        ));
    }
    if let (Some(sheet), Some(p)) = (sheets.review, &job.review) {
        finish(sheet, Some(p))?;
        files.push((
            p.clone(),
            format!(
                "{}, for review",
                crate::count(tally.duplicates, "duplicate", "duplicates")
            ),
        ));
    }
    if let Some((sheet, p)) = sheets.aside {
        finish(sheet, Some(&p))?;
        let malformed = crate::count(tally.malformed, "malformed record", "malformed records");
        let what = if job.suspicious.is_none() {
            malformed
        } else if tally.malformed > 0 {
            format!(
                "{} and {malformed}",
                crate::count(tally.suspicious, "suspicious record", "suspicious records")
            )
        } else {
            crate::count(tally.suspicious, "suspicious record", "suspicious records")
        };
        files.push((p, format!("{what}, for review")));
    }
    if let (Some(list), Some(base)) = (public, &job.public_list) {
        files.extend(write_public_list(
            job,
            base,
            list,
            &opened.header,
            &mut pending,
        )?);
    }
    if let Some(path) = &job.report {
        write_report(job, path, &tally, &opened.header, &mut pending)?;
        files.push((path.clone(), "report".into()));
    }
    // Every file is whole and synced: now they take their names.
    pending
        .commit()
        .map_err(|(p, e)| output_error(Some(&p), e))?;
    Ok(Summary {
        tally,
        failures: opened.failures,
        no_matching_key: opened.no_matching_key,
        files,
        malformed_in,
    })
}

/// The set-aside sheet and its path, as the routing match wants them.
fn split(
    aside: &mut Option<(Sheet<Destination>, PathBuf)>,
) -> (Option<&mut Sheet<Destination>>, Option<&Path>) {
    match aside {
        Some((sheet, path)) => (Some(sheet), Some(path.as_path())),
        None => (None, None),
    }
}

fn write_public_list(
    job: &Job,
    base: &Path,
    mut list: PublicList,
    header: &Header,
    pending: &mut Pending,
) -> Result<[(PathBuf, String); 2], DecryptError> {
    let sealed = job.seal.as_ref();
    let (md, html) = public_list_paths(base, sealed.is_some());
    let title = format!("Signatories — {}", header.petition);
    write_whole(&md, sealed, list.markdown(&title).as_bytes(), pending)?;
    write_whole(&html, sealed, list.html(&title).as_bytes(), pending)?;
    let n = list.len();
    Ok([
        (
            md,
            format!(
                "{}, Markdown",
                crate::count(n as u64, "public signatory", "public signatories")
            ),
        ),
        (
            html,
            format!(
                "{}, HTML",
                crate::count(n as u64, "public signatory", "public signatories")
            ),
        ),
    ])
}

fn write_report(
    job: &Job,
    path: &Path,
    tally: &Tally,
    header: &Header,
    pending: &mut Pending,
) -> Result<(), DecryptError> {
    let export_name = job
        .export
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let generated = time::OffsetDateTime::now_utc().date().to_string();
    let html = report::render(
        tally,
        &report::Context {
            petition: &header.petition,
            export_name: &export_name,
            generated: &generated,
            suspicious_flags: &job.suspicious_flags,
            split_suspicious: job.suspicious.is_some(),
            duplicates_listed: job.review.is_some(),
        },
    );
    write_whole(path, job.seal.as_ref(), html.as_bytes(), pending)
}

/// A bar on standard error; indicatif draws nothing when stderr is not a terminal.
fn progress_bar() -> ProgressBar {
    let style = ProgressStyle::with_template(
        "decrypting [{wide_bar}] {human_pos}/{human_len} records, {rate}, {eta} left",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .with_key(
        "rate",
        |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = std::fmt::Write::write_fmt(w, format_args!("{:.0}/s", state.per_sec()));
        },
    )
    .progress_chars("=> ");
    ProgressBar::new(0).with_style(style)
}

fn output_error(path: Option<&Path>, e: io::Error) -> DecryptError {
    DecryptError::Output(
        path.map_or("standard output".into(), |p| p.display().to_string()),
        e,
    )
}

fn write_whole(
    path: &Path,
    sealed: Option<&SealTo>,
    bytes: &[u8],
    pending: &mut Pending,
) -> Result<(), DecryptError> {
    use std::io::Write;
    let file: Option<AtomicFile> = Destination::open(Some(path), sealed)
        .and_then(|mut d| d.write_all(bytes).and_then(|_| d.finish()))
        .map_err(|e| output_error(Some(path), e))?;
    pending.extend(file);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_files_are_named_after_the_output() {
        let p = Path::new("out/signatures.csv");
        assert_eq!(
            side_path(p, "review", "csv", false),
            Path::new("out/signatures.review.csv")
        );
        assert_eq!(
            side_path(Path::new("s.csv.age"), "suspicious", "csv", true),
            Path::new("s.suspicious.csv.age")
        );
        assert_eq!(
            side_path(Path::new("plain"), "review", "jsonl", false),
            Path::new("plain.review.jsonl")
        );
        assert_eq!(
            public_list_paths(Path::new("public.md"), false),
            (PathBuf::from("public.md"), PathBuf::from("public.html"))
        );
        assert_eq!(
            public_list_paths(Path::new("list"), true),
            (PathBuf::from("list.md.age"), PathBuf::from("list.html.age"))
        );
    }
}
