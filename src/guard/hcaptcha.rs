//! Optional hCaptcha: the server-side check of a signer's `h-captcha-response` token.
//!
//! Off unless an organizer turns it on (`[hcaptcha] enabled = true`) and the
//! binary was built with the `hcaptcha` cargo feature (on by default). What
//! hCaptcha learns when it is on is in `docs/hcaptcha.md`.
//!
//! The request to hCaptcha carries exactly two fields, `response` (the token)
//! and `secret`: never the signer's IP address (`remoteip` is never set), never
//! the site key, never a form field. Nothing here logs, and no error carries
//! the secret or the token. The secret lives in a [`Zeroizing`] string and
//! `Debug` prints only `<secret>`.
//!
//! The `hcaptcha` crate builds its own `reqwest` client and offers no timeout,
//! so every call is wrapped in [`tokio::time::timeout`].

use std::time::Duration;

#[cfg(feature = "hcaptcha")]
use std::path::Path;

#[cfg(feature = "hcaptcha")]
use zeroize::Zeroizing;

use crate::config::HcaptchaConfig;

/// Tokens longer than this are refused without asking hCaptcha (real ones are a few KiB).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Why hCaptcha could not be used or did not answer. Never contains the secret or the response token.
#[derive(Debug, thiserror::Error)]
pub enum HcaptchaError {
    /// hCaptcha is enabled in the config but this binary was built without it.
    #[error(
        "hcaptcha is enabled but this undersign was built without it (build with the default features)"
    )]
    NotBuilt,
    /// Neither the environment variable nor a secret file holds a secret.
    #[error("no hCaptcha secret: set the environment variable {env}, or secret_file in [hcaptcha]")]
    NoSecret { env: String },
    /// The environment variable is set but is not valid UTF-8.
    #[error("the environment variable {0} does not hold text")]
    SecretEnvNotText(String),
    /// The secret file could not be read, or is empty.
    #[error("{}: cannot read the hCaptcha secret: {source}", file.display())]
    ReadSecret {
        file: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The client could not be built: a bad `verify_url`, or a request that could not be formed.
    #[error("hCaptcha client: {0}")]
    Client(String),
    /// hCaptcha did not answer within `timeout_seconds`.
    #[error("hCaptcha did not answer in time")]
    Timeout,
    /// hCaptcha could not be reached (DNS, connection, TLS).
    #[error("hCaptcha could not be reached: {0}")]
    Unreachable(String),
    /// hCaptcha answered something that is not a siteverify answer.
    #[error("hCaptcha's answer was not understood: {0}")]
    BadAnswer(String),
    /// hCaptcha refused undersign's own request (wrong secret, bad request):
    /// an organizer's configuration problem, not the signer's.
    #[error("hCaptcha refused the request (check the secret and site key): {0}")]
    Refused(String),
}

/// The configured hCaptcha client. Cheap to share (`&self` everywhere); one per server.
pub struct Hcaptcha {
    site_key: String,
    verify_url: String,
    timeout: Duration,
    #[cfg(feature = "hcaptcha")]
    secret: Zeroizing<String>,
    #[cfg(feature = "hcaptcha")]
    client: hcaptcha::Client,
    /// Without the feature no `Hcaptcha` can exist.
    #[cfg(not(feature = "hcaptcha"))]
    never: std::convert::Infallible,
}

impl std::fmt::Debug for Hcaptcha {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hcaptcha")
            .field("site_key", &self.site_key)
            .field("verify_url", &self.verify_url)
            .field("timeout", &self.timeout)
            .field("secret", &format_args!("<secret>"))
            .finish()
    }
}

