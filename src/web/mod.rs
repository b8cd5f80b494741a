//! The web server: a thin layer over `record`, `seal` and `store`.
//!
//! No access log, no cookies, no third-party requests. The only lines the
//! server prints are start-up, shutdown and storage errors without values.

mod admin;
mod circuit;
mod conn;
mod deadline;
mod form;
mod headers;
mod http;
mod listener;
mod pages;
mod redirect;
mod shutdown;
mod sign;
mod tlog;
pub mod tls;
mod withdraw;

pub use form::{FormError, HONEYPOT, decode_pairs, decode_sign_form};
pub use headers::{CSP, CSP_WITH_HCAPTCHA};
pub use listener::Peer;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::config::Petition;
use crate::guard::Guard;
use crate::seal::Recipients;
use crate::store::{Committer, Store};

/// Largest request body accepted: a full form is under 4 KiB even in 4-byte scripts.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Everything a handler needs, shared read-only (writes go through `committer`).
pub struct App {
    /// The petition as last loaded: swapped whole on SIGHUP, never edited in place,
    /// so a request sees one consistent version from start to end.
    pub petition: std::sync::RwLock<Arc<Petition>>,
    /// Where the petition was loaded from, for reloads (none for the built-in demo).
    pub config_path: Option<std::path::PathBuf>,
    pub recipients: Recipients,
    pub store: Arc<Store>,
    pub committer: Committer,
    /// The public log: its published count is the one every page shows.
    pub log: Arc<crate::tlog_store::Log>,
    pub guard: Guard,
    /// The onion service address, announced with `Onion-Location`.
    pub onion: Option<String>,
    /// SHA-256 of the token that may download `/admin/export`; none: no remote export.
    pub admin_token_sha256: Option<[u8; 32]>,
    /// Demo mode: every page carries a banner saying nothing here is private.
    pub demo: bool,
    /// `Strict-Transport-Security` max-age when this process serves HTTPS.
    pub hsts_max_age: Option<u64>,
    /// Woken by every accepted reload: the retention check starts over
    /// with the new petition's deadline.
    pub reloaded: tokio::sync::Notify,
}

impl App {
    /// The current petition.
    pub fn petition(&self) -> Arc<Petition> {
        self.petition
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Re-reads the config file and swaps in its `[petition]` section.
    /// Other sections (listen address, keys, limits) need a restart.
    pub fn reload(&self) -> Result<(), String> {
        let Some(path) = &self.config_path else {
            return Err("the demo has no config file to reload".into());
        };
        let config = crate::config::Config::load(path).map_err(|e| e.to_string())?;
        let current = self.petition();
        if config.petition.slug != current.slug {
            return Err("the slug changed; a data folder holds one petition, so the change needs a new --data folder"
                .into());
        }
        *self.petition.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(config.petition);
        self.reloaded.notify_one();
        Ok(())
    }

    /// The petition page for `who`, with a fresh challenge; optionally
    /// re-filled with a rejected form and its problems.
    fn form_page<'a>(
        &'a self,
        petition: &'a Petition,
        lang: &'a str,
        who: crate::guard::rate::AddrKey,
        form: Option<&'a crate::record::SignForm>,
        problems: &[(crate::record::Field, crate::record::Problem)],
    ) -> pages::PetitionPage<'a> {
        let closed = petition.is_closed(time::OffsetDateTime::now_utc());
        // The published count, as /count and the log say: it moves once per batch.
        let count = self.log.live_count();
        let mut page =
            pages::PetitionPage::new(petition, lang, count, closed, self.demo, form, problems);
        page.challenge = self.guard.challenge(who);
        page.hcaptcha_site_key = self.guard.hcaptcha_site_key();
        page.onion = self.onion.as_deref();
        page.seal_keys = self.recipients.browser_keys().map(|k| k.join(" "));
        page
    }
}

