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

use super::{App, Peer, choose_lang, decode_sign_form, pages};
use crate::guard::Refusal;
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
fn refuse(
    app: &App,
    lang: &str,
    json: bool,
    status: StatusCode,
    heading: &str,
    message: &str,
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
        lang,
        demo: app.demo,
        heading,
        message,
    };
    pages::render(status, &page)
}

/// 429 with a `Retry-After` the signer's browser and the page both state.
fn too_many(app: &App, lang: &str, json: bool, retry_after: Duration, message: &str) -> Response {
    let minutes = retry_after.as_secs().div_ceil(60).max(1);
    let text = format!(
        "{message} Nothing you sent was kept. Please try again in about {minutes} minute(s)."
    );
    let mut r = refuse(
        app,
        lang,
        json,
        StatusCode::TOO_MANY_REQUESTS,
        "Please try again a little later",
        &text,
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
    if petition.paused {
        return refuse(
            app,
            default_lang,
            json,
            StatusCode::SERVICE_UNAVAILABLE,
            "Signing is paused",
            "The organizers have paused signing for now. Nothing you sent was kept. Please come back later.",
        );
    }
    if petition.is_closed(time::OffsetDateTime::now_utc()) {
        return refuse(
            app,
            default_lang,
            json,
            StatusCode::GONE,
            "Signing has closed",
            "This petition no longer accepts signatures. Nothing you sent was kept.",
        );
    }
    if !is_form(headers) {
        return refuse(
            app,
            default_lang,
            json,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The form could not be read",
            "Signatures are sent as an ordinary web form (application/x-www-form-urlencoded). Nothing was kept.",
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(rejection) => {
            let status = rejection.status();
            let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "The form was too large to accept. Please shorten what you typed and try again. Nothing was kept."
            } else {
                "The form could not be received. Please try again. Nothing was kept."
            };
            return refuse(
                app,
                default_lang,
                json,
                status,
                "The form could not be read",
                message,
            );
        }
    };

    let who = app.guard.client(peer.0, headers);
    if let Err(Refusal::TooManyFromHere { retry_after }) = app.guard.admit(who) {
        let message = "Too many signatures were sent from your network in a short time. If many people share \
                       your connection (a shelter, a campus, Tor), this is not about you.";
        return too_many(app, default_lang, json, retry_after, message);
    }

    let (form, guard_fields) = match decode_sign_form(&body) {
        Ok(f) => f,
        Err(e) => {
            let message = format!(
                "{}. Please go back and try again. Nothing was kept.",
                capitalize(&e.to_string())
            );
            return refuse(
                app,
                default_lang,
                json,
                StatusCode::BAD_REQUEST,
                "The form could not be read",
                &message,
            );
        }
    };
    drop(body);
    let lang = choose_lang(&petition, Some(&form.lang), headers);

    let signature = match Signature::parse(&form, &petition.required) {
        Ok(s) => s,
        Err(problems) => {
            if json {
                let errors: serde_json::Map<String, serde_json::Value> = problems
                    .iter()
                    .map(|(f, p)| (f.name().to_string(), p.message(*f).into()))
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

    let assessment = match app.guard.assess(&guard_fields).await {
        Ok(a) => a,
        Err(refusal) => {
            let notice = match refusal {
                Refusal::NoJsBudget { retry_after } => {
                    let message = "Many people are signing without JavaScript right now, and the server accepts \
                                   only a limited number of those at a time to keep out automated spam. Signing \
                                   from a browser with JavaScript on also works.";
                    return too_many(app, lang, json, retry_after, message);
                }
                Refusal::TooManyFromHere { .. } | Refusal::BadChallenge => {
                    "This form was already used or could not be checked. Nothing was kept. Please check your \
                     details below and press \u{201c}Sign the petition\u{201d} again."
                }
                Refusal::CaptchaFailed => {
                    "The captcha could not be checked. Nothing was kept. Please solve it again and press \
                     \u{201c}Sign the petition\u{201d}."
                }
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
        return refuse(
            app,
            lang,
            json,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Your signature could not be saved",
            "Something went wrong while locking your signature. Nothing was kept. Please try again later.",
        );
    };

    if app
        .committer
        .insert(code.record_id(), ciphertext)
        .await
        .is_err()
    {
        return refuse(
            app,
            lang,
            json,
            StatusCode::SERVICE_UNAVAILABLE,
            "Your signature could not be saved",
            "The server could not store your signature just now, so you have no receipt and nothing was kept. \
             Please try again in a few minutes.",
        );
    }

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
            lang,
            demo: app.demo,
            code: &shown,
        },
    )
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
