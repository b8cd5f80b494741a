//! Slow clients cannot hold the server: every request must arrive whole in
//! time, kept-alive connections idle briefly and live a bounded time, one
//! network (or onion circuit) gets only its share of the connection slots,
//! and request heads are small. Over plain HTTP, TLS and the onion
//! listener with Tor's PROXY protocol header.

mod common;

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConnection, StreamOwned};

/// `request_timeout_seconds` in these tests.
const DEADLINE: Duration = Duration::from_secs(2);
/// Slack for the client to notice a close (it waits up to 1 s between drips),
/// on a busy machine; the old code took 8 s or never cut at all.
const NOTICE: Duration = Duration::from_secs(2);

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
const HEALTH_CLOSE: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
/// A request long enough to drip for 40 s.
const NEXT: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";

/// How a test client reaches the server.
#[derive(Clone)]
enum Way {
    /// Plain HTTP from this local address.
    From([u8; 4]),
    /// HTTPS from this local address, trusting this certificate.
    Tls([u8; 4], Vec<u8>),
    /// The onion listener, as this Tor circuit (from 127.0.0.1, like Tor).
    Circuit(u32),
}

trait Io: Read + Write + Send {}
impl<T: Read + Write + Send> Io for T {}

struct Client {
    io: Box<dyn Io>,
    /// The same socket, for its timeouts.
    sock: TcpStream,
}

fn waiting(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl Client {
    fn open(addr: &str, way: &Way) -> io::Result<Client> {
        let from = match way {
            Way::From(ip) | Way::Tls(ip, _) => *ip,
            Way::Circuit(_) => [127, 0, 0, 1],
        };
        let mut sock = connect_from(from, addr)?;
        let handle = sock.try_clone()?;
        let io: Box<dyn Io> = match way {
            Way::From(_) => Box::new(sock),
            Way::Circuit(id) => {
                sock.write_all(tor_proxy_line(*id).as_bytes())?;
                Box::new(sock)
            }
            Way::Tls(_, der) => {
                let name = ServerName::try_from("localhost").unwrap();
                let conn = ClientConnection::new(client(&[der]), name).unwrap();
                Box::new(StreamOwned::new(conn, sock))
            }
        };
        Ok(Client { io, sock: handle })
    }

    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sock.set_write_timeout(Some(Duration::from_secs(5)))?;
        self.io.write_all(bytes)?;
        self.io.flush()
    }

    /// The status of the next answer, read whole (head and `Content-Length`
    /// body); 0 when the server closes first or nothing comes within `wait`.
    fn answer(&mut self, wait: Duration) -> u16 {
        let until = Instant::now() + wait;
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let r = parse_response(&got[..end + 4]);
                let length: usize = r
                    .header("content-length")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(0);
                if got.len() >= end + 4 + length {
                    return r.status;
                }
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() || self.sock.set_read_timeout(Some(left)).is_err() {
                return 0;
            }
            match self.io.read(&mut buf) {
                Ok(0) | Err(_) => return 0,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    }

    /// Waits up to `wait` for the server to end the exchange (close, or
    /// answer): true if it did.
    fn ended_within(&mut self, wait: Duration) -> bool {
        let _ = self.sock.set_read_timeout(Some(wait));
        let mut buf = [0u8; 512];
        !matches!(self.io.read(&mut buf), Err(e) if waiting(&e))
    }

    /// Sends `bytes` one at a time, `every` apart, until the server ends the
    /// exchange: how long after the first byte that was (None: never).
    fn drip(&mut self, bytes: &[u8], every: Duration, stop: &AtomicBool) -> Option<Duration> {
        let started = Instant::now();
        for byte in bytes {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            if self.send(&[*byte]).is_err() || self.ended_within(every) {
                return Some(started.elapsed());
            }
        }
        None
    }
}

/// `[limits]` for these tests: 4 slots, 2 per network, 2 s per request.
fn tight(extra: &str) -> String {
    format!(
        "[limits]\nmax_connections = 4\nconnections_per_network = 2\nrequest_timeout_seconds = 2\n{extra}"
    )
}

/// A config with `limits` and `server_lines` added to `[server]`.
fn config_with(org: &Org, server_lines: &str, limits: &str) -> std::path::PathBuf {
    let config = org.config(limits);
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen("[server]\n", &format!("[server]\n{server_lines}"), 1),
    )
    .unwrap();
    config
}

fn onion_server(org: &Org, limits: &str) -> (Server, String) {
    let config = config_with(
        org,
        "onion_listen = \"127.0.0.1:0\"\nonion_proxy_protocol = true\n",
        limits,
    );
    let server = Server::start_with(org, &config, &[], &[]);
    let onion = onion_addr(&server);
    (server, onion)
}

