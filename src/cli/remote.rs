//! `undersign token` and `undersign pull`: the export, fetched from a
//! running server by the organizers who hold the token.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use zeroize::Zeroizing;

use undersign::atomic::AtomicFile;
use undersign::count;
use undersign::offline::private_file;
use undersign::remote::Pull;

#[derive(clap::Args)]
pub struct TokenArgs {
    /// Where to write the token (mode 0600, never overwritten). Keep it with
    /// the organizers: it downloads the (encrypted) export.
    #[arg(short, long, default_value = "admin.token")]
    output: PathBuf,
}

/// How `pull` and `verify` reach a server.
#[derive(clap::Args)]
pub struct Connection {
    /// Trust only this PEM certificate (or CA) for the server: self-signed servers.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Connect through this proxy, e.g. socks5h://127.0.0.1:9050 for Tor.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
}

#[derive(clap::Args)]
pub struct PullArgs {
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
    #[command(flatten)]
    connection: Connection,
}

pub fn token(TokenArgs { output }: TokenArgs) -> Result<ExitCode> {
    let (token, hash) = undersign::remote::new_token();
    let mut file = private_file(&output, false).with_context(|| {
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

pub fn pull(args: PullArgs) -> Result<ExitCode> {
    let p = Pull {
        url: &args.url,
        token: read_token(&args.token_file)?,
        ca_cert: args.connection.ca_cert.as_deref(),
        proxy: args.connection.proxy.as_deref(),
    };
    let output = &args.output;
    let out = AtomicFile::create(output, args.force)?;
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

fn read_token(path: &Path) -> Result<Zeroizing<String>> {
    let text =
        Zeroizing::new(std::fs::read_to_string(path).with_context(|| path.display().to_string())?);
    let line = text.lines().next().unwrap_or("").trim();
    Ok(Zeroizing::new(line.to_string()))
}
