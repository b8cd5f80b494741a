//! `GET /admin/export`: the ciphertext export, streamed, for `undersign pull`.
//!
//! Only a request carrying the bearer token whose SHA-256 is configured gets
//! it; the token only ever unlocks ciphertext. Attempts are rate-limited per
//! hashed address, compared in constant time, and never logged.

use std::io::{self, Write};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;

use super::{App, Peer};

fn token_matches(headers: &HeaderMap, expected: &[u8; 32]) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let digest = crate::remote::token_digest(token);
    // Constant time: every byte is compared whatever the first difference.
    digest
        .iter()
        .zip(expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// A `Write` that hands 64 KiB chunks to the response body as they fill.
struct ChannelWriter {
    tx: mpsc::Sender<Bytes>,
    buf: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 64 * 1024 {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        // Blocks while the client is slow: memory stays bounded by the channel.
        self.tx
            .blocking_send(chunk)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client went away"))
    }
}

pub async fn export(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
) -> Response {
    let Some(expected) = app.admin_token_sha256 else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(who) = app.guard.client(&peer, &headers) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if app.guard.admit_code_attempt(who).is_err() {
        return StatusCode::TOO_MANY_REQUESTS.into_response();
    }
    if !token_matches(&headers, &expected) {
        let mut r = StatusCode::UNAUTHORIZED.into_response();
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return r;
    }
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    let store = app.store.clone();
    tokio::task::spawn_blocking(move || {
        let mut w = ChannelWriter {
            tx,
            buf: Vec::with_capacity(128 * 1024),
        };
        // A failure ends the stream early; the client's trailer check then fails loudly.
        if store.export(&mut w).is_ok() {
            let _ = w.flush();
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (Ok::<_, io::Error>(chunk), rx))
    });
    (
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}
