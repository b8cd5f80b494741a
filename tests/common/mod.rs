//! Shared test kit: a scratch organizer, the real server binary on an
//! ephemeral port, a minimal HTTP/1.1 client over real TCP, export and decrypt.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_undersign");

/// Says why a test cannot run on this machine. On CI (`CI` set) that is a
/// failure: `.ci/run` installs every tool and runs as root, and a skipped
/// test would leave its SECURITY.md promise unchecked.
pub fn skip(why: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must be able to run this test: {why}"
    );
    eprintln!("skipped: {why}");
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn example_config() -> PathBuf {
    root().join("examples/petition.toml")
}

/// Runs the binary to completion.
pub fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("running undersign")
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch organizer: identity, recipients file, data folder.
pub struct Org {
    pub dir: tempfile::TempDir,
    pub identity: PathBuf,
    pub recipients: PathBuf,
    pub data: PathBuf,
    pub recipient: String,
}

impl Org {
    pub fn new() -> Org {
        let dir = tempfile::tempdir().unwrap();
        let identity = dir.path().join("organizer.key");
        let out = run(&["keygen", "-o", identity.to_str().unwrap()]);
        assert!(out.status.success(), "keygen failed: {}", stderr(&out));
        let recipient = stdout(&out).lines().last().unwrap().trim().to_string();
        let recipients = dir.path().join("recipients.txt");
        std::fs::write(&recipients, format!("# test organizer\n{recipient}\n")).unwrap();
        let data = dir.path().join("data");
        Org {
            dir,
            identity,
            recipients,
            data,
            recipient,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A copy of the example petition with `extra` TOML appended. The public
    /// log publishes a batch every second (unless `extra` has its own `[log]`).
    pub fn config(&self, extra: &str) -> PathBuf {
        let text = std::fs::read_to_string(example_config()).unwrap();
        let path = self.path(&format!("petition-{}.toml", rand_suffix()));
        let log = if extra.contains("[log]") {
            ""
        } else {
            "\n[log]\nbatch_seconds = 1\n"
        };
        std::fs::write(&path, format!("{text}\n{extra}{log}")).unwrap();
        path
    }

    /// `undersign export` of the data folder (server must be stopped).
    pub fn export(&self) -> PathBuf {
        let out = self.path(&format!("export-{}.jsonl", rand_suffix()));
        let o = run(&[
            "export",
            "--data",
            self.data.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "export failed: {}", stderr(&o));
        out
    }

    /// `undersign decrypt --format json`, parsed.
    pub fn decrypt(&self, export: &Path) -> Vec<serde_json::Value> {
        let out = self.path(&format!("plain-{}.jsonl", rand_suffix()));
        let o = run(&[
            "decrypt",
            "-i",
            self.identity.to_str().unwrap(),
            export.to_str().unwrap(),
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "decrypt failed: {}", stderr(&o));
        std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

pub fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The real server, its output captured to a file.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub log: PathBuf,
}

impl Server {
    /// The example petition with anti-abuse limits off: most tests sign many
    /// times from one address. `tests/abuse.rs` runs with the limits on.
    pub fn start(org: &Org) -> Server {
        Server::start_with(org, &org.config("[limits]\nenabled = false\n"), &[], &[])
    }

    pub fn start_with(org: &Org, config: &Path, extra: &[&str], wrap: &[&str]) -> Server {
        Server::start_env(org, config, extra, wrap, &[])
    }

    pub fn start_env(
        org: &Org,
        config: &Path,
        extra: &[&str],
        wrap: &[&str],
        env: &[(&str, &Path)],
    ) -> Server {
        let log = org.path(&format!("server-{}.log", rand_suffix()));
        let out = std::fs::File::create(&log).unwrap();
        let mut args: Vec<String> = wrap.iter().map(|s| s.to_string()).collect();
        args.push(BIN.into());
        for a in [
            "serve",
            "--config",
            config.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--data",
            org.data.to_str().unwrap(),
            "--recipients",
            org.recipients.to_str().unwrap(),
        ] {
            args.push(a.into());
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let child = Command::new(&args[0])
            .args(&args[1..])
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("starting the server");
        let mut server = Server {
            child,
            addr: String::new(),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let text = std::fs::read_to_string(&server.log).unwrap_or_default();
            if let Some(i) = text.find("listening on http") {
                let rest = text[i + "listening on http".len()..].trim_start_matches('s');
                let rest = rest.trim_start_matches("://");
                server.addr = rest.split_whitespace().next().unwrap().to_string();
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("server exited at start ({status}): {text}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server never said it was listening");
    }

    /// Sends SIGHUP: the server reloads its petition (and certificate).
    pub fn hup(&self) {
        let sent = std::process::Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(sent.success(), "kill -HUP failed");
    }

    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The output once it contains `needle`: lines printed after the first
    /// "listening on" one (other listeners) may take a moment.
    pub fn output_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let out = self.output();
            if out.contains(needle) || Instant::now() > deadline {
                return out;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL to the server and, when it runs under a wrapper (strace), to
    /// the wrapped process too, so no server outlives its test.
    pub fn kill(&mut self) {
        for pid in descendants(self.child.id()) {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().unwrap()
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        request(&self.addr, method, path, headers, body)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], b"")
    }

    /// POST /sign with form fields, asking for JSON.
    pub fn sign_json(&self, fields: &[(&str, &str)]) -> Response {
        sign_json_at(&self.addr, fields)
    }

    /// POST /sign as a browser would, expecting HTML.
    pub fn sign_html(&self, fields: &[(&str, &str)]) -> Response {
        let body = form(fields);
        self.request(
            "POST",
            "/sign",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        )
    }

    /// The public count once every signature acknowledged so far is
    /// published: `/count` moves once per batch of the log.
    /// `/count` now: every acknowledged signature, published or not yet.
    pub fn count(&self) -> u64 {
        let r = self.get("/count");
        assert_eq!(r.status, 200);
        r.json()["count"].as_u64().unwrap()
    }
}

/// Waits until the log's next batch is out. With `batch_seconds = 1` (see
/// [`Org::config`]) batches start on every whole second of the clock.
pub fn wait_for_batch() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let next = (now / 1000 + 1) * 1000;
    std::thread::sleep(Duration::from_millis(next - now + 700));
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten();
    for task in tasks {
        let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
            out.extend(descendants(child));
            out.push(child);
        }
    }
    out
}

/// POST /sign to `addr` as a script would, expecting JSON: for threads and
/// servers started without a [`Server`].
pub fn sign_json_at(addr: &str, fields: &[(&str, &str)]) -> Response {
    request(
        addr,
        "POST",
        "/sign",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        form(fields).as_bytes(),
    )
}

pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A signer's fields, with `consent=yes`.
pub fn signer(first: &str, last: &str, affiliation: &str, email: &str) -> Vec<(String, String)> {
    vec![
        ("first_name".into(), first.into()),
        ("last_name".into(), last.into()),
        ("affiliation".into(), affiliation.into()),
        ("email".into(), email.into()),
        ("consent".into(), "yes".into()),
    ]
}

pub fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

#[derive(Debug)]
pub struct Response {
    /// 0 when the server closed the connection without an answer.
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.text()))
    }

    /// The receipt code from a JSON or HTML success answer.
    pub fn receipt(&self) -> Option<String> {
        if self.status != 200 {
            return None;
        }
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&self.body) {
            return v["receipt"].as_str().map(String::from);
        }
        let text = self.text();
        let i = text.find("id=\"receipt-code\"")?;
        let rest = &text[i..];
        let start = rest.find('>')? + 1;
        let end = rest[start..].find('<')? + start;
        Some(rest[start..end].trim().to_string())
    }
}

/// One request on a fresh connection (`Connection: close`), read to EOF.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return Response {
            status: 0,
            head: String::new(),
            body: Vec::new(),
        };
    };
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    let _ = s.write_all(&bytes);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    parse_response(&raw)
}