impl Hcaptcha {
    /// Loads the secret and builds the client. Does not look at `cfg.enabled`:
    /// the caller only calls this when hCaptcha is on.
    ///
    /// The secret is the environment variable named `cfg.secret_env` if it is
    /// set and not blank, else the contents of `cfg.secret_file` (trimmed),
    /// else [`HcaptchaError::NoSecret`]. `verify_url` must be `https://`, or
    /// plain `http://` to a loopback host only (a local stand-in), so the
    /// secret never crosses a network in clear. A `timeout_seconds` of 0 is
    /// taken as 1. Built without the `hcaptcha` feature, this is always
    /// [`HcaptchaError::NotBuilt`].
    #[cfg(feature = "hcaptcha")]
    pub fn from_config(cfg: &HcaptchaConfig) -> Result<Hcaptcha, HcaptchaError> {
        let env_value = if cfg.secret_env.is_empty() {
            None
        } else {
            std::env::var_os(&cfg.secret_env)
        };
        let secret = load_secret(env_value, cfg)?;
        let verify_url = cfg.verify_url.trim();
        check_url(verify_url)?;
        let client = hcaptcha::Client::new_with(verify_url)
            .map_err(|e| HcaptchaError::Client(format!("verify_url is not a valid URL: {e}")))?;
        Ok(Hcaptcha {
            site_key: cfg.site_key.clone(),
            verify_url: verify_url.to_owned(),
            timeout: Duration::from_secs(cfg.timeout_seconds.max(1)),
            secret,
            client,
        })
    }

    /// Built without the `hcaptcha` feature: always [`HcaptchaError::NotBuilt`].
    #[cfg(not(feature = "hcaptcha"))]
    pub fn from_config(cfg: &HcaptchaConfig) -> Result<Hcaptcha, HcaptchaError> {
        let _ = cfg;
        Err(HcaptchaError::NotBuilt)
    }

    /// The public site key, for the page's widget.
    pub fn site_key(&self) -> &str {
        &self.site_key
    }

    /// Verifies one `h-captcha-response` token with hCaptcha, within the
    /// configured timeout. Sends only the token and the secret (never the
    /// signer's IP address), logs nothing.
    ///
    /// `Ok(true)`: hCaptcha accepts the token. `Ok(false)`: hCaptcha says it is
    /// invalid, expired or already used, or the token is blank or longer than
    /// [`MAX_TOKEN_BYTES`] (then hCaptcha is not even asked). `Err`: no usable
    /// answer (timeout, network, a garbled answer) or hCaptcha refused
    /// undersign's own secret ([`HcaptchaError::Refused`]).
    #[cfg(feature = "hcaptcha")]
    pub async fn verify(&self, response: &str) -> Result<bool, HcaptchaError> {
        if response.trim().is_empty() || response.len() > MAX_TOKEN_BYTES {
            return Ok(false);
        }
        // No `set_remoteip` and no `set_sitekey`: the form holds `response` and `secret` only.
        let request = hcaptcha::Request::new_from_response(&self.secret, response)
            .map_err(|_| HcaptchaError::Client("the request could not be formed".into()))?;
        match tokio::time::timeout(self.timeout, self.client.verify_request(request)).await {
            Err(_elapsed) => Err(HcaptchaError::Timeout),
            Ok(Ok(answer)) => Ok(answer.success()),
            Ok(Err(e)) => classify(e),
        }
    }

    /// Built without the `hcaptcha` feature no `Hcaptcha` exists, so this never runs.
    #[cfg(not(feature = "hcaptcha"))]
    pub async fn verify(&self, response: &str) -> Result<bool, HcaptchaError> {
        let _ = response;
        match self.never {}
    }
}

/// The secret: the environment value if set and not blank, else the file, trimmed.
#[cfg(feature = "hcaptcha")]
fn load_secret(
    env_value: Option<std::ffi::OsString>,
    cfg: &HcaptchaConfig,
) -> Result<Zeroizing<String>, HcaptchaError> {
    if let Some(value) = env_value {
        let value = Zeroizing::new(
            value
                .into_string()
                .map_err(|_| HcaptchaError::SecretEnvNotText(cfg.secret_env.clone()))?,
        );
        let trimmed = value.trim();
        if !trimmed.is_empty() {
            return Ok(Zeroizing::new(trimmed.to_owned()));
        }
    }
    match &cfg.secret_file {
        Some(file) => read_secret_file(file),
        None => Err(HcaptchaError::NoSecret {
            env: cfg.secret_env.clone(),
        }),
    }
}

#[cfg(feature = "hcaptcha")]
fn read_secret_file(file: &Path) -> Result<Zeroizing<String>, HcaptchaError> {
    let raw = Zeroizing::new(std::fs::read_to_string(file).map_err(|source| {
        HcaptchaError::ReadSecret {
            file: file.to_owned(),
            source,
        }
    })?);
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(HcaptchaError::ReadSecret {
            file: file.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is empty"),
        });
    }
    Ok(Zeroizing::new(trimmed.to_owned()))
}

