//! Accepting connections within caps: at most `max` open connections per
//! listener, and at most `per_network` of them from one network (or one
//! onion circuit), so one host cannot take every slot while others wait.
//! The slow parts of opening a connection (the TLS handshake, Tor's PROXY
//! header) run as tasks of their own with a time limit, so a silent client
//! never holds up accepting. Open connections keep to the limits of
//! [`Conn`].

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::serve::Listener;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use super::circuit;
use super::conn::{Conn, Stream, Timing};
use crate::guard::rate::AddrKey;

/// How long a client may take over the TLS handshake.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// Who is on the other end, for the guard's hashed limits only. Never logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// A TCP peer's address.
    Addr(SocketAddr),
    /// One onion-service circuit, numbered by the local Tor daemon (PROXY
    /// protocol): every onion visitor arrives from the daemon's one address.
    Circuit(u32),
}

/// The hashed network of a peer (`Guard::network`).
pub type NetworkKey = Arc<dyn Fn(&Peer) -> AddrKey + Send + Sync>;

/// What a connection must do before it speaks HTTP.
pub enum Front {
    /// Nothing: plain HTTP.
    Plain,
    /// A TLS handshake.
    Tls(TlsAcceptor),
    /// Tor's PROXY protocol header, which names the circuit.
    Circuit,
}

/// How many connections a listener keeps open.
pub struct Caps {
    pub max: usize,
    /// At most this many from one network; none: no per-network cap (a
    /// listener whose peer stands for many people, or limits off).
    pub per_network: Option<(usize, NetworkKey)>,
}

/// Accepts connections only while fewer than `max` are open (connections
/// still in their TLS handshake or PROXY header count too).
pub struct Guarded {
    inner: TcpListener,
    slots: Arc<Semaphore>,
    networks: Option<Arc<Networks>>,
    front: Front,
    timing: Timing,
    /// Openings (handshakes, headers) run as their own tasks, so a slow
    /// client never holds up accepting.
    opening: JoinSet<Option<Opened>>,
}

/// A connection ready for HTTP.
struct Opened {
    stream: Box<dyn Stream>,
    peer: Peer,
    slots: Slots,
}

/// A connection's places under its listener's caps; given back on drop.
pub struct Slots {
    _listener: OwnedSemaphorePermit,
    _network: Option<NetworkSlot>,
}

impl Guarded {
    pub fn new(inner: TcpListener, caps: Caps, timing: Timing, front: Front) -> Self {
        Guarded {
            inner,
            slots: Arc::new(Semaphore::new(caps.max)),
            networks: caps.per_network.map(|(cap, key)| {
                Arc::new(Networks {
                    cap,
                    key,
                    open: Mutex::new(HashMap::new()),
                })
            }),
            front,
            timing,
            opening: JoinSet::new(),
        }
    }

