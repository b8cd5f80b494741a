//! age encryption of records: recipients in, ciphertext out; identities back in.
//!
//! Pure logic, no I/O beyond the byte buffers it is handed. Every record is a
//! standard binary age file, so `age -d -i key` or `rage -d -i key` opens it.

use std::fmt;
use std::io::{Read, Write};

use age::secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::layout::Layout;

/// Why a recipients file was refused. Line numbers only: never the line itself.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecipientsError {
    #[error(
        "line {0} holds an age SECRET key (AGE-SECRET-KEY-…): a secret key must never sit on the server. \
         Remove it now, keep it offline, and put its public age1… recipient here instead"
    )]
    SecretKey(usize),
    #[error("line {0} is not an age1…, ssh-ed25519 or ssh-rsa recipient")]
    Invalid(usize),
    #[error(
        "line {0} is an age plugin recipient: plugins start a process per record and are not supported on the server"
    )]
    Plugin(usize),
    #[error(
        "no recipients: add at least one organizer's age1… public key (make one with `undersign keygen`)"
    )]
    Empty,
}

/// The organizers' public keys every record is sealed to.
pub struct Recipients {
    keys: Vec<Box<dyn age::Recipient + Send + Sync>>,
    fingerprint: String,
    /// The `age1…` keys, when every recipient is one: only then can a
    /// browser seal (the age library it runs has no SSH recipients).
    x25519: Option<Vec<String>>,
}

impl fmt::Debug for Recipients {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Recipients({} keys, {})",
            self.keys.len(),
            self.fingerprint
        )
    }
}