/// `https://` anywhere, plain `http://` only to a loopback host.
#[cfg(feature = "hcaptcha")]
fn check_url(url: &str) -> Result<(), HcaptchaError> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Ok(());
    }
    let refuse = || {
        HcaptchaError::Client(
            "verify_url must start with https:// (plain http:// only to 127.0.0.1, [::1] or localhost)"
                .into(),
        )
    };
    let rest = lower.strip_prefix("http://").ok_or_else(refuse)?;
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(refuse());
    }
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    match host {
        "127.0.0.1" | "[::1]" | "localhost" => Ok(()),
        _ => Err(refuse()),
    }
}

/// Turns the crate's error into ours: a refused token is `Ok(false)`; a refused
/// secret, a timeout or a network failure is an error. Messages carry no values
/// from the request.
#[cfg(feature = "hcaptcha")]
fn classify(e: hcaptcha::Error) -> Result<bool, HcaptchaError> {
    use hcaptcha::Code;
    match e {
        hcaptcha::Error::Codes(codes) => {
            let mut ours: Vec<String> = codes
                .iter()
                .filter(|c| {
                    matches!(
                        c,
                        Code::MissingSecret
                            | Code::InvalidSecret
                            | Code::SiteSecretMismatch
                            | Code::BadRequest
                            | Code::SecretVersionUnknown
                            | Code::InvalidSecretExtWrongLen
                            | Code::InvalidSecretExtNotHex
                            | Code::MissingSiteKey
                            | Code::InvalidSiteKey
                    )
                })
                .map(|c| c.to_string())
                .collect();
            if ours.is_empty() {
                // invalid-input-response, invalid-or-already-seen-response, or
                // any other verdict on the token itself.
                Ok(false)
            } else {
                ours.sort();
                Err(HcaptchaError::Refused(ours.join(" ")))
            }
        }
        hcaptcha::Error::Reqwest(e) if e.is_timeout() => Err(HcaptchaError::Timeout),
        hcaptcha::Error::Reqwest(e) if e.is_decode() => {
            Err(HcaptchaError::BadAnswer(error_chain(&e.without_url())))
        }
        hcaptcha::Error::Reqwest(e) => {
            Err(HcaptchaError::Unreachable(error_chain(&e.without_url())))
        }
        hcaptcha::Error::Json(e) => Err(HcaptchaError::BadAnswer(e.to_string())),
        other => Err(HcaptchaError::Client(other.to_string())),
    }
}

