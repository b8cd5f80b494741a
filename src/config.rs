//! `petition.toml`: read once at start into a [`Config`] that is valid by construction.
//!
//! Every error names the file, the line and what is wrong, and start-up stops.
//! Relative paths are taken from the config file's own folder, so a petition
//! behaves the same whichever directory `undersign` is started from.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::HeadingLevel;
use serde::Deserialize;
use time::OffsetDateTime;
use toml::Spanned;

use crate::record::Required;

pub const SLUG_MAX: usize = 64;
pub use crate::record::LANG_MAX;

/// The whole configuration, checked.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub recipients_file: PathBuf,
    pub petition: Petition,
    pub limits: Limits,
    pub hcaptcha: HcaptchaConfig,
    /// The petition's onion service address (`…onion`), sent as `Onion-Location`.
    pub onion: Option<String>,
    /// A loopback listener of its own for `GET /metrics` (aggregate counts
    /// only): never the public listener, where a local proxy or Tor daemon
    /// would make every visitor look local.
    pub metrics_listen: Option<SocketAddr>,
    /// SHA-256 of the bearer token that may download `/admin/export`.
    pub admin_token_sha256: Option<[u8; 32]>,
    /// HTTPS in the process (`[server.tls]`); none: plain HTTP (behind a proxy or Tor).
    pub tls: Option<Tls>,
    /// A second, plain-HTTP loopback listener for the local Tor daemon, so an
    /// onion service works beside in-process HTTPS.
    pub onion_listen: Option<SocketAddr>,
    /// Every connection on `onion_listen` starts with the PROXY protocol header
    /// Tor sends with `HiddenServiceExportCircuitID haproxy`: one key per circuit.
    pub onion_proxy_protocol: bool,
    /// The public log of signatures (`[log]`).
    pub log: LogConfig,
    /// How the data folder is opened (`[storage]`).
    pub storage: crate::store::Options,
}

/// `[log]`: the public, append-only log of signatures (src/tlog).
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// The host part of the log's origin, `<name>/<slug>`.
    pub name: String,
    /// Whether `name` was set, rather than defaulted.
    pub name_set: bool,
    /// Entries wait this long and are published together, sorted, so the log
    /// cannot date a signature more finely.
    pub batch_seconds: u64,
}

/// Five minutes: a signer's entry cannot be told apart from the others of
/// the same five minutes.
pub const LOG_BATCH_DEFAULT: u64 = 300;

impl LogConfig {
    /// `<name>/<slug>`: the first line of every checkpoint, and the log key's name.
    pub fn origin(&self, slug: &str) -> String {
        format!("{}/{slug}", self.name)
    }
}

/// `[server.tls]`: certificate files, reloaded without a restart, and the
/// optional plain-HTTP listener that only redirects (and answers ACME challenges).
#[derive(Debug, Clone)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub redirect_http: Option<SocketAddr>,
    pub acme_webroot: Option<PathBuf>,
    /// `Strict-Transport-Security` max-age in seconds; 0: no header.
    pub hsts_max_age: u64,
}

/// One year: long enough to protect returning signers, short enough to undo.
pub const HSTS_DEFAULT: u64 = 365 * 24 * 60 * 60;

/// Anti-abuse limits and budgets (`[limits]`). Defaults protect a real petition;
/// `enabled = false` switches every limit and budget off at once, for load tests.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub enabled: bool,
    /// Signing attempts one address (IPv4, or IPv6 /64) may make in a burst…
    pub per_address_burst: u32,
    /// …and per hour, sustained. Generous: Tor exits and shelters share addresses.
    pub per_address_per_hour: u32,
    /// Signatures without proof-of-work or captcha from one network: burst…
    pub no_js_per_network_burst: u32,
    /// …and per hour, sustained. Checked first, so one network takes only its share.
    pub no_js_per_network_per_hour: u32,
    /// The same, all networks together: the last resort against many networks at
    /// once, its burst several networks' worth so one alone cannot spend it.
    pub no_js_burst: u32,
    /// …and per hour, sustained.
    pub no_js_per_hour: u32,
    /// Withdrawal and receipt-check attempts per address: burst, and per hour.
    pub code_attempts_burst: u32,
    pub code_attempts_per_hour: u32,
    /// Proof-of-work difficulty in leading zero bits at rest, and its ceiling under
    /// load (at most [`POW_CEILING_BITS`], so a slow phone still finishes in time).
    pub pow_bits: u8,
    pub pow_max_bits: u8,
    /// A form sent back faster than this is flagged `too_fast` (never refused).
    pub min_fill_seconds: u64,
    /// Take the client address from `X-Forwarded-For` (only behind your own proxy).
    pub trust_forwarded_for: bool,
    /// Open connections at once, per listener; more wait to be accepted.
    pub max_connections: usize,
    /// Open connections at once from one network (or onion circuit); more are
    /// closed at once, so one host cannot take every slot.
    pub connections_per_network: usize,
    /// Each request's deadline from its first byte to its last, and the
    /// longest a response may wait for the client to read.
    pub request_timeout_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            enabled: true,
            per_address_burst: 20,
            per_address_per_hour: 120,
            no_js_per_network_burst: 5,
            no_js_per_network_per_hour: 30,
            no_js_burst: 60,
            no_js_per_hour: 600,
            code_attempts_burst: 10,
            code_attempts_per_hour: 30,
            pow_bits: 16,
            pow_max_bits: 18,
            min_fill_seconds: 5,
            trust_forwarded_for: false,
            max_connections: 1024,
            connections_per_network: 32,
            request_timeout_seconds: 30,
        }
    }
}

