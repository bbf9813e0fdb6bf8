//! Lesson 02's and 04's waits, in the library because they are no lesson's idea: for a reply that
//! may never come (lesson 02's trap), until the bytes a peer sent have all arrived (so every run
//! shows the same reads), and until the peer has closed.

use std::io::{self, ErrorKind, Read};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use crate::sockets::net::{Peer, talk_error};
use crate::{Result, tr};

/// How long lesson 02's client waits for a reply to an empty message before it explains the trap.
/// Nothing will ever come, so any wait is long enough; this one is short so the demo is quick.
pub const EMPTY_WAIT: Duration = Duration::from_millis(300);

/// Lesson 02's words when no reply came to an empty message: why both sides would wait forever.
pub fn explain_empty_trap() {
    crate::note!(
        "no reply: an empty message is 0 bytes, and 0 bytes send nothing at all.",
        "没有回复: 空消息就是 0 字节, 而 0 字节根本什么也不会发送。"
    );
    crate::note!(
        "the server is still waiting for a message, and we were waiting for its reply:",
        "服务端还在等消息, 我们却在等它的回复:"
    );
    crate::note!(
        "with no time limit, both sides would wait forever. Lesson 03 skips empty lines.",
        "如果不限时间, 双方会永远等下去。第 03 课会跳过空行。"
    );
}

/// Lesson 02's empty-message trap: wait up to `wait` for the peer to send something. `peek` with
/// a read timeout (which gives up with `WouldBlock` or `TimedOut`) looks without taking, so the
/// read after it gets it all.
pub fn reply_within(sock: &TcpStream, wait: Duration) -> io::Result<bool> {
    sock.set_read_timeout(Some(wait))?;
    let peeked = sock.peek(&mut [0u8; 1]);
    sock.set_read_timeout(None)?;
    match peeked {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Lesson 04's trick: wait until `want` bytes are waiting in `sock`, or `timeout` has passed,
/// without reading them; return how many bytes are waiting (0: the peer closed, sending nothing).
///
/// `peek` looks at the bytes without taking them, and a read timeout bounds its wait for the
/// first ones. Once some bytes are there, `peek` returns at once, so the rest are awaited in
/// short polls. The same code on every OS. Lesson 04's `serve` says why a lesson waits at all (so
/// everyone sees the same reads) and why a real program never does; lesson 05's `compare` waits
/// the same way. A peer that sends fewer bytes and then stays connected, or closes, costs the
/// whole `timeout`: a peek cannot tell "closed after these bytes" from "more to come".
pub fn wait_for_bytes(sock: &TcpStream, want: usize, timeout: Duration) -> io::Result<usize> {
    /// How often to look again while some bytes are there but not all of them.
    const POLL: Duration = Duration::from_millis(1);
    let deadline = Instant::now() + timeout;
    let mut peeked = vec![0u8; want];
    let waiting = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break sock.peek(&mut peeked).or_else(timed_out_is_none)?;
        }
        sock.set_read_timeout(Some(left))?;
        match sock.peek(&mut peeked).or_else(timed_out_is_none)? {
            n if n == 0 || n >= want => break n,
            _ => thread::sleep(POLL),
        }
    };
    sock.set_read_timeout(None)?;
    Ok(waiting)
}

/// How long lesson 04's server waits for all the client's bytes before it reads whatever is
/// there: room for a slow classroom network, and an end for a client that never comes through.
pub const PEEK_TIMEOUT: Duration = Duration::from_secs(3);

/// Lesson 04's server, before its reads: [`wait_for_bytes`] for `want` bytes, and the line that
/// says so (or how many came), naming the `read(chunk)` that follows. A lesson trick, said so:
/// without it a busy machine's second `recv(5)` can run before `abcde` is in, and its reads are
/// not the projector's. A real server cannot know how many bytes will come (lesson 05's frames).
pub fn until_all_arrived(sock: &TcpStream, want: usize, chunk: usize) -> Result<()> {
    match wait_for_bytes(sock, want, PEEK_TIMEOUT).map_err(|e| talk_error(e, Peer::Client))? {
        waiting if waiting >= want => crate::server!(
            "waited until all {want} bytes were in the socket (a lesson trick, see the source); now read({chunk}) until the client closes",
            "等到全部 {want} 字节都到了套接字里 (课程的小技巧, 见源码); 现在 read({chunk}) 直到客户端关闭"
        ),
        waiting => crate::server!(
            "{waiting} of {want} bytes arrived within {PEEK_TIMEOUT:?} (a lesson trick waits for {want}, see the source); reading what comes",
            "{PEEK_TIMEOUT:?} 内到了 {want} 字节中的 {waiting} 字节 (课程的小技巧会等 {want} 字节, 见源码); 来多少读多少"
        ),
    }
    Ok(())
}

/// Lesson 04's client: close our sending side, then read until the server closes (waiting
/// `timeout` at most): a read of 0 bytes (FIN), or a
/// reset (the material's Python server ends with bytes it has not read, and then its OS answers
/// with RST instead; that reset may even come before our shutdown, which then finds no peer).
pub fn close_and_wait(sock: &mut TcpStream, timeout: Duration) -> Result<()> {
    let gone = |e: &std::io::Error| {
        matches!(
            e.kind(),
            io::ErrorKind::ConnectionReset | io::ErrorKind::NotConnected
        )
    };
    match sock.shutdown(std::net::Shutdown::Write) {
        Err(e) if gone(&e) => return Ok(()),
        result => result?,
    }
    sock.set_read_timeout(Some(timeout))?;
    let mut scratch = [0u8; 64];
    loop {
        match sock.read(&mut scratch) {
            Ok(0) => return Ok(()),
            Ok(_) => continue, // Our server sends nothing; another server's bytes are not ours.
            Err(e) if gone(&e) => return Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                let seconds = timeout.as_secs();
                return Err(tr!(
                    "the server did not close the connection within {seconds} s of our last byte",
                    "服务端在我们最后一个字节之后 {seconds} 秒内没有关闭连接"
                )
                .into());
            }
            Err(e) => return Err(talk_error(e, Peer::Server)),
        }
    }
}

/// A read that timed out found no bytes: `WouldBlock` on Unix, `TimedOut` on Windows.
fn timed_out_is_none(e: io::Error) -> io::Result<usize> {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Ok(0),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    #[test]
    fn waiting_for_bytes_sees_them_all_or_gives_up_in_time() {
        use std::io::Write;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        client.write_all(b"1234567").unwrap();
        client.write_all(b"abcde").unwrap();
        // 12 of 17 bytes, the sender still connected: the wait ends at its deadline.
        let short = Duration::from_millis(50);
        assert_eq!(wait_for_bytes(&server, 17, short).unwrap(), 12);
        client.write_all(b"hhhhh").unwrap();
        assert_eq!(
            wait_for_bytes(&server, 17, Duration::from_secs(5)).unwrap(),
            17
        );
    }
}
