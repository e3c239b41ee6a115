//! Protection against slow and idle clients at the connection level.
//!
//! Poem serves each connection with hyper but configures no header read
//! timeout and no limit on connections, so a few hundred clients that open a
//! connection and send nothing (or a header a byte at a time) would hold
//! sockets and tasks for ever. [`GuardedAcceptor`] wraps the TCP listener:
//!
//! - at most [`ConnectionLimits::max_connections`] connections are served
//!   at once; further ones wait in the kernel's accept queue until one
//!   closes;
//! - a request's header (everything up to the blank line) must arrive
//!   within [`ConnectionLimits::header_read_timeout`] of its first byte (or,
//!   for the first request, of the connection being accepted); otherwise
//!   the connection is closed.
//!
//! The body read timeout is applied per request (see
//! [`crate::middleware::body_limit`]), and idle keep-alive connections are
//! closed by poem's idle timeout ([`ConnectionLimits::idle_timeout`]).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use poem::http::uri::Scheme;
use poem::listener::{Acceptor, TcpAcceptor};
use poem::web::{LocalAddr, RemoteAddr};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// How the server treats slow and idle clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections served at once.
    pub max_connections: usize,
    /// How long a client may take to send a request's header.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a request's body (the JSON API).
    pub body_read_timeout: Duration,
    /// A connection on which nothing is sent or received for this long is
    /// closed.
    pub idle_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// A TCP acceptor that limits connections and times out slow headers.
pub struct GuardedAcceptor {
    inner: TcpAcceptor,
    permits: Arc<Semaphore>,
    header_read_timeout: Duration,
}

impl std::fmt::Debug for GuardedAcceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedAcceptor")
            .field("free_slots", &self.permits.available_permits())
            .field("header_read_timeout", &self.header_read_timeout)
            .finish_non_exhaustive()
    }
}

impl GuardedAcceptor {
    /// Wraps `inner` with `limits`.
    pub fn new(inner: TcpAcceptor, limits: &ConnectionLimits) -> Self {
        Self {
            inner,
            permits: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            header_read_timeout: limits.header_read_timeout,
        }
    }
}

impl Acceptor for GuardedAcceptor {
    type Io = GuardedStream;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(&mut self) -> io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        // Wait for a free slot before taking the next connection off the
        // queue: excess clients wait in the backlog instead of being served
        // half-way.
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(io::Error::other)?;
        let (stream, local, remote, scheme) = self.inner.accept().await?;
        Ok((
            GuardedStream::new(stream, permit, self.header_read_timeout),
            local,
            remote,
            scheme,
        ))
    }
}

/// Where a connection is in its request cycle, as seen from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Reading a request's header: the deadline runs.
    Header,
    /// The header is in; the request is being read or answered.
    Request,
    /// The answer went out; no byte of the next request yet.
    Between,
    /// HTTP/2 (which has its own framing): not watched.
    Unwatched,
}

/// The end of a request header.
const HEADER_END: &[u8; 4] = b"\r\n\r\n";
/// The HTTP/2 connection preface starts so.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0";

/// A connection holding its slot, closed with `TimedOut` when a header
/// takes too long.
pub struct GuardedStream {
    inner: TcpStream,
    _permit: OwnedSemaphorePermit,
    header_read_timeout: Duration,
    phase: Phase,
    deadline: Pin<Box<Sleep>>,
    /// How many bytes of [`HEADER_END`] the last bytes read matched.
    matched: usize,
    /// Bytes read so far on the connection, up to the preface length.
    seen: usize,
}

impl std::fmt::Debug for GuardedStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedStream")
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}

impl GuardedStream {
    fn new(inner: TcpStream, permit: OwnedSemaphorePermit, header_read_timeout: Duration) -> Self {
        Self {
            inner,
            _permit: permit,
            header_read_timeout,
            phase: Phase::Header,
            deadline: Box::pin(tokio::time::sleep(header_read_timeout)),
            matched: 0,
            seen: 0,
        }
    }

    /// Follows the request cycle through the bytes just read.
    fn read_bytes(&mut self, bytes: &[u8]) {
        if self.seen < H2_PREFACE.len() {
            let start = self.seen;
            let take = (H2_PREFACE.len() - start).min(bytes.len());
            if bytes[..take] == H2_PREFACE[start..start + take] {
                self.seen += take;
                if self.seen == H2_PREFACE.len() {
                    self.phase = Phase::Unwatched;
                }
            } else {
                self.seen = H2_PREFACE.len();
            }
        }
        for &byte in bytes {
            match self.phase {
                Phase::Unwatched | Phase::Request => return,
                Phase::Between => {
                    self.phase = Phase::Header;
                    self.matched = 0;
                    let deadline = Instant::now() + self.header_read_timeout;
                    self.deadline.as_mut().reset(deadline);
                }
                Phase::Header => {}
            }
            self.matched = if byte == HEADER_END[self.matched] {
                self.matched + 1
            } else if byte == b'\r' {
                1
            } else {
                0
            };
            if self.matched == HEADER_END.len() {
                self.phase = Phase::Request;
            }
        }
    }

    /// Follows the request cycle through bytes written.
    fn wrote_bytes(&mut self, bytes: &[u8]) {
        // An interim `100 Continue` comes before the body, not after the
        // answer.
        if self.phase == Phase::Request && !bytes.is_empty() && !bytes.starts_with(b"HTTP/1.1 1") {
            self.phase = Phase::Between;
        }
    }
}

impl AsyncRead for GuardedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.phase == Phase::Header && this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the request header did not arrive in time",
            )));
        }
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            let filled = buf.filled()[before..].to_vec();
            this.read_bytes(&filled);
        }
        result
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(written)) = result {
            this.wrote_bytes(&buf[..written]);
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(written)) = result
            && written > 0
        {
            let first = bufs.iter().find(|b| !b.is_empty()).map_or(&[][..], |b| b);
            this.wrote_bytes(&first[..first.len().min(written)]);
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
