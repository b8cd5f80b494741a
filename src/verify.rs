//! `undersign verify`: check the public log of a petition from anywhere.
//!
//! It fetches the checkpoint, every entry bundle and every hash tile, checks
//! the checkpoint's signature under the log key, rebuilds the tree from the
//! entries and requires the root and every served tile to match, requires
//! the history to extend the one it checked last time (kept per log in a
//! local state file), and compares the count with `/count`. With a receipt
//! code it finds that signature's entry among the entries it already
//! fetched: the code, and which entry is the signer's, never leave the
//! machine. With an export it says whether the export and the log agree;
//! with a cosigner key it cosigns what it verified.
//!
//! The same transport rule as `pull` applies (`remote::site_url`).

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};

use crate::receipt::{ReceiptCode, RecordId};
use crate::remote::{self, PullError};
use crate::tlog::audit::{self, Agreement};
use crate::tlog::entry::{Ledger, RuleError, Standing, subject};
use crate::tlog::note::{
    self, Checkpoint, CosignatureVerifier, Cosigner, KeyError, NoteError, open_checkpoint,
};
use crate::tlog::tiles::{self, Kind, MAX_TILE_BYTES, MemoryTiles, TileId};
use crate::tlog::{Entry, Hash};

/// Requests in flight at once: enough to hide a Tor circuit's latency.
const PARALLEL: usize = 8;

/// Why the log could not be verified. Names what failed; never a code.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(
        "refusing plain http:// to {0}: use https:// (plain http is only for this machine, or \
         for a .onion address through Tor with --proxy socks5h://127.0.0.1:9050)"
    )]
    PlainHttp(String),
    #[error(
        "an http:// address is reached directly on this machine, or through Tor for a .onion \
         address (--proxy socks5h://127.0.0.1:9050): any other proxy would see which petition \
         you check"
    )]
    PlainHttpProxy,
    #[error("{0}")]
    Transport(PullError),
    #[error("{what}: {why}")]
    Fetch { what: String, why: String },
    #[error("{what}: the server answered {status}")]
    Status { what: String, status: StatusCode },
    #[error("{0}: the answer is larger than any the log serves")]
    TooLarge(String),
    #[error("--key: {0}")]
    GivenKey(KeyError),
    #[error("the server's log key is unusable: {0}")]
    ServedKey(KeyError),
    #[error(
        "the log key of {origin} is not the one you checked before (it was {pinned}; now {now}): \
         the server may be showing a rewritten history. If the organizers really announced a new \
         key, compare it with theirs, then check with --key KEY --state ANOTHER-FILE"
    )]
    KeyChanged {
        origin: String,
        pinned: String,
        now: String,
    },
    #[error(
        "{site} served the log {was} last time and now serves {now}: the log was replaced \
         (a rewritten history). Use --state ANOTHER-FILE only if the organizers announced it"
    )]
    OriginChanged {
        site: String,
        was: String,
        now: String,
    },
    #[error(transparent)]
    Checkpoint(#[from] NoteError),
    #[error("{0}: not a tile of the log's format")]
    BadTile(String),
    #[error("{0}: does not match the log's entries (the server altered it)")]
    TileMismatch(String),
    #[error(
        "the log's entries do not hash to the checkpoint's root: the entries, the tiles or the \
         checkpoint were altered"
    )]
    Root,
    // Not a `source`: the message already holds the cause, once.
    #[error("the log breaks its own rules: {0}")]
    Rules(RuleError),
    #[error("the log shrank from {was} entries (your last check) to {now}: entries were removed")]
    Shrunk { was: u64, now: u64 },
    #[error(
        "the first {size} entries of the log are not those you checked last time: its history \
         was rewritten (an entry was removed or changed)"
    )]
    Rewritten { size: u64 },
    #[error(
        "the log is not consistent with the checkpoint cosigned by {0}: the server shows a \
         different history to different people"
    )]
    SplitView(String),
    #[error("/count says {said}, but the log counts {counted} at the same checkpoint")]
    CountMismatch { said: u64, counted: u64 },
    #[error("the log kept moving while being checked; try again")]
    Moving,
    #[error("{0}: {1}")]
    State(String, String),
    #[error("the Merkle tree could not be rebuilt: {0}")]
    Tree(tiles::TreeError),
}

impl From<RuleError> for VerifyError {
    fn from(e: RuleError) -> Self {
        VerifyError::Rules(e)
    }
}