pub fn router(app: Arc<App>) -> Router {
    let timeout = Duration::from_secs(app.guard.limits().request_timeout_seconds);
    let csp = if app.guard.hcaptcha_site_key().is_some() {
        CSP_WITH_HCAPTCHA
    } else {
        CSP
    };
    let hsts = app
        .hsts_max_age
        .and_then(|age| HeaderValue::from_str(&format!("max-age={age}")).ok());
    let router = Router::new()
        .route("/", get(petition_page))
        .route(
            "/sign",
            post(sign::sign).get(|| async { axum::response::Redirect::to("/") }),
        )
        .route(
            "/withdraw",
            get(withdraw::withdraw_form).post(withdraw::withdraw),
        )
        .route("/receipt", get(withdraw::check_form).post(withdraw::check))
        .route("/about", get(about))
        .route("/accessibility", get(accessibility))
        .route("/count", get(count))
        .route("/log/checkpoint", get(tlog::checkpoint))
        .route("/log/key", get(tlog::key))
        .route("/log/tile/{*rest}", get(tlog::tile))
        .route("/admin/export", get(admin::export))
        .route("/healthz", get(healthz))
        .route("/static/style.css", get(stylesheet))
        .route("/static/sign.js", get(sign_script))
        .route("/static/age.js", get(age_bundle))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            timeout,
            deadline::limit,
        ))
        .layer(axum::middleware::map_response_with_state(
            csp,
            headers::secure,
        ))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            headers::onion_location,
        ));
    let router = match hsts {
        Some(v) => router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            v,
        )),
        None => router,
    };
    router.with_state(app)
}

#[derive(Deserialize)]
pub(crate) struct LangQuery {
    lang: Option<String>,
}

/// Picks the page language: an explicit choice, then the browser's list, then
/// the petition default. Only languages the petition offers are chosen.
pub fn choose_lang<'a>(
    petition: &'a Petition,
    explicit: Option<&str>,
    headers: &HeaderMap,
) -> &'a str {
    let offered = |tag: &str| -> Option<&'a str> {
        let tag = canonical_tag(tag);
        petition
            .texts
            .keys()
            .map(String::as_str)
            .chain(crate::i18n::CATALOG.languages())
            .find(|k| k.eq_ignore_ascii_case(tag))
    };
    if let Some(l) = explicit.and_then(offered) {
        return l;
    }
    if let Some(accept) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    {
        let mut prefs: Vec<(f32, &str)> = accept
            .split(',')
            .filter_map(|part| {
                let mut it = part.trim().split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.parse::<f32>().ok())?;
                Some((q, tag))
            })
            .filter(|(q, _)| *q > 0.0)
            .collect();
        prefs.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, tag) in prefs {
            if let Some(l) = offered(tag).or_else(|| offered(tag.split('-').next().unwrap_or(tag)))
            {
                return l;
            }
        }
    }
    &petition.default_lang
}

/// Browsers name Chinese by region; the catalog by script. Filipino is Tagalog here.
fn canonical_tag(tag: &str) -> &str {
    let lower = tag.to_ascii_lowercase();
    if lower == "zh" || lower.starts_with("zh-hans") || lower == "zh-cn" || lower == "zh-sg" {
        "zh-Hans"
    } else if lower.starts_with("zh-hant")
        || lower == "zh-tw"
        || lower == "zh-hk"
        || lower == "zh-mo"
    {
        "zh-Hant"
    } else if lower == "fil" {
        "tl"
    } else {
        tag
    }
}

async fn petition_page(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let petition = app.petition();
    let lang = choose_lang(&petition, q.lang.as_deref(), &headers);
    let Ok(who) = app.guard.client(&peer, &headers) else {
        let t = crate::i18n::CATALOG.tr(lang);
        let (heading, message) = (t.get("unknown-network-heading"), t.get("unknown-network"));
        return sign::refuse(&app, lang, false, StatusCode::BAD_REQUEST, heading, message);
    };
    pages::render(
        StatusCode::OK,
        &app.form_page(&petition, lang, who, None, &[]),
    )
}

