//! Why the server stops: a signal (a clean stop), a failed write, or the
//! retention deadline. The first one to happen starts the graceful shutdown
//! (in-flight requests finish, the committer answers its queue), and decides
//! how the process ends: exit 0, or one clear line and a non-zero exit.

use std::io;

use super::App;
use crate::retention::{self, Verdict};

pub enum Reason {
    /// SIGINT or SIGTERM.
    Signal,
    /// A write failed: the store refuses every later one.
    Storage(String),
    /// Signatures are kept past the retention deadline, with `retention = "refuse"`.
    Retention(String),
}

impl Reason {
    /// What `serve` returns once everything has stopped.
    pub fn into_result(self) -> io::Result<()> {
        match self {
            Reason::Signal => {
                println!("undersign: stopped; every acknowledged signature is on disk");
                Ok(())
            }
            Reason::Storage(why) => Err(io::Error::other(format!(
                "{why}; stopped so that no later signature is acknowledged over a lost write"
            ))),
            Reason::Retention(message) => Err(io::Error::other(format!("{message}; stopped"))),
        }
    }
}

/// Returns the first reason to stop.
pub async fn wait(app: &App) -> Reason {
    tokio::select! {
        () = signal() => Reason::Signal,
        why = app.store.failed() => Reason::Storage(why),
        message = overdue(app) => Reason::Retention(message),
    }
}

async fn signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("installing the SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    println!("undersign: shutting down");
}

/// Checks the retention rule just past its deadline, every day, and at
/// once after a reload (which may set or move the deadline); a warning is
/// printed each time, a refusal ends the wait.
async fn overdue(app: &App) -> String {
    loop {
        let next = retention::next_check(&app.petition(), time::OffsetDateTime::now_utc());
        tokio::select! {
            () = tokio::time::sleep(next) => {}
            () = app.reloaded.notified() => {}
        }
        let now = time::OffsetDateTime::now_utc();
        match retention::check(&app.petition(), app.store.count(), now) {
            Verdict::Within => {}
            Verdict::Warn(message) => println!("undersign: warning: {message}"),
            Verdict::Refuse(message) => return message,
        }
    }
}
