//! What `undersign verify` reads from a server it does not trust: tile
//! paths, entry bundles, checkpoints and saved logs.
//!
//! Properties: no input panics; a tile path that parses prints back to the
//! same path; a bundle that decodes re-encodes to the same bytes; a
//! checkpoint signed by nobody is never accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersign::tlog::note::open_checkpoint;
use undersign::tlog::{snapshot, tiles};

/// A verifier key whose private half was thrown away when it was made.
const VKEY: &str = "example.org/p+da3ae94e+AeesXi++fVxGUXRBHt84Gk+P/qYDfebzTNg/1uTrZH2s";

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(id) = tiles::TileId::parse(text) {
            assert_eq!(id.path(), text, "a parsed path prints back the same");
        }
    }
    if let Ok(entries) = tiles::decode_bundle(data) {
        let mut again = Vec::new();
        for e in &entries {
            again.extend_from_slice(&33u16.to_be_bytes());
            again.extend_from_slice(e.as_bytes());
        }
        assert_eq!(again, data, "a bundle decodes and re-encodes unchanged");
    }
    assert!(
        open_checkpoint(data, VKEY).is_err(),
        "a checkpoint no one could sign was accepted"
    );
    let _ = snapshot::open(data);
});