async fn about(
    State(app): State<Arc<App>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let petition = app.petition();
    let lang = choose_lang(&petition, q.lang.as_deref(), &headers);
    pages::render(
        StatusCode::OK,
        &pages::AboutPage::new(&petition, lang, app.demo),
    )
}

async fn accessibility(
    State(app): State<Arc<App>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let petition = app.petition();
    let lang = choose_lang(&petition, q.lang.as_deref(), &headers);
    let page = pages::AccessibilityPage {
        frame: pages::Frame::new(&petition, lang, app.demo, "/accessibility"),
        hcaptcha: app.guard.hcaptcha_site_key().is_some(),
    };
    pages::render(StatusCode::OK, &page)
}

/// Aggregate counters, for the operator's monitoring on the same machine
/// only: served on the `metrics_listen` listener alone, never the public one.
async fn metrics(State(app): State<Arc<App>>) -> Response {
    let mut body = crate::metrics::METRICS.render(app.store.count());
    // The public log: a publisher that stopped shows as pending entries piling up.
    body.push_str(&format!(
        "# HELP undersign_log_entries Entries in the public log's last checkpoint.\n\
         # TYPE undersign_log_entries gauge\nundersign_log_entries {}\n\
         # HELP undersign_log_pending Log entries waiting for the next batch.\n\
         # TYPE undersign_log_pending gauge\nundersign_log_pending {}\n",
        app.log.published().size,
        app.log.pending()
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// `ok`, or 503 once a write has failed (the server is then stopping).
async fn healthz(State(app): State<Arc<App>>) -> Response {
    health(&app.store)
}

fn health(store: &Store) -> Response {
    match store.failure() {
        None => "ok\n".into_response(),
        Some(_) => (StatusCode::SERVICE_UNAVAILABLE, "storage failed\n").into_response(),
    }
}

/// The public count: signatures added minus withdrawn, now (`count`, as the
/// page shows it), and at the last published checkpoint of the log
/// (`log_count` at `log_size` entries), where anyone can check it. Neither
/// drops on a purge. The two agree whenever no entry waits for a batch.
async fn count(State(app): State<Arc<App>>) -> Response {
    let p = app.log.published();
    let body = serde_json::json!({
        "count": app.log.live_count(),
        "goal": app.petition().goal,
        "log_size": p.size,
        "log_count": p.tally.count(),
    });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            // Readers may share a cached answer for a few seconds: a flood of
            // them never reaches the store, and the count is public anyway.
            (
                header::CACHE_CONTROL,
                "public, max-age=10, stale-while-revalidate=30",
            ),
        ],
        body.to_string(),
    )
        .into_response()
}

/// Embedded assets: the binary is the whole deployment.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

async fn stylesheet() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/style.css"),
    )
}

/// The age library the page seals with (built by web/build.mjs from
/// web/package-lock.json; the same bytes from every rebuild).
const AGE_BUNDLE: &str = include_str!("../../static/age.js");

/// Its SHA-256, printed by `undersign check` so a reviewer can compare it
/// with a rebuild of their own.
pub static AGE_BUNDLE_SHA256: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(AGE_BUNDLE.as_bytes()))
});

async fn age_bundle() -> Response {
    asset("text/javascript; charset=utf-8", AGE_BUNDLE)
}

async fn sign_script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/sign.js"),
    )
}

async fn not_found(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let petition = app.petition();
    let lang = choose_lang(&petition, None, &headers);
    let t = crate::i18n::CATALOG.tr(lang);
    let page = pages::MessagePage {
        frame: pages::Frame::new(&petition, lang, app.demo, "/"),
        heading: t.get("not-found-heading"),
        message: t.get("not-found"),
    };
    pages::render(StatusCode::NOT_FOUND, &page)
}

