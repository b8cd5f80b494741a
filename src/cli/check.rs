//! `undersign check`: a config, its recipients, its log key and TLS pair;
//! with --identity, proof that the key opens what this server would write.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use undersign::layout::{self, Opened};
use undersign::record::{Check, Envelope, SignForm, Signature};
use undersign::tlog_store;
use undersign::web;

use super::{key_warning, load_config, load_identities, load_recipients};

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut config = load_config(&args.config)?;
    if let Some(r) = args.recipients {
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
    let origin = tlog_store::origin_for(&config.data_dir, &config.log, &p.slug)?;
    match tlog_store::read_key(&config.data_dir)? {
        Some(key) if key.origin() == origin => println!("log key: {}", key.vkey()),
        Some(key) => bail!(
            "{}: the log key is for \"{}\", but [log] makes the log \"{origin}\"; a log cannot be renamed",
            tlog_store::key_path(&config.data_dir).display(),
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
    if args.identity.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    // Seal a probe exactly as the server does (both layers: a signer part
    // sealed as a browser would, inside the server's seal), then open it.
    let ids = load_identities(&args.identity, args.passphrase_file.as_deref())?;
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
    let sizes = recipients.layout();
    let ct = recipients.seal(&layout::server_record(&sig, &envelope, sizes)?)?;
    let opened = ids.open(ct.as_bytes()).ok().and_then(|plain| {
        let Opened::V2 { facts, part } = layout::open(&plain).ok()? else {
            return None;
        };
        let (r, _) = layout::record(&facts, part, &p.slug).ok()?;
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