impl Recipients {
    /// Parses age's recipients-file format: one recipient per line, `#` comments.
    pub fn parse(text: &str) -> Result<Recipients, RecipientsError> {
        let mut keys: Vec<Box<dyn age::Recipient + Send + Sync>> = Vec::new();
        let mut canonical = Vec::new();
        let mut x25519 = Some(Vec::new());
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.to_ascii_uppercase().contains("AGE-SECRET-KEY-") {
                return Err(RecipientsError::SecretKey(n));
            }
            if let Ok(r) = line.parse::<age::x25519::Recipient>() {
                // A key listed twice is one key: it must not hide the one-recipient warning.
                if canonical.contains(&r.to_string()) {
                    continue;
                }
                canonical.push(r.to_string());
                if let Some(x) = x25519.as_mut() {
                    x.push(r.to_string());
                }
                keys.push(Box::new(r));
            } else if line.len() > 4 && line.starts_with("age1") && line[4..].contains('1') {
                // age1<plugin>1… : bech32 data never holds a `1`, so this names a plugin.
                return Err(RecipientsError::Plugin(n));
            } else if line.starts_with("ssh-") {
                let r = line
                    .parse::<age::ssh::Recipient>()
                    .map_err(|_| RecipientsError::Invalid(n))?;
                if canonical.contains(&r.to_string()) {
                    continue;
                }
                canonical.push(r.to_string());
                x25519 = None;
                keys.push(Box::new(r));
            } else {
                return Err(RecipientsError::Invalid(n));
            }
        }
        if keys.is_empty() {
            return Err(RecipientsError::Empty);
        }
        canonical.sort();
        let mut h = Sha256::new();
        for c in &canonical {
            h.update(c.as_bytes());
            h.update(b"\n");
        }
        let fingerprint = hex::encode(&h.finalize()[..16]);
        Ok(Recipients {
            keys,
            fingerprint,
            x25519,
        })
    }

    /// The keys a signer's browser seals to, when it can (all `age1…`).
    pub fn browser_keys(&self) -> Option<&[String]> {
        self.x25519.as_deref()
    }

    /// The record layout of this petition: one length for every record.
    pub fn layout(&self) -> Layout {
        Layout::new(self.keys.len(), self.x25519.is_some())
    }

    /// Checks what it can of a signer part a browser says it sealed: a binary
    /// age file whose header holds exactly one X25519 stanza per recipient
    /// (and at most age's one grease stanza), then one payload of the exact
    /// length of a sealed signer part. The server cannot open it (it holds no
    /// key), so it never trusts a client that says "already encrypted".
    pub fn check_browser_sealed(&self, inner: &[u8]) -> Result<(), SealedError> {
        let Some(keys) = &self.x25519 else {
            return Err(SealedError::NotOffered);
        };
        if inner.len() > self.layout().inner_max() {
            return Err(SealedError::TooLarge);
        }
        let mut rest = inner
            .strip_prefix(b"age-encryption.org/v1\n")
            .ok_or(SealedError::NotAge)?;
        let (mut x25519, mut grease) = (0, 0);
        while let Ok((after, stanza)) = age_core::format::read::age_stanza(rest) {
            if stanza.tag == "X25519" {
                // An ephemeral share, and a wrapped 16-byte file key with its tag.
                let share_ok = stanza.args.len() == 1 && stanza.args[0].len() == 43;
                if !share_ok || stanza.body().len() != 32 {
                    return Err(SealedError::Stanzas);
                }
                x25519 += 1;
            } else if stanza.tag.ends_with("-grease") {
                grease += 1;
            } else {
                return Err(SealedError::Stanzas);
            }
            rest = after;
        }
        if x25519 != keys.len() || grease > 1 {
            return Err(SealedError::Stanzas);
        }
        // The MAC line: `--- ` and 43 characters of base64.
        let mac = rest.get(..48).ok_or(SealedError::NotAge)?;
        let mac_ok = mac.starts_with(b"--- ")
            && mac[47] == b'\n'
            && mac[4..47]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/');
        if !mac_ok {
            return Err(SealedError::NotAge);
        }
        if rest.len() - 48 != crate::layout::INNER_PAYLOAD {
            return Err(SealedError::Payload);
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// A short hash of the recipient set, so an export says which keys it needs.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Encrypts one padded record to every recipient in a single age header.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Ciphertext, SealError> {
        let encryptor = age::Encryptor::with_recipients(
            self.keys.iter().map(|k| k.as_ref() as &dyn age::Recipient),
        )
        .map_err(|_| SealError)?;
        let mut out = Vec::with_capacity(plaintext.len() + 256 + 200 * self.keys.len());
        let mut writer = encryptor.wrap_output(&mut out).map_err(|_| SealError)?;
        writer.write_all(plaintext).map_err(|_| SealError)?;
        writer.finish().map_err(|_| SealError)?;
        Ok(Ciphertext(out))
    }
}

/// Why a signer part sealed in a browser is refused. Says what is wrong with
/// its shape, never anything of its contents.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealedError {
    #[error(
        "this petition's keys cannot be used in a browser, so signatures are sealed on the server"
    )]
    NotOffered,
    #[error("a sealed signature must not carry the signer's fields in the clear too")]
    FieldsInClear,
    #[error("a sealed signature must come with the signer's consent")]
    NoConsent,
    #[error("the sealed signature is not base64url")]
    NotBase64,
    #[error("the sealed signature is larger than a sealed signature can be")]
    TooLarge,
    #[error("the sealed signature is not an age file")]
    NotAge,
    #[error("the sealed signature is not sealed to exactly this petition's keys")]
    Stanzas,
    #[error("the sealed signature does not hold exactly one padded signature")]
    Payload,
}

/// age refused to encrypt (an unusable recipient; never expected at run time).
#[derive(Debug, thiserror::Error)]
#[error("could not encrypt the record")]
pub struct SealError;

/// A sealed record: a whole binary age file. Safe to store, log the length of, export.
#[derive(Clone, PartialEq, Eq)]
pub struct Ciphertext(pub Vec<u8>);

impl fmt::Debug for Ciphertext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ciphertext({} bytes)", self.0.len())
    }
}

