//! Client connections: which ones the server holds and for how long. Owns the accept loop (TCP
//! options, the cap on open connections and what gives way at it, backing off when the process
//! runs out of file descriptors), the idle timeout (a wrapper around each accepted stream that
//! notes when its peer last sent a byte), and the count of calls in flight on each connection.
//!
//! HTTP/2 keepalive pings are hyper's (set in `server`). A ping's ACK is a read, so a live
//! client stays active while it waits on a slow call, and hyper drops a peer that stops
//! answering. A peer that never completes the HTTP/2 preface gets no pings at all: the idle
//! timeout here is what closes it, counted from its acceptance however it trickles bytes.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::StreamExt;
use futures::task::AtomicWaker;
use http_body::{Body, Frame};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};
use tonic::transport::server::{Connected, TcpConnectInfo, TcpIncoming};

use crate::config::ServerConfig;
use crate::error::{Error, Result};

/// Length of the HTTP/2 client preface: a peer that has sent fewer bytes never spoke HTTP/2.
const PREFACE_LEN: u64 = 24;
/// File descriptors kept for everything but client connections (the store, logs, libraries,
/// the metrics endpoint); one more per call in flight is added for model-server connections.
const FD_RESERVE: u64 = 64;
/// Fewer connections than this is no server: start-up says so.
const MIN_CONNECTIONS: u64 = 16;
/// Pause after an accept error (out of file descriptors, memory), rather than spinning on it.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// Warnings about the cap or accept errors come at most this often.
const WARN_EVERY_MS: u64 = 10_000;

/// What the connection layer was configured with, after the open-files limit is applied.
#[derive(Debug, Clone)]
pub struct Settings {
    pub idle_timeout: Duration,
    pub tcp_keepalive: Option<Duration>,
    pub max_connections: usize,
}

impl Settings {
    pub fn from_config(c: &ServerConfig) -> Result<Settings> {
        let reserve = FD_RESERVE + c.max_concurrent_requests as u64;
        let limit = open_files_limit();
        let max_connections = connection_cap(c.max_connections, reserve, limit)?;
        tracing::info!(
            max_connections,
            open_files_limit = limit,
            idle_timeout_secs = c.connection_idle_timeout_secs,
            "client connections"
        );
        Ok(Settings {
            idle_timeout: Duration::from_secs_f64(c.connection_idle_timeout_secs),
            tcp_keepalive: (c.tcp_keepalive_secs > 0.0)
                .then(|| Duration::from_secs_f64(c.tcp_keepalive_secs)),
            max_connections,
        })
    }
}

/// `max_connections`, lowered so that connections leave `reserve` of the open-files limit.
fn connection_cap(max_connections: usize, reserve: u64, open_files: Option<u64>) -> Result<usize> {
    let Some(limit) = open_files else {
        return Ok(max_connections);
    };
    let room = limit.saturating_sub(reserve);
    if room < MIN_CONNECTIONS {
        return Err(Error::Config(format!(
            "the open-files limit ({limit}) leaves room for {room} client connections once \
             {reserve} are kept for the store, logs and model calls (64 + \
             server.max_concurrent_requests); raise it (ulimit -n, systemd LimitNOFILE=) or lower \
             server.max_concurrent_requests"
        )));
    }
    Ok(max_connections.min(usize::try_from(room).unwrap_or(usize::MAX)))
}

/// The soft RLIMIT_NOFILE; None when unlimited or unknown.
#[cfg(unix)]
fn open_files_limit() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct we pass, which lives across the call.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    // rlim_t is u64 on Linux, not on every Unix.
    #[allow(clippy::unnecessary_cast)]
    let soft = lim.rlim_cur as u64;
    (rc == 0 && lim.rlim_cur != libc::RLIM_INFINITY).then_some(soft)
}

#[cfg(not(unix))]
fn open_files_limit() -> Option<u64> {
    None
}

