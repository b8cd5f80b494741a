//! The `undersign` command: argument parsing and one clear line per error.
#![forbid(unsafe_code)]

mod cli;

/// Every freed heap block is wiped, so signer data cannot linger in memory
/// that hyper, serde or age allocated and we cannot reach.
#[global_allocator]
static ALLOC: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

fn main() -> std::process::ExitCode {
    quiet_on_closed_pipe();
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("undersign: error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

/// `undersign check | head -1` closes our standard output early; `println!`
/// then panics. Exit quietly instead, with the status a shell gives a
/// process ended by SIGPIPE (128 + 13), as C programs do.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or_default();
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info)
    }));
}
