//! `POST /sign`: form → guard → [`Signature`] → padded record → sealed → stored → receipt.
//!
//! The plaintext exists only inside this handler, in types that wipe
//! themselves; it is sealed before anything is written anywhere.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use zeroize::Zeroizing;

use i18n_embed_fl::fl;

use super::{App, Peer, choose_lang, decode_sign_form, pages};
use crate::guard::Refusal;
use crate::i18n::CATALOG;
use crate::metrics::{METRICS, Rejection};
use crate::receipt::ReceiptCode;
use crate::record::{Envelope, Signature};

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// A refusal, as a page or as JSON, with no signer value in it.
pub(super) fn refuse(
    app: &App,
    lang: &str,
    json: bool,
    status: StatusCode,
    heading: String,
    message: String,
) -> Response {
    if json {
        let body = serde_json::json!({ "error": message });
        return (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
    }
    let page = pages::MessagePage {
        t: CATALOG.tr(lang),
        lang,
        demo: app.demo,
        heading,
        message,
    };
    pages::render(status, &page)
}

/// 429 with a `Retry-After` the signer's browser and the page both state.
fn too_many(app: &App, lang: &str, json: bool, retry_after: Duration, message: String) -> Response {
    let l = CATALOG.loader(lang);
    let minutes = retry_after.as_secs().div_ceil(60).max(1);
    let text = format!("{message} {}", fl!(l, "try-again-in", minutes = minutes));
    let mut r = refuse(
        app,
        lang,
        json,
        StatusCode::TOO_MANY_REQUESTS,
        fl!(l, "try-later-heading"),
        text,
    );
    let secs = retry_after.as_secs().max(1).to_string();
    if let Ok(v) = HeaderValue::from_str(&secs) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

pub async fn sign(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let mut response = sign_inner(&app, peer, &headers, body).await;
    // Close the connection so hyper frees (and the allocator wipes) its read buffer now.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

async fn sign_inner(
    app: &App,
    peer: Peer,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let json = wants_json(headers);
    let petition = app.petition();
    let default_lang = choose_lang(&petition, None, headers);
    let l = CATALOG.loader(default_lang);
    if petition.paused {
        METRICS.rejected(Rejection::Paused);
        let (h, m) = (fl!(l, "paused-heading"), fl!(l, "paused-refused"));
        return refuse(
            app,
            default_lang,
            json,
            StatusCode::SERVICE_UNAVAILABLE,
            h,
            m,
        );
    }
    if petition.is_closed(time::OffsetDateTime::now_utc()) {
        METRICS.rejected(Rejection::Closed);
        let (h, m) = (fl!(l, "closed-heading"), fl!(l, "closed-refused"));
        return refuse(app, default_lang, json, StatusCode::GONE, h, m);
    }
    if !is_form(headers) {
        METRICS.rejected(Rejection::Malformed);
        let (h, m) = (fl!(l, "form-unreadable-heading"), fl!(l, "form-wrong-type"));
        return refuse(
            app,
            default_lang,
            json,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            h,
            m,
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(rejection) => {
            METRICS.rejected(Rejection::Malformed);
            let status = rejection.status();
            let m = if status == StatusCode::PAYLOAD_TOO_LARGE {
                fl!(l, "form-too-large")
            } else {
                fl!(l, "form-broken")
            };
            return refuse(
                app,
                default_lang,
                json,
                status,
                fl!(l, "form-unreadable-heading"),
                m,
            );
        }
    };

    let Ok(who) = app.guard.client(&peer, headers) else {
        METRICS.rejected(Rejection::Malformed);
        let (h, m) = (fl!(l, "unknown-network-heading"), fl!(l, "unknown-network"));
        return refuse(app, default_lang, json, StatusCode::BAD_REQUEST, h, m);
    };
    if let Err(Refusal::TooManyFromHere { retry_after }) = app.guard.admit(who) {
        METRICS.rejected(Rejection::TooManyFromAddress);
        return too_many(
            app,
            default_lang,
            json,
            retry_after,
            fl!(l, "too-many-from-network"),
        );
    }

    let Ok((form, guard_fields)) = decode_sign_form(&body) else {
        METRICS.rejected(Rejection::Malformed);
        let (h, m) = (fl!(l, "form-unreadable-heading"), fl!(l, "form-broken"));
        return refuse(app, default_lang, json, StatusCode::BAD_REQUEST, h, m);
    };
    drop(body);
    let lang = choose_lang(&petition, Some(&form.lang), headers);
    let t = CATALOG.tr(lang);
    let l = t.loader();

    let signature = match Signature::parse(&form, &petition.required) {
        Ok(s) => s,
        Err(problems) => {
            METRICS.rejected(Rejection::Invalid);
            if json {
                let errors: serde_json::Map<String, serde_json::Value> = problems
                    .iter()
                    .map(|(f, p)| (f.name().to_string(), pages::problem_text(&t, *f, *p).into()))
                    .collect();
                let body = serde_json::json!({ "errors": errors });
                return (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    [(header::CONTENT_TYPE, "application/json")],
                    body.to_string(),
                )
                    .into_response();
            }
            let page = app.form_page(&petition, lang, who, Some(&form), &problems);
            return pages::render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };

    let assessment = match app.guard.assess(who, &guard_fields).await {
        Ok(a) => a,
        Err(Refusal::NoJsBudget { retry_after }) => {
            METRICS.rejected(Rejection::NoJsBudget);
            return too_many(app, lang, json, retry_after, fl!(l, "no-js-budget"));
        }
        Err(refusal) => {
            METRICS.rejected(if refusal == Refusal::CaptchaFailed {
                Rejection::Captcha
            } else {
                Rejection::BadChallenge
            });
            let notice = if refusal == Refusal::CaptchaFailed {
                fl!(l, "captcha-failed")
            } else {
                fl!(l, "bad-challenge")
            };
            if json {
                let body = serde_json::json!({ "error": notice });
                return (
                    StatusCode::FORBIDDEN,
                    [(header::CONTENT_TYPE, "application/json")],
                    body.to_string(),
                )
                    .into_response();
            }
            let mut page = app.form_page(&petition, lang, who, Some(&form), &[]);
            page.notice = Some(notice);
            return pages::render(StatusCode::FORBIDDEN, &page);
        }
    };
    drop(form);

    let code = ReceiptCode::generate();
    let day = time::OffsetDateTime::now_utc().date().to_string();
    let envelope = Envelope {
        petition: &petition.slug,
        lang,
        day: &day,
        check: assessment.check,
        flags: &assessment.flags,
    };
    let sealed = signature
        .to_padded_json(&envelope)
        .ok()
        .and_then(|plaintext| app.recipients.seal(&plaintext).ok());
    drop(signature);
    let Some(ciphertext) = sealed else {
        METRICS.rejected(Rejection::Storage);
        let (h, m) = (fl!(l, "save-failed-heading"), fl!(l, "seal-failed"));
        return refuse(app, lang, json, StatusCode::INTERNAL_SERVER_ERROR, h, m);
    };

    if app
        .committer
        .insert(code.record_id(), ciphertext)
        .await
        .is_err()
    {
        METRICS.rejected(Rejection::Storage);
        let (h, m) = (fl!(l, "save-failed-heading"), fl!(l, "store-failed"));
        return refuse(app, lang, json, StatusCode::SERVICE_UNAVAILABLE, h, m);
    }

    METRICS.signed();
    let shown: Zeroizing<String> = code.display();
    if json {
        let body = Zeroizing::new(serde_json::json!({ "receipt": shown.as_str() }).to_string());
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
    }
    pages::render(
        StatusCode::OK,
        &pages::ReceiptPage {
            t,
            lang,
            demo: app.demo,
            code: &shown,
            verify_command: super::tlog::verify_command(app, headers),
        },
    )
}
