//! Security headers on every response, set in one place.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

/// No third-party origin anywhere: scripts, styles and images come from us,
/// and the page's script talks to us alone (a signature sealed in the browser
/// is posted to `/sign`).
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// With hCaptcha on, its origins (and only those) are let in.
pub const CSP_WITH_HCAPTCHA: &str = "default-src 'none'; \
    script-src 'self' https://hcaptcha.com https://*.hcaptcha.com; \
    frame-src https://hcaptcha.com https://*.hcaptcha.com; \
    style-src 'self' https://hcaptcha.com https://*.hcaptcha.com; \
    connect-src 'self' https://hcaptcha.com https://*.hcaptcha.com; \
    img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const PERMISSIONS: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), \
                           microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()";

pub async fn secure(
    axum::extract::State(csp): axum::extract::State<&'static str>,
    mut response: Response,
) -> Response {
    let h: &mut HeaderMap = response.headers_mut();
    let set = |h: &mut HeaderMap, name, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, csp);
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert("permissions-policy", HeaderValue::from_static(PERMISSIONS));
    // Pages may hold what a signer typed or a receipt code: never cache by default.
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    // Belt and braces: nothing in undersign sets a cookie, and nothing may.
    h.remove(header::SET_COOKIE);
    response
}

/// `Onion-Location` on every page when the petition has an onion service, so
/// Tor Browser offers the signer the onion address of the same page.
pub async fn onion_location(
    axum::extract::State(app): axum::extract::State<std::sync::Arc<super::App>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let target = app.onion.as_ref().map(|onion| {
        let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
        format!("http://{onion}{path}")
    });
    let mut response = next.run(request).await;
    if let Some(v) = target.and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert("onion-location", v);
    }
    response
}
