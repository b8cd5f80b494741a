//! Signed notes: the log key, checkpoints, and organizers' cosignatures.
//!
//! A checkpoint (C2SP tlog-checkpoint) is three lines, the log's origin, its
//! size and its root hash, signed as a C2SP signed note with Ed25519 by the
//! log key. A cosignature (C2SP tlog-cosignature, Ed25519 type `0x04`) is a
//! second signer's statement that it saw this checkpoint and that it is
//! consistent with every one it saw before: with it, a server that shows
//! different logs to different people is caught by anyone who checks both.
//!
//! Key files use the signed-note private key form that Go's `sumdb/note`
//! reads: `PRIVATE+KEY+<name>+<key id>+<base64(type || 32-byte seed)>`. The
//! note parsing and Ed25519 signatures are the `signed_note` and
//! `ed25519-dalek` crates'; only the cosignature message is built here.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use rand::RngCore;
use signed_note::{Note, Signature, StandardSigner, StandardVerifier, VerifierList};
use zeroize::Zeroizing;

use tlog_tiles::Hash;

/// Signature type of the log's own Ed25519 signatures (C2SP signed-note).
const TYPE_ED25519: u8 = 0x01;
/// Signature type of timestamped Ed25519 cosignatures (C2SP tlog-cosignature).
const TYPE_COSIGNATURE: u8 = 0x04;

/// A key or key file that cannot be used. Never carries the key itself.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error(
        "a log or cosigner name must be non-empty, without spaces or \"+\" (like example.org/petition)"
    )]
    BadName,
    #[error("not a signed-note private key (PRIVATE+KEY+<name>+<id>+<key>)")]
    BadPrivate,
    #[error("not a verifier key (<name>+<8 hex digits>+<base64 key>)")]
    BadVerifier,
    #[error("this key is not a {0} key")]
    WrongType(&'static str),
}

/// A checkpoint that cannot be trusted. Names what failed, never a key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NoteError {
    #[error("the checkpoint is not a well-formed signed note")]
    Malformed,
    #[error("the checkpoint is not signed by the log key")]
    Unsigned,
    #[error("the checkpoint's signature by the log key is invalid: it was altered")]
    BadSignature,
    #[error("the checkpoint's origin is \"{found}\", but the log key is for \"{expected}\"")]
    OtherOrigin { expected: String, found: String },
    #[error("the checkpoint carries no valid cosignature by {0}")]
    NotCosigned(String),
}

fn valid_name(name: &str) -> bool {
    signed_note::is_key_name_valid(name) && !name.chars().any(char::is_control)
}

/// `SHA-256(name || "\n" || type || public key)[:4]`, as signed-note recommends
/// and tlog-cosignature requires.
fn key_id(name: &str, kind: u8, public: &VerifyingKey) -> u32 {
    let mut key = vec![kind];
    key.extend_from_slice(public.as_bytes());
    signed_note::key_id(name, &key)
}

fn private_text(name: &str, kind: u8, key: &SigningKey) -> Zeroizing<String> {
    let mut raw = Zeroizing::new(vec![kind]);
    raw.extend_from_slice(key.as_bytes());
    Zeroizing::new(format!(
        "PRIVATE+KEY+{name}+{:08x}+{}",
        key_id(name, kind, &key.verifying_key()),
        B64.encode(&*raw)
    ))
}

fn verifier_text(name: &str, kind: u8, public: &VerifyingKey) -> String {
    let mut raw = vec![kind];
    raw.extend_from_slice(public.as_bytes());
    format!(
        "{name}+{:08x}+{}",
        key_id(name, kind, public),
        B64.encode(raw)
    )
}

/// Reads `PRIVATE+KEY+<name>+<id>+<base64(type || seed)>`, checking the id.
fn parse_private(text: &str, kind: u8) -> Result<(String, SigningKey), KeyError> {
    let text = text.trim();
    let rest = text
        .strip_prefix("PRIVATE+KEY+")
        .ok_or(KeyError::BadPrivate)?;
    let (name, rest) = rest.split_once('+').ok_or(KeyError::BadPrivate)?;
    let (id, key) = rest.split_once('+').ok_or(KeyError::BadPrivate)?;
    if !valid_name(name) || id.len() != 8 {
        return Err(KeyError::BadPrivate);
    }
    let id = u32::from_str_radix(id, 16).map_err(|_| KeyError::BadPrivate)?;
    let raw = Zeroizing::new(B64.decode(key).map_err(|_| KeyError::BadPrivate)?);
    let (&found, seed) = raw.split_first().ok_or(KeyError::BadPrivate)?;
    if found != kind {
        return Err(KeyError::WrongType(if kind == TYPE_ED25519 {
            "log"
        } else {
            "cosigner"
        }));
    }
    let seed: &[u8; 32] = seed.try_into().map_err(|_| KeyError::BadPrivate)?;
    let key = SigningKey::from_bytes(seed);
    if key_id(name, kind, &key.verifying_key()) != id {
        return Err(KeyError::BadPrivate);
    }
    Ok((name.to_string(), key))
}