/// Every open client connection, for the cap and for shutdown.
pub struct Registry {
    epoch: Instant,
    idle: Duration,
    max: usize,
    /// Every registered socket still held, closing ones included, so that the cap bounds
    /// descriptors, not just connections in use.
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    /// Signalled when a socket is let go.
    freed: tokio::sync::Notify,
    next_id: AtomicU64,
    /// Connections closed to make room, and refused, since start.
    evicted: AtomicU64,
    refused: AtomicU64,
    /// When the last warning was logged (ms since `epoch`, plus one; 0: never).
    warned_at: AtomicU64,
}

/// One connection's state, shared by its stream wrapper, the registry and its calls.
struct Conn {
    id: u64,
    peer: Option<SocketAddr>,
    /// Milliseconds since the registry's epoch.
    accepted: u64,
    last_read: AtomicU64,
    bytes_read: AtomicU64,
    calls: AtomicUsize,
    closing: AtomicBool,
    waker: AtomicWaker,
}

impl Conn {
    fn spoke_http2(&self) -> bool {
        self.bytes_read.load(Ordering::Relaxed) >= PREFACE_LEN
    }

    /// Where its silence is counted from: its last read once it spoke HTTP/2, its acceptance
    /// before (so that trickling the preface a byte at a time does not keep it).
    fn silent_since(&self) -> u64 {
        if self.spoke_http2() {
            self.last_read.load(Ordering::Relaxed)
        } else {
            self.accepted
        }
    }

    fn read(&self, n: usize, now: u64) {
        self.last_read.store(now, Ordering::Relaxed);
        self.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Makes its next read or write fail, which ends hyper's connection and drops the socket.
    fn close(&self) {
        self.closing.store(true, Ordering::Release);
        self.waker.wake();
    }

    fn is_closing(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }
}

/// Whether the next accepted connection can be kept.
#[derive(Debug, PartialEq, Eq)]
enum Room {
    Yes,
    /// At the cap with a call in flight on every connection: the next one is refused.
    No,
}

impl Registry {
    pub fn new(settings: &Settings) -> Arc<Registry> {
        Arc::new(Registry {
            epoch: Instant::now(),
            idle: settings.idle_timeout,
            max: settings.max_connections.max(1),
            conns: Mutex::new(HashMap::new()),
            freed: tokio::sync::Notify::new(),
            next_id: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            warned_at: AtomicU64::new(0),
        })
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    fn conns(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        // The map stays consistent whatever panicked while holding it.
        self.conns.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sockets held now.
    #[cfg(test)]
    fn open(&self) -> usize {
        self.conns().len()
    }

    /// For a connection just accepted: waits until it can be kept within the cap. At the cap,
    /// the connection with no call in flight that has been silent longest is closed, preferring
    /// one that never spoke HTTP/2 (so silent sockets give way before idle clients), and its
    /// socket is awaited; one at a time, so that the sockets held (the waiting one included)
    /// never pass the cap by more than one.
    async fn make_room(&self) -> Room {
        loop {
            let freed = self.freed.notified();
            {
                let conns = self.conns();
                if conns.len() < self.max {
                    return Room::Yes;
                }
                if !conns.values().any(|c| c.is_closing()) {
                    let Some(v) = victim(&conns) else {
                        return Room::No;
                    };
                    v.close();
                    let n = self.evicted.fetch_add(1, Ordering::Relaxed) + 1;
                    tracing::debug!(peer = ?v.peer, "closing the connection silent longest to make room");
                    self.warn(|| {
                        tracing::warn!(
                            max_connections = self.max,
                            closed_so_far = n,
                            "connection cap reached: closing the connections silent longest"
                        )
                    });
                }
            }
            // A closed connection lets go of its socket when its task next runs.
            let _ = tokio::time::timeout(ACCEPT_BACKOFF, freed).await;
        }
    }

    fn register(&self, peer: Option<SocketAddr>) -> Arc<Conn> {
        let now = self.now_ms();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            id,
            peer,
            accepted: now,
            last_read: AtomicU64::new(now),
            bytes_read: AtomicU64::new(0),
            calls: AtomicUsize::new(0),
            closing: AtomicBool::new(false),
            waker: AtomicWaker::new(),
        });
        self.conns().insert(id, conn.clone());
        conn
    }

