//! The public log over HTTP, as C2SP tlog-tiles: `/log/checkpoint`,
//! `/log/key`, `/log/tile/<L>/<N>[.p/<W>]` and `/log/tile/entries/<N>[.p/<W>]`.
//!
//! Everything here is public and the same for every visitor, so it may be
//! cached: full tiles never change, partial ones and the checkpoint briefly.
//! Served on every listener that serves the petition (the onion one too).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::App;
use crate::tlog::tiles::TileId;

/// Full tiles and bundles are immutable (C2SP tlog-tiles): a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A partial tile is replaced by a wider one at the next batch.
const PARTIAL: &str = "public, max-age=60";
/// The checkpoint moves at each batch: "no caching beyond a few seconds".
const CHECKPOINT: &str = "public, max-age=5";
/// The key never changes for the life of the log.
const KEY: &str = "public, max-age=86400";

fn text(cache: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

fn plain(status: StatusCode, message: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

/// `GET /log/checkpoint`: the signed tree head, a C2SP tlog-checkpoint.
pub async fn checkpoint(State(app): State<Arc<App>>) -> Response {
    let p = app.log.published();
    text(CHECKPOINT, p.checkpoint.to_vec())
}

/// `GET /log/key`: the verifier key, `<origin>+<key id>+<base64(0x01 || key)>`.
pub async fn key(State(app): State<Arc<App>>) -> Response {
    text(KEY, format!("{}\n", app.log.key().vkey()).into_bytes())
}

/// `GET /log/tile/…`: a hash tile or an entry bundle of the published tree.
pub async fn tile(State(app): State<Arc<App>>, Path(rest): Path<String>) -> Response {
    let path = format!("tile/{}", rest.trim_start_matches('/'));
    let Ok(id) = TileId::parse(&path) else {
        return plain(StatusCode::NOT_FOUND, "no such tile\n");
    };
    match app.log.tile(&id) {
        Ok(Some(data)) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream"),
                (
                    header::CACHE_CONTROL,
                    if id.is_full() { IMMUTABLE } else { PARTIAL },
                ),
            ],
            data,
        )
            .into_response(),
        Ok(None) => plain(StatusCode::NOT_FOUND, "no such tile in the published log\n"),
        Err(_) => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "the log could not be read just now\n",
        ),
    }
}

/// The command a signer runs to check their signature: this site's address
/// as the visitor reached it (through Tor for an onion address), the log key
/// as served today (so a later change of key is caught), and `--code -`, so
/// the code is typed, never put in a command line or a shell's history.
pub fn verify_command(app: &App, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map(str::to_string)
        .unwrap_or_else(|| {
            let origin = app.log.key().origin();
            origin
                .rsplit_once('/')
                .map_or(origin, |(h, _)| h)
                .to_string()
        });
    let bare = host
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host.as_str(), |(h, _)| h)
        .trim_matches(['[', ']']);
    let local = bare == "localhost"
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let (scheme, proxy) = if bare.ends_with(".onion") {
        ("http", " --proxy socks5h://127.0.0.1:9050")
    } else if local {
        ("http", "")
    } else {
        ("https", "")
    };
    format!(
        "undersign verify --url {scheme}://{host}{proxy} --key {} --code -",
        app.log.key().vkey()
    )
}
