//! The optional plain-HTTP listener beside HTTPS: it redirects every request
//! to the same path over https and, for certificate renewals in webroot mode,
//! serves ACME HTTP-01 challenge files. Nothing else is ever answered in clear.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::headers;

struct Target {
    https_port: u16,
    webroot: Option<PathBuf>,
}

pub fn router(https_port: u16, webroot: Option<PathBuf>) -> Router {
    let target = Arc::new(Target {
        https_port,
        webroot,
    });
    Router::new()
        .route("/.well-known/acme-challenge/{token}", get(challenge))
        .fallback(to_https)
        .layer(axum::middleware::map_response_with_state(
            headers::CSP,
            headers::secure,
        ))
        .with_state(target)
}

/// 308 keeps the method, so a form posted to http:// is not silently turned into a GET.
async fn to_https(State(target): State<Arc<Target>>, headers: HeaderMap, uri: Uri) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse::<Authority>().ok());
    let Some(host) = host else {
        return (StatusCode::BAD_REQUEST, "a Host header is required\n").into_response();
    };
    let port = match target.https_port {
        443 => String::new(),
        p => format!(":{p}"),
    };
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let location = format!("https://{}{port}{path}", host.host());
    (
        StatusCode::PERMANENT_REDIRECT,
        [(header::LOCATION, location)],
    )
        .into_response()
}

/// ACME tokens are base64url; anything else could walk out of the folder.
fn valid_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 256
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn challenge(
    State(target): State<Arc<Target>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let Some(webroot) = &target.webroot else {
        return to_https(State(target.clone()), headers, uri).await;
    };
    if !valid_token(&token) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let file = webroot.join(".well-known/acme-challenge").join(&token);
    match tokio::fs::read(file).await {
        Ok(body) => ([(header::CONTENT_TYPE, "text/plain")], body).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::valid_token;

    #[test]
    fn challenge_tokens_cannot_leave_the_folder() {
        assert!(valid_token("LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0"));
        for bad in [
            "",
            "..",
            "../etc/passwd",
            "a/b",
            "a%2fb",
            "a.b",
            &"x".repeat(257),
        ] {
            assert!(!valid_token(bad), "{bad:?}");
        }
    }
}