    fn refuse(&self) {
        let n = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        self.warn(|| {
            tracing::warn!(
                max_connections = self.max,
                refused_so_far = n,
                "connection cap reached and every connection has a call in flight: refusing new ones"
            )
        });
    }

    /// At shutdown: closes the connections that never spoke HTTP/2. hyper's graceful shutdown
    /// waits for a connection's handshake, which a silent socket never finishes.
    pub fn close_unspoken(&self) {
        let mut closed = 0;
        for c in self.conns().values().filter(|c| !c.spoke_http2()) {
            c.close();
            closed += 1;
        }
        if closed > 0 {
            tracing::info!(closed, "closed connections that never spoke HTTP/2");
        }
    }

    fn remove(&self, id: u64) {
        self.conns().remove(&id);
        self.freed.notify_one();
    }

    /// Runs `log` unless a warning was logged in the last `WARN_EVERY_MS`.
    fn warn(&self, log: impl FnOnce()) {
        let now = self.now_ms();
        let last = self.warned_at.load(Ordering::Relaxed);
        if last == 0 || now + 1 >= last + WARN_EVERY_MS {
            self.warned_at.store(now + 1, Ordering::Relaxed);
            log();
        }
    }

    /// After a failed accept. Errors about the one connection (reset, aborted) need nothing;
    /// any other (EMFILE, ENFILE, ENOMEM) leaves the connection queued and the listener ready,
    /// so accepting again at once would spin: free a descriptor and pause instead.
    async fn accept_failed(&self, e: io::Error) {
        use io::ErrorKind::*;
        if matches!(
            e.kind(),
            ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
        ) {
            tracing::debug!(error = %e, "accept failed");
            return;
        }
        let victim = victim(&self.conns());
        let freed = victim.inspect(|v| v.close()).is_some();
        self.warn(
            || tracing::warn!(error = %e, closed_one = freed, "cannot accept connections; pausing"),
        );
        tokio::time::sleep(ACCEPT_BACKOFF).await;
    }
}

/// The connection that should give way: not closing already, no call in flight; one that
/// never spoke HTTP/2 before one that did; silent longest.
fn victim(conns: &HashMap<u64, Arc<Conn>>) -> Option<Arc<Conn>> {
    conns
        .values()
        .filter(|c| !c.is_closing() && c.calls.load(Ordering::Relaxed) == 0)
        .min_by_key(|c| (c.spoke_http2(), c.silent_since(), c.id))
        .cloned()
}

/// Connections the kernel may queue before they are accepted. Rust's default (128) overflows in
/// a burst of connects, and a connect whose SYN is dropped waits a second or more to retry;
/// the kernel caps this at `net.core.somaxconn`.
const LISTEN_BACKLOG: u32 = 4096;

/// Binds the gRPC listener (SO_REUSEADDR, as `TcpListener::bind` sets it) with a deep backlog.
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// A client connection's bytes: plain TCP, or TLS over it.
pub enum Transport {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

impl Transport {
    fn tcp(&self) -> &TcpStream {
        match self {
            Transport::Plain(s) => s,
            Transport::Tls(s) => s.get_ref().0,
        }
    }
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Transport::Plain(s) => s.is_write_vectored(),
            Transport::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_flush(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Accepted connections, each registered and wrapped; refused ones are closed on the spot.
/// With TLS, each handshake runs on a task of its own (a slow client must not hold up the
/// accepts), counted in the cap from its acceptance and bounded by the handshake timeout.
pub fn incoming(
    listener: TcpListener,
    registry: Arc<Registry>,
    tcp_keepalive: Option<Duration>,
    tls: Option<Arc<super::tls::Tls>>,
) -> futures::stream::BoxStream<'static, io::Result<Tracked<Transport>>> {
    // Without TCP_NODELAY, small gRPC frames wait on delayed ACKs: ~40 ms per call on loopback.
    let tcp = TcpIncoming::from(listener)
        .with_nodelay(Some(true))
        .with_keepalive(tcp_keepalive);
    let Some(tls) = tls else {
        return futures::stream::unfold((tcp, registry), |(mut tcp, registry)| async move {
            loop {
                match tcp.next().await? {
                    // Room is made once a connection waits for it, never ahead: at the cap, idle
                    // clients keep their connections until someone needs one.
                    Ok(stream) => match registry.make_room().await {
                        Room::Yes => {
                            let conn = registry.register(stream.peer_addr().ok());
                            let tracked =
                                Tracked::new(Transport::Plain(stream), conn, registry.clone());
                            return Some((Ok(tracked), (tcp, registry)));
                        }
                        // Dropping it closes it: the client sees its connection closed at once.
                        Room::No => registry.refuse(),
                    },
                    Err(e) => registry.accept_failed(e).await,
                }
            }
        })
        .boxed();
    };
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        let mut tcp = tcp;
        loop {
            // The server dropped the stream (shutdown): stop accepting.
            let next = tokio::select! {
                _ = tx.closed() => return,
                next = tcp.next() => next,
            };
            let stream = match next {
                None => return,
                Some(Ok(stream)) => stream,
                Some(Err(e)) => {
                    registry.accept_failed(e).await;
                    continue;
                }
            };
            if registry.make_room().await == Room::No {
                registry.refuse();
                continue;
            }
            let conn = registry.register(stream.peer_addr().ok());
            let (tx, registry, acceptor) = (tx.clone(), registry.clone(), tls.acceptor());
            let limit = tls.handshake_timeout;
            tokio::spawn(async move {
                match handshake(acceptor, stream, &conn, limit).await {
                    Ok(s) => {
                        let tracked = Tracked::new(Transport::Tls(Box::new(s)), conn, registry);
                        // Dropped (and let go) when the server no longer takes connections.
                        let _ = tx.send(Ok(tracked)).await;
                    }
                    Err(e) => {
                        tracing::debug!(peer = ?conn.peer, error = %e, "TLS handshake failed");
                        registry.remove(conn.id);
                    }
                }
            });
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx).boxed()
}

/// The TLS handshake of a registered connection, ended early when the registry closes it
/// (to make room, or at shutdown) or when it takes longer than `limit`.
async fn handshake(
    acceptor: tokio_rustls::TlsAcceptor,
    stream: TcpStream,
    conn: &Conn,
    limit: Duration,
) -> io::Result<tokio_rustls::server::TlsStream<TcpStream>> {
    let closed = std::future::poll_fn(|cx| {
        conn.waker.register(cx.waker());
        if conn.is_closing() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    });
    tokio::select! {
        r = tokio::time::timeout(limit, acceptor.accept(stream)) => {
            r.map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out"))?
        }
        _ = closed => Err(io::Error::new(io::ErrorKind::ConnectionAborted, "closed by the server")),
    }
}

/// An accepted stream that notes its peer's activity and closes itself when the peer has been
/// silent for the idle timeout, or when the registry closes it.
pub struct Tracked<IO> {
    io: IO,
    conn: Arc<Conn>,
    registry: Arc<Registry>,
    timer: Pin<Box<Sleep>>,
}

impl<IO> Tracked<IO> {
    fn new(io: IO, conn: Arc<Conn>, registry: Arc<Registry>) -> Tracked<IO> {
        let deadline = registry.epoch + Duration::from_millis(conn.accepted) + registry.idle;
        Tracked {
            io,
            conn,
            registry,
            timer: Box::pin(tokio::time::sleep_until(deadline)),
        }
    }

