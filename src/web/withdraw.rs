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

use super::{App, LangQuery, Peer, choose_lang, decode_pairs, pages};
use crate::receipt::ReceiptCode;

/// Every withdrawal answer waits until this long after the request arrived,
/// so a deletion and a miss look the same from outside.
pub const WITHDRAW_FLOOR: Duration = Duration::from_millis(800);

const WITHDRAW_DONE: &str = "If this code belonged to a signature, that signature is now deleted: it is no longer \
                             counted and will not be delivered. The same message is shown for every code, so that \
                             nobody can use this page to test codes.";
const COUNTED: &str = "This signature is counted.";
const NOT_COUNTED: &str =
    "No counted signature has this code: it was withdrawn, or the code was mistyped.";
const BAD_CODE: &str = "That is not a receipt code: it should be 26 letters and digits.";

enum Kind {
    Withdraw,
    Check,
}

fn page<'a>(kind: &Kind, lang: &'a str, demo: bool) -> pages::CodeFormPage<'a> {
    match kind {
        Kind::Withdraw => pages::CodeFormPage {
            lang,
            demo,
            heading: "Withdraw my signature",
            intro: "Type the receipt code you were given when you signed. Your signature will be deleted from the \
                    petition for good.",
            action: "/withdraw",
            button: "Withdraw my signature",
            other_href: "/receipt",
            other_label: "Check a signature instead",
            result: None,
            error: None,
        },
        Kind::Check => pages::CodeFormPage {
            lang,
            demo,
            heading: "Check my signature",
            intro: "Type the receipt code you were given when you signed to see whether your signature is still \
                    counted. Nothing else about it is shown.",
            action: "/receipt",
            button: "Check",
            other_href: "/withdraw",
            other_label: "Withdraw a signature instead",
            result: None,
            error: None,
        },
    }
}

fn show(status: StatusCode, p: &pages::CodeFormPage<'_>) -> Response {
    let mut r = pages::render(status, p);
    // Close at once: the connection's buffers held the code.
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

pub async fn withdraw_form(
    State(app): State<Arc<App>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let petition = app.petition();
    let lang = choose_lang(&petition, q.lang.as_deref(), &headers);
    pages::render(StatusCode::OK, &page(&Kind::Withdraw, lang, app.demo))
}

pub async fn check_form(
    State(app): State<Arc<App>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let petition = app.petition();
    let lang = choose_lang(&petition, q.lang.as_deref(), &headers);
    pages::render(StatusCode::OK, &page(&Kind::Check, lang, app.demo))
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
    let mut p = page(&kind, lang, app.demo);

    let who = app.guard.client(peer.0, headers);
    if app.guard.admit_code_attempt(who).is_err() {
        p.error = Some("Too many attempts from your network. Please wait an hour and try again.");
        return show(StatusCode::TOO_MANY_REQUESTS, &p);
    }
    let code = match decoded {
        Some(Ok(())) => ReceiptCode::parse(&code_field).ok(),
        _ => None,
    };
    drop(code_field);
    let Some(code) = code else {
        if json {
            return json_answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                serde_json::json!({ "error": BAD_CODE }),
            );
        }
        p.error = Some(BAD_CODE);
        return show(StatusCode::UNPROCESSABLE_ENTITY, &p);
    };

    let outcome = match kind {
        Kind::Withdraw => app
            .committer
            .remove(code.record_id())
            .await
            .map(|_| WITHDRAW_DONE),
        Kind::Check => app
            .store
            .contains(&code.record_id())
            .map(|counted| if counted { COUNTED } else { NOT_COUNTED }),
    };
    match outcome {
        Ok(message) if json => {
            let body = match kind {
                Kind::Withdraw => serde_json::json!({ "result": "done" }),
                Kind::Check => serde_json::json!({ "counted": message == COUNTED }),
            };
            json_answer(StatusCode::OK, body)
        }
        Ok(message) => {
            p.result = Some(message);
            show(StatusCode::OK, &p)
        }
        Err(_) => {
            p.error = Some(
                "The server could not do this just now. Nothing was changed. Please try again later.",
            );
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
