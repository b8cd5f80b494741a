//! `undersign serve` and `undersign demo`: everything the server checks and
//! prints before it answers its first request.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use undersign::config::Config;
use undersign::guard::Guard;
use undersign::guard::hcaptcha::Hcaptcha;
use undersign::offline::keygen;
use undersign::store::{Committer, Store};
use undersign::tlog_store::Log as TransparencyLog;
use undersign::web::{self, App};

use super::{key_warning, load_config, load_recipients};

/// The bundled demo petition (examples/petition.toml).
const DEMO_PETITION: &str = include_str!("../../examples/petition.toml");

#[derive(clap::Args)]
pub struct ServeArgs {
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
}

#[derive(clap::Args)]
pub struct DemoArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Folder for the demo's key, recipients and data.
    #[arg(long, default_value = "undersign-demo")]
    dir: PathBuf,
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let mut config = load_config(&args.config)?;
    if let Some(l) = args.listen {
        config.listen = l;
    }
    if let Some(d) = args.data {
        config.data_dir = d;
    }
    if let Some(r) = args.recipients {
        config.recipients_file = r;
    }
    serve(config, false, Some(args.config))
}

pub fn demo(DemoArgs { listen, dir }: DemoArgs) -> Result<ExitCode> {
    let dir: &Path = &dir;
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
    let store = Arc::new(Store::open_with(&config.data_dir, &config.storage)?);
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
        reloaded: tokio::sync::Notify::new(),
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
