//! Security review findings, each written as the promise it should keep.
//! They FAIL on today's code, so they are `#[ignore]`d: run them with
//! `cargo test --test review_findings -- --ignored`. Un-ignore one with its fix.

mod common;
use common::*;

use std::time::Duration;

use governor::clock::FakeRelativeClock;
use undersign::config::Limits;
use undersign::guard::pow;
use undersign::guard::rate::{AddrHasher, Limiters};

fn challenge_of(page: &str) -> String {
    let i = page
        .find("name=\"challenge\" value=\"")
        .expect("a challenge in the form")
        + 24;
    page[i..i + page[i..].find('"').unwrap()].to_string()
}

fn bits_of(token: &str) -> u8 {
    token.split('.').nth(3).unwrap().parse().unwrap()
}

/// Finding: SECURITY.md #22 says proof-of-work difficulty rises for a network
/// that sends many signing attempts. But a challenge keeps the difficulty it
/// was issued with for its 2-hour life, is not bound to the network that
/// asked for it, and page views are free: a flooder collects calm challenges
/// first, then spends them after the difficulty has risen.
#[test]
#[ignore = "review finding: fails today"]
fn a_challenge_fetched_before_a_flood_does_not_escape_the_raised_difficulty() {
    let org = Org::new();
    let server = Server::start_with(
        &org,
        &org.config(
            "[limits]\ntrust_forwarded_for = true\npow_bits = 8\npow_max_bits = 19\n\
             per_address_burst = 100\nmin_fill_seconds = 0\n",
        ),
        &[],
        &[],
    );
    let page = |addr: &str| {
        server
            .request("GET", "/", &[("X-Forwarded-For", addr)], b"")
            .text()
    };
    let stock: Vec<String> = (0..3)
        .map(|_| challenge_of(&page("198.51.100.1")))
        .collect();
    assert!(stock.iter().all(|t| bits_of(t) == 8));
    // Forty signing attempts (forms with a mistake) raise this network's puzzle.
    for i in 0..40 {
        let body = form(&[
            ("first_name", "F"),
            ("last_name", &i.to_string()),
            ("email", "not-an-email"),
            ("consent", "yes"),
        ]);
        let r = server.request(
            "POST",
            "/sign",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("X-Forwarded-For", "198.51.100.1"),
            ],
            body.as_bytes(),
        );
        assert_eq!(r.status, 422);
    }
    let raised = bits_of(&challenge_of(&page("198.51.100.1")));
    assert!(raised > 8, "difficulty is {raised}");
    // A stocked 8-bit challenge is still accepted as proof-of-work.
    let token = &stock[0];
    let answer = pow::solve(token, 8);
    let body = form(&[
        ("first_name", "Stocked"),
        ("last_name", "Token"),
        ("email", "s@example.org"),
        ("consent", "yes"),
        ("challenge", token),
        ("pow", &answer),
    ]);
    let r = server.request(
        "POST",
        "/sign",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
            ("X-Forwarded-For", "198.51.100.1"),
        ],
        body.as_bytes(),
    );
    drop(server);
    let credited_at_8_bits = r.status == 200
        && org
            .decrypt(&org.export())
            .iter()
            .any(|rec| rec["check"] == "pow");
    assert!(
        !credited_at_8_bits,
        "an 8-bit challenge from before the flood earned proof-of-work credit while new ones need {raised} bits"
    );
}

/// Finding: `Limiters::no_js` takes a token from the network's share before
/// asking the global budget, and keeps it when the global budget refuses. A
/// signer who presses again while the global budget is spent burns their
/// own network's share, and is then refused by it after the global budget
/// has refilled.
#[test]
#[ignore = "review finding: fails today"]
fn a_refusal_by_the_global_budget_does_not_spend_the_networks_share() {
    let limits = Limits {
        no_js_burst: 1,
        no_js_per_hour: 60,
        ..Limits::default()
    };
    let clock = FakeRelativeClock::default();
    let l = Limiters::new(&limits, clock.clone());
    let h = AddrHasher::new(0);
    let key = |s: &str| h.key(s.parse().unwrap(), 0);
    let (a, b) = (key("198.51.100.1"), key("203.0.113.1"));
    assert_ne!(a, b);
    assert!(l.no_js(a).is_ok(), "the global budget's only token");
    for _ in 0..limits.no_js_per_network_burst {
        assert!(l.no_js(b).is_err(), "the global budget is spent");
    }
    // A minute later the global budget has a token again.
    clock.advance(Duration::from_secs(61));
    assert!(
        l.no_js(b).is_ok(),
        "refused by its own share, spent on refusals it was never granted"
    );
}

/// Finding: SECURITY.md #11 says an altered export is detected. The trailer's
/// checksum covers the lines between the header and the trailer only: an
/// export whose header count and recipients fingerprint were changed
/// decrypts without a word.
#[test]
#[ignore = "review finding: fails today"]
fn an_export_with_an_altered_header_is_refused() {
    let org = Org::new();
    let mut server = Server::start(&org);
    for i in 0..2 {
        let email = format!("h{i}@example.org");
        let r = server.sign_json(&pairs(&signer("Head", &i.to_string(), "", &email)));
        assert!(r.receipt().is_some());
    }
    assert!(server.stop().success());
    let export = org.export();
    let text = std::fs::read_to_string(&export).unwrap();
    let (header, rest) = text.split_once('\n').unwrap();
    let mut v: serde_json::Value = serde_json::from_str(header).unwrap();
    v["count"] = 99.into();
    v["recipients"] = "00".into();
    let altered = org.path("altered.jsonl");
    std::fs::write(&altered, format!("{v}\n{rest}")).unwrap();
    let out = org.path("altered.csv");
    let o = run(&[
        "decrypt",
        "-i",
        org.identity.to_str().unwrap(),
        altered.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(
        !o.status.success() && !out.exists(),
        "an export with an altered header was decrypted: {}",
        stderr(&o)
    );
}
