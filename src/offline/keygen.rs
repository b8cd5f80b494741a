//! `undersign keygen`: a new organizer identity, written once, readable only by its owner.

use std::io::{self, Write};
use std::path::Path;

use age::secrecy::ExposeSecret;

/// Why no identity was written.
#[derive(Debug, thiserror::Error)]
pub enum KeygenError {
    #[error("{0}: already exists; undersign never overwrites a key (choose another -o)")]
    Exists(String),
    #[error("{0}: cannot write the identity: {1}")]
    Write(String, io::Error),
}

/// Writes a fresh X25519 identity to `path` (mode 0600, never overwriting)
/// and returns its public recipient (`age1…`).
pub fn keygen(path: &Path) -> Result<String, KeygenError> {
    let shown = path.display().to_string();
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let mut file = super::private_file(path, false).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => KeygenError::Exists(shown.clone()),
        _ => KeygenError::Write(shown.clone(), e),
    })?;
    let created = time::OffsetDateTime::now_utc().date();
    let secret = identity.to_string();
    let body = zeroize::Zeroizing::new(format!(
        "# undersign organizer identity, created {created}\n\
         # KEEP THIS FILE OFFLINE. Anyone holding it can read every signature.\n\
         # public key: {recipient}\n{}\n",
        secret.expose_secret()
    ));
    file.write_all(body.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| KeygenError::Write(shown.clone(), e))?;
    Ok(recipient)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn writes_a_private_identity_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.txt");
        let recipient = keygen(&path).unwrap();
        assert!(recipient.starts_with("age1"));
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let text = std::fs::read(&path).unwrap();
        let mut ids = crate::seal::Identities::new();
        ids.add("k", &text).unwrap();
        let ct = crate::seal::Recipients::parse(&recipient)
            .unwrap()
            .seal(b"x")
            .unwrap();
        assert_eq!(&**ids.open(ct.as_bytes()).unwrap(), b"x");
        assert!(matches!(keygen(&path), Err(KeygenError::Exists(_))));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            text,
            "the first key is untouched"
        );
    }
}
