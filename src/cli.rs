//! Subcommands. Library errors arrive typed; here they become one line.

mod verify;

use std::io::{self, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use sha2::{Digest, Sha256};

use undersign::atomic::AtomicFile;
use undersign::config::Config;
use undersign::count;
use undersign::guard::Guard;
use undersign::guard::hcaptcha::Hcaptcha;
use undersign::offline::decrypt::{self, Format};
use undersign::offline::destination::SealTo;
use undersign::offline::passphrase::Passphrases;
use undersign::offline::review::DEFAULT_SUSPICIOUS_FLAGS;
use undersign::offline::{identity, keygen, paper, private_file};
use undersign::record::{Check, Envelope, SignForm, Signature};
use undersign::remote::Pull;
use undersign::seal::{Identities, Recipients};
use undersign::store::{Committer, Store};
use undersign::tlog_store::Log as TransparencyLog;
use undersign::web::{self, App};

/// The bundled demo petition (examples/petition.toml).
const DEMO_PETITION: &str = include_str!("../examples/petition.toml");

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
    Serve {
        /// Petition config file.
        #[arg(long, short, default_value = "petition.toml")]
        config: PathBuf,
        /// Address to listen on (overrides the config), e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Data folder (overrides the config).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Recipients file of organizer public keys (overrides the config).
        #[arg(long)]
        recipients: Option<PathBuf>,
    },
    /// Run the bundled demo petition with a throwaway key. NOT private.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Folder for the demo's key, recipients and data.
        #[arg(long, default_value = "undersign-demo")]
        dir: PathBuf,
    },
    /// Make an organizer key (run it offline). Prints the public recipient last.
    Keygen {
        /// Where to write the secret identity (never overwritten).
        #[arg(short, long, default_value = "undersign-identity.txt")]
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
    },
    /// Check a config and its recipients; with --identity, prove the key can decrypt.
    Check {
        #[arg(long, short, default_value = "petition.toml")]
        config: PathBuf,
        #[arg(long)]
        recipients: Option<PathBuf>,
        /// An organizer identity to test against the recipients.
        #[arg(long, short)]
        identity: Vec<PathBuf>,
        /// Passphrase for protected identities, from the first line of FILE
        /// (for automation and tests; the terminal is asked otherwise).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Write the encrypted export of a stopped server's data folder.
    Export {
        /// Data folder.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Output file, or - for standard output.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Delete from a stopped server's data folder exactly the records an export holds.
    Purge {
        /// Data folder.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// The export whose records are deleted (its trailer is checked first).
        #[arg(long)]
        export: PathBuf,
    },
    /// Decrypt an export offline: spreadsheet, review files, public list, report.
    Decrypt {
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
    },
    /// Make a token for remote export; prints the line for the server's config.
    Token {
        /// Where to write the token (mode 0600, never overwritten). Keep it with
        /// the organizers: it downloads the (encrypted) export.
        #[arg(short, long, default_value = "admin.token")]
        output: PathBuf,
    },
    /// Download the encrypted export from a running server and check it.
    Pull {
        /// The petition's address (https://…), or its /admin/export address.
        #[arg(long)]
        url: String,
        /// File holding the token made by `undersign token`.
        #[arg(long, value_name = "FILE")]
        token_file: PathBuf,
        /// Where to write the export.
        #[arg(short, long)]
        output: PathBuf,
        /// Replace an existing output file.
        #[arg(long)]
        force: bool,
        /// Trust only this PEM certificate (or CA) for the server: self-signed servers.
        #[arg(long, value_name = "FILE")]
        ca_cert: Option<PathBuf>,
        /// Connect through this proxy, e.g. socks5h://127.0.0.1:9050 for Tor.
        #[arg(long, value_name = "URL")]
        proxy: Option<String>,
    },
    /// Check a petition's public log and count; with --code, that your signature is counted.
    ///
    /// Fetches the whole log, checks its signature, tiles and history and compares its
    /// count with the page's. A receipt code is looked for locally and sent nowhere.
    Verify {
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
        /// Trust only this PEM certificate (or CA) for the server: self-signed servers.
        #[arg(long, value_name = "FILE")]
        ca_cert: Option<PathBuf>,
        /// Connect through this proxy, e.g. socks5h://127.0.0.1:9050 for Tor.
        #[arg(long, value_name = "URL")]
        proxy: Option<String>,
    },
    /// Merge exports of one petition (several servers, overlapping exports): each record once.
    Merge {
        /// Exports to merge (each trailer is checked first).
        #[arg(required = true, num_args = 2..)]
        exports: Vec<PathBuf>,
        /// Where to write the merged export.
        #[arg(short, long)]
        output: PathBuf,
        /// Replace an existing output file.
        #[arg(long)]
        force: bool,
    },
}

pub fn run() -> Result<ExitCode> {
    match Cli::parse().command {
        Command::Serve {
            config: config_path,
            listen,
            data,
            recipients,
        } => {
            let mut config = load_config(&config_path)?;
            if let Some(l) = listen {
                config.listen = l;
            }
            if let Some(d) = data {
                config.data_dir = d;
            }
            if let Some(r) = recipients {
                config.recipients_file = r;
            }
            serve(config, false, Some(config_path))
        }
        Command::Demo { listen, dir } => demo(listen, &dir),
        Command::Keygen {
            output, cosigner, ..
        } if cosigner.is_some() => {
            let output = if output == Path::new("undersign-identity.txt") {
                PathBuf::from("cosigner.key")
            } else {
                output
            };
            verify::new_cosigner(&output, cosigner.as_deref().unwrap_or_default())
        }
        Command::Keygen {
            output,
            passphrase,
            passphrase_file,
            qr,
            qr_svg,
            ..
        } => keygen_command(
            &output,
            passphrase || passphrase_file.is_some(),
            passphrase_file.as_deref(),
            qr,
            qr_svg.as_deref(),
        ),
        Command::Check {
            config,
            recipients,
            identity,
            passphrase_file,
        } => check(&config, recipients, &identity, passphrase_file.as_deref()),
        Command::Export { data, output } => {
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
        Command::Purge { data, export } => purge(&data, &export),
        Command::Token { output } => token(&output),
        Command::Pull {
            url,
            token_file,
            output,
            force,
            ca_cert,
            proxy,
        } => pull(
            Pull {
                url: &url,
                token: read_token(&token_file)?,
                ca_cert: ca_cert.as_deref(),
                proxy: proxy.as_deref(),
            },
            &output,
            force,
        ),
        Command::Verify {
            url,
            key,
            code,
            proof,
            export,
            cosign,
            witness,
            cosigned,
            state,
            save_log,
            ca_cert,
            proxy,
        } => verify::run(verify::Args {
            url,
            key,
            code,
            proof,
            export,
            cosign,
            witness,
            cosigned,
            state,
            ca_cert,
            proxy,
            save_log,
        }),
        Command::Merge {
            exports,
            output,
            force,
        } => {
            let out = AtomicFile::create(&output, force)?;
            let mut w = out;
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
        Command::Decrypt {
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
        } => {
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
    }
}

/// `keygen`: every check that can fail happens before the key is made.
fn keygen_command(
    output: &Path,
    protect: bool,
    passphrase_file: Option<&Path>,
    qr: bool,
    qr_svg: Option<&Path>,
) -> Result<ExitCode> {
    use std::io::IsTerminal;
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
    let passphrase = if protect {
        Some(Passphrases::from_option(passphrase_file).new_passphrase()?)
    } else {
        None
    };
    let key = match keygen::keygen_with(output, passphrase.as_ref()) {
        Ok(k) => k,
        Err(e) => {
            if let Some(p) = qr_svg {
                let _ = std::fs::remove_file(p);
            }
            return Err(e.into());
        }
    };
    drop(passphrase);
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

/// Refuses (or warns) when the petition closed more than `retention_days` ago
/// with signatures still stored. The running server checks again daily.
fn check_retention(p: &undersign::config::Petition, store: &Store) -> Result<()> {
    use undersign::retention::{self, Verdict};
    match retention::check(p, store.count(), time::OffsetDateTime::now_utc()) {
        Verdict::Within => Ok(()),
        Verdict::Warn(message) => {
            println!("undersign: warning: {message}");
            Ok(())
        }
        Verdict::Refuse(message) => bail!("{message}"),
    }
}

fn serve(config: Config, demo: bool, config_path: Option<PathBuf>) -> Result<ExitCode> {
    // Not dumpable: no process of the same user (nor a core-dump helper) may
    // read this one's memory, which holds requests in flight and the keys of
    // the day; only root with CAP_SYS_PTRACE still can.
    #[cfg(target_os = "linux")]
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
        .context("making the server's memory unreadable to other processes")?;
    // A core dump of the server would hold whatever signer data is in flight.
    rlimit::setrlimit(rlimit::Resource::CORE, 0, 0).context("disabling core dumps")?;
    open_files_for(&config);
    let recipients = load_recipients(&config.recipients_file)?;
    let store = Arc::new(Store::open(&config.data_dir)?);
    let changed = store.bind(&config.petition.slug, recipients.fingerprint())?;
    check_retention(&config.petition, &store)?;
    let p = &config.petition;
    println!(
        "undersign: petition \"{}\" in {} language(s); {} recipient(s) [{}]; {} signature(s) stored in {}",
        p.slug,
        p.texts.len(),
        recipients.len(),
        recipients.fingerprint(),
        store.count(),
        config.data_dir.display()
    );
    if changed {
        println!(
            "undersign: note: the recipients changed since the last start; new signatures use the new keys"
        );
    }
    if recipients.len() == 1 && !demo {
        println!(
            "undersign: warning: only one recipient. If that key is lost, every signature is lost: \
             add a second organizer's key as a backup"
        );
    }
    let hcaptcha = if config.hcaptcha.enabled {
        Some(Hcaptcha::from_config(&config.hcaptcha).context("hcaptcha")?)
    } else {
        None
    };
    let l = &config.limits;
    if l.enabled {
        println!(
            "undersign: anti-abuse on: proof-of-work {}-{} bits; {} attempts per address per hour (burst {}); \
             {} no-JavaScript signatures per hour per network (burst {}), {} in all (burst {}); hCaptcha {}",
            l.pow_bits,
            l.pow_max_bits,
            l.per_address_per_hour,
            l.per_address_burst,
            l.no_js_per_network_per_hour,
            l.no_js_per_network_burst,
            l.no_js_per_hour,
            l.no_js_burst,
            if hcaptcha.is_some() { "on" } else { "off" }
        );
    } else {
        println!(
            "undersign: warning: [limits] enabled = false: no rate limits or budgets (load tests only)"
        );
    }
    let tls = match &config.tls {
        Some(files) => Some(web::tls::Tls::new(files).context("[server.tls]")?),
        None => None,
    };
    if let (Some(t), Some(files)) = (&tls, &config.tls)
        && t.key_readable_by_all()
    {
        println!("undersign: warning: {}", key_warning(&files.key));
    }
    let log = open_log(&config, &store, demo)?;
    let guard = Guard::new(config.limits.clone(), hcaptcha);
    let (committer, store_thread) = Committer::start(store.clone());
    let app = App {
        petition: std::sync::RwLock::new(Arc::new(config.petition)),
        config_path,
        recipients,
        store,
        committer,
        log,
        guard,
        onion: config.onion.clone(),
        admin_token_sha256: config.admin_token_sha256,
        demo,
        hsts_max_age: config
            .tls
            .as_ref()
            .map(|t| t.hsts_max_age)
            .filter(|&age| age > 0),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let listen = web::Listen {
        main: config.listen,
        tls,
        onion: config.onion_listen,
        onion_proxy_protocol: config.onion_proxy_protocol,
        metrics: config.metrics_listen,
    };
    runtime.block_on(web::serve(app, listen, store_thread))?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the public log (making its key at the first start) and prints its key.
fn open_log(config: &Config, store: &Arc<Store>, demo: bool) -> Result<Arc<TransparencyLog>> {
    use undersign::tlog_store::KeyOrigin;
    let origin =
        undersign::tlog_store::origin_for(&config.data_dir, &config.log, &config.petition.slug)?;
    let (log, how) = TransparencyLog::open(
        store.clone(),
        &config.data_dir,
        &origin,
        config.log.batch_seconds,
    )?;
    let key = undersign::tlog_store::key_path(&config.data_dir);
    let p = log.published();
    println!(
        "undersign: public log {origin}: {} entries, count {}, a batch every {}s; log key {}",
        p.size,
        p.tally.count(),
        config.log.batch_seconds,
        log.key().vkey()
    );
    match how {
        KeyOrigin::Made => println!(
            "undersign: made the log key {} (mode 0600): back it up with the data; publish the \
             key above where signers and journalists can compare it",
            key.display()
        ),
        KeyOrigin::ReadByOthers => println!(
            "undersign: warning: the log key {} can be read by other users of this machine: chmod 0600 it",
            key.display()
        ),
        KeyOrigin::Read => {}
    }
    if !config.log.name_set && !demo {
        println!(
            "undersign: warning: [log] name is not set, so the log is named {origin}. Set name = \
             \"petition.example.org\" (your petition's host) in [log] before launch: a log cannot \
             be renamed once it holds signatures"
        );
    }
    Ok(Arc::new(log))
}

fn demo(listen: SocketAddr, dir: &Path) -> Result<ExitCode> {
    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    let identity = dir.join("demo-identity.txt");
    let recipients = dir.join("recipients.txt");
    if !identity.exists() {
        let r = keygen::keygen(&identity)?;
        std::fs::write(
            &recipients,
            format!(
                "# demo only: the matching secret key is {}\n{r}\n",
                identity.display()
            ),
        )?;
    }
    let mut config = Config::parse(DEMO_PETITION, "examples/petition.toml (built in)", dir)?;
    config.listen = listen;
    config.data_dir = dir.join("data");
    config.recipients_file = recipients;
    let exe = std::env::args()
        .next()
        .unwrap_or_else(|| "undersign".into());
    let bar = "=".repeat(72);
    println!(
        "{bar}\n  DEMO MODE: NOT PRIVATE. The secret key sits next to the data in {dir}.\n  \
         Use made-up names only. For a real petition, see README.md.\n\n  \
         Open http://{listen}/ and sign. Then stop the demo (Ctrl-C) and decrypt:\n    \
         {exe} export --data {data} -o demo-export.jsonl\n    \
         {exe} decrypt -i {id} demo-export.jsonl -o demo-signatures.csv\n{bar}",
        dir = dir.display(),
        data = config.data_dir.display(),
        id = identity.display(),
    );
    serve(config, true, None)
}

fn check(
    config_path: &Path,
    recipients: Option<PathBuf>,
    identities: &[PathBuf],
    passphrase_file: Option<&Path>,
) -> Result<ExitCode> {
    let mut config = load_config(config_path)?;
    if let Some(r) = recipients {
        config.recipients_file = r;
    }
    let recipients = load_recipients(&config.recipients_file)?;
    let p = &config.petition;
    println!(
        "config ok: petition \"{}\", languages {}, {} recipient(s) [{}]",
        p.slug,
        p.texts.keys().cloned().collect::<Vec<_>>().join(", "),
        recipients.len(),
        recipients.fingerprint()
    );
    if recipients.len() == 1 {
        println!("warning: only one recipient; add a second organizer's key as a backup");
    }
    match recipients.browser_keys() {
        Some(_) => println!(
            "browser sealing: on (all recipients are age1… keys); the page's age bundle is \
             static/age.js, sha256 {}",
            web::AGE_BUNDLE_SHA256.as_str()
        ),
        None => println!(
            "browser sealing: off (an SSH recipient is listed; browsers cannot seal to it), \
             so the server seals every signature"
        ),
    }
    let origin = undersign::tlog_store::origin_for(&config.data_dir, &config.log, &p.slug)?;
    match undersign::tlog_store::read_key(&config.data_dir)? {
        Some(key) if key.origin() == origin => println!("log key: {}", key.vkey()),
        Some(key) => bail!(
            "{}: the log key is for \"{}\", but [log] makes the log \"{origin}\"; a log cannot be renamed",
            undersign::tlog_store::key_path(&config.data_dir).display(),
            key.origin()
        ),
        None => println!(
            "log: {origin}; its key is made in {} at the first start",
            config.data_dir.display()
        ),
    }
    if let Some(files) = &config.tls {
        let tls = web::tls::Tls::new(files).context("[server.tls]")?;
        println!(
            "tls ok: the certificate in {} matches its key",
            files.cert.display()
        );
        if tls.key_readable_by_all() {
            println!("warning: {}", key_warning(&files.key));
        }
    }
    if identities.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    // Seal a probe exactly as the server does (both layers: a signer part
    // sealed as a browser would, inside the server's seal), then open it.
    let ids = load_identities(identities, passphrase_file)?;
    let mut form = SignForm::default();
    form.first_name.push_str("Probe");
    form.last_name.push_str("Record");
    form.email.push_str("probe@example.org");
    form.consent = true;
    let sig = Signature::parse(&form, &Default::default())
        .map_err(|_| anyhow::anyhow!("probe record invalid"))?;
    let envelope = Envelope {
        petition: &p.slug,
        lang: &p.default_lang,
        day: "2000-01-01",
        check: Check::None,
        flags: &[],
    };
    let layout = recipients.layout();
    let ct = recipients.seal(&undersign::layout::server_record(&sig, &envelope, layout)?)?;
    let opened = ids.open(ct.as_bytes()).ok().and_then(|plain| {
        let undersign::layout::Opened::V2 { facts, part } = undersign::layout::open(&plain).ok()?
        else {
            return None;
        };
        let (r, _) = undersign::layout::record(&facts, part, &p.slug).ok()?;
        Some(r)
    });
    // A browser's inner layer: the same keys must open it.
    let inner_ok = match recipients.browser_keys() {
        None => true,
        Some(_) => {
            let part = sig.to_signer_json(&p.slug)?;
            let inner = recipients.seal(&part)?;
            ids.open(inner.as_bytes()).is_ok()
        }
    };
    match opened {
        Some(r) if r.first_name == "Probe" && inner_ok => {
            println!("identity ok: it decrypts what this server would write");
            io::stdout().flush()?;
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!(
            "the identity cannot decrypt records sealed to these recipients: \
             it does not match any key in {}",
            config.recipients_file.display()
        ),
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

fn key_warning(key: &Path) -> String {
    format!(
        "the TLS key {} can be read by every user of this machine: chmod 0640 (or 0600) it",
        key.display()
    )
}

/// Raises the open-file limit as far as allowed, and warns when it is still
/// too low for the connection caps: past it, new connections fail for all.
fn open_files_for(config: &Config) {
    let per_listener = config.limits.max_connections as u64;
    let side = web::SIDE_CONNECTIONS as u64;
    let tls = config.tls.as_ref();
    let needed = per_listener * (1 + u64::from(config.onion_listen.is_some()))
        + side * u64::from(tls.is_some_and(|t| t.redirect_http.is_some()))
        + side * u64::from(config.metrics_listen.is_some())
        // The store's files, the binary's own, and some to spare.
        + 128;
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(0);
    if limit < needed {
        println!(
            "undersign: warning: the open-file limit is {limit}, below the {needed} the \
             connection caps can use: raise it (LimitNOFILE= in the service unit) or lower \
             [limits] max_connections"
        );
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

fn token(output: &Path) -> Result<ExitCode> {
    let (token, hash) = undersign::remote::new_token();
    let mut file = private_file(output, false).with_context(|| {
        format!(
            "{} (never overwritten; choose another file with -o)",
            output.display()
        )
    })?;
    file.write_all(format!("{}\n", token.as_str()).as_bytes())?;
    file.sync_all()?;
    eprintln!(
        "undersign: wrote a new token to {}. Keep it with the organizers (it downloads the \
         encrypted export, nothing readable). Put this line in [server] of the server's \
         petition.toml, then restart the server:",
        output.display()
    );
    println!("admin_token_sha256 = \"{hash}\"");
    Ok(ExitCode::SUCCESS)
}

fn read_token(path: &Path) -> Result<zeroize::Zeroizing<String>> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path).with_context(|| path.display().to_string())?,
    );
    let line = text.lines().next().unwrap_or("").trim();
    Ok(zeroize::Zeroizing::new(line.to_string()))
}

fn pull(p: Pull<'_>, output: &Path, force: bool) -> Result<ExitCode> {
    let out = AtomicFile::create(output, force)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (header, records) = runtime.block_on(undersign::remote::pull(p, out))?;
    eprintln!(
        "undersign: pulled {} of petition \"{}\" into {}",
        count(records, "record", "records"),
        header.petition,
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn purge(data: &Path, export_path: &Path) -> Result<ExitCode> {
    use undersign::export;
    let open = || -> Result<_> {
        let f =
            std::fs::File::open(export_path).with_context(|| export_path.display().to_string())?;
        Ok(BufReader::with_capacity(1 << 20, f))
    };
    // The whole export must be intact before anything is deleted.
    let (header, _) = export::verify(open()?).with_context(|| export_path.display().to_string())?;
    let store = existing_store(data)?;
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
    println!(
        "undersign: sled may keep old copies of the deleted ciphertexts in its log until it rewrites it; \
         see SECURITY.md for wiping a data folder for good"
    );
    Ok(ExitCode::SUCCESS)
}
