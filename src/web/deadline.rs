//! The whole-request timeout (`request_timeout_seconds`), which stops counting
//! once the request has handed a write to the store.
//!
//! A signature or withdrawal handed to the committer is written whatever
//! happens to the request. Answering 408 after that would tell a signer it
//! failed while it was kept (so they sign again, or believe a withdrawal
//! failed). So the timeout bounds reading and checking a request, and the
//! wait for the disk runs to its answer: the store answers every write, or
//! fails, and then the server stops. The connection's own limits do not
//! cut that wait either: once a request is whole, its connection's clock is
//! answering, and no read limit applies ([`super::conn`]).

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::store::HANDED_OVER;

pub async fn limit(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    let handed_over = Arc::new(AtomicBool::new(false));
    // The handler runs inside this future, so the committer sees the flag.
    let mut answer = pin!(HANDED_OVER.scope(handed_over.clone(), next.run(request)));
    let mut deadline = pin!(tokio::time::sleep(timeout));
    std::future::poll_fn(|cx| {
        if let Poll::Ready(response) = answer.as_mut().poll(cx) {
            return Poll::Ready(response);
        }
        // Checked between polls of the handler, so never halfway through a hand-over.
        if handed_over.load(Ordering::SeqCst) {
            return Poll::Pending;
        }
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(StatusCode::REQUEST_TIMEOUT.into_response()),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}