fn random_key() -> SigningKey {
    let mut seed = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(seed.as_mut());
    SigningKey::from_bytes(&seed)
}

/// The server's log key: it signs checkpoints, and nothing else.
pub struct LogKey {
    origin: String,
    signer: StandardSigner,
    vkey: String,
}

impl LogKey {
    /// A new key for the log named `origin`, with the private key text to keep.
    pub fn generate(origin: &str) -> Result<(LogKey, Zeroizing<String>), KeyError> {
        if !valid_name(origin) {
            return Err(KeyError::BadName);
        }
        let text = private_text(origin, TYPE_ED25519, &random_key());
        Ok((LogKey::from_private(&text)?, text))
    }

    /// Reads a private key file's text.
    pub fn from_private(text: &str) -> Result<LogKey, KeyError> {
        let (origin, key) = parse_private(text, TYPE_ED25519)?;
        let vkey = verifier_text(&origin, TYPE_ED25519, &key.verifying_key());
        // The crate's own parser must agree with ours before it signs anything.
        let signer = StandardSigner::new(&private_text(&origin, TYPE_ED25519, &key))
            .map_err(|_| KeyError::BadPrivate)?;
        Ok(LogKey {
            origin,
            signer,
            vkey,
        })
    }

    /// The log's origin: the key's name and the checkpoints' first line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The verifier key, `<origin>+<key id>+<base64(0x01 || public key)>`.
    pub fn vkey(&self) -> &str {
        &self.vkey
    }

    /// The signed checkpoint for a tree.
    pub fn sign(&self, size: u64, root: Hash) -> Vec<u8> {
        let text = checkpoint_text(&self.origin, size, root);
        let mut note = Note::new(text.as_bytes(), &[]).expect("checkpoint text is a valid note");
        note.add_sigs(&[&self.signer])
            .expect("the origin was checked when the key was read");
        note.to_bytes()
    }
}

impl std::fmt::Debug for LogKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogKey({})", self.vkey)
    }
}

/// The three lines of a checkpoint: origin, tree size, base64 root hash.
pub fn checkpoint_text(origin: &str, size: u64, root: Hash) -> String {
    format!("{origin}\n{size}\n{root}\n")
}

/// A checkpoint whose log signature checked out.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// The whole signed note as served, kept to be stored or cosigned.
    pub note: Vec<u8>,
}

/// Checks a signed checkpoint against the log's verifier key and reads it.
pub fn open_checkpoint(note_bytes: &[u8], vkey: &str) -> Result<Checkpoint, NoteError> {
    let verifier = StandardVerifier::new(vkey).map_err(|_| NoteError::Unsigned)?;
    let name = signed_note::Verifier::name(&verifier).to_string();
    let note = Note::from_bytes(note_bytes).map_err(|_| NoteError::Malformed)?;
    note.verify(&VerifierList::new(vec![Box::new(verifier)]))
        .map_err(|e| match e {
            signed_note::NoteError::InvalidSignature { .. } => NoteError::BadSignature,
            signed_note::NoteError::UnverifiedNote => NoteError::Unsigned,
            _ => NoteError::Malformed,
        })?;
    let parsed =
        tlog_tiles::Checkpoint::from_bytes(note.text()).map_err(|_| NoteError::Malformed)?;
    if parsed.origin() != name {
        return Err(NoteError::OtherOrigin {
            expected: name,
            found: parsed.origin().to_string(),
        });
    }
    Ok(Checkpoint {
        origin: parsed.origin().to_string(),
        size: parsed.size(),
        root: *parsed.hash(),
        note: note_bytes.to_vec(),
    })
}