impl Ciphertext {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The length of the age payload after the header (`--- <mac>\n`). Only the
    /// header may vary in size between records (age adds a random grease stanza).
    pub fn payload_len(&self) -> Option<usize> {
        let i = find(&self.0, b"\n--- ")?;
        let j = i + 1 + find(&self.0[i + 1..], b"\n")?;
        Some(self.0.len() - (j + 1))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Why an identity file could not be used. Names the file, never its contents.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("{0}: cannot read the identity file: {1}")]
    Read(String, std::io::Error),
    #[error(
        "{0}: not an age identity (AGE-SECRET-KEY-1…), a passphrase-protected age identity \
         or an SSH private key"
    )]
    Unusable(String),
    #[error("{0}: this key is passphrase-protected and no passphrase was given")]
    NeedsPassphrase(String),
    #[error("{0}: wrong passphrase (or the key file is damaged)")]
    WrongPassphrase(String),
    #[error(
        "{0}: this key file asks for far more passphrase work than this computer can do in a \
         few seconds; it was not made by undersign keygen here"
    )]
    ExcessiveWork(String),
    #[error("{0}: this kind of SSH key cannot decrypt age files (use ssh-ed25519 or ssh-rsa)")]
    UnsupportedSsh(String),
}

/// What kind of key file some bytes are, told from their first line alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// An age identity file: `AGE-SECRET-KEY-1…` lines and `#` comments.
    Age,
    /// An age file encrypted with a passphrase (age's scrypt recipient), binary or
    /// ASCII-armored, holding an age identity file: what `keygen --passphrase` writes.
    AgeWithPassphrase,
    /// An OpenSSH or PEM private key; it may or may not be passphrase-protected.
    Ssh,
}

const ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
const ARMOR_END: &str = "-----END AGE ENCRYPTED FILE-----";
const AGE_MAGIC: &[u8] = b"age-encryption.org/";

impl KeyKind {
    pub fn of(contents: &[u8]) -> KeyKind {
        let text = contents.trim_ascii_start();
        if text.starts_with(ARMOR_BEGIN.as_bytes()) || text.starts_with(AGE_MAGIC) {
            KeyKind::AgeWithPassphrase
        } else if text.starts_with(b"-----BEGIN") {
            KeyKind::Ssh
        } else {
            KeyKind::Age
        }
    }
}

/// Undoes age's ASCII armor (strict PEM, standard base64 with padding).
/// Written here because age's own `armor` feature is not enabled.
fn dearmor(text: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    use base64::Engine;
    let text = std::str::from_utf8(text).ok()?.trim();
    let body = text.strip_prefix(ARMOR_BEGIN)?.strip_suffix(ARMOR_END)?;
    let joined: Zeroizing<String> = Zeroizing::new(body.split_whitespace().collect());
    base64::engine::general_purpose::STANDARD
        .decode(joined.as_bytes())
        .ok()
        .map(Zeroizing::new)
}

/// The organizer's secret keys, for offline decryption only.
///
/// Every key is held already unlocked, as a `Send + Sync` identity, so records can
/// be opened on all cores. (age's own `encrypted::Identity` unlocks lazily behind a
/// `Cell` and may prompt from inside a worker; it is neither `Sync` nor wanted here.)
pub struct Identities {
    keys: Vec<Box<dyn age::Identity + Send + Sync>>,
}

impl fmt::Debug for Identities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Identities({} keys)", self.keys.len())
    }
}

impl Identities {
    pub fn new() -> Self {
        Identities { keys: Vec::new() }
    }

    /// Adds the identities in one unprotected file: age identities or an SSH key.
    /// A passphrase-protected file is refused with [`IdentityError::NeedsPassphrase`].
    pub fn add(&mut self, name: &str, contents: &[u8]) -> Result<(), IdentityError> {
        match KeyKind::of(contents) {
            KeyKind::AgeWithPassphrase => Err(IdentityError::NeedsPassphrase(name.into())),
            KeyKind::Ssh => self.add_ssh(name, contents, None),
            KeyKind::Age => self.add_age(name, contents),
        }
    }

