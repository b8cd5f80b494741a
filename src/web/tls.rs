//! HTTPS in the process: rustls behind the same guarded listener as plain
//! HTTP, with the certificate swapped in place when its files change, so a
//! renewal (certbot, acme.sh) needs no restart and drops no connection.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::crypto::{CryptoProvider, aws_lc_rs};
use tokio_rustls::rustls::pki_types::pem::{self, PemObject};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::{ClientHello, NoServerSessionStorage, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;
use tokio_rustls::rustls::{self, ServerConfig};

use crate::config::Tls as TlsFiles;

/// How often the certificate files are looked at for a renewal.
pub const WATCH_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{}: {why}", path.display())]
    File { path: PathBuf, why: String },
    #[error(
        "the key in {} does not belong to the certificate in {}",
        key.display(),
        cert.display()
    )]
    Mismatch { cert: PathBuf, key: PathBuf },
    #[error("TLS set-up: {0}")]
    Setup(#[from] rustls::Error),
}

/// Describes a PEM failure without quoting the file: it may be a private key.
fn pem_problem(path: &Path, what: &str, e: pem::Error) -> TlsError {
    let why = match e {
        pem::Error::Io(io) => format!("cannot read the {what}: {}", io.kind()),
        pem::Error::NoItemsFound => format!("no {what} in this file (a PEM file is expected)"),
        _ => format!("not a valid PEM {what}"),
    };
    TlsError::File {
        path: path.to_path_buf(),
        why,
    }
}

/// Reads and checks a certificate chain and its key: the key must match.
pub fn load(files: &TlsFiles, provider: &CryptoProvider) -> Result<CertifiedKey, TlsError> {
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| pem_problem(&files.cert, "certificate chain", e))?;
    if chain.is_empty() {
        return Err(pem_problem(
            &files.cert,
            "certificate chain",
            pem::Error::NoItemsFound,
        ));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| pem_problem(&files.key, "private key", e))?;
    CertifiedKey::from_der(chain, key, provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => TlsError::Mismatch {
            cert: files.cert.clone(),
            key: files.key.clone(),
        },
        other => TlsError::File {
            path: files.key.clone(),
            why: format!("unusable private key: {other}"),
        },
    })
}

/// The certificate every handshake gets: one slot, replaced whole on reload.
#[derive(Debug)]
struct Current(RwLock<Arc<CertifiedKey>>);

impl ResolvesServerCert for Current {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.read().unwrap_or_else(|e| e.into_inner()).clone())
    }
}

/// When each file last changed, and its size: a renewal changes one or both.
type Stamp = Option<[(SystemTime, u64); 2]>;

fn stamp(files: &TlsFiles) -> Stamp {
    let one = |p: &Path| {
        let m = std::fs::metadata(p).ok()?;
        Some((m.modified().ok()?, m.len()))
    };
    Some([one(&files.cert)?, one(&files.key)?])
}

/// No session resumption: rustls would otherwise keep each session's
/// secrets in memory (a cache of 256, and TLS 1.3 tickets), where a memory
/// dump could use them to decrypt recorded traffic. Every handshake is full.
fn forget_sessions(config: &mut ServerConfig) {
    config.session_storage = Arc::new(NoServerSessionStorage {});
    config.send_tls13_tickets = 0;
    // rustls's default ticketer already makes no TLS 1.2 tickets: keep it so.
    debug_assert!(!config.ticketer.enabled());
}

pub struct Tls {
    pub files: TlsFiles,
    provider: Arc<CryptoProvider>,
    current: Arc<Current>,
    seen: Mutex<Stamp>,
    pub acceptor: TlsAcceptor,
}

impl Tls {
    pub fn new(files: &TlsFiles) -> Result<Tls, TlsError> {
        let provider = Arc::new(aws_lc_rs::default_provider());
        let seen = stamp(files);
        let key = load(files, &provider)?;
        let current = Arc::new(Current(RwLock::new(Arc::new(key))));
        let mut config = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_cert_resolver(current.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        forget_sessions(&mut config);
        Ok(Tls {
            files: files.clone(),
            provider,
            current,
            seen: Mutex::new(seen),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }

    /// Loads the files again; on any error the running certificate stays.
    pub fn reload(&self) -> Result<(), TlsError> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        self.reload_holding(&mut seen)
    }

    /// Reloads when a file changed since the last look (a broken renewal is
    /// tried once, then again only when the files change once more).
    pub fn reload_if_changed(&self) -> Option<Result<(), TlsError>> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if stamp(&self.files) == *seen {
            return None;
        }
        Some(self.reload_holding(&mut seen))
    }

    /// One reload at a time (SIGHUP and the watcher may race): an older pair
    /// can never replace a newer one.
    fn reload_holding(&self, seen: &mut Stamp) -> Result<(), TlsError> {
        *seen = stamp(&self.files);
        let key = load(&self.files, &self.provider)?;
        *self.current.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(key);
        Ok(())
    }

    /// The private key file can be read by every user of the machine.
    pub fn key_readable_by_all(&self) -> bool {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(&self.files.key).is_ok_and(|m| m.permissions().mode() & 0o004 != 0)
    }

    pub fn report(result: Result<(), TlsError>) {
        match result {
            Ok(()) => println!("undersign: reloaded the TLS certificate"),
            Err(e) => {
                println!("undersign: TLS certificate reload refused, keeping the running one: {e}")
            }
        }
    }

    /// Runs until the server stops: picks up renewals without a signal.
    pub async fn watch(self: Arc<Self>) {
        let mut every = tokio::time::interval(WATCH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let tls = self.clone();
            let result = tokio::task::spawn_blocking(move || tls.reload_if_changed()).await;
            if let Ok(Some(result)) = result {
                Tls::report(result);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_session_secret_is_kept_for_resumption() {
        let dir = tempfile::tempdir().unwrap();
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let files = TlsFiles {
            cert: dir.path().join("site.crt"),
            key: dir.path().join("site.key"),
            redirect_http: None,
            acme_webroot: None,
            hsts_max_age: 0,
        };
        std::fs::write(&files.cert, made.cert.pem()).unwrap();
        std::fs::write(&files.key, made.signing_key.serialize_pem()).unwrap();
        let tls = Tls::new(&files).unwrap();
        let config = tls.acceptor.config();
        assert!(!config.session_storage.can_cache());
        assert_eq!(config.send_tls13_tickets, 0);
        assert!(!config.ticketer.enabled());
    }
}