/// An error and its causes on one line, each said once.
#[cfg(feature = "hcaptcha")]
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(all(test, feature = "hcaptcha"))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    const SECRET: &str = "0x5eC12e7000000000000000000000000000000abc";
    const GOOD: &str = "P1_good-token.abc";
    const BAD: &str = "P1_bad-token.xyz";
    const UNSET_ENV: &str = "UNDERSIGN_TEST_HCAPTCHA_SECRET_THAT_IS_NEVER_SET";

    /// A stand-in siteverify: accepts `GOOD`, refuses anything else with
    /// `invalid-input-response`, answers `bad-secret` tokens with a secret
    /// error and `garble` tokens with HTML. Keeps every body it received.
    struct StandIn {
        url: String,
        bodies: Arc<Mutex<Vec<String>>>,
    }

    impl StandIn {
        fn start() -> StandIn {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}/siteverify", listener.local_addr().unwrap());
            let bodies = Arc::new(Mutex::new(Vec::new()));
            let kept = Arc::clone(&bodies);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { return };
                    answer(stream, &kept);
                }
            });
            StandIn { url, bodies }
        }

        fn bodies(&self) -> Vec<String> {
            self.bodies.lock().unwrap().clone()
        }
    }

    fn answer(mut stream: TcpStream, kept: &Mutex<Vec<String>>) {
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        let head_end = loop {
            let n = stream.read(&mut buf).unwrap();
            if n == 0 {
                return;
            }
            data.extend_from_slice(&buf[..n]);
            if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        while data.len() < head_end + length {
            let n = stream.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            data.extend_from_slice(&buf[..n]);
        }
        let body = String::from_utf8(data[head_end..].to_vec()).unwrap();
        let (kind, reply) = if body.contains(&format!("response={GOOD}&")) {
            (
                "application/json",
                r#"{"success":true,"challenge_ts":"2026-01-01T00:00:00Z","hostname":"example.org"}"#,
            )
        } else if body.contains("response=bad-secret") {
            (
                "application/json",
                r#"{"success":false,"error-codes":["invalid-input-secret"]}"#,
            )
        } else if body.contains("response=garble") {
            ("text/html", "<html>oops</html>")
        } else {
            (
                "application/json",
                r#"{"success":false,"error-codes":["invalid-input-response"]}"#,
            )
        };
        kept.lock().unwrap().push(body);
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
            reply.len()
        );
    }

    fn config(url: &str, secret_file: Option<std::path::PathBuf>) -> HcaptchaConfig {
        HcaptchaConfig {
            enabled: true,
            site_key: "10000000-ffff-ffff-ffff-000000000001".into(),
            secret_env: UNSET_ENV.into(),
            secret_file,
            verify_url: url.into(),
            timeout_seconds: 1,
        }
    }

    fn secret_file(contents: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(contents.as_bytes()).unwrap();
        f
    }

    fn client(url: &str) -> (Hcaptcha, tempfile::NamedTempFile) {
        let file = secret_file(&format!("{SECRET}\n"));
        let h = Hcaptcha::from_config(&config(url, Some(file.path().to_owned()))).unwrap();
        (h, file)
    }

    #[tokio::test]
    async fn a_valid_token_passes_and_an_invalid_one_does_not() {
        let server = StandIn::start();
        let (h, _f) = client(&server.url);
        assert!(h.verify(GOOD).await.unwrap());
        assert!(!h.verify(BAD).await.unwrap());
        assert_eq!(server.bodies().len(), 2);
    }

    #[tokio::test]
    async fn only_the_token_and_the_secret_are_sent_never_the_ip() {
        let server = StandIn::start();
        let (h, _f) = client(&server.url);
        h.verify(GOOD).await.unwrap();
        h.verify(BAD).await.unwrap();
        let bodies = server.bodies();
        assert_eq!(bodies[0], format!("response={GOOD}&secret={SECRET}"));
        assert_eq!(bodies[1], format!("response={BAD}&secret={SECRET}"));
        for body in &bodies {
            assert!(!body.contains("remoteip"), "{body}");
            assert!(!body.contains("127.0.0.1"), "{body}");
            assert!(!body.contains("sitekey"), "{body}");
        }
    }

    #[tokio::test]
    async fn debug_and_errors_never_show_the_secret_or_the_token() {
        let server = StandIn::start();
        let (h, _f) = client(&server.url);
        let debug = format!("{h:?}");
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(debug.contains("<secret>"), "{debug}");
        assert_eq!(h.site_key(), "10000000-ffff-ffff-ffff-000000000001");

        let refused = h.verify("bad-secret-token").await.unwrap_err();
        assert!(matches!(refused, HcaptchaError::Refused(_)), "{refused:?}");
        let garbled = h.verify("garble-token").await.unwrap_err();
        assert!(
            matches!(garbled, HcaptchaError::BadAnswer(_)),
            "{garbled:?}"
        );
        for e in [refused, garbled] {
            let text = format!("{e} {e:?}");
            assert!(!text.contains(SECRET) && !text.contains("-token"), "{text}");
        }
    }

    #[tokio::test]
    async fn blank_or_oversized_tokens_are_refused_without_asking() {
        let server = StandIn::start();
        let (h, _f) = client(&server.url);
        assert!(!h.verify("").await.unwrap());
        assert!(!h.verify("  \n").await.unwrap());
        assert!(!h.verify(&"a".repeat(MAX_TOKEN_BYTES + 1)).await.unwrap());
        assert!(server.bodies().is_empty());
    }

    #[tokio::test]
    async fn a_silent_server_times_out() {
        // Bound but never accepted: the connection opens, no answer ever comes.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/siteverify", listener.local_addr().unwrap());
        let (h, _f) = client(&url);
        let start = Instant::now();
        let e = h.verify(GOOD).await.unwrap_err();
        let took = start.elapsed();
        assert!(matches!(e, HcaptchaError::Timeout), "{e:?}");
        assert!(
            took >= Duration::from_millis(900) && took < Duration::from_secs(3),
            "{took:?}"
        );
        drop(listener);
    }

    #[tokio::test]
    async fn a_closed_port_is_unreachable() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (h, _f) = client(&format!("http://127.0.0.1:{port}/siteverify"));
        let e = h.verify(GOOD).await.unwrap_err();
        assert!(matches!(e, HcaptchaError::Unreachable(_)), "{e:?}");
    }

    #[test]
    fn no_secret_anywhere_is_an_error() {
        let e = Hcaptcha::from_config(&config("https://api.hcaptcha.com/siteverify", None))
            .unwrap_err();
        assert!(matches!(e, HcaptchaError::NoSecret { .. }), "{e:?}");
        assert!(e.to_string().contains(UNSET_ENV), "{e}");
    }

    #[test]
    fn the_secret_is_read_from_a_file_trimmed() {
        let file = secret_file(&format!("  {SECRET}\r\n\n"));
        let cfg = config(
            "https://api.hcaptcha.com/siteverify",
            Some(file.path().to_owned()),
        );
        assert_eq!(load_secret(None, &cfg).unwrap().as_str(), SECRET);
        assert!(Hcaptcha::from_config(&cfg).is_ok());

        let empty = secret_file(" \n");
        let cfg = config(
            "https://api.hcaptcha.com/siteverify",
            Some(empty.path().to_owned()),
        );
        let e = load_secret(None, &cfg).unwrap_err();
        assert!(matches!(e, HcaptchaError::ReadSecret { .. }), "{e:?}");

        let cfg = config(
            "https://x.test/",
            Some("/nonexistent/undersign-secret".into()),
        );
        let e = Hcaptcha::from_config(&cfg).unwrap_err();
        assert!(
            e.to_string().starts_with("/nonexistent/undersign-secret: "),
            "{e}"
        );
    }

    #[test]
    fn the_environment_wins_over_the_file_unless_blank() {
        let file = secret_file("from-the-file");
        let cfg = config("https://x.test/", Some(file.path().to_owned()));
        let got = load_secret(Some(" from-the-env\n".into()), &cfg).unwrap();
        assert_eq!(got.as_str(), "from-the-env");
        let got = load_secret(Some("  ".into()), &cfg).unwrap();
        assert_eq!(got.as_str(), "from-the-file");
        let cfg = config("https://x.test/", None);
        let e = load_secret(Some("".into()), &cfg).unwrap_err();
        assert!(matches!(e, HcaptchaError::NoSecret { .. }), "{e:?}");
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "https://api.hcaptcha.com/siteverify",
            "HTTPS://hcaptcha.com/siteverify",
            "http://127.0.0.1:8080/siteverify",
            "http://localhost/x",
            "http://[::1]:9/",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.hcaptcha.com/siteverify",
            "http://127.0.0.1@evil.example/",
            "http://127.0.0.1.evil.example/",
            "http://localhost.evil.example:80/",
            "ftp://127.0.0.1/",
            "api.hcaptcha.com/siteverify",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        let e = Hcaptcha::from_config(&config("https://", Some(secret_file("s").path().into())));
        assert!(matches!(e, Err(HcaptchaError::Client(_))), "{e:?}");
    }

    #[test]
    fn hcaptcha_can_be_shared_across_tasks() {
        fn shared<T: Send + Sync>() {}
        fn send<T: Send>(_: &T) {}
        shared::<Hcaptcha>();
        let (h, _f) = client("https://api.hcaptcha.com/siteverify");
        send(&h.verify(GOOD));
    }
}

#[cfg(all(test, not(feature = "hcaptcha")))]
mod tests {
    use super::*;

    #[test]
    fn without_the_feature_enabling_it_is_an_error() {
        let cfg = HcaptchaConfig {
            enabled: true,
            site_key: "10000000-ffff-ffff-ffff-000000000001".into(),
            ..HcaptchaConfig::default()
        };
        let e = Hcaptcha::from_config(&cfg).unwrap_err();
        assert!(matches!(e, HcaptchaError::NotBuilt), "{e:?}");
        assert!(e.to_string().contains("built without"), "{e}");
    }
}
