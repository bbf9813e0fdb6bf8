//! The checker's side of the connection: a strict, sometimes hostile peer. It connects until the
//! server accepts, writes one byte per segment, resets on purpose, and never waits without a deadline.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use socket2::SockRef;

use super::program::Program;
use crate::tr;

/// How long a program may take to start listening or to connect: a Python program starts in
/// tens of milliseconds, a JVM in one or two seconds and in several on a busy laptop (one slow
/// start failed `06.server.header` once). A correct program costs only its own start: the wait
/// ends at its first accept, or when it ends.
pub const START: Duration = Duration::from_secs(10);

/// How long a reply or a step may take: a correct program answers within milliseconds.
pub const STEP: Duration = Duration::from_secs(3);

/// The pause between two bytes written one per segment, or two parts of a cut frame: long
/// enough that each arrives alone and a blocked `recv` wakes up for it, even on a busy machine,
/// so a `recv` that expects a whole message gets one byte.
pub const GAP: Duration = Duration::from_millis(5);

/// The checker's end of a connection. Dropped, it closes as a careful peer does: with a FIN
/// while the program still has its side open, with a reset (SO_LINGER 0) once the program has
/// closed first. Whoever closes first keeps the connection in TIME_WAIT for a minute: a FIN of
/// ours after the server's would leave the server's port there, and a server written as the
/// material writes it (no SO_REUSEADDR) could not bind that port again for the next check.
///
/// A connection the checker accepted (it plays the server, on the port the student's own server
/// will use next) closes with a FIN after the program's, as the page's server does, and leaves
/// no TIME_WAIT then; where the check closes first (a server that leaves without a reply), the
/// peer address goes into `first_closes`, for [`retire`] to clear that TIME_WAIT at the end.
pub struct Connection {
    sock: TcpStream,
    /// Close with a FIN whoever closed first: `03.server.restart` is about TIME_WAIT itself.
    plain: bool,
    /// For an accepted connection: where to note a close of ours that came first, and the
    /// client's address (asked at once: a closed socket no longer knows it).
    first_closes: Option<(FirstCloses, SocketAddr)>,
    /// Our FIN went out (a shutdown) while the program's side was still open.
    fin_first: bool,
}

/// The peers of accepted connections the checker closed first.
pub type FirstCloses = std::sync::Arc<std::sync::Mutex<Vec<SocketAddr>>>;

impl Connection {
    /// A connection to the program's server.
    pub fn new(sock: TcpStream) -> Connection {
        Connection { sock, plain: false, first_closes: None, fin_first: false }
    }

    /// A connection from the program's client, accepted on the checker's listener.
    pub fn accepted(sock: TcpStream, first_closes: FirstCloses) -> Connection {
        let first_closes = sock.peer_addr().ok().map(|peer| (first_closes, peer));
        Connection { sock, plain: false, first_closes, fin_first: false }
    }

    /// A second handle on the same connection, for a reader thread; it closes as this one does.
    pub fn try_clone(&self) -> io::Result<Connection> {
        Ok(Connection {
            sock: self.sock.try_clone()?,
            plain: self.plain,
            first_closes: self.first_closes.clone(),
            fin_first: self.fin_first,
        })
    }

    /// `shutdown`, noting whether our FIN came first.
    pub fn shutdown(&mut self, how: std::net::Shutdown) -> io::Result<()> {
        if how != std::net::Shutdown::Read && !self.fin_first {
            self.fin_first = !self.peer_closed();
        }
        self.sock.shutdown(how)
    }

    /// Close now with a FIN, even after the program's close: its side stays in TIME_WAIT.
    pub fn close_plain(mut self) {
        self.plain = true;
    }

    /// Has the program closed its side (a read would return 0, or fail)?
    fn peer_closed(&self) -> bool {
        if self.sock.set_nonblocking(true).is_err() {
            return true;
        }
        let mut byte = [0u8; 1];
        let closed = match self.sock.peek(&mut byte) {
            Ok(n) => n == 0,
            Err(e) => e.kind() != ErrorKind::WouldBlock,
        };
        let _ = self.sock.set_nonblocking(false);
        closed
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.plain {
            return;
        }
        let closed = self.peer_closed();
        match &self.first_closes {
            // Unread bytes make any close a reset already; the server's close makes ours one.
            None if closed => {
                let _ = SockRef::from(&self.sock).set_linger(Some(Duration::ZERO));
            }
            None => {}
            // A FIN after the client's: no TIME_WAIT on our side.
            Some(_) if closed && !self.fin_first => {}
            Some((first, peer)) => {
                if let Ok(mut first) = first.lock() {
                    first.push(*peer);
                }
            }
        }
    }
}