/// SHA-256 hashes per second assumed for a low-end phone in WebCrypto
/// (`static/pow.js` hashes short strings in batches of 512).
pub const PHONE_HASHES_PER_SECOND: u64 = 100_000;

/// `static/pow.js` sends the form without an answer this long after "Sign".
pub const POW_GRACE_SECONDS: u64 = 8;

/// The hardest puzzle allowed: the most bits whose expected work (2^bits
/// hashes) a low-end phone finishes within the grace period. 19 bits: 5.2 s.
pub const POW_CEILING_BITS: u8 = {
    let budget = PHONE_HASHES_PER_SECOND * POW_GRACE_SECONDS;
    let mut bits = 0;
    while 1u64 << (bits + 1) <= budget {
        bits += 1;
    }
    bits
};

/// Optional hCaptcha (`[hcaptcha]`). The secret never sits in the config: it is
/// read from the environment variable `secret_env` or from `secret_file`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HcaptchaConfig {
    pub enabled: bool,
    pub site_key: String,
    pub secret_env: String,
    pub secret_file: Option<PathBuf>,
    pub verify_url: String,
    pub timeout_seconds: u64,
}

impl Default for HcaptchaConfig {
    fn default() -> Self {
        HcaptchaConfig {
            enabled: false,
            site_key: String::new(),
            secret_env: "UNDERSIGN_HCAPTCHA_SECRET".into(),
            secret_file: None,
            verify_url: "https://api.hcaptcha.com/siteverify".into(),
            timeout_seconds: 5,
        }
    }
}

/// The petition as signers see it.
#[derive(Debug, Clone)]
pub struct Petition {
    pub slug: String,
    pub default_lang: String,
    pub goal: Option<u64>,
    /// Signing stops at this instant (UTC).
    pub closes: Option<OffsetDateTime>,
    pub required: Required,
    /// Signing paused by the organizers (reloaded on SIGHUP): the page stays up.
    pub paused: bool,
    /// Days after closing by which a verified purge must have happened.
    pub retention_days: Option<u64>,
    /// What the server does when that is overdue: refuse to start, or warn.
    pub retention: RetentionAction,
    /// Title, summary and body (Markdown rendered to safe HTML) per language.
    pub texts: BTreeMap<String, PetitionText>,
    /// Who runs the petition and how to reach them: shown on every page, so a
    /// signer knows who they are trusting before they sign.
    pub organizers: Organizers,
}

/// `[petition.organizers]`: required for every petition.
#[derive(Debug, Clone)]
pub struct Organizers {
    pub name: String,
    /// An email address or a web address.
    pub contact: String,
}