impl From<tiles::TreeError> for VerifyError {
    fn from(e: tiles::TreeError) -> Self {
        VerifyError::Tree(e)
    }
}

impl From<PullError> for VerifyError {
    fn from(e: PullError) -> Self {
        match e {
            PullError::PlainHttp(host) => VerifyError::PlainHttp(host),
            PullError::ProxyForPlainHttp => VerifyError::PlainHttpProxy,
            other => VerifyError::Transport(other),
        }
    }
}

/// What one run is asked to do.
pub struct Verify<'a> {
    /// The petition's address (`https://…`, or `http://….onion` through Tor).
    pub url: &'a str,
    /// The log's verifier key, as published by the organizers; without it,
    /// the key pinned in the state file, or the server's on first use.
    pub key: Option<&'a str>,
    /// Where the last verified checkpoint of each log is kept.
    pub state: &'a Path,
    pub proxy: Option<&'a str>,
    pub ca_cert: Option<&'a Path>,
    /// A signer's receipt code: whose entry to look for, locally.
    pub code: Option<&'a ReceiptCode>,
    /// An export's record ids and withdrawn ids, to compare with the log.
    pub export: Option<(Vec<RecordId>, Vec<RecordId>)>,
    /// Cosign what was verified (at `now`).
    pub cosigner: Option<&'a Cosigner>,
    /// A cosigned checkpoint and its cosigner's verifier key: the log must
    /// be consistent with what that cosigner saw.
    pub witness: Option<(&'a str, Vec<u8>)>,
    /// Unix seconds, for the cosignature.
    pub now: u64,
    /// Save the verified log here, for `decrypt --log` offline.
    pub save_log: Option<&'a Path>,
}

/// Where a receipt code's signature stands in the log.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeStatus {
    /// Counted: its entry's index, and the inclusion proof (C2SP tlog-proof).
    Counted { index: u64, proof: Vec<u8> },
    /// Added, then withdrawn.
    Withdrawn { added: u64, withdrawn: u64 },
    /// Not in the log (yet: entries wait for the next batch).
    Absent,
}

/// What a run found.
#[derive(Debug)]
pub struct Report {
    pub origin: String,
    pub vkey: String,
    /// The key came from the server on this first check (trust on first use).
    pub first_use: bool,
    pub size: u64,
    pub added: u64,
    pub withdrawn: u64,
    /// The previous checkpoint this one was checked against.
    pub previous: Option<u64>,
    /// A witness's cosigned checkpoint: its size and time.
    pub witnessed: Option<(u64, u64)>,
    pub code: Option<CodeStatus>,
    pub export: Option<Agreement>,
    /// The cosigned checkpoint and the new cosignature line.
    pub cosigned: Option<(Vec<u8>, String)>,
    pub state_file: PathBuf,
}

impl Report {
    pub fn count(&self) -> u64 {
        self.added.saturating_sub(self.withdrawn)
    }
}

/// The local memory of `verify`: per log, its key and the last checkpoint
/// verified; per site, which log it served.
#[derive(Serialize, Deserialize, Default)]
struct State {
    v: u32,
    #[serde(default)]
    logs: BTreeMap<String, Seen>,
    #[serde(default)]
    sites: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize, Clone)]
struct Seen {
    key: String,
    checkpoint: String,
}

/// The default state file: `$XDG_STATE_HOME/undersign/verify.json`, else
/// `~/.local/state/undersign/verify.json`.
pub fn default_state_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        })?;
    Some(base.join("undersign").join("verify.json"))
}

fn load_state(path: &Path) -> Result<State, VerifyError> {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|_| VerifyError::State(shown, "not a verify state file".into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State {
            v: 1,
            ..State::default()
        }),
        Err(e) => Err(VerifyError::State(shown, e.to_string())),
    }
}

fn save_state(path: &Path, state: &State) -> Result<(), VerifyError> {
    let shown = || path.display().to_string();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| VerifyError::State(shown(), e.to_string()))?;
    }
    let mut out = crate::atomic::AtomicFile::create(path, true)
        .map_err(|e| VerifyError::State(shown(), e.to_string()))?;
    let json = serde_json::to_vec_pretty(state).expect("state serializes");
    std::io::Write::write_all(&mut out, &json)
        .and_then(|_| out.commit())
        .map_err(|e| VerifyError::State(shown(), e.to_string()))
}