    /// The error to end the connection with once the registry has closed it.
    fn closed(&self, cx: &Context<'_>) -> Option<io::Error> {
        self.conn.waker.register(cx.waker());
        self.conn
            .closing
            .load(Ordering::Acquire)
            .then(|| io::Error::new(io::ErrorKind::ConnectionAborted, "closed by the server"))
    }

    /// Ready with an error when the peer has been silent for the idle timeout.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        loop {
            ready!(self.timer.as_mut().poll(cx));
            let since = Duration::from_millis(self.conn.silent_since());
            let deadline = self.registry.epoch + since + self.registry.idle;
            if Instant::now() >= deadline {
                tracing::debug!(peer = ?self.conn.peer, spoke_http2 = self.conn.spoke_http2(), "closing an idle connection");
                return Poll::Ready(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "connection idle past connection_idle_timeout_secs",
                ));
            }
            self.timer.as_mut().reset(deadline);
        }
    }
}

impl<IO> Drop for Tracked<IO> {
    fn drop(&mut self) {
        self.registry.remove(self.conn.id);
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Tracked<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(e) = this.closed(cx) {
            return Poll::Ready(Err(e));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let n = buf.filled().len() - before;
                if n > 0 {
                    this.conn.read(n, this.registry.now_ms());
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.poll_idle(cx).map(Err),
        }
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Tracked<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(e) = this.closed(cx) {
            return Poll::Ready(Err(e));
        }
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            // A peer that neither reads nor writes is idle too.
            Poll::Pending => this.poll_idle(cx).map(Err),
            done => done,
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(e) = this.closed(cx) {
            return Poll::Ready(Err(e));
        }
        match Pin::new(&mut this.io).poll_write_vectored(cx, bufs) {
            Poll::Pending => this.poll_idle(cx).map(Err),
            done => done,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// What tonic puts in each request's extensions for a tracked TCP connection.
#[derive(Clone)]
pub struct ConnInfo {
    tcp: TcpConnectInfo,
    conn: Arc<Conn>,
}

impl Connected for Tracked<Transport> {
    type ConnectInfo = ConnInfo;

    fn connect_info(&self) -> ConnInfo {
        ConnInfo {
            tcp: self.io.tcp().connect_info(),
            conn: self.conn.clone(),
        }
    }
}

/// Counts each call on its connection from its request until its response body is dropped,
/// so that a connection with a call in flight is never closed to make room.
#[derive(Clone, Copy, Default)]
pub struct TrackCallsLayer;

impl<S> tower::Layer<S> for TrackCallsLayer {
    type Service = TrackCalls<S>;
    fn layer(&self, inner: S) -> TrackCalls<S> {
        TrackCalls(inner)
    }
}

#[derive(Clone)]
pub struct TrackCalls<S>(S);

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B, RB> tower::Service<http::Request<B>> for TrackCalls<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<CallBody<RB>>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, mut req: http::Request<B>) -> Self::Future {
        let info = req.extensions().get::<ConnInfo>().cloned();
        let call = info.map(|info| {
            // tonic's `Request::remote_addr` looks for this.
            req.extensions_mut().insert(info.tcp);
            Call::start(info.conn)
        });
        let fut = self.0.call(req);
        Box::pin(async move {
            let res = fut.await?;
            Ok(res.map(|inner| CallBody { inner, _call: call }))
        })
    }
}

/// One call in flight on its connection.
struct Call(Arc<Conn>);

impl Call {
    fn start(conn: Arc<Conn>) -> Call {
        conn.calls.fetch_add(1, Ordering::Relaxed);
        Call(conn)
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.0.calls.fetch_sub(1, Ordering::Relaxed);
    }
}

pin_project_lite::pin_project! {
    /// A response body that keeps its call counted until it is dropped.
    pub struct CallBody<B> {
        #[pin]
        inner: B,
        _call: Option<Call>,
    }
}

impl<B: Body> Body for CallBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        self.project().inner.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
    use tokio::task::JoinHandle;
    use tower::{Layer, Service};

    use super::*;

    const IDLE: Duration = Duration::from_secs(10);
    const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    fn registry(max: usize) -> Arc<Registry> {
        Registry::new(&Settings {
            idle_timeout: IDLE,
            tcp_keepalive: None,
            max_connections: max,
        })
    }

    /// The server end of an in-memory connection, tracked and read the way hyper reads it,
    /// until it fails: the task gives when (since it was accepted) and how.
    fn serve(registry: &Arc<Registry>) -> (DuplexStream, JoinHandle<(Duration, io::ErrorKind)>) {
        let (client, server) = tokio::io::duplex(1024);
        let conn = registry.register(None);
        let mut tracked = Tracked::new(server, conn, registry.clone());
        let accepted = Instant::now();
        let task = tokio::spawn(async move {
            let mut buf = [0u8; 64];
            loop {
                match tracked.read(&mut buf).await {
                    Ok(0) => return (accepted.elapsed(), io::ErrorKind::UnexpectedEof),
                    Ok(_) => {}
                    Err(e) => return (accepted.elapsed(), e.kind()),
                }
            }
        });
        (client, task)
    }

    fn about(t: Duration, secs: u64) -> bool {
        t >= Duration::from_secs(secs) && t < Duration::from_secs(secs) + Duration::from_millis(50)
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_connection_is_closed_after_the_idle_timeout() {
        let reg = registry(8);
        let (_client, task) = serve(&reg);
        assert_eq!(reg.open(), 1);
        let (t, kind) = task.await.unwrap();
        assert_eq!(kind, io::ErrorKind::TimedOut);
        assert!(about(t, 10), "{t:?}");
        // Dropping the stream takes it out of the registry.
        assert_eq!(reg.open(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn silence_is_counted_from_the_last_byte_once_the_peer_spoke_http2() {
        let reg = registry(8);
        let (mut client, task) = serve(&reg);
        client.write_all(PREFACE).await.unwrap();
        // A byte every 4 s (a ping's ACK, say) keeps it for longer than the timeout ...
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_secs(4)).await;
            client.write_all(b"x").await.unwrap();
        }
        assert!(!task.is_finished());
        // ... and it closes 10 s after the last one.
        let (t, kind) = task.await.unwrap();
        assert_eq!(kind, io::ErrorKind::TimedOut);
        assert!(about(t, 30), "{t:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn trickling_the_preface_does_not_keep_a_connection() {
        let reg = registry(8);
        let (mut client, task) = serve(&reg);
        let trickle = tokio::spawn(async move {
            for &b in PREFACE.iter() {
                if client.write_all(&[b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(3)).await;
            }
        });
        let (t, kind) = task.await.unwrap();
        assert_eq!(kind, io::ErrorKind::TimedOut);
        assert!(about(t, 10), "{t:?}");
        trickle.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_peer_that_neither_reads_nor_writes_is_closed_while_a_write_waits() {
        let reg = registry(8);
        let (client, server) = tokio::io::duplex(64);
        let conn = reg.register(None);
        let mut tracked = Tracked::new(server, conn, reg.clone());
        let accepted = Instant::now();
        let err = loop {
            if let Err(e) = tracked.write_all(&[0u8; 256]).await {
                break e;
            }
        };
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(about(accepted.elapsed(), 10), "{:?}", accepted.elapsed());
        drop(client);
    }

    #[tokio::test(start_paused = true)]
    async fn at_shutdown_connections_that_never_spoke_http2_are_closed_at_once() {
        let reg = registry(8);
        let (_silent, silent_task) = serve(&reg);
        let (mut talker, talker_task) = serve(&reg);
        talker.write_all(PREFACE).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1)).await;
        reg.close_unspoken();
        let (t, kind) = silent_task.await.unwrap();
        assert_eq!(kind, io::ErrorKind::ConnectionAborted);
        assert_eq!(t, Duration::from_millis(1));
        assert_eq!(reg.open(), 1);
        assert!(!talker_task.is_finished());
        drop(talker);
        assert_eq!(talker_task.await.unwrap().1, io::ErrorKind::UnexpectedEof);
    }

    /// What `make_room` settles on within a second: None while it waits for a socket.
    async fn room(reg: &Registry) -> Option<Room> {
        tokio::time::timeout(Duration::from_secs(1), reg.make_room())
            .await
            .ok()
    }

    #[tokio::test(start_paused = true)]
    async fn at_the_cap_the_silent_longest_without_calls_gives_way() {
        let reg = registry(3);
        let second = Duration::from_secs(1);
        let closing = |c: &Arc<Conn>| c.is_closing();
        // a: talks HTTP/2, with a call in flight.
        let a = reg.register(None);
        a.read(24, reg.now_ms());
        let _a_call = Call::start(a.clone());
        tokio::time::advance(second).await;
        // b: talked HTTP/2 at 1 s, then went quiet.
        let b = reg.register(None);
        b.read(24, reg.now_ms());
        tokio::time::advance(second).await;
        // c: accepted at 2 s, never said anything.
        let c = reg.register(None);
        tokio::time::advance(second).await;

        // The silent socket goes first, though b has been quiet longer; and no other goes
        // while its socket is still held.
        assert_eq!(room(&reg).await, None);
        assert!(closing(&c) && !closing(&a) && !closing(&b));
        reg.remove(c.id);
        assert_eq!(room(&reg).await, Some(Room::Yes));
        let d = reg.register(None);
        d.read(24, reg.now_ms());
        tokio::time::advance(second).await;

        // Then the client quiet longest; never one with a call in flight.
        assert_eq!(room(&reg).await, None);
        assert!(closing(&b) && !closing(&a) && !closing(&d));
        reg.remove(b.id);
        assert_eq!(room(&reg).await, Some(Room::Yes));
        let e = reg.register(None);

        // Every connection busy: the next one is refused, until a call ends.
        let d_call = Call::start(d.clone());
        let e_call = Call::start(e.clone());
        assert_eq!(room(&reg).await, Some(Room::No));
        drop(e_call);
        assert_eq!(room(&reg).await, None);
        assert!(closing(&e) && !closing(&d));
        assert_eq!(reg.evicted.load(Ordering::Relaxed), 3);
        drop(d_call);
    }

    #[tokio::test]
    async fn calls_are_counted_until_their_response_body_is_dropped() {
        let reg = registry(8);
        let conn = reg.register(None);
        let peer: SocketAddr = "127.0.0.1:4242".parse().unwrap();
        let mut svc =
            TrackCallsLayer.layer(tower::service_fn(|req: http::Request<()>| async move {
                // tonic's `Request::remote_addr` still finds the peer.
                let tcp = req.extensions().get::<TcpConnectInfo>().cloned();
                Ok::<_, Infallible>(http::Response::new(format!(
                    "{:?}",
                    tcp.and_then(|t| t.remote_addr)
                )))
            }));
        let mut req = http::Request::new(());
        req.extensions_mut().insert(ConnInfo {
            tcp: TcpConnectInfo {
                local_addr: None,
                remote_addr: Some(peer),
            },
            conn: conn.clone(),
        });
        let resp = svc.call(req).await.unwrap();
        assert_eq!(resp.body().inner, "Some(127.0.0.1:4242)");
        assert_eq!(conn.calls.load(Ordering::Relaxed), 1);
        drop(resp);
        assert_eq!(conn.calls.load(Ordering::Relaxed), 0);
        // A request from elsewhere (no connection info) passes untouched.
        let resp = svc.call(http::Request::new(())).await.unwrap();
        assert_eq!(resp.body().inner, "None");
    }

    #[test]
    fn the_cap_leaves_room_under_the_open_files_limit() {
        assert_eq!(connection_cap(4096, 128, Some(1024)).unwrap(), 896);
        assert_eq!(connection_cap(100, 128, Some(1024)).unwrap(), 100);
        assert_eq!(connection_cap(4096, 128, None).unwrap(), 4096);
        let e = connection_cap(4096, 128, Some(140))
            .unwrap_err()
            .to_string();
        assert!(e.contains("140") && e.contains("ulimit"), "{e}");
    }
}
