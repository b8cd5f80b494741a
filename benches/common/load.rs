//! The load: a tiny HTTP/1.1 client (one request per connection, read until
//! the server closes, as a browser signing once does) and the concurrent
//! clients that drive it, by time window ([`run_load`]) or by count ([`fill`]).

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use undersign::guard::pow;

/// Longer than the server's own 30 s request timeout, so that one answers first.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(35);
/// After a failed request a client pauses, so a refusing server does not turn
/// the clients into a busy loop that steals the CPU the server needs.
const ERROR_PAUSE: Duration = Duration::from_millis(10);

#[derive(Clone, Copy)]
pub enum Target {
    Sign,
    /// Sign with a solved challenge from a freshly fetched page.
    SignPow,
    /// Sign with a body sealed as a browser seals it ([`set_sealed_pool`]):
    /// the server checks the age header and seals only its own facts.
    SignSealed,
    Health,
}

/// Signer parts sealed before the load, as a browser seals them, so the
/// clients spend no X25519 on the cores the server needs; each request takes
/// the next one (a sealed body carries no form token: sending one again just
/// stores another record).
static SEALED: OnceLock<Vec<String>> = OnceLock::new();
static NEXT_SEALED: AtomicU64 = AtomicU64::new(0);

/// Seals `n` signer parts (distinct names and emails) to `recipients` (one
/// `age1…` key per line) for `petition`, as the page's script does, and keeps
/// them for [`Target::SignSealed`]. Only the first call sets the pool.
pub fn set_sealed_pool(recipients: &str, petition: &str, n: usize) {
    use rayon::prelude::*;
    use std::io::Write as _;
    use undersign::record::{Required, SignForm, Signature};
    let keys: Vec<age::x25519::Recipient> = recipients
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.trim().parse().expect("an age1 recipient"))
        .collect();
    let required = Required {
        first_name: false,
        last_name: false,
        name: false,
        affiliation: false,
        email: false,
    };
    let bodies = (0..n)
        .into_par_iter()
        .map(|i| {
            // SignForm wipes itself on drop, so it is filled in place.
            let mut form = SignForm::default();
            form.first_name.push_str(&format!("Ada{i}"));
            form.last_name.push_str(&format!("Sealed{i}"));
            form.affiliation
                .push_str(&format!("Loopback Collective {i}"));
            form.email.push_str(&format!("ada.{i}@example.org"));
            form.consent = true;
            form.public = i % 2 == 0;
            let signature = Signature::parse(&form, &required).expect("a valid signer");
            let part = signature.to_signer_json(petition).expect("a padded part");
            let encryptor =
                age::Encryptor::with_recipients(keys.iter().map(|k| k as &dyn age::Recipient))
                    .expect("recipients");
            let mut sealed = Vec::new();
            let mut w = encryptor.wrap_output(&mut sealed).expect("sealing");
            w.write_all(&part).expect("sealing");
            w.finish().expect("sealing");
            data_encoding::BASE64URL_NOPAD.encode(&sealed)
        })
        .collect();
    let _ = SEALED.set(bodies);
}

impl Target {
    /// What a request needs before it is sent and timed: for `SignPow`, the
    /// `challenge` and `pow` form fields of a page fetched just now; for the
    /// others nothing. The fetch is outside the POST's latency, but inside the
    /// rate: every real signature with JavaScript costs the server a page too.
    pub async fn prepare(self, addr: SocketAddr) -> Result<String, String> {
        match self {
            Target::SignPow => {
                let (token, bits) = fetch_challenge(addr).await?;
                // At 0 bits the first answer tried solves it: one SHA-256 on
                // this task, too little to matter to the runtime.
                let answer = pow::solve(&token, bits);
                // The token is hex digits and dots: safe in a form body as is.
                Ok(format!("&challenge={token}&pow={answer}"))
            }
            Target::SignSealed => {
                let pool = SEALED.get().ok_or("no sealed pool: call set_sealed_pool")?;
                let i = NEXT_SEALED.fetch_add(1, Ordering::Relaxed) as usize % pool.len();
                // base64url: safe in a form body as is.
                Ok(format!("sealed={}&consent=yes&lang=en", pool[i]))
            }
            Target::Sign | Target::Health => Ok(String::new()),
        }
    }