/// Reads a verifier key of the log's type, refusing anything else.
pub fn check_log_vkey(vkey: &str) -> Result<String, KeyError> {
    let v = StandardVerifier::new(vkey.trim()).map_err(|_| KeyError::BadVerifier)?;
    Ok(signed_note::Verifier::name(&v).to_string())
}

/// An organizer's cosigning key (C2SP tlog-cosignature, Ed25519).
pub struct Cosigner {
    name: String,
    key: SigningKey,
}

impl Cosigner {
    /// A new cosigner named `name` (a URL-like name such as `example.org/alice`),
    /// with the private key text to keep.
    pub fn generate(name: &str) -> Result<(Cosigner, Zeroizing<String>), KeyError> {
        if !valid_name(name) {
            return Err(KeyError::BadName);
        }
        let key = random_key();
        let text = private_text(name, TYPE_COSIGNATURE, &key);
        Ok((
            Cosigner {
                name: name.to_string(),
                key,
            },
            text,
        ))
    }

    pub fn from_private(text: &str) -> Result<Cosigner, KeyError> {
        let (name, key) = parse_private(text, TYPE_COSIGNATURE)?;
        Ok(Cosigner { name, key })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cosigner's verifier key, `<name>+<key id>+<base64(0x04 || public key)>`.
    pub fn vkey(&self) -> String {
        verifier_text(&self.name, TYPE_COSIGNATURE, &self.key.verifying_key())
    }

    /// Adds this cosigner's signature, made at `time` (Unix seconds), to a
    /// checkpoint; returns the cosigned note and the new signature line.
    pub fn cosign(&self, checkpoint: &[u8], time: u64) -> Result<(Vec<u8>, String), NoteError> {
        let mut note = Note::from_bytes(checkpoint).map_err(|_| NoteError::Malformed)?;
        let timed = Timed { by: self, time };
        note.add_sigs(&[&timed]).map_err(|_| NoteError::Malformed)?;
        let sig =
            signed_note::Signer::sign(&timed, note.text()).map_err(|_| NoteError::Malformed)?;
        let line = Signature::new(self.name.clone(), signed_note::Signer::key_id(&timed), sig)
            .map_err(|_| NoteError::Malformed)?
            .to_bytes();
        Ok((note.to_bytes(), String::from_utf8_lossy(&line).into_owned()))
    }
}

impl std::fmt::Debug for Cosigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cosigner({})", self.name)
    }
}

/// `cosignature/v1`, the time line, then the checkpoint's text.
fn cosigned_message(time: u64, text: &[u8]) -> Vec<u8> {
    let mut msg = format!("cosignature/v1\ntime {time}\n").into_bytes();
    msg.extend_from_slice(text);
    msg
}

/// A cosigner at one instant: its signature is `timestamp (8 bytes, big
/// endian) || Ed25519 signature of the cosigned message`.
struct Timed<'a> {
    by: &'a Cosigner,
    time: u64,
}

impl signed_note::Signer for Timed<'_> {
    fn name(&self) -> &str {
        &self.by.name
    }

    fn key_id(&self) -> u32 {
        key_id(
            &self.by.name,
            TYPE_COSIGNATURE,
            &self.by.key.verifying_key(),
        )
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ed25519_dalek::SignatureError> {
        if self.time > i64::MAX as u64 {
            return Err(ed25519_dalek::SignatureError::new());
        }
        let sig = self.by.key.sign(&cosigned_message(self.time, msg));
        let mut out = self.time.to_be_bytes().to_vec();
        out.extend_from_slice(&sig.to_bytes());
        Ok(out)
    }
}

