//! The checker's side of the connection: a strict, sometimes hostile peer. It connects until the
//! server accepts, writes one byte per segment, resets on purpose, and never waits without a deadline.
//!
//! Here: connecting, writing in pieces, reading with a deadline. The connection itself and how
//! it closes (a FIN, a reset, the TIME_WAIT a close leaves) is beside it (`connection`).

mod connection;

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

pub use self::connection::{Connection, FirstCloses, clear_time_wait, reset, retire};
use super::Side;
use super::program::{Program, printed_port};
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
                if let Some(program) = program.as_deref_mut()
                    && program.ended()
                {
                    return Err(tr!(
                        "the program ended before it accepted a connection on {addr}{}",
                        "程序在接受 {addr} 上的连接之前就结束了{}",
                        why_not(program, Side::Server, addr.port())
                    ));
                }
                if Instant::now() >= end {
                    return Err(tr!(
                        "nobody accepted a connection on {addr} within {}s ({e}){}",
                        "{}秒内没有人接受 {addr} 上的连接 ({e}){}",
                        START.as_secs(),
                        elsewhere(program.as_deref(), addr.port())
                    ));
                }
            }
        }
        // A refused connect returns at once: wait a little before the next try.
        thread::sleep(Duration::from_millis(20));
    }
}

/// Accept the program's connection on `listener`, giving up when it ends or [`START`] passes.
pub fn accept(listener: &TcpListener, program: &mut Program) -> Result<TcpStream, String> {
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_or(0, |addr| addr.port());
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
                "the program ended without connecting{}",
                "程序没有连接就结束了{}",
                why_not(program, Side::Client, port)
            ));
        }
        if Instant::now() >= end {
            return Err(tr!(
                "the program did not connect within {}s{}",
                "程序在 {} 秒内没有连接{}",
                START.as_secs(),
                why_not(program, Side::Client, port)
            ));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// A server that says it listens on another port than the one the checks connect to (a port
/// written into the program, not `$PORT`): both ports, and how to make them one.
fn elsewhere(program: Option<&Program>, checked: u16) -> String {
    let lines = program.map(Program::lines).unwrap_or_default();
    match lines.iter().find_map(|line| printed_port(line)) {
        Some(port) if port != checked => tr!(
            "; it says it listens on port {port}: check it with --port {port}, or make it listen on {checked} ($PORT)",
            "; 它说自己在端口 {port} 上监听: 请用 --port {port} 检查, 或者让它在 {checked} 上监听 ($PORT)"
        ),
        _ => String::new(),
    }
}

/// What a program's last lines say of why the connection did not happen, as words to add: the
/// other side's error (a client checked as a server: its connect refused; a server checked as
/// a client: the checker's port in use), or a client's connect refused (another port than
/// `port`, the one it was given). Found in any language, by the OS's words (`Connection
/// refused`, `Address already in use`: Python, Java, C's `perror`), the errno's name (Node's
/// `ECONNREFUSED`), or Windows' number, the same where its words are translated (`[WinError
/// 10061] 由于目标计算机积极拒绝`).
pub(super) fn why_not(program: &mut Program, wanted: Side, port: u16) -> String {
    // An ended program's last lines may still be on their way through the pipes: until they close.
    if program.ended() {
        program.wait_output(STEP, |_| false);
    }
    let lines = program.last_lines(WHY_NOT_LINES);
    let said = |signs: &[&str]| {
        lines
            .iter()
            .any(|line| signs.iter().any(|sign| says(line, sign)))
    };
    match wanted {
        Side::Server if said(REFUSED) => tr!(
            "; its connect was refused, as a client's is where nobody listens: is it a client? Then check it with `client` in place of `server`",
            "; 它的 connect 被拒绝了, 就像没有人监听时的客户端: 它是客户端吗? 那就把 `server` 换成 `client` 再检查"
        ),
        Side::Client if said(IN_USE) => tr!(
            "; it could not listen on the port, which the checker holds to wait for a client: is it a server? Then check it with `server` in place of `client`",
            "; 它无法在这个端口上监听, 因为检查器占着它等客户端: 它是服务端吗? 那就把 `client` 换成 `server` 再检查"
        ),
        Side::Client if said(REFUSED) => tr!(
            "; its connect was refused: does it connect to port {port}, the one it was given ($PORT)?",
            "; 它的 connect 被拒绝了: 它连接的是给它的端口 {port} ($PORT) 吗?"
        ),
        _ => String::new(),
    }
}

/// A refused connect and a port in use, as runtimes say them (lowercase): the OS's words, the
/// errno's name, Windows' number.
const REFUSED: &[&str] = &[
    "connection refused",
    "connectionrefused",
    "econnrefused",
    "10061",
];
const IN_USE: &[&str] = &["address already in use", "addrinuse", "10048"];

/// How many of a program's last lines [`why_not`] reads: a Java stack trace is long.
const WHY_NOT_LINES: usize = 100;

/// Whether `line` says `sign`, in any case, and a number not as part of a longer one.
fn says(line: &str, sign: &str) -> bool {
    let line = line.to_ascii_lowercase();
    let digit_at = |at: Option<u8>| at.is_some_and(|b| b.is_ascii_digit());
    line.match_indices(sign).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| line.as_bytes()[i]);
        let after = line.as_bytes().get(at + sign.len()).copied();
        !digit_at(before) && !digit_at(after)
    })
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

#[cfg(test)]
mod tests {
    use super::{IN_USE, REFUSED, says};

    #[test]
    fn the_other_side_s_errors_are_found_in_every_runtime_s_words() {
        let refused = [
            "ConnectionRefusedError: [Errno 111] Connection refused",
            "ConnectionRefusedError: [WinError 10061] 由于目标计算机积极拒绝，无法连接。",
            "Exception in thread \"main\" java.net.ConnectException: Connection refused: connect",
            "Error: connect ECONNREFUSED 127.0.0.1:8080",
        ];
        let any = |signs: &[&str], line: &str| signs.iter().any(|sign| says(line, sign));
        for line in refused {
            assert!(any(REFUSED, line) && !any(IN_USE, line), "{line}");
        }
        let in_use = [
            "OSError: [Errno 48] Address already in use",
            "OSError: [WinError 10048] 通常每个套接字地址(协议/网络地址/端口)只允许使用一次。",
            "Error: listen EADDRINUSE: address already in use 127.0.0.1:8080",
            "bind: Address already in use",
        ];
        for line in in_use {
            assert!(any(IN_USE, line) && !any(REFUSED, line), "{line}");
        }
        // A number inside a longer one is not Windows' error.
        assert!(!says("sent 100480 bytes", "10048"));
        assert!(!says("port 210061", "10061"));
    }
}
