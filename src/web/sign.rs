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
use crate::guard::{FormState, Refusal};
use crate::i18n::CATALOG;
use crate::layout::{self, Sealed};
use crate::metrics::{METRICS, Rejection};
use crate::receipt::ReceiptCode;
use crate::record::{Envelope, SignForm, Signature};
use crate::seal::SealedError;

/// The signer's part of a submission.
enum Signer {
    /// Their fields, checked: the server seals them (and wipes them).
    Clear(Signature),
    /// An age file their browser made: the server never sees the fields.
    Sealed(Vec<u8>),
}

/// The browser's sealed signer part, when it has the shape one must have.
/// A sealed form carries no field in the clear (a browser that sent both
/// would leak what sealing protects), and must say the signer consents.
fn browser_sealed(app: &App, form: &SignForm) -> Result<Vec<u8>, SealedError> {
    let in_clear = [
        &form.first_name,
        &form.last_name,
        &form.affiliation,
        &form.email,
    ]
    .iter()
    .any(|f| !f.is_empty())
        || form.public;
    if in_clear {
        return Err(SealedError::FieldsInClear);
    }
    if !form.consent {
        return Err(SealedError::NoConsent);
    }
    let inner = data_encoding::BASE64URL_NOPAD
        .decode(form.sealed.as_bytes())
        .map_err(|_| SealedError::NotBase64)?;
    app.recipients.check_browser_sealed(&inner)?;
    Ok(inner)
}

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
        frame: pages::Frame::new(&app.petition(), lang, app.demo, "/"),
        heading,
        message,
    };
    pages::render(status, &page)
}