/// Connections the redirect and metrics listeners each accept at once: they
/// serve a redirect or a few counters, and must not take the signers' share
/// of open files.
pub const SIDE_CONNECTIONS: usize = 64;

/// The longest a connection may wait for its next request (and for its
/// first), when `request_timeout_seconds` is longer.
pub const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// Where the server listens.
pub struct Listen {
    pub main: SocketAddr,
    /// HTTPS on `main` (and the optional redirect listener).
    pub tls: Option<tls::Tls>,
    /// Plain HTTP on loopback for the Tor daemon, beside HTTPS.
    pub onion: Option<SocketAddr>,
    /// Connections on `onion` start with Tor's PROXY protocol header.
    pub onion_proxy_protocol: bool,
    /// `/metrics` on loopback, on a listener of its own.
    pub metrics: Option<SocketAddr>,
}

/// Serves until SIGINT or SIGTERM, then lets in-flight requests and the last
/// batch finish. Prints `listening on http://…` (or `https://…`) once the
/// socket is bound.
pub async fn serve(
    app: App,
    listen: Listen,
    store_thread: std::thread::JoinHandle<()>,
) -> std::io::Result<()> {
    let Listen {
        main: listen,
        tls,
        onion,
        onion_proxy_protocol,
        metrics: metrics_at,
    } = listen;
    // Installed before anything else, so an early SIGHUP cannot end the process.
    let hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    let limits = app.guard.limits().clone();
    let request = Duration::from_secs(limits.request_timeout_seconds);
    let timing = conn::Timing {
        request,
        idle: request.min(KEEP_ALIVE),
    };
    // After this, a connection reads no new request (its answer in flight finishes).
    let lifetime = 4 * request;
    let app = Arc::new(app);
    // The per-network cap counts the TCP peer (or onion circuit): not where
    // the peer is the operator's proxy (`trust_forwarded_for`) or the Tor
    // daemon without the PROXY protocol, where it stands for everyone.
    // Each key function holds the app until its listener is gone: the
    // store closes only after the last one.
    let per_network = |applies: bool| {
        let app = app.clone();
        let key: listener::NetworkKey = Arc::new(move |peer: &Peer| app.guard.network(peer));
        (limits.enabled && applies).then_some((limits.connections_per_network, key))
    };
    let public = !limits.trust_forwarded_for;
    let guarded = |tcp, max, per_network, front| {
        let caps = listener::Caps { max, per_network };
        listener::Guarded::new(tcp, caps, timing, front)
    };
    let front = |tls: Option<&tls::Tls>| match tls {
        Some(t) => listener::Front::Tls(t.acceptor.clone()),
        None => listener::Front::Plain,
    };
    let tcp = tokio::net::TcpListener::bind(listen).await?;
    let addr = tcp.local_addr()?;
    let listener = guarded(
        tcp,
        limits.max_connections,
        per_network(public),
        front(tls.as_ref()),
    );
    // Background tasks (certificate watcher, SIGHUP) end with the server;
    // side listeners stop with it and finish their in-flight requests first.
    let mut tasks = tokio::task::JoinSet::new();
    let (stopping, stopped) = tokio::sync::watch::channel(());
    let mut sides = Vec::new();
    let tls = tls.map(Arc::new);
    if let Some(tls) = &tls {
        println!("undersign: listening on https://{addr}");
        tasks.spawn(tls.clone().watch());
        if let Some(plain) = tls.files.redirect_http {
            let tcp = tokio::net::TcpListener::bind(plain).await?;
            println!(
                "undersign: redirecting http://{} to https",
                tcp.local_addr()?
            );
            let routes = redirect::router(addr.port(), tls.files.acme_webroot.clone());
            let side = guarded(
                tcp,
                SIDE_CONNECTIONS,
                per_network(public),
                listener::Front::Plain,
            );
            sides.push(serve_side(side, routes, lifetime, stopped.clone()));
        }
    } else {
        println!("undersign: listening on http://{addr}");
    }
    tasks.spawn(reload_on_hangup(app.clone(), hup, tls.clone()));
    let pruned = app.clone();
    tasks.spawn(async move { pruned.guard.keep_pruned().await });
    if let Some(at) = metrics_at {
        let tcp = tokio::net::TcpListener::bind(at).await?;
        println!("undersign: metrics on http://{}/metrics", tcp.local_addr()?);
        let routes = Router::new()
            .route("/metrics", get(metrics))
            .with_state(app.clone());
        let side = guarded(tcp, SIDE_CONNECTIONS, None, listener::Front::Plain);
        sides.push(serve_side(side, routes, lifetime, stopped.clone()));
    }
    // The onion listener serves the same pages as the main one.
    if let Some(at) = onion {
        let tcp = tokio::net::TcpListener::bind(at).await?;
        println!(
            "undersign: listening on http://{} for the onion service",
            tcp.local_addr()?
        );
        let front = if onion_proxy_protocol {
            listener::Front::Circuit
        } else {
            listener::Front::Plain
        };
        let per_circuit = per_network(onion_proxy_protocol);
        let side = guarded(tcp, limits.max_connections, per_circuit, front);
        sides.push(serve_side(
            side,
            router(app.clone()),
            lifetime,
            stopped.clone(),
        ));
    }
    // The public log publishes its batches until the server stops.
    let batches = tokio::spawn(crate::tlog_store::run_batches(
        app.log.clone(),
        stopped.clone(),
    ));
    drop(stopped);
    let (reason_tx, reason) = tokio::sync::oneshot::channel();
    let waiting = app.clone();
    let until = async move {
        let _ = reason_tx.send(shutdown::wait(&waiting).await);
        let _ = stopping.send(());
    };
    http::serve(listener, router(app.clone()), lifetime, until).await;
    for side in sides {
        let _ = side.await;
    }
    // A batch being published finishes first; pending entries wait on disk.
    let _ = batches.await;
    // Dropping the last Committer lets the store thread finish its queue and exit.
    tasks.shutdown().await;
    drop(app);
    let _ = tokio::task::spawn_blocking(move || store_thread.join()).await;
    reason
        .await
        .unwrap_or(shutdown::Reason::Signal)
        .into_result()
}

