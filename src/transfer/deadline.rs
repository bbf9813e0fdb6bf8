//! Lessons 06 and 07 in time: a connection whose reads and writes give up when no byte has
//! moved for `--timeout` ([`Watched`]), and the words for a transfer that stopped: the peer
//! stalled, reset, or closed early ([`Stopped`]).
//!
//! Why not just `set_write_timeout(timeout)` and `write_all`? The OS's timeout bounds one call.
//! A `send` that has moved some bytes when its timeout ends returns how many; `write_all` then
//! calls `send` again, with a whole new timeout. A client that stops reading held lesson 06's
//! server about three times `--timeout` that way (issue 16). Here one deadline counts from the
//! last time a byte moved, whatever the size of each call and however many calls it takes.

use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::sockets::net::{self, Peer};
use crate::tr;

/// The longest one `read` or `write` waits before we look at the clock again (Unix).
///
/// A `send` that ends with some bytes moved says only "some time in this call, bytes moved".
/// Short calls keep that doubt short: a client that reads slowly but steadily is never taken
/// for one that stopped, and one that stopped is dropped within `--timeout` of its last byte.
#[cfg(not(windows))]
const SLICE: Duration = Duration::from_millis(100);

/// Windows: a blocking call that times out leaves the socket "in an indeterminate state" (the
/// Winsock documentation of SO_RCVTIMEO and SO_SNDTIMEO), so each call waits the whole time
/// left; a Windows `send` moves all its bytes or fails, so the deadline is still kept.
#[cfg(windows)]
const SLICE: Duration = Duration::MAX;

/// A connection whose reads and writes fail with `TimedOut` once no byte has moved for
/// `timeout`. It also counts the bytes it moved, so an error can say how far a transfer got.
pub struct Watched<'a> {
    sock: &'a TcpStream,
    timeout: Duration,
    /// Since when we have been waiting for the peer without a byte moving; `None` when the last
    /// call moved everything it was asked to (the time after it is ours, not the peer's).
    waiting_since: Option<Instant>,
    /// The OS timeouts last set (read, write), so that each is set again only when it changes.
    set: [Option<Duration>; 2],
    /// Bytes read plus bytes written so far.
    moved: u64,
}

