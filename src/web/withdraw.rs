//! Withdrawal (`/withdraw`) and receipt checks (`/receipt`) by receipt code.
//!
//! The code travels only in a POST body, never in a URL, and is never shown
//! back. A withdrawal answers the same words after the same delay whether
//! or not the code matched a signature, so the page cannot be used to test
//! codes; both forms are rate-limited per hashed address besides.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use zeroize::Zeroizing;

use i18n_embed_fl::fl;

use super::{App, LangQuery, Peer, choose_lang, decode_pairs, pages};
use crate::config::Petition;
use crate::i18n::CATALOG;
use crate::receipt::{BadCode, ReceiptCode};

/// Every withdrawal answer waits until this long after the request arrived,
/// so a deletion and a miss look the same from outside.
pub const WITHDRAW_FLOOR: Duration = Duration::from_millis(800);

enum Kind {
    Withdraw,
    Check,
}

fn page(kind: &Kind, petition: &Petition, lang: &str, demo: bool) -> pages::CodeFormPage<'static> {
    let t = CATALOG.tr(lang);
    let (heading, intro, action, button) = match kind {
        Kind::Withdraw => (
            "withdraw-heading",
            "withdraw-intro",
            "/withdraw",
            "withdraw-button",
        ),
        Kind::Check => ("check-heading", "check-intro", "/receipt", "check-button"),
    };
    let here = match kind {
        Kind::Withdraw => "/withdraw",
        Kind::Check => "/receipt",
    };
    pages::CodeFormPage {
        frame: pages::Frame::new(petition, lang, demo, here),
        heading: t.get(heading),
        intro: t.get(intro),
        action,
        button: t.get(button),
        result: None,
        error: None,
    }
}

fn show(status: StatusCode, p: &pages::CodeFormPage<'_>) -> Response {
    let mut r = pages::render(status, p);
    // Close at once: the connection's buffers held the code.
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

fn empty_form(app: &App, q: &LangQuery, headers: &HeaderMap, kind: Kind) -> Response {
    let petition = app.petition();
    let lang = choose_lang(&petition, q.lang.as_deref(), headers);
    pages::render(StatusCode::OK, &page(&kind, &petition, lang, app.demo))
}

pub async fn withdraw_form(
    State(app): State<Arc<App>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    empty_form(&app, &q, &headers, Kind::Withdraw)
}

pub async fn check_form(
    State(app): State<Arc<App>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    empty_form(&app, &q, &headers, Kind::Check)
}

pub async fn withdraw(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = tokio::time::Instant::now();
    let response = handle(&app, peer, &headers, body, Kind::Withdraw).await;
    tokio::time::sleep_until(started + WITHDRAW_FLOOR).await;
    response
}

pub async fn check(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    handle(&app, peer, &headers, body, Kind::Check).await
}

async fn handle(
    app: &App,
    peer: Peer,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    kind: Kind,
) -> Response {
    let petition = app.petition();
    let json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let mut lang_field = Zeroizing::new(String::new());
    let mut code_field = Zeroizing::new(String::new());
    let decoded = body.ok().map(|b| {
        decode_pairs(&b, |k, v| {
            match k {
                "code" => code_field.push_str(&v),
                "lang" => lang_field.push_str(&v),
                _ => {}
            }
            Ok(())
        })
    });
    let lang = choose_lang(&petition, Some(&lang_field), headers);
    let l = CATALOG.loader(lang);
    let mut p = page(&kind, &petition, lang, app.demo);

    let Ok(who) = app.guard.client(&peer, headers) else {
        p.error = Some(fl!(l, "unknown-network"));
        return show(StatusCode::BAD_REQUEST, &p);
    };
    if app.guard.admit_code_attempt(who).is_err() {
        p.error = Some(fl!(l, "code-too-many"));
        return show(StatusCode::TOO_MANY_REQUESTS, &p);
    }
    let code = match decoded {
        Some(Ok(())) => ReceiptCode::parse(&code_field),
        _ => Err(BadCode::Shape),
    };
    drop(code_field);
    let code = match code {
        Ok(code) => code,
        Err(bad) => {
            // A typo is told apart from text that is no code at all: the
            // check character says so without knowing any signature.
            let message = match bad {
                BadCode::Typo => fl!(l, "code-typo"),
                BadCode::Shape => fl!(l, "code-bad"),
            };
            if json {
                return json_answer(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    serde_json::json!({ "error": message }),
                );
            }
            p.error = Some(message);
            return show(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };

    let outcome = match kind {
        Kind::Withdraw => {
            crate::metrics::METRICS.withdrawn();
            app.committer.remove(code.record_id()).await.map(|_| None)
        }
        Kind::Check => app.store.contains(&code.record_id()).map(Some),
    };
    match outcome {
        Ok(counted) if json => {
            let body = match counted {
                None => serde_json::json!({ "result": "done" }),
                Some(c) => serde_json::json!({ "counted": c }),
            };
            json_answer(StatusCode::OK, body)
        }
        Ok(counted) => {
            p.result = Some(match counted {
                None => fl!(l, "withdraw-done"),
                Some(true) => fl!(l, "counted"),
                Some(false) => fl!(l, "not-counted"),
            });
            show(StatusCode::OK, &p)
        }
        Err(_) => {
            p.error = Some(fl!(l, "code-failed"));
            show(StatusCode::SERVICE_UNAVAILABLE, &p)
        }
    }
}

fn json_answer(status: StatusCode, body: serde_json::Value) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}