/// Serves `routes` beside the main listener until the server stops, then
/// lets the requests in flight finish (before the store closes).
fn serve_side(
    listener: listener::Guarded,
    routes: Router,
    lifetime: Duration,
    mut stopped: tokio::sync::watch::Receiver<()>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let until = async move {
            let _ = stopped.changed().await;
        };
        http::serve(listener, routes, lifetime, until).await;
    })
}

/// SIGHUP re-reads the config's `[petition]`: pause or reopen signing, change
/// the closing date, goal or texts without a restart. It also reloads the TLS
/// certificate, for renewal hooks that signal rather than wait for the watcher.
async fn reload_on_hangup(
    app: Arc<App>,
    mut hup: tokio::signal::unix::Signal,
    tls: Option<Arc<tls::Tls>>,
) {
    while hup.recv().await.is_some() {
        match app.reload() {
            Ok(()) => {
                let p = app.petition();
                let state = if p.paused { "paused" } else { "open" };
                println!("undersign: reloaded the petition; signing is {state}");
            }
            Err(e) => println!("undersign: reload refused, keeping the running petition: {e}"),
        }
        if let Some(tls) = &tls {
            let tls = tls.clone();
            if let Ok(result) = tokio::task::spawn_blocking(move || tls.reload()).await {
                tls::Tls::report(result);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthz_says_ok_until_a_write_fails() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(health(&store).status(), StatusCode::OK);
        store.fail(&crate::store::StoreError::Write("disk gone".into()));
        let r = health(&store);
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