/// Reads an export's record ids (and, from export v2 on, its withdrawn ids)
/// after checking its trailer.
pub fn export_ids(
    path: &Path,
) -> Result<(Vec<RecordId>, Vec<RecordId>), crate::export::ExportError> {
    let open = || -> Result<_, crate::export::ExportError> {
        Ok(BufReader::with_capacity(
            1 << 20,
            std::fs::File::open(path)?,
        ))
    };
    crate::export::verify(open()?)?;
    let mut reader = crate::export::Reader::new(open()?)?;
    let (mut ids, mut withdrawn) = (Vec::new(), Vec::new());
    while let Some(item) = reader.next_item() {
        match item? {
            crate::export::Item::Record(entry) => ids.push(entry.record_id()),
            crate::export::Item::Withdrawn(id) => withdrawn.push(id),
        }
    }
    Ok((ids, withdrawn))
}

struct Site {
    client: reqwest::Client,
    base: Url,
}

impl Site {
    fn url(&self, path: &str) -> Url {
        self.base.join(path).expect("relative paths of our own")
    }

    async fn get(&self, path: &str, max: usize) -> Result<Vec<u8>, VerifyError> {
        let fetch = |why: String| VerifyError::Fetch {
            what: path.to_string(),
            why,
        };
        let mut r = self
            .client
            .get(self.url(path))
            .send()
            .await
            .map_err(|e| fetch(remote::describe(e)))?;
        if r.status() != StatusCode::OK {
            return Err(VerifyError::Status {
                what: path.to_string(),
                status: r.status(),
            });
        }
        let mut out = Vec::new();
        while let Some(chunk) = r.chunk().await.map_err(|e| fetch(remote::describe(e)))? {
            if out.len() + chunk.len() > max {
                return Err(VerifyError::TooLarge(path.to_string()));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

/// The name a site's address is remembered by: host, port and path.
fn site_id(url: &Url) -> String {
    let mut id = url.host_str().unwrap_or_default().to_string();
    if let Some(port) = url.port() {
        id.push_str(&format!(":{port}"));
    }
    id.push_str(url.path().trim_end_matches('/'));
    id
}

/// Chooses the key to trust: the one given, else the one pinned for this
/// log, else (first use) the server's.
fn trusted_key(
    given: Option<&str>,
    served: &str,
    state: &State,
    site: &str,
) -> Result<(String, String, bool), VerifyError> {
    let (vkey, origin) = match given {
        Some(k) => {
            let k = k.trim().to_string();
            let origin = note::check_log_vkey(&k).map_err(VerifyError::GivenKey)?;
            (k, origin)
        }
        None => {
            let origin = note::check_log_vkey(served).map_err(VerifyError::ServedKey)?;
            (served.to_string(), origin)
        }
    };
    if let Some(was) = state.sites.get(site).filter(|was| **was != origin) {
        return Err(VerifyError::OriginChanged {
            site: site.to_string(),
            was: was.clone(),
            now: origin,
        });
    }
    match state.logs.get(&origin) {
        Some(seen) if seen.key != vkey => Err(VerifyError::KeyChanged {
            origin,
            pinned: seen.key.clone(),
            now: vkey,
        }),
        Some(_) => Ok((vkey, origin, false)),
        None => Ok((vkey, origin, given.is_none())),
    }
}

/// Runs the whole check. Nothing is remembered unless the log verified.
pub async fn verify(v: Verify<'_>) -> Result<Report, VerifyError> {
    let mut base = remote::site_url(v.url, v.proxy)?;
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    let site = site_id(&base);
    let site_http = Site {
        client: remote::http_client(v.ca_cert, v.proxy)?,
        base,
    };
    let mut state = load_state(v.state)?;
    let served = String::from_utf8_lossy(&site_http.get("log/key", 4096).await?)
        .trim()
        .to_string();
    let (vkey, origin, first_use) = trusted_key(v.key, &served, &state, &site)?;

    // The count and the checkpoint it belongs to, fetched until they agree.
    let mut attempt = 0;
    let (checkpoint, said) = loop {
        let count: serde_json::Value = serde_json::from_slice(&site_http.get("count", 4096).await?)
            .map_err(|_| VerifyError::Fetch {
                what: "count".into(),
                why: "not the JSON undersign serves".into(),
            })?;
        let cp = open_checkpoint(&site_http.get("log/checkpoint", 64 * 1024).await?, &vkey)?;
        // The count at the checkpoint (`count` also holds the entries
        // waiting for the next batch).
        let said = count["log_count"].as_u64().or(count["count"].as_u64());
        match count["log_size"].as_u64() {
            Some(size) if size == cp.size => break (cp, said),
            _ if attempt >= 3 => return Err(VerifyError::Moving),
            _ => attempt += 1,
        }
    };

    let (rebuilt, entries) = fetch_tree(&site_http, &checkpoint).await?;
    let mut ledger = Ledger::default();
    for e in &entries {
        ledger.push(e)?;
    }
    if let Some(said) = said
        && said != ledger.tally.count()
    {
        return Err(VerifyError::CountMismatch {
            said,
            counted: ledger.tally.count(),
        });
    }

    let previous = match state.logs.get(&origin) {
        Some(seen) => {
            let old = open_checkpoint(seen.checkpoint.as_bytes(), &vkey)?;
            extends(&rebuilt, &checkpoint, &old)?;
            Some(old.size)
        }
        None => None,
    };

    let witnessed = match &v.witness {
        Some((wkey, note_bytes)) => {
            let w = CosignatureVerifier::new(wkey).map_err(VerifyError::GivenKey)?;
            let name = w.name().to_string();
            let (wcp, time) = note::open_cosigned(note_bytes, &vkey, w)?;
            extends(&rebuilt, &checkpoint, &wcp).map_err(|_| VerifyError::SplitView(name))?;
            Some((wcp.size, time))
        }
        None => None,
    };

    let code = v.code.map(|code| {
        let s = subject(&code.record_id());
        match ledger.standing(&s) {
            Standing::Counted(index) => {
                let leaf = entries[index as usize].leaf_hash();
                let proof = tiles::inclusion_proof(&rebuilt, checkpoint.size, index)?;
                tiles::check_inclusion(&proof, checkpoint.size, checkpoint.root, index, leaf)?;
                Ok(CodeStatus::Counted {
                    index,
                    proof: tiles::tlog_proof(index, &proof, &checkpoint.note),
                })
            }
            Standing::Withdrawn(added, withdrawn) => Ok(CodeStatus::Withdrawn { added, withdrawn }),
            Standing::Absent => Ok(CodeStatus::Absent),
        }
    });
    let code = code.transpose().map_err(VerifyError::Tree)?;

    let export = v
        .export
        .map(|(records, withdrawn)| audit::compare(&ledger, records, withdrawn));

    let cosigned = match v.cosigner {
        Some(c) => Some(c.cosign(&checkpoint.note, v.now)?),
        None => None,
    };

    if let Some(path) = v.save_log {
        let shown = || path.display().to_string();
        let mut out = crate::atomic::AtomicFile::create(path, true)
            .map_err(|e| VerifyError::State(shown(), e.to_string()))?;
        std::io::Write::write_all(
            &mut out,
            &crate::tlog::snapshot::save(&vkey, &checkpoint.note, &entries),
        )
        .and_then(|_| out.commit())
        .map_err(|e| VerifyError::State(shown(), e.to_string()))?;
    }

    state.v = 1;
    state.logs.insert(
        origin.clone(),
        Seen {
            key: vkey.clone(),
            checkpoint: String::from_utf8_lossy(&checkpoint.note).into_owned(),
        },
    );
    state.sites.insert(site, origin.clone());
    save_state(v.state, &state)?;

    Ok(Report {
        origin,
        vkey,
        first_use,
        size: checkpoint.size,
        added: ledger.tally.added,
        withdrawn: ledger.tally.withdrawn,
        previous,
        witnessed,
        code,
        export,
        cosigned,
        state_file: v.state.to_path_buf(),
    })
}

/// Checks that the verified tree (`rebuilt`, at `now`) extends `old`: same
/// first entries, so the same root at the old size; then the RFC 6962
/// consistency proof between the two, as any other client would check it.
fn extends(rebuilt: &MemoryTiles, now: &Checkpoint, old: &Checkpoint) -> Result<(), VerifyError> {
    if old.size > now.size {
        return Err(VerifyError::Shrunk {
            was: old.size,
            now: now.size,
        });
    }
    if old.size == 0 {
        return Ok(());
    }
    if tiles::root(rebuilt, old.size)? != old.root {
        return Err(VerifyError::Rewritten { size: old.size });
    }
    let proof = tiles::consistency_proof(rebuilt, now.size, old.size)?;
    tiles::check_consistency(&proof, now.size, now.root, old.size, old.root)
        .map_err(|_| VerifyError::Rewritten { size: old.size })
}

/// Fetches every bundle and hash tile of the checkpoint's tree, rebuilds the
/// tree from the entries, and requires the root and every tile to match.
async fn fetch_tree(
    site: &Site,
    checkpoint: &Checkpoint,
) -> Result<(MemoryTiles, Vec<Entry>), VerifyError> {
    let ids = tiles::tiles_of(checkpoint.size);
    let fetched: Vec<(TileId, Result<Vec<u8>, VerifyError>)> =
        futures_util::stream::iter(ids.into_iter().map(|id| async move {
            let data = site
                .get(&format!("log/{}", id.path()), MAX_TILE_BYTES)
                .await;
            (id, data)
        }))
        .buffered(PARALLEL)
        .collect()
        .await;
    let mut entries = Vec::with_capacity(checkpoint.size as usize);
    let mut hash_tiles = Vec::new();
    for (id, data) in fetched {
        let data = data?;
        let path = format!("log/{}", id.path());
        match id.kind {
            Kind::Entries => {
                let bundle =
                    tiles::decode_bundle(&data).map_err(|_| VerifyError::BadTile(path.clone()))?;
                if bundle.len() != usize::from(id.width) {
                    return Err(VerifyError::BadTile(path));
                }
                entries.extend(bundle);
            }
            Kind::Hashes(_) => {
                if data.len() != usize::from(id.width) * 32 {
                    return Err(VerifyError::BadTile(path));
                }
                hash_tiles.push((id, data));
            }
        }
    }
    let mut rebuilt = MemoryTiles::default();
    let root: Hash = rebuilt.append(0, &entries)?;
    if root != checkpoint.root {
        return Err(VerifyError::Root);
    }
    for (id, data) in hash_tiles {
        if rebuilt.get(&id).as_deref() != Some(&data[..]) {
            return Err(VerifyError::TileMismatch(format!("log/{}", id.path())));
        }
    }
    Ok((rebuilt, entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_with(origin: &str, key: &str, site: &str) -> State {
        let mut s = State::default();
        s.logs.insert(
            origin.into(),
            Seen {
                key: key.into(),
                checkpoint: String::new(),
            },
        );
        s.sites.insert(site.into(), origin.into());
        s
    }

    #[test]
    fn the_key_is_trusted_on_first_use_then_pinned() {
        let (a, _) = note::LogKey::generate("example.org/p").unwrap();
        let (b, _) = note::LogKey::generate("example.org/p").unwrap();
        let empty = State::default();
        let (k, o, first) = trusted_key(None, a.vkey(), &empty, "example.org").unwrap();
        assert_eq!(
            (k.as_str(), o.as_str(), first),
            (a.vkey(), "example.org/p", true)
        );
        // Given with --key: not "first use", even with an empty state.
        assert!(
            !trusted_key(Some(a.vkey()), b.vkey(), &empty, "x")
                .unwrap()
                .2
        );
        let pinned = state_with("example.org/p", a.vkey(), "example.org");
        assert!(
            !trusted_key(None, a.vkey(), &pinned, "example.org")
                .unwrap()
                .2
        );
        assert!(matches!(
            trusted_key(None, b.vkey(), &pinned, "example.org"),
            Err(VerifyError::KeyChanged { .. })
        ));
        assert!(matches!(
            trusted_key(Some(b.vkey()), a.vkey(), &pinned, "example.org"),
            Err(VerifyError::KeyChanged { .. })
        ));
        // The same site now serving another log (a new key under a new name).
        let (c, _) = note::LogKey::generate("example.org/other").unwrap();
        assert!(matches!(
            trusted_key(None, c.vkey(), &pinned, "example.org"),
            Err(VerifyError::OriginChanged { .. })
        ));
        assert!(matches!(
            trusted_key(Some("junk"), a.vkey(), &empty, "x"),
            Err(VerifyError::GivenKey(_))
        ));
    }

    #[test]
    fn sites_are_remembered_without_their_scheme() {
        let u = Url::parse("https://petition.example.org/").unwrap();
        assert_eq!(site_id(&u), "petition.example.org");
        let u = Url::parse("http://127.0.0.1:8080/p/").unwrap();
        assert_eq!(site_id(&u), "127.0.0.1:8080/p");
    }
}