/// Clear the TIME_WAIT our first closes left on `listener`'s port: connect again from each
/// client address of those connections. The OS takes a new SYN for the same pair of addresses
/// in place of the TIME_WAIT (Linux, macOS; Windows rebinds over TIME_WAIT anyway); that new
/// connection then ends with a reset on both sides, which leaves nothing behind.
pub fn retire(listener: &TcpListener, peers: &[SocketAddr]) {
    let Ok(addr) = listener.local_addr() else {
        return;
    };
    if peers.is_empty() || listener.set_nonblocking(true).is_err() {
        return;
    }
    for &peer in peers {
        // The client's end of that pair may still be closing (a busy machine runs the last
        // segments late): until it is gone, the address cannot be bound. Try again a while.
        let end = Instant::now() + RETIRE;
        let ours = loop {
            match connect_from(addr, peer) {
                Ok(sock) => break Some(sock),
                Err(_) if Instant::now() < end => thread::sleep(Duration::from_millis(20)),
                Err(_) => break None,
            }
        };
        let Some(ours) = ours else {
            continue;
        };
        let end = Instant::now() + RETIRE;
        let theirs = loop {
            match listener.accept() {
                Ok((sock, from)) if from == peer => break Some(sock),
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < end => {
                    thread::sleep(Duration::from_millis(2));
                }
                Err(_) => break None,
            }
        };
        for sock in theirs.iter().chain([&ours]) {
            let _ = SockRef::from(sock).set_linger(Some(Duration::ZERO));
        }
    }
}

impl std::ops::Deref for Connection {
    type Target = TcpStream;
    fn deref(&self) -> &TcpStream {
        &self.sock
    }
}

impl std::ops::DerefMut for Connection {
    fn deref_mut(&mut self) -> &mut TcpStream {
        &mut self.sock
    }
}

/// How long [`retire`] tries to clear one TIME_WAIT: a correct close ends in microseconds.
const RETIRE: Duration = Duration::from_secs(1);

/// How a read of everything ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The peer closed (a read of 0).
    Closed,
    /// The peer reset the connection.
    Reset,
    /// Nothing more came before the deadline, and the connection is still open.
    Silent,
}

/// Connect to `addr` again and again until a server accepts, the program ends or [`START`]
/// passes: a one-client server's single accept is the check's connection.
pub fn connect(addr: SocketAddr, mut program: Option<&mut Program>) -> Result<TcpStream, String> {
    let end = Instant::now() + START;
    loop {
        match TcpStream::connect_timeout(&addr, STEP) {
            Ok(sock) => return Ok(sock),
            Err(e) => {
                if program.as_mut().is_some_and(|p| p.ended()) {
                    return Err(tr!(
                        "the program ended before it accepted a connection on {addr}",
                        "程序在接受 {addr} 上的连接之前就结束了"
                    ));
                }
                if Instant::now() >= end {
                    return Err(tr!(
                        "nobody accepted a connection on {addr} within {}s ({e})",
                        "{}秒内没有人接受 {addr} 上的连接 ({e})",
                        START.as_secs()
                    ));
                }
            }
        }
        // A refused connect returns at once: wait a little before the next try.
        thread::sleep(Duration::from_millis(20));
    }
}

/// Connect from the local address of an earlier connection whose server side waits in TIME_WAIT,
/// and leave with a reset: a listening server takes the new SYN for that very pair of addresses
/// in place of the TIME_WAIT (Linux, macOS), so the port is not left blocked for a minute.
pub fn clear_time_wait(addr: SocketAddr, from: SocketAddr) {
    if let Ok(sock) = connect_from(addr, from) {
        reset(Connection::new(sock));
    }
}

/// Connect from `from`: bound first, with SO_REUSEADDR, as a connection that just closed left it.
fn connect_from(addr: SocketAddr, from: SocketAddr) -> io::Result<TcpStream> {
    let sock = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    sock.set_reuse_address(true)?;
    sock.bind(&from.into())?;
    sock.connect_timeout(&addr.into(), STEP)?;
    Ok(sock.into())
}