    /// Adds the identities in one file, unlocking it with `passphrase` if it is
    /// protected (an unprotected file is added as it is).
    pub fn add_with_passphrase(
        &mut self,
        name: &str,
        contents: &[u8],
        passphrase: &SecretString,
    ) -> Result<(), IdentityError> {
        match KeyKind::of(contents) {
            KeyKind::Age => self.add_age(name, contents),
            KeyKind::Ssh => self.add_ssh(name, contents, Some(passphrase)),
            KeyKind::AgeWithPassphrase => {
                let armored = contents
                    .trim_ascii_start()
                    .starts_with(ARMOR_BEGIN.as_bytes());
                let binary = if armored {
                    dearmor(contents).ok_or_else(|| IdentityError::Unusable(name.into()))?
                } else {
                    Zeroizing::new(contents.to_vec())
                };
                let inner = unlock(name, &binary, passphrase)?;
                self.add_age(name, &inner)
            }
        }
    }

    fn add_age(&mut self, name: &str, contents: &[u8]) -> Result<(), IdentityError> {
        let file = age::IdentityFile::from_buffer(contents)
            .map_err(|_| IdentityError::Unusable(name.into()))?;
        let ids = file
            .into_identities()
            .map_err(|_| IdentityError::Unusable(name.into()))?;
        if ids.is_empty() {
            return Err(IdentityError::Unusable(name.into()));
        }
        self.keys.extend(ids);
        Ok(())
    }

    fn add_ssh(
        &mut self,
        name: &str,
        contents: &[u8],
        passphrase: Option<&SecretString>,
    ) -> Result<(), IdentityError> {
        let id = age::ssh::Identity::from_buffer(contents, Some(name.to_string()))
            .map_err(|_| IdentityError::Unusable(name.into()))?;
        let key = match id {
            age::ssh::Identity::Unencrypted(key) => key,
            age::ssh::Identity::Encrypted(locked) => {
                let Some(passphrase) = passphrase else {
                    return Err(IdentityError::NeedsPassphrase(name.into()));
                };
                // `decrypt` takes the passphrase by value; this copy wipes itself too.
                let copy = SecretString::from(passphrase.expose_secret().to_owned());
                locked
                    .decrypt(copy)
                    .map_err(|_| IdentityError::WrongPassphrase(name.into()))?
            }
            _ => return Err(IdentityError::UnsupportedSsh(name.into())),
        };
        self.keys.push(Box::new(age::ssh::Identity::from(key)));
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Decrypts one age file into a buffer that wipes itself.
    pub fn open(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let decryptor = age::Decryptor::new_buffered(ciphertext).map_err(|_| OpenError::NotAge)?;
        let mut reader = decryptor
            .decrypt(self.keys.iter().map(|k| k.as_ref() as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => OpenError::NoMatchingKey,
                _ => OpenError::Corrupt,
            })?;
        let mut out = Zeroizing::new(Vec::with_capacity(crate::record::PADDED_LEN));
        reader
            .read_to_end(&mut out)
            .map_err(|_| OpenError::Corrupt)?;
        Ok(out)
    }
}

/// Opens a passphrase-encrypted age file (the scrypt recipient) into its plaintext.
fn unlock(
    name: &str,
    binary: &[u8],
    passphrase: &SecretString,
) -> Result<Zeroizing<Vec<u8>>, IdentityError> {
    let decryptor =
        age::Decryptor::new_buffered(binary).map_err(|_| IdentityError::Unusable(name.into()))?;
    if !decryptor.is_scrypt() {
        // An age file sealed to public keys, not to a passphrase: not a key file.
        return Err(IdentityError::Unusable(name.into()));
    }
    let scrypt =
        age::scrypt::Identity::new(SecretString::from(passphrase.expose_secret().to_owned()));
    let mut reader = decryptor
        .decrypt(std::iter::once(&scrypt as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::ExcessiveWork { .. } => IdentityError::ExcessiveWork(name.into()),
            age::DecryptError::DecryptionFailed
            | age::DecryptError::KeyDecryptionFailed
            | age::DecryptError::NoMatchingKeys => IdentityError::WrongPassphrase(name.into()),
            _ => IdentityError::Unusable(name.into()),
        })?;
    let mut out = Zeroizing::new(Vec::with_capacity(1024));
    reader
        .read_to_end(&mut out)
        .map_err(|_| IdentityError::WrongPassphrase(name.into()))?;
    Ok(out)
}

impl Default for Identities {
    fn default() -> Self {
        Self::new()
    }
}

/// Why one record did not decrypt.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error("not an age file")]
    NotAge,
    #[error("none of the given identities can decrypt it")]
    NoMatchingKey,
    #[error("the age file is damaged")]
    Corrupt,
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::ExposeSecret;