    /// The request bytes; signer values vary per request so no two records match.
    /// `fields` (from [`Target::prepare`]) is appended to a sign form.
    pub fn request(self, addr: SocketAddr, client: usize, seq: u64, fields: &str) -> Vec<u8> {
        match self {
            Target::SignSealed => format!(
                "POST /sign HTTP/1.1\r\nHost: {addr}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\n\
                 Accept: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{fields}",
                fields.len()
            )
            .into_bytes(),
            Target::Sign | Target::SignPow => {
                let body = format!(
                    "first_name=Ada{client}&last_name=Bench{seq}&affiliation=Loopback+Collective+{client}\
                     &email=ada.{client}.{seq}%40example.org&consent=yes{fields}"
                );
                format!(
                    "POST /sign HTTP/1.1\r\nHost: {addr}\r\n\
                     Content-Type: application/x-www-form-urlencoded\r\n\
                     Accept: application/json\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes()
            }
            Target::Health => {
                format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                    .into_bytes()
            }
        }
    }

    /// Whether a response is a success: for signing, only a receipt counts,
    /// because the server sends one only after the record is durable.
    pub fn judge(self, response: &[u8]) -> Result<(), String> {
        let (status, body) = parse_response(response).ok_or("malformed response")?;
        if status != 200 {
            return Err(format!("HTTP {status}"));
        }
        match self {
            Target::Sign | Target::SignPow | Target::SignSealed
                if !contains(body, b"\"receipt\"") =>
            {
                Err("200 without a receipt".into())
            }
            Target::Health if !body.starts_with(b"ok") => Err("200 without `ok`".into()),
            _ => Ok(()),
        }
    }
}

/// Status code and body of a complete HTTP/1.1 response.
pub fn parse_response(response: &[u8]) -> Option<(u16, &[u8])> {
    if !response.starts_with(b"HTTP/1.") {
        return None;
    }
    let status = std::str::from_utf8(response.get(9..12)?)
        .ok()?
        .parse()
        .ok()?;
    let head_end = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    Some((status, &response[head_end + 4..]))
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The challenge token a petition page carries, from its hidden form field.
pub fn challenge_in(page: &[u8]) -> Option<&str> {
    const FIELD: &[u8] = b"name=\"challenge\" value=\"";
    let start = page.windows(FIELD.len()).position(|w| w == FIELD)? + FIELD.len();
    let len = page[start..].iter().position(|&b| b == b'"')?;
    std::str::from_utf8(&page[start..start + len])
        .ok()
        .filter(|t| !t.is_empty())
}

/// `GET /` as a browser would, and the page's challenge with its difficulty
/// (`salt.issued.expires.bits.mac`: the fourth field).
pub async fn fetch_challenge(addr: SocketAddr) -> Result<(String, u8), String> {
    let request = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let response = exchange(addr, request.as_bytes())
        .await
        .map_err(|e| format!("page: {e}"))?;
    let (status, body) = parse_response(&response).ok_or("page: malformed response")?;
    if status != 200 {
        return Err(format!("page: HTTP {status}"));
    }
    let token = challenge_in(body).ok_or("page: no challenge")?;
    let bits = token
        .split('.')
        .nth(3)
        .and_then(|b| b.parse().ok())
        .ok_or("page: challenge without bits")?;
    Ok((token.to_string(), bits))
}

// The crate enables tokio's `net` but not `io-util`, so there is no
// `AsyncWriteExt::write_all` / `AsyncReadExt::read_to_end`: these two loops do
// the same with readiness plus non-blocking `try_write` / `try_read`.

pub async fn write_all(stream: &TcpStream, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        stream.writable().await?;
        match stream.try_write(buf) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => buf = &buf[n..],
            // Readiness can be spurious; wait again.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

pub async fn read_to_end(stream: &TcpStream, out: &mut Vec<u8>) -> io::Result<()> {
    let mut chunk = [0u8; 4096];
    loop {
        stream.readable().await?;
        match stream.try_read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => out.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
}

/// One connection: send the request, read until EOF. Errors are short labels
/// (no values), used to group failures in the report.
///
/// The server closes first, so TIME_WAIT sits on its side. Once the clients have
/// gone through the ~14k even ephemeral ports Linux hands to `connect`, every new
/// connection reuses a 4-tuple still in TIME_WAIT and the kernel takes it over
/// (timestamps make that safe). Seen as a plateau of timewait sockets in `ss -s`;
/// it has caused no errors here, but it is where to look if connects stall.
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> Result<Vec<u8>, String> {
    let io = async {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect: {:?}", e.kind()))?;
        write_all(&stream, request)
            .await
            .map_err(|e| format!("write: {:?}", e.kind()))?;
        let mut response = Vec::with_capacity(1024);
        read_to_end(&stream, &mut response)
            .await
            .map_err(|e| format!("read: {:?}", e.kind()))?;
        Ok(response)
    };
    tokio::time::timeout(REQUEST_TIMEOUT, io)
        .await
        .unwrap_or_else(|_| Err("client timeout".into()))
}

/// What the clients saw. Only requests that completed inside the measured window
/// count towards rate and latency; warm-up and the tail after it are excluded.
#[derive(Default)]
pub struct Load {
    pub window: Duration,
    /// Latency of each success in the window, microseconds, sorted at the end.
    pub latencies_us: Vec<u64>,
    /// Successes per whole second of the window: a stall shows as a dip.
    pub per_second: Vec<u64>,
    /// Failures in the window, by kind.
    pub errors: BTreeMap<String, u64>,
    /// Failures during warm-up or after the window (not in `errors`).
    pub errors_outside: u64,
    /// Every success, window or not: what the server should have stored.
    pub ok_all: u64,
}

impl Load {
    pub fn ok(&self) -> u64 {
        self.latencies_us.len() as u64
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn per_s(&self) -> f64 {
        self.ok() as f64 / self.window.as_secs_f64()
    }

    /// Nearest-rank percentile, in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.latencies_us.len() as f64).ceil() as usize;
        let i = rank.clamp(1, self.latencies_us.len()) - 1;
        self.latencies_us[i] as f64 / 1000.0
    }

    fn fail(&mut self, kind: String, in_window: bool) {
        if in_window {
            *self.errors.entry(kind).or_default() += 1;
        } else {
            self.errors_outside += 1;
        }
    }

    fn merge(&mut self, other: Load) {
        self.latencies_us.extend(other.latencies_us);
        for (a, b) in self.per_second.iter_mut().zip(other.per_second) {
            *a += b;
        }
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        self.errors_outside += other.errors_outside;
        self.ok_all += other.ok_all;
    }
}

/// One client: requests back to back until the window ends.
pub async fn client(
    addr: SocketAddr,
    target: Target,
    id: usize,
    measure_start: Instant,
    end: Instant,
    buckets: usize,
) -> Load {
    let mut load = Load {
        per_second: vec![0; buckets],
        ..Load::default()
    };
    let mut seq = 0u64;
    while Instant::now() < end {
        let fields = match target.prepare(addr).await {
            Ok(fields) => fields,
            Err(kind) => {
                let done = Instant::now();
                load.fail(kind, done >= measure_start && done <= end);
                tokio::time::sleep(ERROR_PAUSE).await;
                continue;
            }
        };
        let request = target.request(addr, id, seq, &fields);
        seq += 1;
        let sent = Instant::now();
        let outcome = exchange(addr, &request)
            .await
            .and_then(|response| target.judge(&response));
        let done = Instant::now();
        let in_window = done >= measure_start && done <= end;
        match outcome {
            Ok(()) => {
                load.ok_all += 1;
                if in_window {
                    load.latencies_us
                        .push((done - sent).as_micros().try_into().unwrap_or(u64::MAX));
                    let second = (done - measure_start).as_secs() as usize;
                    load.per_second[second.min(buckets - 1)] += 1;
                }
            }
            Err(kind) => {
                load.fail(kind, in_window);
                tokio::time::sleep(ERROR_PAUSE).await;
            }
        }
    }
    load
}

/// Runs `clients` concurrent clients: `warmup` uncounted, then `measure` counted.
pub async fn run_load(
    addr: SocketAddr,
    target: Target,
    clients: usize,
    warmup: Duration,
    measure: Duration,
) -> Load {
    let measure_start = Instant::now() + warmup;
    let end = measure_start + measure;
    let buckets = measure.as_secs_f64().ceil().max(1.0) as usize;
    let tasks: Vec<_> = (0..clients)
        .map(|id| tokio::spawn(client(addr, target, id, measure_start, end, buckets)))
        .collect();
    let mut total = Load {
        window: measure,
        per_second: vec![0; buckets],
        ..Load::default()
    };
    for task in tasks {
        total.merge(task.await.expect("a client task panicked"));
    }
    total.latencies_us.sort_unstable();
    total
}

/// One signature before the load starts: a refusal here (say, 410 once the
/// example petition has closed) is a setup problem, reported as such.
///
/// For `SignPow` it also proves the server really checks answers: the page must
/// carry a 0-bit challenge (else the config did not take, and the clients would
/// spend their CPU solving), and replaying the spent challenge must get a 403.
/// The replay stores nothing, so the stored-count check is unaffected.
pub async fn preflight(addr: SocketAddr, target: Target) {
    let fields = target
        .prepare(addr)
        .await
        .unwrap_or_else(|e| panic!("preparing the first signature: {e}"));
    let response = exchange(addr, &target.request(addr, usize::MAX, 0, &fields))
        .await
        .expect("sending the first signature");
    if let Err(why) = target.judge(&response) {
        panic!(
            "the first signature was refused ({why}); response:\n{}",
            String::from_utf8_lossy(&response)
        );
    }
    if let Target::SignPow = target {
        let (_, bits) = fetch_challenge(addr)
            .await
            .unwrap_or_else(|e| panic!("fetching a second page: {e}"));
        assert_eq!(
            bits, 0,
            "the page's challenge is not 0 bits: config not applied?"
        );
        let replay = exchange(addr, &target.request(addr, usize::MAX, 1, &fields))
            .await
            .expect("replaying the first challenge");
        let status = parse_response(&replay).map(|(status, _)| status);
        // 409: the form was already sent (one form, one signature); 403: the
        // challenge is spent. Either way nothing is stored.
        assert!(
            matches!(status, Some(403 | 409)),
            "a replayed challenge was not refused; response:\n{}",
            String::from_utf8_lossy(&replay)
        );
    }
}

/// What a fill got.
#[derive(Default)]
pub struct Filled {
    /// Signatures with a receipt.
    pub ok: u64,
    pub errors: BTreeMap<String, u64>,
    /// The receipt codes kept (every `keep_every`th).
    pub receipts: Vec<String>,
}

/// Signs until about `total` signatures have receipts (the clients in
/// flight when it is reached finish theirs), from `clients` concurrent
/// clients; `done` counts receipts as they come, for a sampler to watch.
/// Keeps the receipt code of every `keep_every`th signature.
pub async fn fill(
    addr: SocketAddr,
    clients: usize,
    total: u64,
    done: Arc<AtomicU64>,
    keep_every: u64,
) -> Filled {
    let tasks: Vec<_> = (0..clients)
        .map(|id| {
            let done = done.clone();
            tokio::spawn(async move {
                let mut got = Filled::default();
                let mut seq = 0u64;
                while done.load(Ordering::Relaxed) < total {
                    // Far from the ids other loads use, so no two records match.
                    let request = Target::Sign.request(addr, 1_000_000 + id, seq, "");
                    seq += 1;
                    let outcome = exchange(addr, &request).await.and_then(|response| {
                        Target::Sign.judge(&response)?;
                        Ok(response)
                    });
                    match outcome {
                        Ok(response) => {
                            got.ok += 1;
                            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                            if n.is_multiple_of(keep_every.max(1))
                                && let Some(code) = receipt_in(&response)
                            {
                                got.receipts.push(code);
                            }
                        }
                        Err(kind) => {
                            *got.errors.entry(kind).or_default() += 1;
                            tokio::time::sleep(ERROR_PAUSE).await;
                        }
                    }
                }
                got
            })
        })
        .collect();
    let mut all = Filled::default();
    for t in tasks {
        let got = t.await.expect("a fill client panicked");
        all.ok += got.ok;
        all.receipts.extend(got.receipts);
        for (k, v) in got.errors {
            *all.errors.entry(k).or_default() += v;
        }
    }
    all
}

/// The receipt code of a JSON signing answer.
fn receipt_in(response: &[u8]) -> Option<String> {
    let (_, body) = parse_response(response)?;
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(json["receipt"].as_str()?.to_string())
}

/// Withdraws every code, from `clients` concurrent clients; returns how many
/// the server confirmed.
pub async fn withdraw_all(addr: SocketAddr, codes: Vec<String>, clients: usize) -> u64 {
    let codes = Arc::new(codes);
    let next = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (codes, next) = (codes.clone(), next.clone());
            tokio::spawn(async move {
                let mut ok = 0;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    let Some(code) = codes.get(i) else {
                        return ok;
                    };
                    let body = format!("code={code}");
                    let request = format!(
                        "POST /withdraw HTTP/1.1\r\nHost: {addr}\r\n\
                         Content-Type: application/x-www-form-urlencoded\r\n\
                         Accept: application/json\r\nContent-Length: {}\r\n\
                         Connection: close\r\n\r\n{body}",
                        body.len()
                    );
                    if let Ok(r) = exchange(addr, request.as_bytes()).await
                        && parse_response(&r).is_some_and(|(status, _)| status == 200)
                    {
                        ok += 1;
                    }
                }
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        ok += t.await.expect("a withdrawal client panicked");
    }
    ok
}