impl<'a> Watched<'a> {
    /// `&TcpStream`: reading and writing a socket needs no `&mut`; the owner keeps the socket
    /// (lesson 06's client closes it its own way).
    pub fn new(sock: &'a TcpStream, timeout: Duration) -> Watched<'a> {
        let (waiting_since, set, moved) = (None, [None; 2], 0);
        Watched { sock, timeout, waiting_since, set, moved }
    }

    /// How many bytes have moved, both ways.
    pub fn moved(&self) -> u64 {
        self.moved
    }

    /// One call of `call` (a read or a write of `want` bytes) against the one deadline: call
    /// again while the OS timeout ends with nothing moved, fail once the deadline has passed.
    fn within(
        &mut self,
        want: usize,
        way: Way,
        mut call: impl FnMut(&TcpStream) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let since = *self.waiting_since.get_or_insert_with(Instant::now);
        let deadline = since + self.timeout;
        loop {
            let start = Instant::now();
            let left = deadline.saturating_duration_since(start);
            if left.is_zero() {
                let secs = self.timeout.as_secs_f64();
                let words = tr!("no byte moved for {secs} s", "{secs} 秒内没有一个字节移动");
                return Err(io::Error::new(ErrorKind::TimedOut, words));
            }
            let wait = left.min(SLICE);
            if self.set[way as usize] != Some(wait) {
                match way {
                    Way::Read => self.sock.set_read_timeout(Some(wait))?,
                    Way::Write => self.sock.set_write_timeout(Some(wait))?,
                }
                self.set[way as usize] = Some(wait);
            }
            match call(self.sock) {
                Ok(n) => {
                    self.moved += n as u64;
                    // All of it (or a read's first bytes, or its end): the wait is over. Part of
                    // a write: bytes moved at some moment since `start`; count from there.
                    let part = n > 0 && n < want && way == Way::Write;
                    self.waiting_since = part.then_some(start);
                    return Ok(n);
                }
                Err(e) if timed_out(&e) || e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// A read returns as soon as any byte is there, so any byte ends its wait; a write may return
/// part of its bytes after waiting its whole time.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    Read = 0,
    Write = 1,
}

impl Read for Watched<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.within(buf.len(), Way::Read, |mut sock| sock.read(buf))
    }
}

impl Write for Watched<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.within(buf.len(), Way::Write, |mut sock| sock.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The server's last read, after the file: the client closes once it has every byte, so a read
/// of 0 confirms it has the file. Anything else, in words: why it did not confirm.
pub fn confirmed(read: io::Result<usize>, timeout: Duration) -> Result<(), String> {
    match read {
        Ok(0) => Ok(()),
        Ok(_) => Err(tr!("it sent bytes out of turn", "它发来了不合协议的字节")),
        Err(e) => Err(because(&e, timeout, Peer::Client)),
    }
}

/// Did a read or a write wait its whole timeout? Unix says `WouldBlock` (EAGAIN), Windows and
/// [`Watched`] say `TimedOut`.
pub fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// `--timeout`: seconds, `30` or `0.5`, more than 0; a `Duration` from then on.
pub fn seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 86_400.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err(tr!(
            "a timeout is a number of seconds, more than 0 (at most a day), such as 30 or 0.5",
            "超时是秒数, 大于 0 (最多一天), 比如 30 或 0.5"
        )),
    }
}

/// A transfer that stopped after `done` of `size` bytes, and why: one type for a stall, a
/// reset, a short transfer and our own error, on either side.
#[derive(Debug)]
pub struct Stopped {
    pub done: u64,
    pub size: u64,
    pub why: Why,
}

/// Why a transfer stopped.
#[derive(Debug)]
pub enum Why {
    /// The peer moved no byte for `--timeout`.
    Stalled(Duration),
    /// The peer reset or closed the connection in the middle ([`net::gone`] has the words).
    Gone(io::Error),
    /// The stream ended early: the server closed, or (on the server) the file shrank.
    Short,
    /// Our own error (a disk full, our file gone): not the peer's doing.
    Ours(io::Error),
}

/// How a copy of `size` bytes that moved `done` ended: `Ok` if whole.
pub fn finished(
    result: io::Result<()>,
    done: u64,
    size: u64,
    timeout: Duration,
) -> Result<(), Stopped> {
    let why = match result {
        Ok(()) if done == size => return Ok(()),
        Ok(()) => Why::Short,
        Err(e) if timed_out(&e) => Why::Stalled(timeout),
        Err(e) if net::gone(&e, Peer::Server).is_some() => Why::Gone(e),
        Err(e) => Why::Ours(e),
    };
    Err(Stopped { done, size, why })
}

impl Stopped {
    /// The server's words for a client that stopped taking the file (it left, stalled or
    /// reset): how far it got. An error of the server's own (`path` could not be read) instead
    /// ends the server, as that error.
    pub fn client_gone(self, path: &std::path::Path) -> crate::Result<String> {
        match self.why {
            Why::Ours(e) => Err(crate::transfer::disk::cannot_send(path, e)),
            _ => Ok(self.words(Peer::Client)),
        }
    }