/// A JSON refusal: the message, and a machine-readable reason.
fn json_refusal(status: StatusCode, message: String, reason: &'static str) -> Response {
    let body = serde_json::json!({ "error": message, "reason": reason });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn with_retry_after(mut r: Response, retry_after: Duration) -> Response {
    let secs = retry_after.as_secs().max(1).to_string();
    if let Ok(v) = HeaderValue::from_str(&secs) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// What a signer is told when their signature cannot be kept now. The
/// petition page comes back with everything they typed (nothing typed is
/// lost), a notice saying what happened, and what to do.
struct NotNow {
    status: StatusCode,
    /// For JSON clients.
    reason: &'static str,
    notice: String,
    action: String,
    retry_after: Option<Duration>,
}

impl NotNow {
    /// "Please press again in about N minutes."
    fn later(
        status: StatusCode,
        reason: &'static str,
        l: &i18n_embed::fluent::FluentLanguageLoader,
        notice: String,
        retry_after: Duration,
    ) -> NotNow {
        let minutes = retry_after.as_secs().div_ceil(60).max(1);
        NotNow {
            status,
            reason,
            notice,
            action: fl!(l, "try-again-in", minutes = minutes),
            retry_after: Some(retry_after),
        }
    }

    /// "Please check your details and press again."
    fn again(
        status: StatusCode,
        reason: &'static str,
        l: &i18n_embed::fluent::FluentLanguageLoader,
        notice: String,
    ) -> NotNow {
        NotNow {
            status,
            reason,
            notice,
            action: fl!(l, "kept-below"),
            retry_after: None,
        }
    }
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
    let Ok((form, guard_fields)) = decode_sign_form(&body) else {
        METRICS.rejected(Rejection::Malformed);
        let (h, m) = (fl!(l, "form-unreadable-heading"), fl!(l, "form-broken"));
        return refuse(app, default_lang, json, StatusCode::BAD_REQUEST, h, m);
    };
    drop(body);
    let lang = choose_lang(&petition, Some(&form.lang), headers);
    let t = CATALOG.tr(lang);
    let l = t.loader();

    // From here on, a signer who filled the form gets it back with what they
    // typed whenever their signature cannot be kept now: never a dead end.
    let not_now = |why: NotNow| -> Response {
        if json {
            let r = json_refusal(
                why.status,
                format!("{} {}", why.notice, why.action),
                why.reason,
            );
            return match why.retry_after {
                Some(after) => with_retry_after(r, after),
                None => r,
            };
        }
        let mut page = app.form_page(&petition, lang, who, Some(&form), &[]);
        page.notice = Some(why.notice);
        page.notice_action = Some(why.action);
        let r = pages::render(why.status, &page);
        match why.retry_after {
            Some(after) => with_retry_after(r, after),
            None => r,
        }
    };

    // Paused or closed: the petition page says so (the form is not shown).
    let closed = petition.is_closed(time::OffsetDateTime::now_utc());
    if petition.paused || closed {
        let (status, reason, notice) = if closed {
            METRICS.rejected(Rejection::Closed);
            (StatusCode::GONE, "closed", fl!(l, "closed-refused"))
        } else {
            METRICS.rejected(Rejection::Paused);
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "paused",
                fl!(l, "paused-refused"),
            )
        };
        if json {
            return json_refusal(status, notice, reason);
        }
        let mut page = app.form_page(&petition, lang, who, None, &[]);
        page.notice = Some(notice);
        return pages::render(status, &page);
    }

    if let Err(Refusal::TooManyFromHere { retry_after }) = app.guard.admit(who) {
        METRICS.rejected(Rejection::TooManyFromAddress);
        return not_now(NotNow::later(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_from_network",
            l,
            fl!(l, "too-many-from-network"),
            retry_after,
        ));
    }

    // The signer's part: their fields, or what their browser sealed.
    let signer = if !form.sealed.is_empty() {
        match browser_sealed(app, &form) {
            Ok(inner) => Signer::Sealed(inner),
            Err(why) => {
                METRICS.rejected(Rejection::Malformed);
                if json {
                    return json_refusal(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        why.to_string(),
                        "bad_sealed",
                    );
                }
                let (h, m) = (fl!(l, "form-unreadable-heading"), fl!(l, "form-broken"));
                return refuse(app, lang, false, StatusCode::UNPROCESSABLE_ENTITY, h, m);
            }
        }
    } else {
        match Signature::parse(&form, &petition.required) {
            Ok(s) => Signer::Clear(s),
            Err(problems) => {
                METRICS.rejected(Rejection::Invalid);
                if json {
                    let errors: serde_json::Map<String, serde_json::Value> = problems
                        .iter()
                        .map(|(f, p)| {
                            (f.name().to_string(), pages::problem_text(&t, *f, *p).into())
                        })
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
        }
    };

    // One form, one signature: a reload of the receipt page or a second tap
    // finds this form taken, and is told so; nothing is stored twice.
    let ticket = match app.guard.take_form(&guard_fields.challenge) {
        FormState::NoToken => None,
        FormState::Fresh(ticket) => Some(ticket),
        FormState::AlreadySent => {
            METRICS.rejected(Rejection::AlreadySent);
            let (h, m) = (fl!(l, "already-sent-heading"), fl!(l, "already-sent"));
            if json {
                return json_refusal(StatusCode::CONFLICT, m, "already_sent");
            }
            return refuse(app, lang, false, StatusCode::CONFLICT, h, m);
        }
        FormState::Expired => {
            METRICS.rejected(Rejection::BadChallenge);
            return not_now(NotNow::again(
                StatusCode::UNPROCESSABLE_ENTITY,
                "expired",
                l,
                fl!(l, "expired"),
            ));
        }
        FormState::Forged => {
            METRICS.rejected(Rejection::BadChallenge);
            return not_now(NotNow::again(
                StatusCode::FORBIDDEN,
                "bad_challenge",
                l,
                fl!(l, "bad-challenge"),
            ));
        }
    };

    let assessment = match app.guard.assess(who, &guard_fields).await {
        Ok(a) => a,
        Err(Refusal::NoJsBudget { retry_after }) => {
            METRICS.rejected(Rejection::NoJsBudget);
            // Say what happened to this signer: their phone was slow, they
            // skipped the puzzle, or their JavaScript is off.
            let notice = if guard_fields.unfinished {
                fl!(l, "pow-unfinished")
            } else if app.guard.hcaptcha_site_key().is_some() {
                fl!(l, "no-puzzle-budget")
            } else {
                fl!(l, "no-js-budget")
            };
            return not_now(NotNow::later(
                StatusCode::TOO_MANY_REQUESTS,
                "no_js_budget",
                l,
                notice,
                retry_after,
            ));
        }
        Err(Refusal::CaptchaFailed) => {
            METRICS.rejected(Rejection::Captcha);
            return not_now(NotNow::again(
                StatusCode::FORBIDDEN,
                "captcha_failed",
                l,
                fl!(l, "captcha-failed"),
            ));
        }
        Err(_) => {
            METRICS.rejected(Rejection::BadChallenge);
            return not_now(NotNow::again(
                StatusCode::FORBIDDEN,
                "bad_challenge",
                l,
                fl!(l, "bad-challenge"),
            ));
        }
    };

    let code = ReceiptCode::generate();
    let day = time::OffsetDateTime::now_utc().date().to_string();
    let envelope = Envelope {
        petition: &petition.slug,
        lang,
        day: &day,
        check: assessment.check,
        flags: &assessment.flags,
    };
    let layout = app.recipients.layout();
    let plaintext = match &signer {
        Signer::Clear(signature) => layout::server_record(signature, &envelope, layout),
        Signer::Sealed(inner) => layout::browser_record(inner, &envelope, layout),
    };
    let sealed = plaintext
        .ok()
        .and_then(|plaintext| app.recipients.seal(&plaintext).ok());
    let path = match signer {
        Signer::Clear(_) => Sealed::Server,
        Signer::Sealed(_) => Sealed::Browser,
    };
    let Some(ciphertext) = sealed else {
        METRICS.rejected(Rejection::Storage);
        return not_now(NotNow::again(
            StatusCode::INTERNAL_SERVER_ERROR,
            "seal_failed",
            l,
            fl!(l, "seal-failed"),
        ));
    };

    if app
        .committer
        .insert(code.record_id(), ciphertext)
        .await
        .is_err()
    {
        METRICS.rejected(Rejection::Storage);
        return not_now(NotNow::again(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_failed",
            l,
            fl!(l, "store-failed"),
        ));
    }
    // On disk: this form is spent until it expires.
    if let Some(ticket) = ticket {
        ticket.keep();
    }
    drop(form);

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
        &pages::ReceiptPage::new(
            pages::Frame::new(&petition, lang, app.demo, "/"),
            &shown,
            path,
            super::tlog::verify_command(app, headers),
        ),
    )
}
