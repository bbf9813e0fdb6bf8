//! The checker's end of a connection and how it closes: with a FIN or a reset, as a careful peer
//! does, so that no close of ours leaves the student's port in TIME_WAIT; and where one did, the
//! TIME_WAIT cleared.

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use socket2::SockRef;

use super::STEP;

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

/// Leave with a reset instead of a FIN: SO_LINGER 0, then close.
pub fn reset(sock: Connection) {
    // If the option cannot be set, the close is a plain FIN; the check then tests less.
    let _ = SockRef::from(&*sock).set_linger(Some(Duration::ZERO));
    drop(sock);
}
