//! Snapshots of the command line: every subcommand's help, its errors and its exit codes.
//!
//! Each `tests/cmd/NAME.toml` runs `undersign` once with `args` and expects the exit `status`;
//! `NAME.stdout` and `NAME.stderr` hold the exact output (an empty file means "prints nothing").
//! Cases with `fs.base = "fixtures"` run inside `tests/cmd/fixtures/` (small, public test files
//! and THROWAWAY test keys); `fs.sandbox = true` runs them in a temporary copy, so nothing is
//! written into the repository. `[..]` in an expected output matches anything on that line.
//!
//! A diff in these files in review means the interface changed: flags, defaults, wording,
//! or exit codes. If the change is intended, refresh the snapshots and commit them:
//!
//! ```console
//! $ TRYCMD=overwrite cargo test --test cli_snapshots
//! ```
//!
//! then read the diff (overwrite keeps `[..]` where it can, but check it did).
//! One case alone: `cargo test --test cli_snapshots -- cli trycmd=check-ok`.

#[test]
fn cli() {
    trycmd::TestCases::new()
        .register_bin(
            "undersign",
            std::path::Path::new(env!("CARGO_BIN_EXE_undersign")),
        )
        // A case that starts a server by mistake fails instead of hanging the suite.
        .timeout(std::time::Duration::from_secs(60))
        .case("tests/cmd/*.toml");
}