    fn key() -> (age::x25519::Identity, String) {
        let id = age::x25519::Identity::generate();
        let r = id.to_public().to_string();
        (id, r)
    }

    #[test]
    fn seal_then_open_round_trips() {
        let (id, r) = key();
        let recipients = Recipients::parse(&format!("# organizer\n{r}\n")).unwrap();
        let ct = recipients.seal(b"hello").unwrap();
        let mut ids = Identities::new();
        ids.add("k", id.to_string().expose_secret().as_bytes())
            .unwrap();
        assert_eq!(&**ids.open(ct.as_bytes()).unwrap(), b"hello");
    }

    #[test]
    fn plain_age_decrypt_opens_a_sealed_record() {
        let (id, r) = key();
        let ct = Recipients::parse(&r).unwrap().seal(b"interop").unwrap();
        assert_eq!(age::decrypt(&id, ct.as_bytes()).unwrap(), b"interop");
    }

    #[test]
    fn every_recipient_can_open() {
        let (a, ra) = key();
        let (b, rb) = key();
        let ct = Recipients::parse(&format!("{ra}\n{rb}\n"))
            .unwrap()
            .seal(b"both")
            .unwrap();
        assert_eq!(age::decrypt(&a, ct.as_bytes()).unwrap(), b"both");
        assert_eq!(age::decrypt(&b, ct.as_bytes()).unwrap(), b"both");
    }

    #[test]
    fn a_wrong_key_is_told_apart_from_damage() {
        let (_, r) = key();
        let (other, _) = key();
        let ct = Recipients::parse(&r).unwrap().seal(b"x").unwrap();
        let mut ids = Identities::new();
        ids.add("k", other.to_string().expose_secret().as_bytes())
            .unwrap();
        assert_eq!(
            ids.open(ct.as_bytes()).unwrap_err(),
            OpenError::NoMatchingKey
        );
        assert_eq!(ids.open(b"garbage").unwrap_err(), OpenError::NotAge);
    }

    #[test]
    fn a_secret_key_in_the_recipients_file_is_refused() {
        let (id, r) = key();
        let text = format!("{r}\n\n{}\n", id.to_string().expose_secret());
        assert_eq!(
            Recipients::parse(&text).unwrap_err(),
            RecipientsError::SecretKey(3)
        );
        let lower = id.to_string().expose_secret().to_lowercase();
        assert_eq!(
            Recipients::parse(&lower).unwrap_err(),
            RecipientsError::SecretKey(1)
        );
    }

    #[test]
    fn recipients_file_errors_name_the_line_not_the_value() {
        assert_eq!(
            Recipients::parse("# only a comment\n\n").unwrap_err(),
            RecipientsError::Empty
        );
        let err = Recipients::parse("# x\nage1notakey\n").unwrap_err();
        assert_eq!(err, RecipientsError::Invalid(2));
        assert!(!err.to_string().contains("age1notakey"));
        assert_eq!(
            Recipients::parse("ssh-ed25519 AAAAbroken\n").unwrap_err(),
            RecipientsError::Invalid(1)
        );
    }