/// Checks cosignatures by one cosigner.
pub struct CosignatureVerifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl CosignatureVerifier {
    /// Reads a cosigner's verifier key (type `0x04`).
    pub fn new(vkey: &str) -> Result<CosignatureVerifier, KeyError> {
        let vkey = vkey.trim();
        let (name, rest) = vkey.split_once('+').ok_or(KeyError::BadVerifier)?;
        let (id, key) = rest.split_once('+').ok_or(KeyError::BadVerifier)?;
        if !valid_name(name) || id.len() != 8 {
            return Err(KeyError::BadVerifier);
        }
        let id = u32::from_str_radix(id, 16).map_err(|_| KeyError::BadVerifier)?;
        let raw = B64.decode(key).map_err(|_| KeyError::BadVerifier)?;
        let (&kind, public) = raw.split_first().ok_or(KeyError::BadVerifier)?;
        if kind != TYPE_COSIGNATURE {
            return Err(KeyError::WrongType("cosigner"));
        }
        let public: &[u8; 32] = public.try_into().map_err(|_| KeyError::BadVerifier)?;
        let key = VerifyingKey::from_bytes(public).map_err(|_| KeyError::BadVerifier)?;
        if key_id(name, kind, &key) != id {
            return Err(KeyError::BadVerifier);
        }
        Ok(CosignatureVerifier {
            name: name.to_string(),
            id,
            key,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl signed_note::Verifier for CosignatureVerifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.id
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Some((time, sig)) = sig.split_first_chunk::<8>() else {
            return false;
        };
        let time = u64::from_be_bytes(*time);
        let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else {
            return false;
        };
        time <= i64::MAX as u64 && self.key.verify(&cosigned_message(time, msg), &sig).is_ok()
    }
}

/// Checks a cosigned checkpoint: signed by the log key and cosigned by
/// `cosigner`. Returns the checkpoint and the cosignature's time.
pub fn open_cosigned(
    note_bytes: &[u8],
    log_vkey: &str,
    cosigner: CosignatureVerifier,
) -> Result<(Checkpoint, u64), NoteError> {
    let checkpoint = open_checkpoint(note_bytes, log_vkey)?;
    let name = cosigner.name.clone();
    let id = cosigner.id;
    let note = Note::from_bytes(note_bytes).map_err(|_| NoteError::Malformed)?;
    let (verified, _) = note
        .verify(&VerifierList::new(vec![Box::new(cosigner)]))
        .map_err(|_| NoteError::NotCosigned(name.clone()))?;
    let time = verified
        .iter()
        .find(|s| s.name() == name && s.id() == id)
        .and_then(|s| s.signature().first_chunk::<8>())
        .map(|t| u64::from_be_bytes(*t))
        .ok_or(NoteError::NotCosigned(name))?;
    Ok((checkpoint, time))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's `sumdb/note` test vector (note_test.go), as the C2SP spec's
    /// reference implementation signs it.
    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    #[test]
    fn keys_read_and_write_the_go_note_format() {
        let key = LogKey::from_private(PETER_SKEY).unwrap();
        assert_eq!(key.vkey(), PETER_VKEY);
        assert_eq!(key.origin(), "PeterNeumann");
        let (k, text) = LogKey::generate("example.org/petition").unwrap();
        assert!(text.starts_with("PRIVATE+KEY+example.org/petition+"));
        assert_eq!(LogKey::from_private(&text).unwrap().vkey(), k.vkey());
        assert_eq!(check_log_vkey(k.vkey()).unwrap(), "example.org/petition");
        assert_eq!(
            LogKey::generate("has space").unwrap_err(),
            KeyError::BadName
        );
        assert_eq!(LogKey::generate("a+b").unwrap_err(), KeyError::BadName);
        // A wrong id, a cosigner key, junk: refused, and the error has no key in it.
        let wrong_id = PETER_SKEY.replace("c74f20a3", "c74f20a4");
        assert_eq!(
            LogKey::from_private(&wrong_id).unwrap_err(),
            KeyError::BadPrivate
        );
        let (_, cosigner) = Cosigner::generate("example.org/alice").unwrap();
        assert!(matches!(
            LogKey::from_private(&cosigner),
            Err(KeyError::WrongType(_))
        ));
        assert!(!format!("{:?}", LogKey::from_private(PETER_SKEY).unwrap()).contains("AYEK"));
    }

    #[test]
    fn the_go_note_vector_verifies() {
        // The signed note from Go's note_test.go, checked by the same path as a checkpoint.
        let msg = "If you think cryptography is the answer to your problem,\n\
                   then you don't know what your problem is.\n\
                   \n\
                   — PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        let note = Note::from_bytes(msg.as_bytes()).unwrap();
        let v = StandardVerifier::new(PETER_VKEY).unwrap();
        assert!(note.verify(&VerifierList::new(vec![Box::new(v)])).is_ok());
        // And our key signs the same text to the same bytes (Ed25519 is deterministic).
        let key = LogKey::from_private(PETER_SKEY).unwrap();
        let mut n = Note::new(note.text(), &[]).unwrap();
        n.add_sigs(&[&key.signer]).unwrap();
        assert_eq!(n.to_bytes(), msg.as_bytes());
    }

    #[test]
    fn a_checkpoint_verifies_and_any_change_is_refused() {
        let (key, _) = LogKey::generate("example.org/p").unwrap();
        let root = tlog_tiles::record_hash(b"x");
        let note = key.sign(42, root);
        let text = String::from_utf8(note.clone()).unwrap();
        assert!(text.starts_with(&format!("example.org/p\n42\n{root}\n\n— example.org/p ")));
        let cp = open_checkpoint(&note, key.vkey()).unwrap();
        assert_eq!(
            (cp.size, cp.root, cp.origin.as_str()),
            (42, root, "example.org/p")
        );
        let altered = text.replacen("\n42\n", "\n43\n", 1);
        assert_eq!(
            open_checkpoint(altered.as_bytes(), key.vkey()),
            Err(NoteError::BadSignature)
        );
        let (other, _) = LogKey::generate("example.org/p").unwrap();
        assert_eq!(
            open_checkpoint(&note, other.vkey()),
            Err(NoteError::Unsigned)
        );
        assert_eq!(
            open_checkpoint(b"junk", key.vkey()),
            Err(NoteError::Malformed)
        );
        // A key named for another origin cannot vouch for this checkpoint.
        let (elsewhere, _) = LogKey::generate("example.org/q").unwrap();
        let mut n = Note::new(
            note.split(|b| *b == b'\n')
                .take(3)
                .fold(Vec::new(), |mut v, l| {
                    v.extend_from_slice(l);
                    v.push(b'\n');
                    v
                })
                .as_slice(),
            &[],
        )
        .unwrap();
        n.add_sigs(&[&elsewhere.signer]).unwrap();
        assert!(matches!(
            open_checkpoint(&n.to_bytes(), elsewhere.vkey()),
            Err(NoteError::OtherOrigin { .. })
        ));
    }

    #[test]
    fn a_cosignature_follows_tlog_cosignature() {
        use sha2::Digest;
        let (log, _) = LogKey::generate("example.org/p").unwrap();
        let note = log.sign(7, tlog_tiles::record_hash(b"y"));
        let (_, text) = Cosigner::generate("example.org/alice").unwrap();
        let alice = Cosigner::from_private(&text).unwrap();
        let (cosigned, line) = alice.cosign(&note, 1_679_315_147).unwrap();
        assert!(line.starts_with("— example.org/alice "));
        assert!(
            String::from_utf8(cosigned.clone())
                .unwrap()
                .ends_with(&line)
        );
        // The signature line: key id (type 0x04), then the timestamp, then Ed25519
        // over "cosignature/v1\ntime T\n" and the checkpoint text.
        let raw = B64
            .decode(line.trim_end().rsplit(' ').next().unwrap())
            .unwrap();
        assert_eq!(raw.len(), 4 + 8 + 64);
        let public = alice.key.verifying_key();
        let mut id_input = b"example.org/alice\n\x04".to_vec();
        id_input.extend_from_slice(public.as_bytes());
        assert_eq!(raw[..4], sha2::Sha256::digest(&id_input)[..4]);
        assert_eq!(
            u64::from_be_bytes(raw[4..12].try_into().unwrap()),
            1_679_315_147
        );
        let text_end = String::from_utf8(note.clone())
            .unwrap()
            .find("\n\n")
            .unwrap()
            + 1;
        let mut msg = b"cosignature/v1\ntime 1679315147\n".to_vec();
        msg.extend_from_slice(&note[..text_end]);
        let sig = ed25519_dalek::Signature::from_slice(&raw[12..]).unwrap();
        assert!(public.verify(&msg, &sig).is_ok());

        let v = CosignatureVerifier::new(&alice.vkey()).unwrap();
        let (cp, time) = open_cosigned(&cosigned, log.vkey(), v).unwrap();
        assert_eq!((cp.size, time), (7, 1_679_315_147));
        // Not cosigned, or cosigned by someone else: refused.
        let v = CosignatureVerifier::new(&alice.vkey()).unwrap();
        assert!(matches!(
            open_cosigned(&note, log.vkey(), v),
            Err(NoteError::NotCosigned(_))
        ));
        let (bob, _) = Cosigner::generate("example.org/bob").unwrap();
        let v = CosignatureVerifier::new(&bob.vkey()).unwrap();
        assert!(open_cosigned(&cosigned, log.vkey(), v).is_err());
        // A log key is not a cosigner key, and the other way round.
        assert!(CosignatureVerifier::new(log.vkey()).is_err());
        assert!(check_log_vkey(&alice.vkey()).is_err());
    }
}