pub fn parse_response(raw: &[u8]) -> Response {
    let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Response {
            status: 0,
            head: String::from_utf8_lossy(raw).into_owned(),
            body: Vec::new(),
        };
    };
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Response { status, head, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Counts occurrences of `needle` in `hay` as UTF-8 and as UTF-16LE.
pub fn hits(hay: &[u8], needle: &str) -> usize {
    let utf16: Vec<u8> = needle
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    [needle.as_bytes().to_vec(), utf16]
        .iter()
        .map(|n| memchr::memmem::find_iter(hay, n).count())
        .sum()
}

/// A self-signed certificate for `localhost` and 127.0.0.1, written as PEM
/// files `<name>.crt` and `<name>.key` in `dir`; returns the paths and the DER.
pub fn make_cert(dir: &Path, name: &str) -> (PathBuf, PathBuf, Vec<u8>) {
    let made =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    let cert = dir.join(format!("{name}.crt"));
    let key = dir.join(format!("{name}.key"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    (cert, key, made.cert.der().to_vec())
}

// ---------------------------------------------------------------- HTTPS

use std::sync::Arc;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, ClientConnection, RootCertStore};

/// A client that trusts exactly `trusted` (DER certificates).
pub fn client(trusted: &[&[u8]]) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for der in trusted {
        roots.add(CertificateDer::from(der.to_vec())).unwrap();
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Arc::new(
        ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// One HTTPS request on a fresh connection; also returns the certificate the
/// server presented.
pub fn https(
    addr: &str,
    trusted: &[&[u8]],
    method: &str,
    path: &str,
    body: &[u8],
) -> (Response, Vec<u8>) {
    let name = ServerName::try_from("localhost").unwrap();
    let mut conn = ClientConnection::new(client(trusted), name).unwrap();
    // A server that is gone (or going) answers nothing: status 0, like `request`.
    let Ok(mut sock) = TcpStream::connect(addr) else {
        return (parse_response(b""), Vec::new());
    };
    sock.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut tls = rustls::Stream::new(&mut conn, &mut sock);
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if method == "POST" {
        req.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        req.push_str("Accept: application/json\r\n");
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut raw = Vec::new();
    if tls.write_all(req.as_bytes()).is_ok() && tls.write_all(body).is_ok() {
        let mut buf = [0u8; 16 * 1024];
        // Read until the server closes; a close without close_notify still ends it.
        while let Ok(n) = tls.read(&mut buf) {
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
    }
    let presented = conn
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.to_vec())
        .unwrap_or_default();
    (parse_response(&raw), presented)
}

/// A copy of the example petition with limits off and `[server.tls]` on.
pub fn tls_config(org: &Org, cert: &Path, key: &Path, extra: &str) -> PathBuf {
    org.config(&format!(
        "[limits]\nenabled = false\n\n[server.tls]\ncert = \"{}\"\nkey = \"{}\"\n{extra}",
        cert.display(),
        key.display()
    ))
}

// ---------------------------------------------------------------- exports by hand

/// An export's header line and the lines between it and the trailer.
pub fn export_lines(path: &Path) -> (String, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let header = lines.remove(0);
    lines.pop(); // the trailer
    (header, lines)
}

/// Writes an export of `header` and `lines` with a fresh trailer that
/// verifies (counts and SHA-256 recomputed), as a forger or a broken tool would.
pub fn write_export(path: &Path, header: &str, lines: &[String]) {
    use sha2::{Digest, Sha256};
    let v1 = header.contains("\"v\":1,");
    let mut hash = Sha256::new();
    if !v1 {
        hash.update(format!("{header}\n").as_bytes());
    }
    for line in lines {
        hash.update(format!("{line}\n").as_bytes());
    }
    let records = lines.iter().filter(|l| l.starts_with("{\"id\":")).count();
    let withdrawn = lines.len() - records;
    let counts = if v1 {
        format!("\"count\":{records}")
    } else {
        format!("\"count\":{records},\"withdrawn\":{withdrawn}")
    };
    let trailer = format!(
        "{{\"trailer\":true,{counts},\"sha256\":\"{}\"}}",
        hex::encode(hash.finalize())
    );
    let mut text = format!("{header}\n");
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&trailer);
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

/// The server's exit status, waiting at most `secs`.
pub fn exit_within(server: &mut Server, secs: u64) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if let Some(status) = server.child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// A TCP connection to `addr` from the local address `from`: on Linux every
/// address of 127/8 is loopback, so 127.0.0.2 is another network than
/// 127.0.0.1 for the server's per-network limits.
pub fn connect_from(from: [u8; 4], addr: &str) -> std::io::Result<TcpStream> {
    let to: std::net::SocketAddr = addr.parse().expect("an address");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(std::net::SocketAddr::from((from, 0)))?;
        let stream = socket.connect(to).await?.into_std()?;
        stream.set_nonblocking(false)?;
        Ok(stream)
    })
}

/// The address of the onion listener, from the server's start-up lines.
pub fn onion_addr(server: &Server) -> String {
    let out = server.output_with("for the onion service");
    let i = out
        .find("for the onion service")
        .expect("no onion listener");
    let line = out[..i].rsplit("listening on http://").next().unwrap();
    line.split_whitespace().next().unwrap().to_string()
}

/// The PROXY protocol line Tor sends for onion circuit `circuit`
/// (`HiddenServiceExportCircuitID haproxy`).
pub fn tor_proxy_line(circuit: u32) -> String {
    format!(
        "PROXY TCP6 fc00:dead:beef:4dad::{:x}:{:x} ::1 {} 80\r\n",
        circuit >> 16,
        circuit & 0xffff,
        1024 + circuit % 60000
    )
}

// ---------------------------------------------------------------- sealed in a browser

/// The signer's part as a signer's browser seals it (static/sign.js does the
/// same with typage): the padded signer JSON, sealed to `recipients` (age1…
/// keys) with the age crate, as base64url. Returns the sealed bytes too.
pub fn seal_as_a_browser(
    recipients: &[&str],
    slug: &str,
    fields: &[(String, String)],
    public: bool,
) -> (String, Vec<u8>) {
    use std::io::Write as _;
    let mut form = undersign::record::SignForm::default();
    for (k, v) in fields {
        match k.as_str() {
            "first_name" => form.first_name.push_str(v),
            "last_name" => form.last_name.push_str(v),
            "affiliation" => form.affiliation.push_str(v),
            "email" => form.email.push_str(v),
            _ => {}
        }
    }
    form.consent = true;
    form.public = public;
    let required = undersign::record::Required {
        first_name: false,
        last_name: false,
        name: false,
        affiliation: false,
        email: false,
    };
    let signature = undersign::record::Signature::parse(&form, &required).expect("a valid signer");
    let part = signature.to_signer_json(slug).unwrap();
    let keys: Vec<age::x25519::Recipient> = recipients.iter().map(|r| r.parse().unwrap()).collect();
    let encryptor =
        age::Encryptor::with_recipients(keys.iter().map(|k| k as &dyn age::Recipient)).unwrap();
    let mut sealed = Vec::new();
    let mut w = encryptor.wrap_output(&mut sealed).unwrap();
    w.write_all(&part).unwrap();
    w.finish().unwrap();
    (data_encoding::BASE64URL_NOPAD.encode(&sealed), sealed)
}

/// A sealed form: the sealed part, consent, and nothing of the signer in the clear.
pub fn sealed_form(sealed: &str) -> Vec<(String, String)> {
    vec![
        ("sealed".into(), sealed.into()),
        ("consent".into(), "yes".into()),
        ("lang".into(), "en".into()),
    ]
}

/// Pulls the age files out of an export, without our code.
pub fn export_ciphertexts(path: &Path) -> Vec<Vec<u8>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            v["age"]
                .as_str()
                .map(|a| data_encoding::BASE64.decode(a.as_bytes()).unwrap())
        })
        .collect()
}

/// `clients` threads sign one after another through a fresh connection each,
/// until the server is gone (killed); returns each acknowledged signature's
/// email and receipt code.
pub fn sign_until_gone(addr: &str, clients: usize, tag: &str) -> Vec<(String, String)> {
    use std::sync::{Arc, Mutex};
    let acked = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (acked, addr, tag) = (acked.clone(), addr.to_string(), tag.to_string());
            std::thread::spawn(move || {
                for i in 0..100_000 {
                    let email = format!("{tag}-{c}-{i}@example.org");
                    let fields = signer("Kill", &format!("{c}-{i}"), "", &email);
                    let r = sign_json_at(&addr, &pairs(&fields));
                    match r.receipt() {
                        Some(code) => acked.lock().unwrap().push((email, code)),
                        None if r.status == 0 => return,
                        None => panic!("unexpected answer {}: {}", r.status, r.text()),
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    Arc::try_unwrap(acked).unwrap().into_inner().unwrap()
}

/// A process's resident memory from /proc, in KiB: now (`VmRSS`) and the
/// highest so far (`VmHWM`); `None` once it has gone.
pub fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
