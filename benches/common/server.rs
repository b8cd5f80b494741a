//! The server the benches drive: the release `undersign serve`, started with
//! the example petition and every limit off, watched from outside (its
//! resident memory and CPU time from `/proc`, its data folder's size).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The release binary cargo built for the bench.
pub const EXE: &str = env!("CARGO_BIN_EXE_undersign");

/// Makes an organizer key with the real binary; returns its recipient line.
pub fn keygen(dir: &Path, name: &str) -> String {
    let out = Command::new(EXE)
        .arg("keygen")
        .arg("-o")
        .arg(dir.join(name))
        .output()
        .expect("running `undersign keygen`");
    assert!(
        out.status.success(),
        "`undersign keygen` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // keygen prints the public recipient as its last stdout line.
    String::from_utf8(out.stdout)
        .expect("keygen output is UTF-8")
        .lines()
        .last()
        .expect("keygen printed a recipient")
        .trim()
        .to_string()
}

/// A line the server printed, forwarded by a reader thread.
enum ServerLine {
    Out(String),
    Err(String),
}

/// A running `undersign serve`. Dropping it (also while unwinding from a panic)
/// kills the process, so no server outlives the bench.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// From the spawn to its `listening on` line.
    pub started_in: Duration,
    lines: mpsc::Receiver<ServerLine>,
}

impl Server {
    /// `tail` is appended to the config after `[limits] enabled = false`:
    /// more `[limits]` lines first, then any other table.
    pub fn start(data: &Path, recipients: &Path, tail: &str) -> Server {
        // The example petition with every limit off: a load test from one address
        // would otherwise meet the per-address and no-JavaScript budgets at once.
        // Proof-of-work answers that are sent are still verified with limits off.
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/petition.toml");
        let text = std::fs::read_to_string(&example).expect("reading the example petition");
        let config = data.with_extension("toml");
        std::fs::write(
            &config,
            format!("{text}\n[limits]\nenabled = false\n{tail}"),
        )
        .expect("writing the bench config");
        let recipients = recipients
            .canonicalize()
            .expect("the recipients file exists");
        let spawned = Instant::now();
        let mut child = Command::new(EXE)
            .arg("serve")
            .arg("--config")
            .arg(&config)
            .args(["--listen", "127.0.0.1:0"])
            .arg("--data")
            .arg(data)
            .arg("--recipients")
            .arg(recipients)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting `undersign serve`");
        let stdout = child.stdout.take().expect("server stdout is piped");
        let stderr = child.stderr.take().expect("server stderr is piped");
        let (tx, lines) = mpsc::channel();
        // Both pipes are drained for the server's whole life: a full pipe would
        // block the server's next print. Storage errors (stderr) are shown as
        // they happen, since they are the interesting event under load.
        let out_tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = out_tx.send(ServerLine::Out(line));
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("bench: server stderr: {line}");
                let _ = tx.send(ServerLine::Err(line));
            }
        });
        // Owned from here on, so a failed start below still kills the process.
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            started_in: Duration::ZERO,
            lines,
        };
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match server.lines.recv_timeout(left) {
                Ok(ServerLine::Out(line)) => {
                    if let Some(rest) = line.split("listening on http://").nth(1) {
                        server.started_in = spawned.elapsed();
                        server.addr = rest
                            .trim()
                            .parse()
                            .expect("the server printed a socket address");
                        return server;
                    }
                }
                Ok(ServerLine::Err(_)) => {}
                Err(_) => panic!("the server did not print `listening on http://…` within 300 s"),
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now and at its highest, in bytes.
    pub fn memory(&self) -> Memory {
        Memory::of(self.pid())
    }

    /// CPU time the server has used so far (user and system, all threads).
    pub fn cpu(&self) -> Duration {
        cpu_of(self.pid())
    }

    /// Stops the server as an operator would (SIGTERM: finish in-flight requests
    /// and the last batch) and says how it went.
    pub fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        let signalled = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success());
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if signalled && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => break None,
            }
        };
        let Some(status) = status else {
            // Drop kills it.
            return "did not stop within 60 s of SIGTERM; killed".into();
        };
        // The reader threads end at EOF, which follows the exit.
        std::thread::sleep(Duration::from_millis(50));
        // Everything printed after `listening on` is still queued here.
        let mut clean = false;
        let mut stderr_lines = 0;
        for line in self.lines.try_iter() {
            match line {
                ServerLine::Out(s) => {
                    clean |= s.contains("every acknowledged signature is on disk")
                }
                ServerLine::Err(s) => stderr_lines += usize::from(!s.trim().is_empty()),
            }
        }
        let exit = match (status.success(), clean) {
            (true, true) => "stopped cleanly on SIGTERM".to_string(),
            (true, false) => "exited 0 without its `stopped` line".to_string(),
            (false, _) => format!("exited with {status}"),
        };
        format!("{exit}; {stderr_lines} line(s) on stderr")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A process's resident memory, from `/proc/PID/status`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    /// `VmRSS`, bytes.
    pub now: u64,
    /// `VmHWM`: the highest resident size so far, bytes.
    pub peak: u64,
}

impl Memory {
    pub fn of(pid: u32) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
                * 1024
        };
        Memory {
            now: field("VmRSS:"),
            peak: field("VmHWM:"),
        }
    }
}

/// User + system CPU time of a process, from fields 14-15 of `/proc/PID/stat`
/// (clock ticks of 1/100 s).
pub fn cpu_of(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // `after` starts at field 3 (state), so field k is at index k - 3.
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Bytes a folder takes on disk (allocated blocks, so holes do not count).
pub fn disk_usage(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => disk_usage(&e.path()),
            Ok(m) => m.blocks() * 512,
            Err(_) => 0,
        })
        .sum()
}

/// Runs a command to its end, sampling its resident memory every 20 ms;
/// returns its output, the wall time and the highest `VmHWM` seen.
pub fn run_watched(cmd: &mut Command) -> (std::process::Output, Duration, u64) {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting undersign");
    let pid = child.id();
    let (stop, stopped) = mpsc::channel::<()>();
    let watcher = std::thread::spawn(move || {
        let mut peak = 0;
        loop {
            peak = peak.max(Memory::of(pid).peak);
            if stopped.recv_timeout(Duration::from_millis(20)).is_ok() {
                return peak;
            }
        }
    });
    // Read both pipes to the end (they are small), then reap.
    let out = {
        let mut stdout = child.stdout.take().expect("piped");
        let mut stderr = child.stderr.take().expect("piped");
        let err = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = std::io::Read::read_to_end(&mut stderr, &mut v);
            v
        });
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut v);
        let status = child.wait().expect("waiting for undersign");
        std::process::Output {
            status,
            stdout: v,
            stderr: err.join().unwrap_or_default(),
        }
    };
    let wall = started.elapsed();
    let _ = stop.send(());
    let peak = watcher.join().unwrap_or(0);
    (out, wall, peak)
}
