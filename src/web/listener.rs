//! The TCP listener with limits no request can exceed: a cap on open
//! connections, an idle timeout and a whole-connection lifetime, so slow
//! clients (slowloris) cannot hold the server's sockets. With TLS on, the
//! handshake happens here too, so HTTPS gets the very same limits.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::middleware::Next;
use axum::response::Response;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep, sleep, sleep_until, timeout};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client may take over the TLS handshake.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// Accepts connections only while fewer than `max` are open (TLS handshakes
/// in progress count too).
pub struct Guarded {
    inner: TcpListener,
    slots: Arc<Semaphore>,
    idle: Duration,
    lifetime: Duration,
    tls: Option<TlsAcceptor>,
    /// Handshakes run as their own tasks, so a slow client never holds up accepting.
    handshakes: JoinSet<Option<(TlsStream<TcpStream>, SocketAddr, OwnedSemaphorePermit)>>,
}

impl Guarded {
    pub fn new(
        inner: TcpListener,
        max: usize,
        idle: Duration,
        lifetime: Duration,
        tls: Option<TlsAcceptor>,
    ) -> Self {
        Guarded {
            inner,
            slots: Arc::new(Semaphore::new(max)),
            idle,
            lifetime,
            tls,
            handshakes: JoinSet::new(),
        }
    }

    fn conn(&self, stream: Box<dyn Stream>, slot: OwnedSemaphorePermit) -> Conn {
        Conn {
            stream,
            _slot: slot,
            idle: self.idle,
            idle_timer: Box::pin(sleep(self.idle)),
            end: Box::pin(sleep_until(Instant::now() + self.lifetime)),
            answered: false,
            busy: Busy::default(),
        }
    }
}

/// Waits for a free slot, then for a connection. Waiting for the slot first
/// leaves new connections in the kernel's backlog rather than taking memory
/// for them: the cap holds whatever arrives.
async fn next_tcp(
    inner: &mut TcpListener,
    slots: &Arc<Semaphore>,
) -> (OwnedSemaphorePermit, TcpStream, SocketAddr) {
    let permit = slots
        .clone()
        .acquire_owned()
        .await
        .expect("the semaphore is never closed");
    let (stream, addr) = Listener::accept(inner).await;
    (permit, stream, addr)
}

impl Listener for Guarded {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Conn, SocketAddr) {
        loop {
            let Some(tls) = &self.tls else {
                let (permit, stream, addr) = next_tcp(&mut self.inner, &self.slots).await;
                return (self.conn(Box::new(stream), permit), addr);
            };
            tokio::select! {
                Some(done) = self.handshakes.join_next() => {
                    // A failed or timed-out handshake just closes its socket.
                    if let Ok(Some((stream, addr, permit))) = done {
                        return (self.conn(Box::new(stream), permit), addr);
                    }
                }
                (permit, stream, addr) = next_tcp(&mut self.inner, &self.slots) => {
                    let acceptor = tls.clone();
                    self.handshakes.spawn(async move {
                        let stream = timeout(HANDSHAKE, acceptor.accept(stream)).await.ok()?.ok()?;
                        Some((stream, addr, permit))
                    });
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A plain or TLS socket.
trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

/// Who is on the other end, for the guard's hashed limits only. Never logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// A TCP peer's address.
    Addr(SocketAddr),
    /// One onion-service circuit, numbered by the local Tor daemon (PROXY
    /// protocol): every onion visitor arrives from the daemon's one address.
    Circuit(u32),
}

impl Connected<IncomingStream<'_, Guarded>> for Peer {
    fn connect_info(stream: IncomingStream<'_, Guarded>) -> Self {
        Peer::Addr(*stream.remote_addr())
    }
}

/// Marks a connection's silence as the server's own: while held, the
/// connection waits for an answer the server owes (a write handed to the
/// store), so the idle and lifetime limits, which bound the client, pause.
#[derive(Clone, Debug, Default)]
pub struct Busy(Arc<AtomicUsize>);

impl Busy {
    /// Pauses the limits until the guard is dropped.
    pub fn hold(&self) -> Held {
        self.0.fetch_add(1, Ordering::SeqCst);
        Held(self.0.clone())
    }

    fn held(&self) -> bool {
        self.0.load(Ordering::SeqCst) > 0
    }
}

/// See [`Busy::hold`].
#[derive(Debug)]
pub struct Held(Arc<AtomicUsize>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What each request learns of its connection: who is on the other end,
/// and the connection's [`Busy`] handle.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub peer: Peer,
    pub busy: Busy,
}

/// Middleware: hands a request's [`Accepted`] on as `ConnectInfo<Peer>`,
/// which handlers extract, and [`Busy`], which the request timeout holds.
pub async fn accepted(mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(Accepted { peer, busy })) =
        request.extensions_mut().remove::<ConnectInfo<Accepted>>()
    {
        request.extensions_mut().insert(ConnectInfo(peer));
        request.extensions_mut().insert(busy);
    }
    next.run(request).await
}

impl Connected<IncomingStream<'_, Guarded>> for Accepted {
    fn connect_info(stream: IncomingStream<'_, Guarded>) -> Self {
        let busy = stream.io().busy.clone();
        Accepted {
            peer: Peer::connect_info(stream),
            busy,
        }
    }
}

/// One accepted connection; closes itself when idle too long or open too long.
pub struct Conn {
    stream: Box<dyn Stream>,
    _slot: OwnedSemaphorePermit,
    idle: Duration,
    idle_timer: Pin<Box<Sleep>>,
    end: Pin<Box<Sleep>>,
    /// Once the server has answered, the request is in: the lifetime cap (against
    /// slowly sent requests) no longer applies, so long downloads can finish.
    answered: bool,
    busy: Busy,
}

impl Conn {
    /// Err when a limit has passed; otherwise registers for the next wake-up.
    fn check_limits(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        // The answer comes when the server has it (the task it awaits wakes us).
        if self.busy.held() {
            return Ok(());
        }
        let past_end = !self.answered && self.end.as_mut().poll(cx).is_ready();
        if past_end || self.idle_timer.as_mut().poll(cx).is_ready() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection limit reached",
            ));
        }
        Ok(())
    }

    /// The inner stream is waiting: Pending, unless a limit has passed.
    fn limit_pending<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        match self.check_limits(cx) {
            Ok(()) => Poll::Pending,
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn progressed(&mut self) {
        let next = Instant::now() + self.idle;
        self.idle_timer.as_mut().reset(next);
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
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.progressed();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => self.limit_pending(cx),
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
                self.answered = true;
                self.progressed();
                Poll::Ready(Ok(n))
            }
            Poll::Pending => self.limit_pending(cx),
            other => other,
        }
    }

    // A TLS stream can wait in flush or shutdown (a client that stops
    // reading): the limits hold there too, or the connection would outlive them.
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.stream).poll_flush(cx) {
            Poll::Pending => self.limit_pending(cx),
            done => done,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.stream).poll_shutdown(cx) {
            Poll::Pending => self.limit_pending(cx),
            done => done,
        }
    }
}