/// Accept the program's connection on `listener`, giving up when it ends or [`START`] passes.
pub fn accept(listener: &TcpListener, program: &mut Program) -> Result<TcpStream, String> {
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let end = Instant::now() + START;
    loop {
        match listener.accept() {
            Ok((sock, _)) => {
                sock.set_nonblocking(false).map_err(|e| e.to_string())?;
                return Ok(sock);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(e.to_string()),
        }
        if program.ended() {
            return Err(tr!(
                "the program ended without connecting",
                "程序没有连接就结束了"
            ));
        }
        if Instant::now() >= end {
            return Err(tr!(
                "the program did not connect within {}s",
                "程序在 {} 秒内没有连接",
                START.as_secs()
            ));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Write `bytes` one byte per TCP segment: Nagle off, one write per byte, a pause between.
pub fn trickle(sock: &mut TcpStream, bytes: &[u8]) -> io::Result<()> {
    sock.set_nodelay(true)?;
    for byte in bytes {
        sock.write_all(std::slice::from_ref(byte))?;
        thread::sleep(GAP);
    }
    Ok(())
}

/// Write `bytes` in two writes cut at `at`, with a pause between and after, Nagle off.
pub fn split(sock: &mut TcpStream, bytes: &[u8], at: usize) -> io::Result<()> {
    sock.set_nodelay(true)?;
    sock.write_all(&bytes[..at])?;
    thread::sleep(GAP);
    sock.write_all(&bytes[at..])?;
    // And after: what the caller writes next does not join this write's second part.
    thread::sleep(GAP);
    Ok(())
}

/// Leave with a reset instead of a FIN: SO_LINGER 0, then close.
pub fn reset(sock: Connection) {
    // If the option cannot be set, the close is a plain FIN; the check then tests less.
    let _ = SockRef::from(&*sock).set_linger(Some(Duration::ZERO));
    drop(sock);
}

/// Read until the peer closes, resets, or sends nothing for `quiet`; at most `limit` bytes.
pub fn read_all(sock: &mut TcpStream, quiet: Duration, limit: usize) -> (Vec<u8>, Ending) {
    let mut got = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let _ = sock.set_read_timeout(Some(quiet));
    while got.len() < limit {
        match sock.read(&mut buf) {
            Ok(0) => return (got, Ending::Closed),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (got, Ending::Silent);
            }
            Err(_) => return (got, Ending::Reset),
        }
    }
    (got, Ending::Silent)
}

/// Read until `want` bytes have come, or the peer stops, waiting [`STEP`] at most for each read.
pub fn read_exactly(sock: &mut TcpStream, want: usize) -> (Vec<u8>, Option<Ending>) {
    let mut got = vec![0u8; want];
    let mut filled = 0;
    let _ = sock.set_read_timeout(Some(STEP));
    while filled < want {
        match sock.read(&mut got[filled..]) {
            Ok(0) => return (got[..filled].to_vec(), Some(Ending::Closed)),
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (got[..filled].to_vec(), Some(Ending::Silent));
            }
            Err(_) => return (got[..filled].to_vec(), Some(Ending::Reset)),
        }
    }
    (got, None)
}

/// Read what comes until `quiet` passes with nothing new: a reply of unknown length.
pub fn read_reply(sock: &mut TcpStream) -> (Vec<u8>, Ending) {
    let _ = sock.set_read_timeout(Some(STEP));
    let mut buf = [0u8; 4096];
    match sock.read(&mut buf) {
        Ok(0) => (Vec::new(), Ending::Closed),
        Ok(n) => {
            // The first bytes are here; whatever follows at once belongs to the same reply.
            let mut got = buf[..n].to_vec();
            let (more, end) = read_all(sock, Duration::from_millis(100), 64 * 1024);
            got.extend(more);
            (got, end)
        }
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            (Vec::new(), Ending::Silent)
        }
        Err(_) => (Vec::new(), Ending::Reset),
    }
}

/// The words for how a read ended.
pub fn said(end: Ending) -> String {
    match end {
        Ending::Closed => tr!("the connection closed", "连接已关闭"),
        Ending::Reset => tr!("the connection was reset", "连接被重置"),
        Ending::Silent => tr!(
            "nothing more came, the connection still open",
            "之后再没有数据, 连接仍然开着"
        ),
    }
}