impl Organizers {
    /// The contact as a link target: `mailto:` for an email address.
    pub fn contact_href(&self) -> String {
        if self.contact.starts_with("https://") || self.contact.starts_with("http://") {
            self.contact.clone()
        } else {
            format!("mailto:{}", self.contact)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RetentionAction {
    #[default]
    Refuse,
    Warn,
}

#[derive(Debug, Clone)]
pub struct PetitionText {
    pub title: String,
    pub summary: String,
    pub body_html: String,
    /// In plain words: who sees a signer's name, and whether it is handed on.
    pub names: String,
    /// In plain words: who gets a signer's email, and what it is used for.
    pub emails: String,
}

/// A configuration problem: where it is and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {reason}")]
    Read {
        file: String,
        reason: std::io::Error,
    },
    #[error("{file}:{line}:{column}: {message}")]
    At {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    server: RawServer,
    petition: RawPetition,
    limits: Option<Spanned<Limits>>,
    hcaptcha: Option<Spanned<HcaptchaConfig>>,
    #[serde(default)]
    log: RawLog,
    #[serde(default)]
    storage: RawStorage,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStorage {
    cache_mb: Option<Spanned<i64>>,
}

/// The largest `[storage] cache_mb`: 64 GiB, more than any server this runs on.
pub const CACHE_MB_MAX: u64 = 65_536;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLog {
    name: Option<Spanned<String>>,
    batch_seconds: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServer {
    listen: Option<SocketAddr>,
    data: Option<PathBuf>,
    recipients: Option<PathBuf>,
    onion: Option<Spanned<String>>,
    metrics_listen: Option<Spanned<SocketAddr>>,
    admin_token_sha256: Option<Spanned<String>>,
    tls: Option<Spanned<RawTls>>,
    onion_listen: Option<Spanned<SocketAddr>>,
    onion_proxy_protocol: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    cert: PathBuf,
    key: PathBuf,
    redirect_http: Option<SocketAddr>,
    acme_webroot: Option<PathBuf>,
    hsts_max_age: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPetition {
    slug: Spanned<String>,
    default_lang: Spanned<String>,
    goal: Option<Spanned<i64>>,
    closes: Option<Spanned<toml::value::Datetime>>,
    required: Option<Vec<RequiredField>>,
    #[serde(default)]
    paused: bool,
    retention_days: Option<Spanned<i64>>,
    #[serde(default)]
    retention: RetentionAction,
    organizers: Option<Spanned<RawOrganizers>>,
    text: Spanned<BTreeMap<Spanned<String>, RawText>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganizers {
    name: Spanned<String>,
    contact: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    title: Spanned<String>,
    #[serde(default)]
    summary: String,
    body: String,
    what_happens_to_names: Option<String>,
    what_happens_to_emails: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RequiredField {
    /// A name in either box: for people with one name.
    Name,
    FirstName,
    LastName,
    Affiliation,
    Email,
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|reason| ConfigError::Read {
            file: path.display().to_string(),
            reason,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, &path.display().to_string(), base)
    }

    /// Parses config text; `file` names it in errors, `base` anchors relative paths.
    pub fn parse(text: &str, file: &str, base: &Path) -> Result<Config, ConfigError> {
        let at = |span: Option<Range<usize>>, message: String| {
            let (line, column) = span.map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::At {
                file: file.to_string(),
                line,
                column,
                message,
            }
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| at(e.span(), e.message().trim().to_string()))?;
        let p = raw.petition;

        let slug = p.slug.get_ref();
        if !valid_slug(slug) {
            return Err(at(
                Some(p.slug.span()),
                format!("slug must be 1 to {SLUG_MAX} lowercase letters, digits or hyphens"),
            ));
        }

        let mut texts = BTreeMap::new();
        for (lang, t) in p.text.get_ref() {
            if !valid_lang(lang.get_ref()) {
                return Err(at(
                    Some(lang.span()),
                    "language tags look like `en`, `fr` or `zh-Hant`".into(),
                ));
            }
            if t.title.get_ref().trim().is_empty() {
                return Err(at(Some(t.title.span()), "title must not be empty".into()));
            }
            let plain = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
            texts.insert(
                lang.get_ref().clone(),
                PetitionText {
                    title: t.title.get_ref().trim().to_string(),
                    summary: t.summary.trim().to_string(),
                    body_html: markdown_to_safe_html(&t.body),
                    names: plain(&t.what_happens_to_names),
                    emails: plain(&t.what_happens_to_emails),
                },
            );
        }
        if texts.is_empty() {
            return Err(at(
                Some(p.text.span()),
                "add at least one [petition.text.<lang>] section".into(),
            ));
        }
        let default_lang = p.default_lang.get_ref().clone();
        if !texts.contains_key(&default_lang) {
            return Err(at(
                Some(p.default_lang.span()),
                "default_lang must have a [petition.text.<lang>] section".into(),
            ));
        }

        // A signer must be able to answer, before signing: who will see my
        // name, who gets my email and what for, and who runs this.
        let default_text = &texts[&default_lang];
        for (missing, key) in [
            (default_text.names.is_empty(), "what_happens_to_names"),
            (default_text.emails.is_empty(), "what_happens_to_emails"),
        ] {
            if missing {
                return Err(at(
                    Some(p.default_lang.span()),
                    format!(
                        "[petition.text.{default_lang}] needs {key}: signers must read, before \
                         signing, {}",
                        if key.ends_with("names") {
                            "who will see their name and whether it is handed on"
                        } else {
                            "who gets their email and what it is used for"
                        }
                    ),
                ));
            }
        }
        let Some(raw_organizers) = p.organizers else {
            return Err(at(
                Some(p.slug.span()),
                "add [petition.organizers] with name and contact: signers must know who runs \
                 the petition and how to reach them"
                    .into(),
            ));
        };
        let organizers = {
            let o = raw_organizers.get_ref();
            let name = o.name.get_ref().trim().to_string();
            let contact = o.contact.get_ref().trim().to_string();
            if name.is_empty() || name.chars().any(char::is_control) {
                return Err(at(
                    Some(o.name.span()),
                    "organizers.name must be the organizers' name, on one line".into(),
                ));
            }
            if !valid_contact(&contact) {
                return Err(at(
                    Some(o.contact.span()),
                    "organizers.contact must be an email address (name@example.org) or a web \
                     address (https://…)"
                        .into(),
                ));
            }
            Organizers { name, contact }
        };

        let goal = match p.goal {
            Some(g) if *g.get_ref() <= 0 => {
                return Err(at(Some(g.span()), "goal must be a positive number".into()));
            }
            Some(g) => Some(*g.get_ref() as u64),
            None => None,
        };
        let closes = match p.closes {
            Some(c) => {
                Some(closing_instant(c.get_ref()).map_err(|m| at(Some(c.span()), m.into()))?)
            }
            None => None,
        };
        let retention_days = match p.retention_days {
            Some(d) if *d.get_ref() < 0 => {
                return Err(at(
                    Some(d.span()),
                    "retention_days must be 0 or more".into(),
                ));
            }
            Some(d) if closes.is_none() => {
                return Err(at(
                    Some(d.span()),
                    "retention_days counts from the closing date: set `closes` too".into(),
                ));
            }
            Some(d) => Some(*d.get_ref() as u64),
            None => None,
        };
        let required = match p.required {
            None => Required::default(),
            Some(list) => {
                let mut r = Required {
                    first_name: false,
                    last_name: false,
                    name: false,
                    affiliation: false,
                    email: false,
                };
                for f in list {
                    match f {
                        RequiredField::Name => r.name = true,
                        RequiredField::FirstName => r.first_name = true,
                        RequiredField::LastName => r.last_name = true,
                        RequiredField::Affiliation => r.affiliation = true,
                        RequiredField::Email => r.email = true,
                    }
                }
                r
            }
        };

        let limit_span = raw.limits.as_ref().map(|l| l.span());
        let limits = raw.limits.map(|l| l.into_inner()).unwrap_or_default();
        if limits.pow_bits > limits.pow_max_bits || limits.pow_max_bits > POW_CEILING_BITS {
            return Err(at(
                limit_span,
                format!(
                    "pow_bits must be at most pow_max_bits, and pow_max_bits at most {POW_CEILING_BITS} \
                     (a slow phone must solve the puzzle within {POW_GRACE_SECONDS} seconds)"
                ),
            ));
        }
        let zero = [
            (limits.per_address_burst, "per_address_burst"),
            (limits.per_address_per_hour, "per_address_per_hour"),
            (limits.no_js_per_network_burst, "no_js_per_network_burst"),
            (
                limits.no_js_per_network_per_hour,
                "no_js_per_network_per_hour",
            ),
            (limits.no_js_burst, "no_js_burst"),
            (limits.no_js_per_hour, "no_js_per_hour"),
            (limits.code_attempts_burst, "code_attempts_burst"),
            (limits.code_attempts_per_hour, "code_attempts_per_hour"),
        ];
        if let Some((_, name)) = zero.iter().find(|(v, _)| *v == 0) {
            return Err(at(
                limit_span,
                format!("{name} must be at least 1 (set enabled = false to switch limits off)"),
            ));
        }
        if limits.no_js_per_network_burst > limits.no_js_burst
            || limits.no_js_per_network_per_hour > limits.no_js_per_hour
        {
            return Err(at(
                limit_span,
                "no_js_per_network_burst and no_js_per_network_per_hour may not exceed \
                 no_js_burst and no_js_per_hour: one network would spend everyone's budget"
                    .into(),
            ));
        }
        if limits.max_connections == 0
            || limits.connections_per_network == 0
            || limits.request_timeout_seconds == 0
        {
            return Err(at(
                limit_span,
                "max_connections, connections_per_network and request_timeout_seconds must be at least 1"
                    .into(),
            ));
        }
        let hcaptcha_span = raw.hcaptcha.as_ref().map(|h| h.span());
        let hcaptcha = raw.hcaptcha.map(|h| h.into_inner()).unwrap_or_default();
        if hcaptcha.enabled && hcaptcha.site_key.trim().is_empty() {
            return Err(at(
                hcaptcha_span,
                "hcaptcha is enabled but site_key is empty".into(),
            ));
        }
        let hcaptcha = HcaptchaConfig {
            secret_file: hcaptcha.secret_file.map(|f| base.join(f)),
            ..hcaptcha
        };

        let s = raw.server;
        let admin_token_sha256 = match &s.admin_token_sha256 {
            None => None,
            Some(h) => {
                let mut digest = [0u8; 32];
                hex::decode_to_slice(h.get_ref().trim(), &mut digest).map_err(|_| {
                    at(Some(h.span()), "admin_token_sha256 must be 64 hex digits (make one with `undersign token`)".into())
                })?;
                Some(digest)
            }
        };
        let onion = match s.onion {
            None => None,
            Some(o) => {
                let host = o
                    .get_ref()
                    .trim()
                    .trim_start_matches("http://")
                    .trim_end_matches('/')
                    .to_string();
                let label = host.strip_suffix(".onion").unwrap_or("");
                if label.len() != 56
                    || !label
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
                {
                    return Err(at(
                        Some(o.span()),
                        "onion must be a v3 onion address: 56 letters and digits, then .onion"
                            .into(),
                    ));
                }
                Some(host)
            }
        };
        let tls = match s.tls {
            None => None,
            Some(t) => {
                let span = t.span();
                let t = t.into_inner();
                if t.acme_webroot.is_some() && t.redirect_http.is_none() {
                    return Err(at(
                        Some(span),
                        "acme_webroot is served by the plain-HTTP listener: set redirect_http too"
                            .into(),
                    ));
                }
                Some(Tls {
                    cert: base.join(t.cert),
                    key: base.join(t.key),
                    redirect_http: t.redirect_http,
                    acme_webroot: t.acme_webroot.map(|w| base.join(w)),
                    hsts_max_age: t.hsts_max_age.unwrap_or(HSTS_DEFAULT),
                })
            }
        };
        let onion_listen = loopback_only(s.onion_listen, "onion_listen", "127.0.0.1:8081", at)?;
        let onion_proxy_protocol = match s.onion_proxy_protocol {
            Some(p) if *p.get_ref() && onion_listen.is_none() => {
                return Err(at(
                    Some(p.span()),
                    "onion_proxy_protocol applies to onion_listen: set onion_listen too".into(),
                ));
            }
            p => p.is_some_and(|p| p.into_inner()),
        };
        let log = log_config(raw.log, onion.as_deref(), at)?;
        let storage = match raw.storage.cache_mb {
            None => crate::store::Options::default(),
            Some(c) if (1..=CACHE_MB_MAX as i64).contains(c.get_ref()) => crate::store::Options {
                cache_bytes: (*c.get_ref() as u64) << 20,
            },
            Some(c) => {
                return Err(at(
                    Some(c.span()),
                    format!(
                        "cache_mb must be 1 to {CACHE_MB_MAX} (megabytes of memory for the storage cache)"
                    ),
                ));
            }
        };
        Ok(Config {
            listen: s
                .listen
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir: base.join(s.data.unwrap_or_else(|| PathBuf::from("data"))),
            recipients_file: base.join(
                s.recipients
                    .unwrap_or_else(|| PathBuf::from("keys/recipients.txt")),
            ),
            petition: Petition {
                slug: slug.clone(),
                default_lang,
                goal,
                closes,
                required,
                paused: p.paused,
                retention_days,
                retention: p.retention,
                texts,
                organizers,
            },
            limits,
            hcaptcha,
            onion,
            metrics_listen: loopback_only(
                s.metrics_listen,
                "metrics_listen",
                "127.0.0.1:9100",
                at,
            )?,
            admin_token_sha256,
            tls,
            onion_listen,
            onion_proxy_protocol,
            log,
            storage,
        })
    }
}

/// `[log]`: the origin's host part defaults to the onion address when there
/// is one, else `localhost` (and `serve` says to set it before launch).
fn log_config(
    raw: RawLog,
    onion: Option<&str>,
    at: impl Fn(Option<Range<usize>>, String) -> ConfigError,
) -> Result<LogConfig, ConfigError> {
    let batch_seconds = match raw.batch_seconds {
        None => LOG_BATCH_DEFAULT,
        Some(b) if (1..=86_400).contains(b.get_ref()) => *b.get_ref() as u64,
        Some(b) => {
            return Err(at(
                Some(b.span()),
                "batch_seconds must be 1 to 86400 (a day)".into(),
            ));
        }
    };
    let (name, name_set) = match raw.name {
        Some(n) => {
            let name = n.get_ref().trim().trim_end_matches('/').to_string();
            let ok = !name.is_empty()
                && name.len() <= 200
                && !name.starts_with('/')
                && !name.contains("://")
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-_/:[]".contains(&b));
            if !ok {
                return Err(at(
                    Some(n.span()),
                    "name must be the petition's host name, like petition.example.org (letters, \
                     digits, dots, hyphens, optionally a /path; no https://, spaces or +)"
                        .into(),
                ));
            }
            (name, true)
        }
        None => (onion.unwrap_or("localhost").to_string(), false),
    };
    Ok(LogConfig {
        name,
        name_set,
        batch_seconds,
    })
}

impl Petition {
    pub fn is_closed(&self, now: OffsetDateTime) -> bool {
        self.closes.is_some_and(|c| now >= c)
    }

    /// The text in `lang`, or in the default language when there is none.
    pub fn text(&self, lang: &str) -> &PetitionText {
        self.texts
            .get(lang)
            .unwrap_or_else(|| &self.texts[&self.default_lang])
    }
}

/// An email address or an http(s) address, without spaces or control characters.
fn valid_contact(contact: &str) -> bool {
    let clean = !contact.is_empty()
        && contact.len() <= 320
        && !contact
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    let web = contact.starts_with("https://") || contact.starts_with("http://");
    let mail = contact
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    clean && (web || mail)
}

/// A petition's short name: also checked when an export is read, since it is
/// printed to the organizer's terminal.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= SLUG_MAX
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Listeners meant for this machine only (Tor daemon, monitoring).
fn loopback_only(
    addr: Option<Spanned<SocketAddr>>,
    key: &str,
    example: &str,
    at: impl Fn(Option<Range<usize>>, String) -> ConfigError,
) -> Result<Option<SocketAddr>, ConfigError> {
    match addr {
        Some(a) if !a.get_ref().ip().is_loopback() => Err(at(
            Some(a.span()),
            format!(
                "{key} must be a loopback address such as {example}: only programs on this machine may connect to it"
            ),
        )),
        a => Ok(a.map(Spanned::into_inner)),
    }
}

/// The same shape `decrypt` checks a record's `lang` against.
fn valid_lang(tag: &str) -> bool {
    crate::record::is_language_tag(tag)
}

/// A bare date closes at the end of that day, UTC; a full date-time closes then.
fn closing_instant(dt: &toml::value::Datetime) -> Result<OffsetDateTime, &'static str> {
    const HELP: &str =
        "closes must be a date (2027-06-30) or a date-time with an offset (2027-06-30T18:00:00Z)";
    let date = dt.date.ok_or(HELP)?;
    let month = time::Month::try_from(date.month).map_err(|_| HELP)?;
    let day =
        time::Date::from_calendar_date(date.year as i32, month, date.day).map_err(|_| HELP)?;
    match (dt.time, dt.offset) {
        (None, None) => Ok(day.next_day().ok_or(HELP)?.midnight().assume_utc()),
        (Some(t), Some(offset)) => {
            let time = time::Time::from_hms(t.hour, t.minute, t.second).map_err(|_| HELP)?;
            let minutes = match offset {
                toml::value::Offset::Z => 0,
                toml::value::Offset::Custom { minutes } => minutes,
            };
            let offset =
                time::UtcOffset::from_whole_seconds(i32::from(minutes) * 60).map_err(|_| HELP)?;
            Ok(day.with_time(time).assume_offset(offset))
        }
        _ => Err(HELP),
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let scheme_end = lower.find(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)));
    match scheme_end {
        Some(i) if lower[i..].starts_with(':') => {
            ["http", "https", "mailto"].contains(&&lower[..i])
        }
        _ => true, // relative or fragment
    }
}

/// Moves a heading so the text's top level becomes <h2>, right below the
/// page title (its one <h1>), whatever level the organizer started from.
fn below_title(level: HeadingLevel, top: usize) -> HeadingLevel {
    HeadingLevel::try_from((level as usize + 2).saturating_sub(top).clamp(2, 6))
        .unwrap_or(HeadingLevel::H6)
}

/// Markdown to HTML with raw HTML shown as text, never passed through.
pub fn markdown_to_safe_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, html};
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let top = Parser::new_ext(markdown, options)
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    let parser = Parser::new_ext(markdown, options).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        // Only web, mail and same-page links: no `javascript:` or `data:` URLs.
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_link(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        }),
        // The page's title is its one <h1>: the text's headings sit below it.
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: below_title(level, top),
            id,
            classes,
            attrs,
        }),
        Event::End(pulldown_cmark::TagEnd::Heading(level)) => {
            Event::End(pulldown_cmark::TagEnd::Heading(below_title(level, top)))
        }
        // Images would fetch from wherever they point: show their alt text only.
        Event::Start(Tag::Image { .. }) | Event::End(pulldown_cmark::TagEnd::Image) => {
            Event::Text("".into())
        }
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[server]
listen = "127.0.0.1:9000"
data = "store"

[petition]
slug = "rights-not-raids"
default_lang = "en"
goal = 100
closes = 2027-06-30
required = ["first_name", "email"]

[petition.text.en]
title = "Title"
body = "Hello *world* <script>alert(1)</script>"
what_happens_to_names = "Only the organizers see names."
what_happens_to_emails = "Only the organizers see emails."

[petition.text.fr]
title = "Titre"
body = "Bonjour"

[petition.organizers]
name = "The Organizers"
contact = "hello@example.org"
"#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "petition.toml", Path::new("/etc/undersign"))
    }

    fn error_of(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn a_good_config_parses() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.data_dir, Path::new("/etc/undersign/store"));
        assert_eq!(
            c.recipients_file,
            Path::new("/etc/undersign/keys/recipients.txt")
        );
        assert_eq!(c.petition.goal, Some(100));
        assert!(!c.petition.required.last_name);
        let closes = c.petition.closes.unwrap();
        assert_eq!(closes.date().to_string(), "2027-07-01");
        assert_eq!(c.petition.text("fr").title, "Titre");
        assert_eq!(c.petition.text("th").title, "Title");
    }

    #[test]
    fn raw_html_in_markdown_is_escaped() {
        let c = parse(GOOD).unwrap();
        let html = &c.petition.text("en").body_html;
        assert!(html.contains("<em>world</em>"));
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn only_web_and_mail_links_survive() {
        let html = markdown_to_safe_html(
            "[a](javascript:alert(1)) [b](https://example.org) [c](#sign) [d](DATA:text/html,x)",
        );
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
        assert!(!html.to_lowercase().contains("data:"), "{html}");
        assert!(html.contains("href=\"https://example.org\""));
        assert!(html.contains("href=\"#sign\""));
    }

    #[test]
    fn text_headings_sit_below_the_page_title() {
        let html = markdown_to_safe_html("# Demands\n\n## First\n\n###### Six");
        assert!(html.contains("<h2>Demands</h2>"), "{html}");
        assert!(html.contains("<h3>First</h3>"), "{html}");
        assert!(html.contains("<h6>Six</h6>"), "{html}");
        assert!(!html.contains("<h1"), "{html}");
        // Starting from ### (as the demo does) gives <h2>, not a skipped level.
        let html = markdown_to_safe_html("### What we ask\n\n#### Detail");
        assert!(html.contains("<h2>What we ask</h2>"), "{html}");
        assert!(html.contains("<h3>Detail</h3>"), "{html}");
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let err = error_of(&GOOD.replace("goal = 100", "goal = 100\ncolour = \"red\""));
        assert!(err.starts_with("petition.toml:10:"), "{err}");
        assert!(err.contains("unknown field"), "{err}");
    }

    #[test]
    fn bad_values_are_refused_with_their_line() {
        let cases = [
            (
                "slug = \"rights-not-raids\"",
                "slug = \"Bad Slug\"",
                7,
                "slug",
            ),
            ("goal = 100", "goal = -3", 9, "goal"),
            ("closes = 2027-06-30", "closes = 12:00:00", 10, "closes"),
            (
                "default_lang = \"en\"",
                "default_lang = \"de\"",
                8,
                "default_lang",
            ),
            (
                "listen = \"127.0.0.1:9000\"",
                "listen = \"nowhere\"",
                3,
                "socket address",
            ),
            (
                "[\"first_name\", \"email\"]",
                "[\"shoe_size\"]",
                11,
                "unknown variant",
            ),
        ];
        for (from, to, line, word) in cases {
            let err = error_of(&GOOD.replace(from, to));
            assert!(
                err.starts_with(&format!("petition.toml:{line}:")),
                "{to}: {err}"
            );
            assert!(err.contains(word), "{to}: {err}");
        }
    }

    #[test]
    fn a_date_time_closing_needs_an_offset() {
        let c = parse(&GOOD.replace("2027-06-30", "2027-06-30T18:00:00+02:00")).unwrap();
        // 18:00 at +02:00 is 16:00 UTC.
        assert_eq!(c.petition.closes.unwrap().unix_timestamp(), 1_814_371_200);
        assert!(error_of(&GOOD.replace("2027-06-30", "2027-06-30T18:00:00")).contains("offset"));
    }

    #[test]
    fn the_proxy_protocol_needs_the_onion_listener() {
        let c = parse(GOOD).unwrap();
        assert!(!c.onion_proxy_protocol);
        let on = GOOD.replacen(
            "[server]\n",
            "[server]\nonion_listen = \"127.0.0.1:8081\"\nonion_proxy_protocol = true\n",
            1,
        );
        assert!(parse(&on).unwrap().onion_proxy_protocol);
        let alone = GOOD.replacen("[server]\n", "[server]\nonion_proxy_protocol = true\n", 1);
        let err = error_of(&alone);
        assert!(err.contains("set onion_listen too"), "{err}");
    }

    #[test]
    fn limits_have_safe_defaults_and_checked_values() {
        let c = parse(GOOD).unwrap();
        assert!(c.limits.enabled);
        assert!(!c.hcaptcha.enabled);
        let off = parse(&format!("{GOOD}\n[limits]\nenabled = false\n")).unwrap();
        assert!(!off.limits.enabled);
        let err = error_of(&format!("{GOOD}\n[limits]\npow_bits = 30\n"));
        assert!(err.contains("pow_bits"), "{err}");
        let err = error_of(&format!("{GOOD}\n[limits]\nno_js_burst = 0\n"));
        assert!(err.contains("no_js_burst"), "{err}");
        let err = error_of(&format!("{GOOD}\n[limits]\nno_js_per_network_burst = 0\n"));
        assert!(err.contains("no_js_per_network_burst"), "{err}");
        let err = error_of(&format!(
            "{GOOD}\n[limits]\nno_js_per_network_burst = 10\nno_js_burst = 5\n"
        ));
        assert!(err.contains("may not exceed"), "{err}");
        let err = error_of(&format!("{GOOD}\n[limits]\nsurprise = 1\n"));
        assert!(err.contains("unknown field"), "{err}");
        let err = error_of(&format!("{GOOD}\n[limits]\nconnections_per_network = 0\n"));
        assert!(err.contains("connections_per_network"), "{err}");
        assert_eq!(c.limits.connections_per_network, 32);
        let err = error_of(&format!("{GOOD}\n[hcaptcha]\nenabled = true\n"));
        assert!(err.contains("site_key"), "{err}");
        let err = error_of(&format!("{GOOD}\n[hcaptcha]\nsecret = \"x\"\n"));
        assert!(
            err.contains("unknown field"),
            "the secret may not sit in the config: {err}"
        );
    }

    #[test]
    fn signers_learn_who_runs_it_and_what_happens_to_names_and_emails() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.petition.organizers.name, "The Organizers");
        assert_eq!(
            c.petition.organizers.contact_href(),
            "mailto:hello@example.org"
        );
        let err = error_of(&GOOD.replace(
            "what_happens_to_names = \"Only the organizers see names.\"\n",
            "",
        ));
        assert!(err.contains("what_happens_to_names"), "{err}");
        let err = error_of(&GOOD.replace(
            "what_happens_to_emails = \"Only the organizers see emails.\"\n",
            "",
        ));
        assert!(err.contains("what_happens_to_emails"), "{err}");
        let without = &GOOD[..GOOD.find("[petition.organizers]").unwrap()];
        assert!(error_of(without).contains("[petition.organizers]"));
        let err = error_of(&GOOD.replace("hello@example.org", "call us"));
        assert!(err.contains("organizers.contact"), "{err}");
        let web = parse(&GOOD.replace("hello@example.org", "https://example.org/contact")).unwrap();
        assert_eq!(
            web.petition.organizers.contact_href(),
            "https://example.org/contact"
        );
    }

    #[test]
    fn the_hardest_puzzle_a_phone_solves_within_the_grace() {
        let seconds = |bits: u8| (1u64 << bits) as f64 / PHONE_HASHES_PER_SECOND as f64;
        assert_eq!(POW_CEILING_BITS, 19);
        assert!(seconds(POW_CEILING_BITS) < POW_GRACE_SECONDS as f64);
        assert!(seconds(POW_CEILING_BITS + 1) > POW_GRACE_SECONDS as f64);
        let defaults = Limits::default();
        assert!(seconds(defaults.pow_max_bits) < POW_GRACE_SECONDS as f64 / 2.0);
        assert!(parse(&format!("{GOOD}\n[limits]\npow_max_bits = 19\n")).is_ok());
        let err = error_of(&format!("{GOOD}\n[limits]\npow_max_bits = 20\n"));
        assert!(err.contains("at most 19"), "{err}");
    }

    #[test]
    fn the_log_section_has_defaults_and_checked_values() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.log.batch_seconds, LOG_BATCH_DEFAULT);
        assert_eq!(c.log.origin("s"), "localhost/s");
        assert!(!c.log.name_set);
        let c = parse(&format!(
            "{GOOD}\n[log]\nname = \"petition.example.org\"\nbatch_seconds = 1\n"
        ))
        .unwrap();
        assert_eq!(
            c.log.origin(&c.petition.slug),
            "petition.example.org/rights-not-raids"
        );
        assert_eq!(c.log.batch_seconds, 1);
        for bad in ["https://x.org", "a b", "a+b", "", "/x"] {
            let err = error_of(&format!("{GOOD}\n[log]\nname = \"{bad}\"\n"));
            assert!(err.contains("host name"), "{bad}: {err}");
        }
        let err = error_of(&format!("{GOOD}\n[log]\nbatch_seconds = 0\n"));
        assert!(err.contains("batch_seconds"), "{err}");
        // With an onion service and no name, the log is named after the onion address.
        let onion = format!("{}.onion", "a".repeat(56));
        let c = parse(&GOOD.replace(
            "data = \"store\"",
            &format!("data = \"store\"\nonion = \"{onion}\""),
        ))
        .unwrap();
        assert_eq!(c.log.origin("s"), format!("{onion}/s"));
    }

    #[test]
    fn the_storage_cache_has_a_default_and_a_checked_size() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.storage.cache_bytes, crate::store::DEFAULT_CACHE_MB << 20);
        let c = parse(&format!("{GOOD}\n[storage]\ncache_mb = 64\n")).unwrap();
        assert_eq!(c.storage.cache_bytes, 64 << 20);
        for bad in ["0", "-1", "65537"] {
            let err = error_of(&format!("{GOOD}\n[storage]\ncache_mb = {bad}\n"));
            assert!(err.contains("cache_mb must be 1 to 65536"), "{bad}: {err}");
        }
        let err = error_of(&format!("{GOOD}\n[storage]\ncache = 64\n"));
        assert!(err.contains("cache_mb"), "{err}");
    }

    #[test]
    fn closed_after_the_closing_instant() {
        let c = parse(GOOD).unwrap();
        let closes = c.petition.closes.unwrap();
        assert!(!c.petition.is_closed(closes - time::Duration::seconds(1)));
        assert!(c.petition.is_closed(closes));
    }
}
