//! One open connection and its request clock: what keeps a slow client from
//! holding a connection slot, on the first request and on every one after it.
//!
//! - Between requests a connection may sit idle only briefly (`idle`).
//! - From a request's first byte, the whole request (head and body) must be
//!   in within `request`, or the connection is closed.
//! - While the server answers, a client that stops reading for `request`
//!   is cut; one that keeps reading may take as long as it needs (the
//!   organizers' export can be gigabytes).
//!
//! The socket (here) sees bytes; the HTTP layer (`web::http`) tells the
//! clock when a request is whole and when its answer is done, so the
//! deadline counts exactly the time a client takes to send.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep, sleep};

use super::listener::Slots;

/// A plain, TLS or PROXY-prefixed socket.
pub trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

/// The time limits of every connection on one listener.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// From a request's first byte to its last; and the longest a response
    /// may wait for the client to read.
    pub request: Duration,
    /// Before the first request, and between requests.
    pub idle: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for a request's first byte, since `since`.
    Idle { since: Instant },
    /// A request is arriving; it must be whole by `deadline`.
    Receiving { deadline: Instant },
    /// The request is in: the server is answering it.
    Answering,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// Number of the latest request, so that a late signal about an earlier
    /// one cannot stop the clock of the next.
    request: u64,
    /// The connection's waiting read: woken when the HTTP layer moves the
    /// clock, so the read takes up its new limit (hyper may not poll it again
    /// by itself after an answer, and its timer may still be set for later).
    reader: Option<Waker>,
}

/// Where a connection is in its request/answer cycle, shared by the socket
/// and the HTTP service of one connection.
#[derive(Debug)]
pub struct Clock {
    timing: Timing,
    state: Mutex<State>,
}