    #[test]
    fn ssh_ed25519_recipients_are_accepted() {
        let line =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB/VNbzy7M3t test";
        assert_eq!(Recipients::parse(line).unwrap().len(), 1);
    }

    #[test]
    fn a_key_listed_twice_counts_once() {
        let (_, a) = key();
        assert_eq!(Recipients::parse(&format!("{a}\n{a}\n")).unwrap().len(), 1);
    }

    #[test]
    fn fingerprint_ignores_order_and_comments() {
        let (_, a) = key();
        let (_, b) = key();
        let one = Recipients::parse(&format!("{a}\n{b}\n")).unwrap();
        let two = Recipients::parse(&format!("# c\n{b}\n{a}\n")).unwrap();
        assert_eq!(one.fingerprint(), two.fingerprint());
        assert_ne!(
            one.fingerprint(),
            Recipients::parse(&a).unwrap().fingerprint()
        );
    }

    #[test]
    fn payload_length_does_not_depend_on_the_header() {
        let (_, r) = key();
        let rs = Recipients::parse(&r).unwrap();
        let lens: std::collections::BTreeSet<_> = (0..20)
            .map(|_| rs.seal(&[b' '; 3072]).unwrap().payload_len().unwrap())
            .collect();
        assert_eq!(lens.len(), 1);
    }

    /// A binary age file locked with `pass` at a tiny scrypt work factor (fast tests).
    fn locked(contents: &[u8], pass: &str) -> Vec<u8> {
        let mut r = age::scrypt::Recipient::new(SecretString::from(pass.to_owned()));
        r.set_work_factor(2);
        let enc =
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
        let mut out = Vec::new();
        let mut w = enc.wrap_output(&mut out).unwrap();
        w.write_all(contents).unwrap();
        w.finish().unwrap();
        out
    }

    #[test]
    fn key_files_are_told_apart_by_their_first_line() {
        assert_eq!(KeyKind::of(b"# c\nAGE-SECRET-KEY-1X"), KeyKind::Age);
        assert_eq!(
            KeyKind::of(b"\n-----BEGIN AGE ENCRYPTED FILE-----\n"),
            KeyKind::AgeWithPassphrase
        );
        assert_eq!(
            KeyKind::of(b"age-encryption.org/v1\n"),
            KeyKind::AgeWithPassphrase
        );
        assert_eq!(
            KeyKind::of(b"-----BEGIN OPENSSH PRIVATE KEY-----\n"),
            KeyKind::Ssh
        );
    }

    #[test]
    fn a_binary_passphrase_file_opens_with_its_passphrase_only() {
        let (id, r) = key();
        let file = locked(id.to_string().expose_secret().as_bytes(), "open sesame");
        let mut ids = Identities::new();
        assert!(matches!(
            ids.add("k", &file),
            Err(IdentityError::NeedsPassphrase(_))
        ));
        let wrong = SecretString::from("open barley".to_owned());
        let err = ids.add_with_passphrase("k", &file, &wrong).unwrap_err();
        assert!(matches!(err, IdentityError::WrongPassphrase(_)));
        assert!(!err.to_string().contains("barley"));
        let right = SecretString::from("open sesame".to_owned());
        ids.add_with_passphrase("k", &file, &right).unwrap();
        let ct = Recipients::parse(&r).unwrap().seal(b"locked").unwrap();
        assert_eq!(&**ids.open(ct.as_bytes()).unwrap(), b"locked");
    }

    #[test]
    fn an_age_file_for_recipients_is_not_a_key_file() {
        let (_, r) = key();
        let ct = Recipients::parse(&r).unwrap().seal(b"x").unwrap();
        let any = SecretString::from("whatever".to_owned());
        assert!(matches!(
            Identities::new().add_with_passphrase("k", ct.as_bytes(), &any),
            Err(IdentityError::Unusable(_))
        ));
    }
}