    /// The words, on the side that talks to `peer`.
    pub fn words(&self, peer: Peer) -> String {
        let (done, size) = (self.done, self.size);
        let why = match (&self.why, peer) {
            (Why::Short, Peer::Server | Peer::AnsweredServer) => {
                return tr!(
                    "the connection closed early: received {done} of {size} bytes",
                    "连接提前关闭了: 只收到 {done}/{size} 字节"
                );
            }
            (Why::Short, Peer::Client) => {
                tr!("the file shrank while it was sent", "文件在发送期间变小了")
            }
            (Why::Stalled(timeout), peer) => stalled(*timeout, peer),
            (Why::Gone(e) | Why::Ours(e), peer) => because(e, Duration::ZERO, peer),
        };
        match peer {
            Peer::Client => tr!(
                "after {done} of {size} bytes: {why}",
                "已发送 {done}/{size} 字节: {why}"
            ),
            Peer::Server | Peer::AnsweredServer => tr!(
                "the transfer failed after {done} of {size} bytes: {why}",
                "传输在收到 {done}/{size} 字节后失败: {why}"
            ),
        }
    }
}

/// Why a read or a write failed, in words: the peer stalled for `timeout`, reset or closed
/// the connection; or the system's words.
pub fn because(e: &io::Error, timeout: Duration, peer: Peer) -> String {
    match timed_out(e) {
        true => stalled(timeout, peer),
        false => net::gone(e, peer).unwrap_or_else(|| e.to_string()),
    }
}

/// A peer that moved no byte for `timeout`, in words.
pub fn stalled(timeout: Duration, peer: Peer) -> String {
    let secs = timeout.as_secs_f64();
    match peer {
        Peer::Client => tr!(
            "nothing moved for {secs} s (--timeout); dropping this client, to serve the next",
            "{secs} 秒内毫无进展 (--timeout); 断开这个客户端, 去服务下一个"
        ),
        Peer::Server | Peer::AnsweredServer => tr!(
            "nothing came from the server for {secs} s (--timeout); giving up",
            "服务端 {secs} 秒内没有发来任何字节 (--timeout); 放弃"
        ),
    }
}

/// Why no header came, in words. `got` bytes of it had come; `result` is what reading it gave
/// instead (`Ok`: the server closed first). Not a byte: a lesson server sends its header the
/// moment it accepts, so the connection was made by the OS but never accepted (lesson 03's
/// listen queue): the server is busy, one client at a time, or its queue is full.
pub fn no_header(result: io::Result<()>, got: u64, timeout: Duration) -> crate::Error {
    let secs = timeout.as_secs_f64();
    match result {
        Ok(()) => tr!(
            "the server closed the connection before sending a header",
            "服务端在发送报头之前就关闭了连接"
        ),
        Err(e) if e.kind() == ErrorKind::InvalidData => {
            tr!("refusing the header: {e}", "拒绝报头: {e}")
        }
        Err(e) if timed_out(&e) && got == 0 => tr!(
            "connected, but the server did not accept this connection within {secs} s (not a byte came; a lesson server sends its header as soon as it accepts): it is busy with other clients, or its queue of waiting connections is full (lesson 03's backlog); try again later",
            "已连上, 但服务端 {secs} 秒内没有接受 (accept) 这个连接 (一个字节也没来; 课程的服务端一接受连接就发送报头): 它正忙于别的客户端, 或者它的等待队列已满 (第 03 课的 backlog, 半连接池); 请稍后再试"
        ),
        Err(e) if timed_out(&e) => tr!(
            "the server accepted this connection and began its header ({got} bytes), then sent nothing for {secs} s (--timeout); giving up",
            "服务端接受了这个连接, 开始发送报头 ({got} 字节), 然后 {secs} 秒内什么也没发 (--timeout); 放弃"
        ),
        Err(e) => net::gone(&e, Peer::Server)
            .unwrap_or_else(|| tr!("the header did not arrive: {e}", "报头没有完整到达: {e}")),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A connected pair on loopback: (ours, the peer's).
    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let ours = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        (ours, listener.accept().unwrap().0)
    }

    #[test]
    fn a_peer_that_stops_reading_times_out_and_the_count_says_how_far() {
        let (ours, _peer) = pair();
        let mut conn = Watched::new(&ours, Duration::from_millis(200));
        // Far more than the two sockets' buffers: the peer never reads, so the writes stop.
        let error = conn.write_all(&vec![0u8; 64 << 20]).unwrap_err();
        assert!(timed_out(&error), "{error}");
        assert!(conn.moved() < 64 << 20, "{}", conn.moved());
        // Unix counts what went out before the time ran out. A Windows send that times out
        // leaves the socket in an undefined state and tells nothing of a partial send (seen as
        // 0 under Wine): there the count may stay 0.
        #[cfg(unix)]
        assert!(conn.moved() > 0, "{}", conn.moved());
    }

    #[test]
    fn a_read_returns_what_came_then_times_out() {
        let (ours, mut peer) = pair();
        peer.write_all(b"abc").unwrap();
        let mut conn = Watched::new(&ours, Duration::from_millis(200));
        let mut buf = [0u8; 10];
        assert_eq!(conn.read(&mut buf).unwrap(), 3);
        assert!(timed_out(&conn.read(&mut buf).unwrap_err()));
        assert_eq!(conn.moved(), 3);
    }

    #[test]
    fn a_stopped_transfer_says_who_did_what() {
        let stalled = finished(
            Err(ErrorKind::WouldBlock.into()),
            40,
            100,
            Duration::from_secs(1),
        );
        let words = stalled.unwrap_err().words(Peer::Server);
        assert_eq!(
            words,
            "the transfer failed after 40 of 100 bytes: nothing came from the server for 1 s (--timeout); giving up"
        );
        let short = finished(Ok(()), 40, 100, Duration::from_secs(1)).unwrap_err();
        assert_eq!(
            short.words(Peer::Server),
            "the connection closed early: received 40 of 100 bytes"
        );
        assert!(matches!(
            finished(Err(ErrorKind::StorageFull.into()), 0, 1, Duration::ZERO),
            Err(Stopped { why: Why::Ours(_), .. })
        ));
        assert!(finished(Ok(()), 5, 5, Duration::ZERO).is_ok());
    }
}
