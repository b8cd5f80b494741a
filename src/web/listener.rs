//! The TCP listener with limits no request can exceed: a cap on open
//! connections, an idle timeout and a whole-connection lifetime, so slow
//! clients (slowloris) cannot hold the server's sockets.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep, sleep, sleep_until};

/// Accepts connections only while fewer than `max` are open.
pub struct Guarded {
    inner: TcpListener,
    slots: Arc<Semaphore>,
    idle: Duration,
    lifetime: Duration,
}

impl Guarded {
    pub fn new(inner: TcpListener, max: usize, idle: Duration, lifetime: Duration) -> Self {
        Guarded {
            inner,
            slots: Arc::new(Semaphore::new(max)),
            idle,
            lifetime,
        }
    }
}

impl Listener for Guarded {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Conn, SocketAddr) {
        // Waiting here leaves new connections in the kernel's backlog rather than
        // taking memory for them: the cap holds whatever arrives.
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let (stream, addr) = Listener::accept(&mut self.inner).await;
        let conn = Conn {
            stream,
            _slot: permit,
            idle: self.idle,
            idle_timer: Box::pin(sleep(self.idle)),
            end: Box::pin(sleep_until(Instant::now() + self.lifetime)),
            answered: false,
        };
        (conn, addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// The client's address, for the guard's hashed limits only. Never logged.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub SocketAddr);

impl Connected<IncomingStream<'_, Guarded>> for Peer {
    fn connect_info(stream: IncomingStream<'_, Guarded>) -> Self {
        Peer(*stream.remote_addr())
    }
}

/// One accepted connection; closes itself when idle too long or open too long.
pub struct Conn {
    stream: TcpStream,
    _slot: OwnedSemaphorePermit,
    idle: Duration,
    idle_timer: Pin<Box<Sleep>>,
    end: Pin<Box<Sleep>>,
    /// Once the server has answered, the request is in: the lifetime cap (against
    /// slowly sent requests) no longer applies, so long downloads can finish.
    answered: bool,
}

impl Conn {
    /// Err when a limit has passed; otherwise registers for the next wake-up.
    fn check_limits(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        let past_end = !self.answered && self.end.as_mut().poll(cx).is_ready();
        if past_end || self.idle_timer.as_mut().poll(cx).is_ready() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection limit reached",
            ));
        }
        Ok(())
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
            Poll::Pending => match self.check_limits(cx) {
                Ok(()) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
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
                self.answered = true;
                self.progressed();
                Poll::Ready(Ok(n))
            }
            Poll::Pending => match self.check_limits(cx) {
                Ok(()) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            },
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
