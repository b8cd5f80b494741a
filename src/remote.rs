//! Remote export, the client side: `undersign token` makes the bearer token
//! whose hash the server keeps, `undersign pull` downloads the ciphertext
//! export with it and keeps the file only if its trailer checks out.

use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::time::Duration;

use axum::body::Bytes;
use futures_util::StreamExt;
use rand::RngCore;
use reqwest::{StatusCode, Url};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::atomic::AtomicFile;
use crate::export::{self, ExportError, Header};

/// A new random token (256 bits, base64url) and the SHA-256 hex the server config holds.
pub fn new_token() -> (Zeroizing<String>, String) {
    use base64::Engine;
    let mut raw = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(raw.as_mut());
    let token = Zeroizing::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(*raw));
    let hash = token_sha256(&token);
    (token, hash)
}

/// The SHA-256 the server keeps for `token` (surrounding whitespace, such as
/// a token file's newline, is not part of it). The server checks requests
/// with this same function.
pub fn token_digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.trim().as_bytes()).into()
}

/// What `admin_token_sha256` must say for `token`.
pub fn token_sha256(token: &str) -> String {
    hex::encode(token_digest(token))
}

#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("--url: {0}")]
    Url(String),
    #[error(
        "refusing to send the token over plain http:// to {0}: use https:// \
         (plain http is only allowed to this machine or to a .onion address)"
    )]
    PlainHttp(String),
    #[error(
        "an http:// address is reached directly on this machine, or through Tor for a .onion \
         address (--proxy socks5h://127.0.0.1:9050): any other proxy would see the token"
    )]
    ProxyForPlainHttp,
    #[error("the token file is empty")]
    EmptyToken,
    #[error("{0}")]
    Client(String),
    #[error("the server answered {0}: {1}")]
    Refused(StatusCode, &'static str),
    #[error("the download broke off: {0}")]
    Download(String),
    // Not a `source`: the message already holds the cause, once.
    #[error("the downloaded export is not whole, nothing was kept: {0}")]
    Export(ExportError),
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl From<ExportError> for PullError {
    fn from(e: ExportError) -> Self {
        PullError::Export(e)
    }
}

pub struct Pull<'a> {
    pub url: &'a str,
    pub token: Zeroizing<String>,
    pub ca_cert: Option<&'a Path>,
    pub proxy: Option<&'a str>,
}

fn is_loopback(host: &str) -> bool {
    match host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host == "localhost",
    }
}

/// The transport rule for any address of the petition's site (`pull` and
/// `verify`): https:// may go through any proxy; plain http:// goes only to
/// this machine directly, or to an onion service through a local Tor SOCKS
/// proxy (Tor encrypts it end to end).
pub fn site_url(url: &str, proxy: Option<&str>) -> Result<Url, PullError> {
    let url = Url::parse(url).map_err(|e| PullError::Url(e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let host = url.host_str().unwrap_or_default().to_string();
            let tor = match proxy.map(Url::parse) {
                Some(Ok(p)) => p.scheme() == "socks5h" && is_loopback(p.host_str().unwrap_or("")),
                _ => false,
            };
            let allowed = if host.ends_with(".onion") {
                tor
            } else if is_loopback(&host) {
                proxy.is_none()
            } else {
                return Err(PullError::PlainHttp(host));
            };
            if !allowed {
                return Err(PullError::ProxyForPlainHttp);
            }
        }
        other => return Err(PullError::Url(format!("{other}:// is not http or https"))),
    }
    Ok(url)
}

/// The export address: a bare site address gets `/admin/export`. Plain
/// http:// carries the token in clear, so [`site_url`]'s rule applies.
pub fn export_url(url: &str, proxy: Option<&str>) -> Result<Url, PullError> {
    let mut url = site_url(url, proxy)?;
    if url.path().is_empty() || url.path() == "/" {
        url.set_path("/admin/export");
    }
    Ok(url)
}

/// The HTTP client of `pull` and `verify`: no redirects (the token stays
/// with the address given), no proxy from the environment, only the one
/// given; a stalled server times out.
pub fn http_client(
    ca_cert: Option<&Path>,
    proxy: Option<&str>,
) -> Result<reqwest::Client, PullError> {
    let client = |e: reqwest::Error| PullError::Client(describe(e));
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(Duration::from_secs(60))
        .read_timeout(Duration::from_secs(120));
    if let Some(proxy) = proxy {
        builder = builder.proxy(reqwest::Proxy::all(proxy).map_err(client)?);
    }
    if let Some(path) = ca_cert {
        let pem = std::fs::read(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(client)?;
        if certs.is_empty() {
            return Err(PullError::Client(format!(
                "{}: no PEM certificate in this file",
                path.display()
            )));
        }
        builder = builder.tls_certs_only(certs);
    }
    builder.build().map_err(client)
}

/// reqwest's own message is often just "error sending request": the cause
/// (certificate, connection refused, proxy) is further down the chain.
pub(crate) fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    if text.contains("CaUsedAsEndEntity") {
        text.push_str(
            " (the server's certificate says it is a CA; a self-signed certificate needs \
             basicConstraints=critical,CA:FALSE, see docs/operations.md)",
        );
    }
    text
}

fn refused(status: StatusCode) -> PullError {
    let why = match status {
        StatusCode::UNAUTHORIZED => {
            "wrong token (its SHA-256 must be the server's admin_token_sha256)"
        }
        StatusCode::NOT_FOUND => {
            "no remote export there (is admin_token_sha256 set in the server's [server]? is the URL right?)"
        }
        StatusCode::TOO_MANY_REQUESTS => "too many attempts from this address; wait an hour",
        s if s.is_redirection() => {
            "a redirect, which is not followed with the token; pass the final address with --url"
        }
        _ => "the export could not be served",
    };
    PullError::Refused(status, why)
}

/// Bytes of the download, handed to the export reader on another thread.
struct Chunks {
    rx: std::sync::mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.recv() {
                Ok(chunk) => self.current = chunk,
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

/// Downloads the export into `out` (its `.partial` file) while the export
/// reader checks every line as it arrives: a bad line, an overlong line or
/// anything after the trailer stops the download at once, and only a
/// complete, unaltered export is put in place. Returns its header and count.
pub async fn pull(p: Pull<'_>, mut out: AtomicFile) -> Result<(Header, u64), PullError> {
    let url = export_url(p.url, p.proxy)?;
    if p.token.trim().is_empty() {
        return Err(PullError::EmptyToken);
    }
    let response = http_client(p.ca_cert, p.proxy)?
        .get(url)
        .bearer_auth(p.token.trim())
        .send()
        .await
        .map_err(|e| PullError::Download(describe(e)))?;
    if response.status() != StatusCode::OK {
        return Err(refused(response.status()));
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<Bytes>(16);
    let checker = tokio::task::spawn_blocking(move || {
        let chunks = Chunks {
            rx,
            current: Bytes::new(),
        };
        export::verify(BufReader::with_capacity(256 * 1024, chunks))
    });
    let mut body = response.bytes_stream();
    let mut broke_off = None;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(chunk) => {
                out.write_all(&chunk)?;
                // The reader has stopped (an error, or bytes after the trailer).
                if tx.send(chunk).is_err() {
                    break;
                }
            }
            Err(e) => {
                broke_off = Some(PullError::Download(describe(e)));
                break;
            }
        }
    }
    drop(tx);
    let verified = checker.await.map_err(io::Error::other)?;
    if let Some(e) = broke_off {
        return Err(e);
    }
    let verified = verified?;
    out.flush()?;
    out.commit()?;
    Ok(verified)
}