#[derive(Default)]
struct Tally {
    answered: AtomicU64,
    refused: AtomicU64,
    cut: AtomicU64,
    /// The longest a drip lasted before the server ended it, in ms.
    longest_ms: AtomicU64,
}

/// One attacker: takes a slot, gets one answer, then drips the next request
/// one byte a second; starts again whenever the server lets go.
fn attacker(addr: String, way: Way, stop: Arc<AtomicBool>, tally: Arc<Tally>) {
    while !stop.load(Ordering::Relaxed) {
        let answered = Client::open(&addr, &way)
            .and_then(|mut c| {
                c.send(HEALTH)?;
                Ok((c.answer(Duration::from_secs(3)) == 200).then_some(c))
            })
            .ok()
            .flatten();
        let Some(mut c) = answered else {
            tally.refused.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        tally.answered.fetch_add(1, Ordering::Relaxed);
        if let Some(took) = c.drip(NEXT, Duration::from_secs(1), &stop) {
            tally.cut.fetch_add(1, Ordering::Relaxed);
            tally
                .longest_ms
                .fetch_max(took.as_millis() as u64, Ordering::Relaxed);
        }
    }
}

/// Six attackers of one network (more than its share, more than every
/// slot) drip for 12 s; meanwhile `victim` is answered within 3 s, again
/// and again. Then: the share was enforced and each drip was cut in time.
fn dripping_network_leaves_room_for_others(addr: &str, attack: Way, victim: Way) {
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let attackers: Vec<_> = (0..6)
        .map(|_| {
            let (addr, way, stop, tally) = (
                addr.to_string(),
                attack.clone(),
                stop.clone(),
                tally.clone(),
            );
            std::thread::spawn(move || attacker(addr, way, stop, tally))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let until = Instant::now() + Duration::from_secs(12);
    let mut asked = 0;
    let failure = loop {
        if Instant::now() > until {
            break None;
        }
        let started = Instant::now();
        let status = Client::open(addr, &victim)
            .and_then(|mut c| {
                c.send(HEALTH_CLOSE)?;
                Ok(c.answer(Duration::from_secs(3)))
            })
            .unwrap_or(0);
        asked += 1;
        let took = started.elapsed();
        if status != 200 || took > Duration::from_secs(3) {
            break Some(format!(
                "request {asked} of another network: status {status} after {took:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(400));
    };
    stop.store(true, Ordering::Relaxed);
    for a in attackers {
        a.join().unwrap();
    }
    assert!(failure.is_none(), "{}", failure.unwrap());
    let answered = tally.answered.load(Ordering::Relaxed);
    let refused = tally.refused.load(Ordering::Relaxed);
    let cut = tally.cut.load(Ordering::Relaxed);
    let longest = Duration::from_millis(tally.longest_ms.load(Ordering::Relaxed));
    assert!(
        refused > 0,
        "connections over the network's share were kept"
    );
    assert!(answered > 0 && cut > 0, "answered {answered}, cut {cut}");
    assert!(
        longest <= DEADLINE + NOTICE,
        "a dripped request lasted {longest:?}"
    );
}

#[test]
fn one_network_dripping_requests_cannot_hold_the_server() {
    let org = Org::new();
    let server = Server::start_with(&org, &org.config(&tight("")), &[], &[]);
    dripping_network_leaves_room_for_others(
        &server.addr,
        Way::From([127, 0, 0, 2]),
        Way::From([127, 0, 0, 1]),
    );
}

#[test]
fn one_network_dripping_requests_cannot_hold_the_https_server() {
    let org = Org::new();
    let (cert, key, der) = make_cert(org.dir.path(), "site");
    let config = org.config(&format!(
        "{}\n[server.tls]\ncert = \"{}\"\nkey = \"{}\"\n",
        tight(""),
        cert.display(),
        key.display()
    ));
    let server = Server::start_with(&org, &config, &[], &[]);
    dripping_network_leaves_room_for_others(
        &server.addr,
        Way::Tls([127, 0, 0, 2], der.clone()),
        Way::Tls([127, 0, 0, 1], der),
    );
}

#[test]
fn one_onion_circuit_dripping_requests_cannot_hold_the_onion_listener() {
    let org = Org::new();
    let (_server, onion) = onion_server(&org, &tight(""));
    dripping_network_leaves_room_for_others(&onion, Way::Circuit(7), Way::Circuit(8));
}

/// Drips `request` on a fresh connection (after `first` and its answer,
/// when given): the server must end it within the deadline, without a 200.
fn cut_in_time(addr: &str, first: Option<&[u8]>, request: &[u8], what: &str) {
    let mut c = Client::open(addr, &Way::From([127, 0, 0, 1])).unwrap();
    if let Some(first) = first {
        c.send(first).unwrap();
        assert_eq!(
            c.answer(Duration::from_secs(3)),
            200,
            "{what}: first answer"
        );
    }
    let never = AtomicBool::new(false);
    // Half a byte a second: far slower than the deadline allows.
    let took = c
        .drip(request, Duration::from_millis(500), &never)
        .unwrap_or_else(|| panic!("{what}: the server waited for the whole drip"));
    assert!(took <= DEADLINE + NOTICE, "{what}: cut after {took:?}");
}

#[test]
fn every_request_must_arrive_whole_within_the_deadline() {
    let org = Org::new();
    let server = Server::start_with(&org, &org.config(&tight("")), &[], &[]);
    let post_head =
        b"POST /sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60\r\n\r\n";
    let body = [b'a'; 60];
    let addr = &server.addr;
    cut_in_time(addr, None, NEXT, "a first request whose head drips");
    cut_in_time(
        addr,
        Some(HEALTH),
        NEXT,
        "a kept-alive request whose head drips",
    );

    // A request whose head came at once and whose body drips.
    for first in [None, Some(HEALTH)] {
        let mut c = Client::open(addr, &Way::From([127, 0, 0, 1])).unwrap();
        if let Some(first) = first {
            c.send(first).unwrap();
            assert_eq!(c.answer(Duration::from_secs(3)), 200);
        }
        c.send(post_head).unwrap();
        let started = Instant::now();
        let never = AtomicBool::new(false);
        let took = c.drip(&body, Duration::from_millis(500), &never);
        let took = took.unwrap_or_else(|| panic!("a dripping body was read to its end"));
        assert!(
            took <= DEADLINE + NOTICE,
            "a dripping body was cut after {:?}",
            started.elapsed()
        );
    }
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn kept_alive_connections_idle_briefly() {
    let org = Org::new();
    // With a 10 s request deadline, the idle limit is 5 s.
    let config = org.config("[limits]\nrequest_timeout_seconds = 10\n");
    let server = Server::start_with(&org, &config, &[], &[]);
    let mut c = Client::open(&server.addr, &Way::From([127, 0, 0, 1])).unwrap();
    c.send(HEALTH).unwrap();
    assert_eq!(c.answer(Duration::from_secs(3)), 200);
    let answered = Instant::now();
    assert!(c.ended_within(Duration::from_secs(15)));
    let idle = answered.elapsed();
    assert!(
        idle >= Duration::from_secs(4) && idle <= Duration::from_millis(6500),
        "closed after {idle:?} idle"
    );
    // A connection that never sends a first request gets the same.
    let mut silent = Client::open(&server.addr, &Way::From([127, 0, 0, 1])).unwrap();
    let opened = Instant::now();
    assert!(silent.ended_within(Duration::from_secs(15)));
    assert!(opened.elapsed() <= Duration::from_millis(6500));
}

#[test]
fn kept_alive_connections_end_after_their_lifetime_without_cutting_an_answer() {
    let org = Org::new();
    // The lifetime is 4 request deadlines: 8 s here.
    let server = Server::start_with(&org, &org.config(&tight("")), &[], &[]);
    let mut c = Client::open(&server.addr, &Way::From([127, 0, 0, 1])).unwrap();
    let opened = Instant::now();
    let mut answers = 0;
    loop {
        if c.send(HEALTH).is_err() {
            break;
        }
        match c.answer(Duration::from_secs(3)) {
            200 => answers += 1,
            _ => break,
        }
        assert!(
            opened.elapsed() < Duration::from_secs(14),
            "the connection outlived its lifetime: {answers} answers"
        );
        if c.ended_within(Duration::from_millis(700)) {
            break;
        }
    }
    let lived = opened.elapsed();
    assert!(
        answers >= 5 && lived >= Duration::from_secs(7),
        "{answers} answers in {lived:?}"
    );
}

/// The server's resident memory, in KiB.
fn rss_kib(server: &Server) -> u64 {
    memory_kib(server.child.id()).expect("the server runs").0
}

#[test]
fn oversized_request_heads_are_refused_without_growing_the_server() {
    let org = Org::new();
    let server = Server::start(&org);
    for _ in 0..20 {
        assert_eq!(server.get("/").status, 200);
    }
    // One header too long, and too many headers: 431.
    let long = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(10 * 1024)
    );
    let many = format!(
        "GET / HTTP/1.1\r\nHost: x\r\n{}Connection: close\r\n\r\n",
        (0..80).map(|i| format!("X-{i}: 1\r\n")).collect::<String>()
    );
    for (what, request) in [("a 10 KiB header", long), ("80 headers", many)] {
        let mut c = Client::open(&server.addr, &Way::From([127, 0, 0, 1])).unwrap();
        let _ = c.send(request.as_bytes());
        assert_eq!(c.answer(Duration::from_secs(5)), 431, "{what}");
    }

    // Sixty-four connections each send 320 KiB of header lines that never
    // end: each is refused once past the bound, and the server stays small.
    let before = rss_kib(&server);
    let line = format!("X-Pad: {}\r\n", "b".repeat(1022));
    let head = format!("GET / HTTP/1.1\r\nHost: x\r\n{}", line.repeat(320));
    let clients: Vec<_> = (0..64)
        .map(|_| {
            let addr = server.addr.clone();
            let head = head.clone();
            std::thread::spawn(move || {
                let mut c = Client::open(&addr, &Way::From([127, 0, 0, 1])).unwrap();
                let _ = c.send(head.as_bytes());
                let ended = c.ended_within(Duration::from_secs(10));
                (ended, c)
            })
        })
        .collect();
    let mut held = Vec::new();
    for t in clients {
        let (ended, c) = t.join().unwrap();
        assert!(ended, "the server kept reading an endless request head");
        held.push(c);
    }
    let grown = rss_kib(&server).saturating_sub(before);
    assert!(grown < 8 * 1024, "the server grew by {grown} KiB");
    drop(held);
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn the_onion_listener_serves_only_connections_that_start_with_tors_header() {
    let org = Org::new();
    let (_server, onion) = onion_server(&org, "[limits]\nenabled = false\n");
    // Tor's header, then HTTP: served.
    let mut tor = Client::open(&onion, &Way::Circuit(1)).unwrap();
    tor.send(HEALTH_CLOSE).unwrap();
    assert_eq!(tor.answer(Duration::from_secs(3)), 200);
    // Anything else: closed without an answer.
    let bad = [
        String::new(),
        "PROXY TCP4 127.0.0.1 127.0.0.1 1000 80\r\n".to_string(),
        "PROXY TCP6 2001:db8::1 ::1 1000 80\r\n".to_string(),
        "PROXY UNKNOWN\r\n".to_string(),
        format!("PROXY TCP6 {}\r\n", "f".repeat(200)),
        "PROXY TCP6 fc00:dead:beef:4dad::1:2 ::1 1000 80\n".to_string(),
    ];
    for header in bad {
        let mut c = Client::open(&onion, &Way::From([127, 0, 0, 1])).unwrap();
        let _ = c.send(header.as_bytes());
        let _ = c.send(HEALTH_CLOSE);
        assert_eq!(c.answer(Duration::from_secs(8)), 0, "{header:?} was served");
    }
    // A silent connection is let go once the header is overdue.
    let mut silent = Client::open(&onion, &Way::From([127, 0, 0, 1])).unwrap();
    let opened = Instant::now();
    assert!(silent.ended_within(Duration::from_secs(15)));
    assert!(opened.elapsed() < Duration::from_secs(7));
}

#[test]
fn onion_limits_count_each_circuit_on_its_own() {
    let org = Org::new();
    let (_server, onion) = onion_server(
        &org,
        "[limits]\nconnections_per_network = 2\ncode_attempts_burst = 2\ncode_attempts_per_hour = 1\n",
    );
    // Connections: circuit 1 holds its two; its third is closed at once.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut c = Client::open(&onion, &Way::Circuit(1)).unwrap();
        c.send(HEALTH).unwrap();
        assert_eq!(c.answer(Duration::from_secs(3)), 200);
        held.push(c);
    }
    let mut third = Client::open(&onion, &Way::Circuit(1)).unwrap();
    let _ = third.send(HEALTH);
    assert_eq!(third.answer(Duration::from_secs(3)), 0);
    let mut other = Client::open(&onion, &Way::Circuit(2)).unwrap();
    other.send(HEALTH_CLOSE).unwrap();
    assert_eq!(other.answer(Duration::from_secs(3)), 200);
    drop(held);
    // Let the server see those two close.
    std::thread::sleep(Duration::from_millis(500));

    // Rate limits: circuit 1 spends its receipt checks, circuit 2 has its own.
    let check = |circuit: u32| {
        let body = "code=AAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let request = format!(
            "POST /receipt HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept: application/json\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let mut c = Client::open(&onion, &Way::Circuit(circuit)).unwrap();
        c.send(request.as_bytes()).unwrap();
        c.answer(Duration::from_secs(5))
    };
    assert_eq!(check(1), 200);
    assert_eq!(check(1), 200);
    assert_eq!(check(1), 429);
    assert_eq!(check(2), 200);
}
