//! Which onion circuit a connection belongs to, from the PROXY protocol
//! header Tor sends with `HiddenServiceExportCircuitID haproxy`, so that
//! every limit on the onion listener counts each circuit on its own instead
//! of all onion visitors as the one Tor daemon.
//!
//! Tor writes one PROXY protocol v1 line before any byte of the visitor's,
//! such as `PROXY TCP6 fc00:dead:beef:4dad::1:2 ::1 65535 8081\r\n`; the low
//! 32 bits of the source address are the circuit id. Only that shape is
//! accepted: a connection that starts otherwise is not Tor's and is closed.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::TcpStream;

/// The longest v1 header the protocol allows, `\r\n` included.
pub const MAX_HEADER: usize = 107;

/// How long the header may take: Tor sends it at once, with the connection.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// The first 96 bits of every source address Tor writes (fc00:dead:beef:4dad::/96).
const TOR_PREFIX: [u16; 6] = [0xfc00, 0xdead, 0xbeef, 0x4dad, 0, 0];

/// The circuit id in one whole header line (`\r\n` included), or None for
/// anything that is not the line Tor sends.
pub fn circuit_of(line: &[u8]) -> Option<u32> {
    if line.len() > MAX_HEADER || !line.ends_with(b"\r\n") {
        return None;
    }
    let header = ppp::v1::Header::try_from(line).ok()?;
    if header.header.len() != line.len() {
        return None;
    }
    let ppp::v1::Addresses::Tcp6(addresses) = header.addresses else {
        return None;
    };
    let s = addresses.source_address.segments();
    (s[..6] == TOR_PREFIX).then(|| (u32::from(s[6]) << 16) | u32::from(s[7]))
}

/// Reads the header line, at most [`MAX_HEADER`] bytes within
/// [`HEADER_TIMEOUT`], and returns the stream (bytes the client sent after
/// the header wait in its small buffer) with the circuit id.
pub async fn read(stream: TcpStream) -> Option<(BufReader<TcpStream>, u32)> {
    // Reads past the header's end stay in this buffer for the HTTP parser;
    // larger reads bypass it, so it costs 107 bytes a connection.
    let mut reader = BufReader::with_capacity(MAX_HEADER, stream);
    let mut line = Vec::with_capacity(MAX_HEADER);
    let mut bounded = (&mut reader).take(MAX_HEADER as u64);
    tokio::time::timeout(HEADER_TIMEOUT, bounded.read_until(b'\n', &mut line))
        .await
        .ok()?
        .ok()?;
    let circuit = circuit_of(&line)?;
    Some((reader, circuit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tor_line(circuit: u32, port: u16) -> String {
        format!(
            "PROXY TCP6 fc00:dead:beef:4dad::{:x}:{:x} ::1 {port} 8081\r\n",
            circuit >> 16,
            circuit & 0xffff
        )
    }

    #[test]
    fn tor_lines_give_their_circuit() {
        assert_eq!(
            circuit_of(b"PROXY TCP6 fc00:dead:beef:4dad::1:2 ::1 65535 8081\r\n"),
            Some(0x0001_0002)
        );
        assert_eq!(
            circuit_of(b"PROXY TCP6 fc00:dead:beef:4dad::ffff:ffff ::1 1 80\r\n"),
            Some(u32::MAX)
        );
        assert_eq!(
            circuit_of(b"PROXY TCP6 fc00:dead:beef:4dad:: ::1 1 80\r\n"),
            Some(0)
        );
    }

    #[test]
    fn anything_but_tors_line_is_refused() {
        for line in [
            &b""[..],
            b"GET / HTTP/1.1\r\n",
            b"PROXY TCP6 fc00:dead:beef:4dad::1:2 ::1 65535 8081\n",
            b"PROXY TCP6 fc00:dead:beef:4dad::1:2 ::1 65535 8081",
            b"PROXY TCP6 fc00:dead:beef:4dad::1:2 ::1 65535 8081\r\nGET",
            b"PROXY TCP4 127.0.0.1 127.0.0.1 1 80\r\n",
            b"PROXY UNKNOWN\r\n",
            b"PROXY TCP6 2001:db8::1:2 ::1 1 80\r\n",
            b"PROXY TCP6 fc00:dead:beef:4dad:0:1:1:2 ::1 1 80\r\n",
            b"PROXY TCP6 fc00:dead:beef:4dad::1:2 ::1 99999 80\r\n",
            b"PROXY  TCP6 fc00:dead:beef:4dad::1:2 ::1 1 80\r\n",
            b"proxy TCP6 fc00:dead:beef:4dad::1:2 ::1 1 80\r\n",
            b"PROXY TCP6 fc00:dead:beef:4dad::1:2 ::1 1 80\xff\r\n",
            b"\r\n\r\n\0\r\nQUIT\n",
        ] {
            assert_eq!(circuit_of(line), None, "{}", String::from_utf8_lossy(line));
        }
        let long = format!(
            "PROXY TCP6 fc00:dead:beef:4dad::1:2 ::1 1 80{}\r\n",
            " ".repeat(80)
        );
        assert_eq!(circuit_of(long.as_bytes()), None);
    }

    proptest! {
        #[test]
        fn every_circuit_and_port_round_trips(circuit: u32, port: u16) {
            prop_assert_eq!(circuit_of(tor_line(circuit, port).as_bytes()), Some(circuit));
        }

        #[test]
        fn no_input_panics_or_passes_without_tors_prefix(bytes in proptest::collection::vec(any::<u8>(), 0..140)) {
            if let Some(_circuit) = circuit_of(&bytes) {
                prop_assert!(bytes.starts_with(b"PROXY TCP6 "));
                prop_assert!(bytes.len() <= MAX_HEADER);
            }
        }

        #[test]
        fn mangled_tor_lines_never_panic(circuit: u32, cut in 0usize..60, byte: u8) {
            let mut line = tor_line(circuit, 443).into_bytes();
            let at = cut.min(line.len() - 1);
            line[at] = byte;
            let _ = circuit_of(&line);
            line.truncate(at);
            prop_assert_eq!(circuit_of(&line), None);
        }
    }

    #[tokio::test]
    async fn the_header_is_read_and_the_request_after_it_is_kept() {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            let mut sent = tor_line(7, 1234).into_bytes();
            sent.extend_from_slice(b"GET / HTTP/1.1\r\n\r\n");
            s.write_all(&sent).await.unwrap();
            s
        });
        let (stream, _) = listener.accept().await.unwrap();
        let _client = client.await.unwrap();
        let (mut reader, circuit) = read(stream).await.unwrap();
        assert_eq!(circuit, 7);
        let mut rest = [0u8; 18];
        reader.read_exact(&mut rest).await.unwrap();
        assert_eq!(&rest, b"GET / HTTP/1.1\r\n\r\n");
    }

    #[tokio::test]
    async fn a_line_that_never_ends_is_refused_after_107_bytes() {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(&[b'P'; 4096]).await.unwrap();
            s
        });
        let (stream, _) = listener.accept().await.unwrap();
        let _client = client.await.unwrap();
        assert!(read(stream).await.is_none());
    }
}