    /// The next connection ready for HTTP, and who it is from.
    pub async fn accept(&mut self) -> (Conn, Peer) {
        loop {
            let opened = match &self.front {
                Front::Plain => {
                    let (permit, stream, addr) = next_tcp(&mut self.inner, &self.slots).await;
                    let peer = Peer::Addr(addr);
                    take_network(&self.networks, &peer, permit).map(|slots| Opened {
                        stream: Box::new(stream),
                        peer,
                        slots,
                    })
                }
                Front::Tls(tls) => {
                    tokio::select! {
                        Some(done) = self.opening.join_next() => done.ok().flatten(),
                        (permit, stream, addr) = next_tcp(&mut self.inner, &self.slots) => {
                            // Counted before the handshake: a network over its
                            // cap costs no handshake and holds no slot.
                            let peer = Peer::Addr(addr);
                            if let Some(slots) = take_network(&self.networks, &peer, permit) {
                                let acceptor = tls.clone();
                                self.opening.spawn(async move {
                                    let stream = timeout(HANDSHAKE, acceptor.accept(stream)).await.ok()?.ok()?;
                                    Some(Opened { stream: Box::new(stream), peer, slots })
                                });
                            }
                            None
                        }
                    }
                }
                Front::Circuit => {
                    tokio::select! {
                        Some(done) = self.opening.join_next() => done.ok().flatten(),
                        (permit, stream, _) = next_tcp(&mut self.inner, &self.slots) => {
                            let networks = self.networks.clone();
                            self.opening.spawn(async move {
                                let (stream, circuit) = circuit::read(stream).await?;
                                let peer = Peer::Circuit(circuit);
                                let slots = take_network(&networks, &peer, permit)?;
                                Some(Opened { stream: Box::new(stream), peer, slots })
                            });
                            None
                        }
                    }
                }
            };
            // A connection refused above is dropped, so closed at once, and
            // its listener slot is free again.
            if let Some(o) = opened {
                return (Conn::new(o.stream, o.slots, self.timing), o.peer);
            }
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
    // axum's accept retries on errors (EMFILE: after a pause).
    let (stream, addr) = Listener::accept(inner).await;
    (permit, stream, addr)
}

/// The connection's slots, or None when its network already has its share.
fn take_network(
    networks: &Option<Arc<Networks>>,
    peer: &Peer,
    permit: OwnedSemaphorePermit,
) -> Option<Slots> {
    let network = match networks {
        Some(n) => Some(n.take(peer)?),
        None => None,
    };
    Some(Slots {
        _listener: permit,
        _network: network,
    })
}

/// Open connections per hashed network. Holds only the keys of open
/// connections, so it never grows past the listener's cap.
struct Networks {
    cap: usize,
    key: NetworkKey,
    open: Mutex<HashMap<AddrKey, usize>>,
}

impl Networks {
    fn take(self: &Arc<Self>, peer: &Peer) -> Option<NetworkSlot> {
        let key = (self.key)(peer);
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(key).or_insert(0);
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        Some(NetworkSlot {
            networks: self.clone(),
            key,
        })
    }
}

/// One open connection of a network.
struct NetworkSlot {
    networks: Arc<Networks>,
    key: AddrKey,
}

impl Drop for NetworkSlot {
    fn drop(&mut self) {
        let mut open = self.networks.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::rate::AddrHasher;

    fn networks(cap: usize) -> Arc<Networks> {
        let hasher = AddrHasher::new(0);
        Arc::new(Networks {
            cap,
            key: Arc::new(move |peer: &Peer| match peer {
                Peer::Addr(a) => hasher.key(a.ip(), 0),
                Peer::Circuit(c) => hasher.circuit_key(*c, 0),
            }),
            open: Mutex::new(HashMap::new()),
        })
    }

    fn addr(s: &str) -> Peer {
        Peer::Addr(s.parse().unwrap())
    }

    #[test]
    fn one_network_gets_its_share_and_no_more() {
        let n = networks(2);
        let a = n.take(&addr("192.0.2.1:1000")).unwrap();
        // Another port of the same host is the same network.
        let _b = n.take(&addr("192.0.2.1:2000")).unwrap();
        assert!(n.take(&addr("192.0.2.1:3000")).is_none());
        // Others are not touched; circuits count one by one.
        let _c = n.take(&addr("198.51.100.7:1000")).unwrap();
        let _d = n.take(&Peer::Circuit(1)).unwrap();
        let _e = n.take(&Peer::Circuit(1)).unwrap();
        assert!(n.take(&Peer::Circuit(1)).is_none());
        assert!(n.take(&Peer::Circuit(2)).is_some());
        // A closed connection gives its place back.
        drop(a);
        assert!(n.take(&addr("192.0.2.1:4000")).is_some());
    }

    #[test]
    fn closed_networks_leave_nothing_behind() {
        let n = networks(4);
        let slots: Vec<_> = (0..50u8)
            .map(|i| n.take(&addr(&format!("10.0.0.{i}:80"))).unwrap())
            .collect();
        assert_eq!(n.open.lock().unwrap().len(), 50);
        drop(slots);
        assert!(n.open.lock().unwrap().is_empty());
    }
}
