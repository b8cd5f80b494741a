//! `POST /sign`: form → [`Signature`] → padded record → sealed → stored → receipt.
//!
//! The plaintext exists only inside this handler, in types that wipe
//! themselves; it is sealed before anything is written anywhere.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use zeroize::Zeroizing;

use super::{App, choose_lang, decode_sign_form, pages};
use crate::receipt::ReceiptCode;
use crate::record::{Check, Envelope, Signature};

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
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

pub async fn sign(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let mut response = sign_inner(&app, &headers, body).await;
    // Close the connection so hyper frees (and the allocator wipes) its read buffer now.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

async fn sign_inner(
    app: &App,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let json = wants_json(headers);
    let default_lang = choose_lang(&app.petition, None, headers);
    if app.petition.is_closed(time::OffsetDateTime::now_utc()) {
        return refuse(
            app,
            default_lang,
            json,
            StatusCode::GONE,
            "Signing has closed",
            "This petition no longer accepts signatures. Nothing you sent was kept.",
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
    let form = match decode_sign_form(&body) {
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
    let lang = choose_lang(&app.petition, Some(&form.lang), headers);

    let signature = match Signature::parse(&form, &app.petition.required) {
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
            let count = app.store.count();
            let page = pages::PetitionPage::new(
                &app.petition,
                lang,
                count,
                false,
                app.demo,
                Some(&form),
                &problems,
            );
            return pages::render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    drop(form);

    let code = ReceiptCode::generate();
    let day = time::OffsetDateTime::now_utc().date().to_string();
    let envelope = Envelope {
        petition: &app.petition.slug,
        lang,
        day: &day,
        check: Check::None,
        flags: &[],
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
