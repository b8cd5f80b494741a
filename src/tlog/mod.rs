//! The public log of signatures, as data: what anyone may fetch and check.
//!
//! A petition that cannot publish its signers' names can still publish a
//! count that nobody has to take on trust. The log holds one 33-byte
//! [`Entry`] per event (a signature added or withdrawn), which names no one,
//! in an RFC 6962 Merkle tree served as C2SP tlog-tiles and signed as a C2SP
//! tlog-checkpoint. Anyone can recompute the tree, the count, and the
//! inclusion of their own signature; a history rewritten or shown
//! differently to different people fails the consistency check.
//!
//! This module is pure (no I/O), like `record` and `export`, so the server
//! ([`crate::tlog_store`]), `undersign verify` ([`crate::verify`]) and the
//! offline toolkit share one definition:
//! - [`entry`]: entries, entry bundles, and the count they imply;
//! - [`tiles`]: tile paths, building tiles as entries are appended, roots
//!   and proofs (the Merkle arithmetic is the `tlog_tiles` crate's, a port of
//!   Go's `golang.org/x/mod/sumdb/tlog`);
//! - [`note`]: the log key, signed checkpoints and cosignatures (signed notes
//!   through the `signed_note` crate, a port of Go's `sumdb/note`);
//! - [`audit`]: does an export agree with the log?
//! - [`snapshot`]: a verified copy of the log for offline checks.
//!
//! The byte-level formats are specified in docs/formats.md ("Public log").

pub mod audit;
pub mod entry;
pub mod note;
pub mod snapshot;
pub mod tiles;

pub use entry::{Entry, Kind, Tally};
pub use tlog_tiles::Hash;