impl Clock {
    pub fn new(timing: Timing) -> Arc<Clock> {
        Arc::new(Clock {
            timing,
            state: Mutex::new(State {
                phase: Phase::Idle {
                    since: Instant::now(),
                },
                request: 0,
                reader: None,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle connection starts a request, with its deadline from now.
    fn start(&self, state: &mut State, now: Instant) {
        if let Phase::Idle { .. } = state.phase {
            state.phase = Phase::Receiving {
                deadline: now + self.timing.request,
            };
            state.request += 1;
        }
    }

    /// Bytes arrived at `now`. False when they came after the request's deadline.
    fn bytes_arrived(&self, now: Instant) -> bool {
        let mut state = self.lock();
        self.start(&mut state, now);
        !matches!(state.phase, Phase::Receiving { deadline } if now >= deadline)
    }

    /// The HTTP layer has a request's head (perhaps read together with the
    /// previous request): the number of that request.
    pub fn request_started(&self) -> u64 {
        let mut state = self.lock();
        self.start(&mut state, Instant::now());
        state.request
    }

    /// Request `n` is whole: its body ended or was left unread.
    pub fn request_in(&self, n: u64) {
        let mut state = self.lock();
        if state.request == n && matches!(state.phase, Phase::Receiving { .. }) {
            state.phase = Phase::Answering;
        }
    }

    /// Request `n`'s answer is written (or given up): the connection idles.
    pub fn answered(&self, n: u64) {
        let mut state = self.lock();
        if state.request == n && !matches!(state.phase, Phase::Idle { .. }) {
            state.phase = Phase::Idle {
                since: Instant::now(),
            };
            let reader = state.reader.take();
            drop(state);
            if let Some(reader) = reader {
                reader.wake();
            }
        }
    }

    /// When a read that waits (to be woken by `waker`) must give up; none
    /// while the server answers (hyper only watches for a hang-up then).
    fn read_limit(&self, waker: &Waker) -> Option<Instant> {
        let mut state = self.lock();
        if !state.reader.as_ref().is_some_and(|w| w.will_wake(waker)) {
            state.reader = Some(waker.clone());
        }
        match state.phase {
            Phase::Idle { since } => Some(since + self.timing.idle),
            Phase::Receiving { deadline } => Some(deadline),
            Phase::Answering => None,
        }
    }
}

/// One timer, re-armed only when its deadline moves.
struct Limit {
    timer: Pin<Box<Sleep>>,
    at: Instant,
}

impl Limit {
    fn new() -> Limit {
        let at = Instant::now();
        Limit {
            timer: Box::pin(sleep(Duration::ZERO)),
            at,
        }
    }

    /// Ready once `at` has passed; otherwise the task wakes then.
    fn poll(&mut self, at: Instant, cx: &mut Context<'_>) -> Poll<()> {
        if at != self.at {
            self.at = at;
            self.timer.as_mut().reset(at);
        }
        self.timer.as_mut().poll(cx)
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection limit reached")
}

/// One accepted connection: closes itself when a limit of its clock passes.
pub struct Conn {
    stream: Box<dyn Stream>,
    clock: Arc<Clock>,
    /// Its place under the listener's caps, given back when it closes.
    _slots: Slots,
    read_limit: Limit,
    write_limit: Limit,
    /// Last time bytes moved either way.
    progress: Instant,
}

impl Conn {
    pub fn new(stream: Box<dyn Stream>, slots: Slots, timing: Timing) -> Conn {
        Conn {
            stream,
            clock: Clock::new(timing),
            _slots: slots,
            read_limit: Limit::new(),
            write_limit: Limit::new(),
            progress: Instant::now(),
        }
    }

    pub fn clock(&self) -> Arc<Clock> {
        self.clock.clone()
    }

    /// A write waits: Pending, unless the client has not read for too long.
    fn write_pending<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let at = self.progress + self.clock.timing.request;
        match self.write_limit.poll(at, cx) {
            Poll::Ready(()) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() > before => {
                let now = Instant::now();
                self.progress = now;
                if self.clock.bytes_arrived(now) {
                    Poll::Ready(Ok(()))
                } else {
                    Poll::Ready(Err(timed_out()))
                }
            }
            Poll::Pending => match self.clock.read_limit(cx.waker()) {
                None => Poll::Pending,
                Some(at) => match self.read_limit.poll(at, cx) {
                    Poll::Ready(()) => Poll::Ready(Err(timed_out())),
                    Poll::Pending => Poll::Pending,
                },
            },
            other => other,
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write(cx, data) {
            Poll::Ready(Ok(n)) => {
                self.progress = Instant::now();
                Poll::Ready(Ok(n))
            }
            Poll::Pending => self.write_pending(cx),
            other => other,
        }
    }

    // A TLS stream can wait in flush or shutdown (a client that stops
    // reading): the limit holds there too, or the connection would outlive it.
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.stream).poll_flush(cx) {
            Poll::Pending => self.write_pending(cx),
            done => done,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.stream).poll_shutdown(cx) {
            Poll::Pending => self.write_pending(cx),
            done => done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    #[derive(Default)]
    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    const TIMING: Timing = Timing {
        request: Duration::from_secs(10),
        idle: Duration::from_secs(2),
    };

    #[tokio::test(start_paused = true)]
    async fn each_request_gets_its_own_deadline_from_its_first_byte() {
        let clock = Clock::new(TIMING);
        let start = Instant::now();
        assert_eq!(clock.read_limit(Waker::noop()), Some(start + TIMING.idle));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(clock.bytes_arrived(Instant::now()));
        let deadline = start + Duration::from_secs(11);
        assert_eq!(clock.read_limit(Waker::noop()), Some(deadline));
        // More bytes do not move the deadline; the head's arrival keeps it.
        tokio::time::advance(Duration::from_secs(5)).await;
        assert!(clock.bytes_arrived(Instant::now()));
        let first = clock.request_started();
        assert_eq!(clock.read_limit(Waker::noop()), Some(deadline));
        clock.request_in(first);
        assert_eq!(
            clock.read_limit(Waker::noop()),
            None,
            "no read limit while answering"
        );
        tokio::time::advance(Duration::from_secs(30)).await;
        clock.answered(first);
        let idle = Instant::now();
        assert_eq!(clock.read_limit(Waker::noop()), Some(idle + TIMING.idle));
        // The next request starts its own deadline; late bytes are refused.
        assert!(clock.bytes_arrived(idle));
        assert_eq!(clock.request_started(), first + 1);
        assert!(!clock.bytes_arrived(idle + TIMING.request));
    }

    #[tokio::test(start_paused = true)]
    async fn the_end_of_an_answer_wakes_the_waiting_read_for_its_idle_limit() {
        let clock = Clock::new(TIMING);
        let n = clock.request_started();
        clock.request_in(n);
        let woken = Arc::new(Count::default());
        let waker = Waker::from(woken.clone());
        assert_eq!(clock.read_limit(&waker), None);
        clock.answered(n);
        assert_eq!(woken.0.load(Ordering::Relaxed), 1);
        assert_eq!(clock.read_limit(&waker), Some(Instant::now() + TIMING.idle));
    }

    #[tokio::test(start_paused = true)]
    async fn late_signals_about_an_earlier_request_change_nothing() {
        let clock = Clock::new(TIMING);
        let first = clock.request_started();
        clock.request_in(first);
        clock.answered(first);
        let second = clock.request_started();
        let deadline = clock.read_limit(Waker::noop());
        clock.request_in(first);
        clock.answered(first);
        assert_eq!(clock.read_limit(Waker::noop()), deadline);
        clock.request_in(second);
        assert_eq!(clock.read_limit(Waker::noop()), None);
    }
}
