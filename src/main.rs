//! The `undersign` command: argument parsing and one clear line per error.
#![forbid(unsafe_code)]

mod cli;

/// Every freed heap block is wiped, so signer data cannot linger in memory
/// that hyper, serde or age allocated and we cannot reach.
#[global_allocator]
static ALLOC: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

fn main() -> std::process::ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("undersign: error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
