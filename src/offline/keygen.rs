//! `undersign keygen`: a new organizer identity, written once, readable only by its owner,
//! optionally locked with a passphrase.

use std::io::{self, Write};
use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};
use base64::Engine;
use zeroize::Zeroizing;

/// Why no identity was written.
#[derive(Debug, thiserror::Error)]
pub enum KeygenError {
    #[error("{0}: already exists; undersign never overwrites a key (choose another -o)")]
    Exists(String),
    #[error("{0}: cannot write the identity: {1}")]
    Write(String, io::Error),
    #[error("could not encrypt the identity with the passphrase")]
    Encrypt,
}

/// A key just written.
pub struct NewKey {
    /// The public recipient (`age1…`) that goes in the recipients file.
    pub recipient: String,
    /// Exactly what the key file holds, for a paper copy. Secret unless `protected`,
    /// and even then only as safe as the passphrase.
    pub file_text: Zeroizing<String>,
    /// The file is passphrase-protected.
    pub protected: bool,
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NewKey({}, <redacted>)", self.recipient)
    }
}

/// Writes a fresh X25519 identity to `path` (mode 0600, never overwriting)
/// and returns its public recipient (`age1…`).
pub fn keygen(path: &Path) -> Result<String, KeygenError> {
    keygen_with(path, None).map(|k| k.recipient)
}

/// Like [`keygen`]; with a passphrase, the file is the identity encrypted with
/// age's scrypt passphrase recipient, ASCII-armored, so `age -d` and `rage -d`
/// open it too and it prints on paper.
pub fn keygen_with(path: &Path, passphrase: Option<&SecretString>) -> Result<NewKey, KeygenError> {
    let shown = path.display().to_string();
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let created = time::OffsetDateTime::now_utc().date();
    let secret = identity.to_string();
    let plain = Zeroizing::new(format!(
        "# undersign organizer identity, created {created}\n\
         # KEEP THIS FILE OFFLINE. Anyone holding it can read every signature.\n\
         # public key: {recipient}\n{}\n",
        secret.expose_secret()
    ));
    // Encrypt before creating the file: a failure leaves no half-written key behind.
    let file_text = match passphrase {
        None => plain,
        Some(p) => armor(&seal_with_passphrase(&plain, p)?),
    };
    let mut file = super::private_file(path, false).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => KeygenError::Exists(shown.clone()),
        _ => KeygenError::Write(shown.clone(), e),
    })?;
    file.write_all(file_text.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| KeygenError::Write(shown.clone(), e))?;
    Ok(NewKey {
        recipient,
        file_text,
        protected: passphrase.is_some(),
    })
}

fn seal_with_passphrase(
    plain: &str,
    passphrase: &SecretString,
) -> Result<Zeroizing<Vec<u8>>, KeygenError> {
    // The encryptor takes the passphrase by value; this copy wipes itself too.
    let copy = SecretString::from(passphrase.expose_secret().to_owned());
    let encryptor = age::Encryptor::with_user_passphrase(copy);
    let mut out = Zeroizing::new(Vec::with_capacity(1024));
    let mut w = encryptor
        .wrap_output(&mut *out)
        .map_err(|_| KeygenError::Encrypt)?;
    w.write_all(plain.as_bytes())
        .and_then(|_| w.finish().map(|_| ()))
        .map_err(|_| KeygenError::Encrypt)?;
    Ok(out)
}

/// age's ASCII armor: strict PEM, standard base64 with padding, 64 columns.
/// (age's own `armor` feature is not enabled; this is all of it we need.)
fn armor(binary: &[u8]) -> Zeroizing<String> {
    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(binary));
    let mut out = Zeroizing::new(String::with_capacity(b64.len() + b64.len() / 64 + 80));
    out.push_str("-----BEGIN AGE ENCRYPTED FILE-----\n");
    for line in b64.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END AGE ENCRYPTED FILE-----\n");
    out
}

/// What to do next, printed after a key is made: a lost key loses every signature.
pub fn backup_guide(path: &Path, key: &NewKey) -> String {
    let file = path.display();
    let protection = if key.protected {
        "  - The passphrase: without it this file is useless, and nobody can recover it.\n    \
         Write it down and keep it apart from the key file.\n"
    } else {
        "  - Anyone who gets this file can read every signature. `keygen --passphrase`\n    \
         makes a key that is useless without its passphrase.\n"
    };
    format!(
        "undersign: wrote the secret identity to {file} (mode 0600{}).\n\
         Keep it offline, and back it up: without it no signature can ever be read.\n\
         Before the petition opens:\n  \
         - A second key: another organizer runs `undersign keygen` on their own computer, and\n    \
         both public keys go in the server's recipients file. Either key then opens every signature.\n  \
         - A paper copy: print the key file (or its QR code, from --qr or --qr-svg) and keep\n    \
         the paper somewhere safe, away from this computer.\n\
         {protection}  \
         - A check: `undersign check --config petition.toml --identity {file}` proves the key\n    \
         opens what the server writes.\n\
         Put this public recipient line in the server's recipients file:",
        if key.protected {
            ", passphrase-protected"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::{Identities, IdentityError, Recipients};
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
        let mut ids = Identities::new();
        ids.add("k", &text).unwrap();
        let ct = Recipients::parse(&recipient).unwrap().seal(b"x").unwrap();
        assert_eq!(&**ids.open(ct.as_bytes()).unwrap(), b"x");
        assert!(matches!(keygen(&path), Err(KeygenError::Exists(_))));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            text,
            "the first key is untouched"
        );
    }

    #[test]
    fn a_passphrase_key_is_armored_and_opens_only_with_its_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.age");
        let good = SecretString::from("correct horse battery".to_owned());
        let key = keygen_with(&path, Some(&good)).unwrap();
        let text = std::fs::read(&path).unwrap();
        assert_eq!(text, key.file_text.as_bytes());
        assert!(text.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----\n"));
        assert!(!String::from_utf8_lossy(&text).contains("AGE-SECRET-KEY"));
        assert!(
            text.split(|&b| b == b'\n').all(|l| l.len() <= 64),
            "armor lines are at most 64 columns"
        );

        let mut ids = Identities::new();
        assert!(matches!(
            ids.add("k", &text),
            Err(IdentityError::NeedsPassphrase(_))
        ));
        let bad = SecretString::from("wrong horse battery".to_owned());
        assert!(matches!(
            ids.add_with_passphrase("k", &text, &bad),
            Err(IdentityError::WrongPassphrase(_))
        ));
        ids.add_with_passphrase("k", &text, &good).unwrap();
        let ct = Recipients::parse(&key.recipient)
            .unwrap()
            .seal(b"x")
            .unwrap();
        assert_eq!(&**ids.open(ct.as_bytes()).unwrap(), b"x");
    }

    #[test]
    fn the_guide_names_a_second_key_and_paper() {
        let key = NewKey {
            recipient: "age1x".into(),
            file_text: Zeroizing::new(String::new()),
            protected: false,
        };
        let g = backup_guide(Path::new("k.txt"), &key);
        assert!(g.contains("second key") && g.contains("paper"));
        assert!(g.ends_with("recipients file:"));
    }
}
