//! HTTP/1 on a guarded listener: hyper's connection with a bounded request
//! head, the hooks of each connection's request clock, a lifetime after
//! which a connection reads no new request, and graceful shutdown.
//!
//! This replaces `axum::serve`, which can bound neither the head (hyper's
//! default lets one connection buffer ~400 KiB) nor the time of each request
//! after the first.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::sync::watch;

use super::conn::{Clock, Conn};
use super::listener::{Guarded, Peer};

/// The largest request head (request line and headers): browsers send
/// about 1 KiB; hyper answers 431 past it.
pub const MAX_HEAD: usize = 8 * 1024;

/// Most headers in one request; hyper answers 431 past it.
pub const MAX_HEADERS: usize = 64;

/// Most bytes hyper buffers for one connection (its smallest allowed is 8 KiB).
const MAX_BUFFER: usize = 16 * 1024;

fn builder() -> http1::Builder {
    let mut b = http1::Builder::new();
    b.max_buf_size(MAX_BUFFER)
        .max_header_size(MAX_HEAD)
        .max_headers(MAX_HEADERS)
        // The connection's clock times every request from its first byte;
        // hyper's own timer would also count the idle time before it.
        .header_read_timeout(None);
    b
}

/// Serves `routes` until `until` completes, then stops accepting, lets
/// every connection finish the request it is answering, and returns when
/// all are closed. Connections end after `lifetime` the same way.
pub async fn serve(
    mut listener: Guarded,
    routes: Router,
    lifetime: Duration,
    until: impl Future<Output = ()>,
) {
    // Dropping `stop` tells every connection to finish; each connection
    // holds a clone of `held`, so `conns.closed()` returns once all are gone.
    let (stop, stopping) = watch::channel(());
    let (conns, held) = watch::channel(());
    let mut until = std::pin::pin!(until);
    loop {
        tokio::select! {
            (io, peer) = listener.accept() => {
                let connection = connection(io, peer, routes.clone(), lifetime, stopping.clone());
                let held = held.clone();
                tokio::spawn(async move {
                    connection.await;
                    drop(held);
                });
            }
            () = &mut until => break,
        }
    }
    drop(listener);
    drop(stop);
    drop(held);
    conns.closed().await;
}

async fn connection(
    io: Conn,
    peer: Peer,
    routes: Router,
    lifetime: Duration,
    mut stopping: watch::Receiver<()>,
) {
    let clock = io.clock();
    let service = hyper::service::service_fn(move |request| {
        answer(request, peer, routes.clone(), clock.clone())
    });
    let conn = builder().serve_connection(TokioIo::new(io), service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        () = tokio::time::sleep(lifetime) => {}
        _ = stopping.changed() => {}
    }
    // No new request; the one being answered finishes (with `Connection: close`).
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// One request through the router, with the clock told when it is whole
/// and when its answer is written.
async fn answer(
    request: Request<Incoming>,
    peer: Peer,
    mut routes: Router,
    clock: Arc<Clock>,
) -> Result<Response<Body>, Infallible> {
    let n = clock.request_started();
    let (mut parts, body) = request.into_parts();
    parts.extensions.insert(ConnectInfo(peer));
    let body = Body::new(Arriving {
        body,
        clock: clock.clone(),
        request: n,
    });
    let response =
        tower_service::Service::call(&mut routes, Request::from_parts(parts, body)).await?;
    clock.request_in(n);
    Ok(response.map(|body| {
        Body::new(Answering {
            body,
            clock,
            request: n,
        })
    }))
}

/// A request body that tells the clock when it has all arrived (or is
/// left unread).
struct Arriving {
    body: Incoming,
    clock: Arc<Clock>,
    request: u64,
}

impl http_body::Body for Arriving {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        if let Poll::Ready(None) = polled {
            self.clock.request_in(self.request);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Arriving {
    fn drop(&mut self) {
        self.clock.request_in(self.request);
    }
}

/// A response body that tells the clock when it is all written (or given up).
struct Answering {
    body: Body,
    clock: Arc<Clock>,
    request: u64,
}

impl http_body::Body for Answering {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        if let Poll::Ready(None) = polled {
            self.clock.answered(self.request);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.clock.answered(self.request);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::conn::Timing;
    use crate::web::listener::{Caps, Front};
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// An answer of ten chunks, 200 ms apart: it outlasts the lifetime below.
    async fn slow_answer() -> Body {
        let chunks = futures_util::stream::unfold(0u8, |i| async move {
            if i == 10 {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            Some((
                Ok::<_, Infallible>(Bytes::from_static(b"0123456789")),
                i + 1,
            ))
        });
        Body::from_stream(chunks)
    }

    #[tokio::test]
    async fn an_answer_in_progress_outlives_the_connection_lifetime() {
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let timing = Timing {
            request: Duration::from_secs(2),
            idle: Duration::from_secs(2),
        };
        let caps = Caps {
            max: 4,
            per_network: None,
        };
        let listener = Guarded::new(tcp, caps, timing, Front::Plain);
        let routes = Router::new().route("/slow", get(slow_answer));
        let lifetime = Duration::from_millis(500);
        let server = tokio::spawn(serve(listener, routes, lifetime, std::future::pending()));

        let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
        client
            .write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        // Every chunk arrives, then the server closes: no new request after the lifetime.
        tokio::time::timeout(Duration::from_secs(10), client.read_to_end(&mut answer))
            .await
            .expect("the connection was not closed after its lifetime")
            .unwrap();
        let text = String::from_utf8(answer).unwrap();
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        assert_eq!(text.matches("0123456789").count(), 10, "{text}");
        server.abort();
    }
}
