//! What the server costs as signatures pile up: memory bounded by its
//! settings, not by the number of records. (The million-record figures are
//! the scale bench's: `cargo bench --bench scale`.)

mod common;
use common::*;

/// Signs `n` times from `clients` threads; every signature must get a receipt.
fn sign_many(server: &Server, n: usize, clients: usize) {
    std::thread::scope(|scope| {
        for c in 0..clients {
            scope.spawn(move || {
                for i in (c..n).step_by(clients) {
                    let email = format!("cap-{i}@example.org");
                    let r = server.sign_json(&pairs(&signer("Cap", &i.to_string(), "", &email)));
                    assert!(r.receipt().is_some(), "signature {i}: {}", r.status);
                }
            });
        }
    });
}

/// What the server may use beyond its storage cache: its code and tables,
/// the runtime, a few connections' buffers and the public log's batch.
const ALLOWANCE_KIB: u64 = 32 * 1024;

#[test]
fn memory_stays_under_the_configured_cache_plus_a_fixed_allowance() {
    let org = Org::new();
    let cache_mb = 4;
    let config = org.config(&format!(
        "[limits]\nenabled = false\n\n[storage]\ncache_mb = {cache_mb}\n"
    ));
    let server = Server::start_with(&org, &config, &[], &[]);
    let pid = server.child.id();
    // Enough records that, kept in memory as sled kept them (three to five
    // times their size), they alone would pass the bound.
    let n = 6000;
    sign_many(&server, n, 8);
    let (rss, peak) = memory_kib(pid).expect("the server runs");
    let bound = (cache_mb << 10) + ALLOWANCE_KIB;
    eprintln!("{n} signatures: resident {rss} KiB, peak {peak} KiB, bound {bound} KiB");
    assert!(
        peak <= bound,
        "peak resident memory {peak} KiB after {n} signatures, over {cache_mb} MiB of cache + {} MiB",
        ALLOWANCE_KIB >> 10
    );
    assert_eq!(server.count(), n as u64);
}
