//! TCP segment counters for lesson 04: how many segments carried a connection's bytes, to put
//! beside how many writes sent them and how many reads took them.
//!
//! A write is not a segment and a segment is not a read: the sender's TCP may merge small writes
//! (Nagle's algorithm) or split big ones, and the reader's `read` takes whatever has arrived. The
//! kernel counts the segments of each connection, and this module asks it, for one socket:
//!
//! - Linux: `getsockopt(TCP_INFO)`, fields `tcpi_data_segs_out` and `tcpi_data_segs_in`:
//!   segments that carried data (a bare ACK, SYN or FIN is not counted). Linux 4.6 or later.
//! - macOS: `getsockopt(TCP_CONNECTION_INFO)`, fields `tcpi_txpackets` and `tcpi_rxpackets`.
//! - Windows: `GetPerTcpConnectionEStats` counts, but only once a program running as
//!   administrator has switched the count on for the connection: a lesson does not ask for
//!   that, so [`counts`] returns `None` and the lesson says so ("not counted on this system")
//!   and goes on. Elsewhere there is no counter for one connection: the same `None`.
//!
//! No privilege is needed: a program may always ask about its own sockets.

use std::net::TcpStream;

use crate::tr;

/// What the kernel counted for one connection so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Segments this side sent with data in them.
    pub sent: u64,
    /// Segments this side received with data in them.
    pub received: u64,
}

/// The segment counts of `sock`'s connection, or `None` where the system keeps none (or will
/// not tell: an error from `getsockopt` is one more reason to show no count, never to fail a
/// lesson that is about something else).
///
/// Read it once the bytes have all gone (sender) or all arrived (receiver): before that, the
/// count is only the count so far.
pub fn counts(sock: &TcpStream) -> Option<Counts> {
    os::counts(sock)
}

#[cfg(target_os = "linux")]
mod os {
    use std::mem::{MaybeUninit, offset_of, size_of};
    use std::net::TcpStream;
    use std::os::fd::AsRawFd;

    use super::Counts;

    pub fn counts(sock: &TcpStream) -> Option<Counts> {
        // The struct the kernel fills in; libc's copy of <linux/tcp.h>'s `struct tcp_info`.
        let mut info = MaybeUninit::<libc::tcp_info>::zeroed();
        // In: how many bytes we have room for. Out: how many the kernel wrote.
        let mut len = size_of::<libc::tcp_info>() as libc::socklen_t;
        // SAFETY:
        // - `sock.as_raw_fd()` is an open TCP socket for as long as `sock` is borrowed;
        // - `info` is valid for writes of `len` bytes (its own size), and zeroed, so every
        //   field the kernel does not write is a valid 0 rather than uninitialised memory;
        // - `len` is a valid `socklen_t` the kernel may overwrite with the length it wrote.
        let result = unsafe {
            libc::getsockopt(
                sock.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_INFO,
                info.as_mut_ptr().cast(),
                &mut len,
            )
        };
        // An older kernel writes a shorter struct: the data segment counters (added in Linux
        // 4.6) must be inside what it wrote, or they would be our zeroes, not its counts.
        let wanted = offset_of!(libc::tcp_info, tcpi_data_segs_out) + size_of::<u32>();
        if result != 0 || (len as usize) < wanted {
            return None;
        }
        // SAFETY: zeroed, then (partly) written by the kernel: every byte is initialised.
        let info = unsafe { info.assume_init() };
        Some(Counts {
            sent: info.tcpi_data_segs_out.into(),
            received: info.tcpi_data_segs_in.into(),
        })
    }
}

#[cfg(target_os = "macos")]
mod os {
    use std::mem::{MaybeUninit, offset_of, size_of};
    use std::net::TcpStream;
    use std::os::fd::AsRawFd;

    use super::Counts;

    pub fn counts(sock: &TcpStream) -> Option<Counts> {
        // libc's copy of xnu's <netinet/tcp.h> `struct tcp_connection_info`.
        let mut info = MaybeUninit::<libc::tcp_connection_info>::zeroed();
        // In: how many bytes we have room for. Out: how many the kernel wrote.
        let mut len = size_of::<libc::tcp_connection_info>() as libc::socklen_t;
        // SAFETY:
        // - `sock.as_raw_fd()` is an open TCP socket for as long as `sock` is borrowed;
        // - `info` is valid for writes of `len` bytes (its own size), and zeroed, so every
        //   field the kernel does not write is a valid 0 rather than uninitialised memory;
        // - `len` is a valid `socklen_t` the kernel may overwrite with the length it wrote.
        let result = unsafe {
            libc::getsockopt(
                sock.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_CONNECTION_INFO,
                info.as_mut_ptr().cast(),
                &mut len,
            )
        };
        // Both counters must be inside what the kernel wrote.
        let wanted = offset_of!(libc::tcp_connection_info, tcpi_rxpackets) + size_of::<u64>();
        if result != 0 || (len as usize) < wanted {
            return None;
        }
        // SAFETY: zeroed, then (partly) written by the kernel: every byte is initialised.
        let info = unsafe { info.assume_init() };
        Some(Counts { sent: info.tcpi_txpackets, received: info.tcpi_rxpackets })
    }
}

// Windows has per-connection statistics only through `GetPerTcpConnectionEStats`, which must be
// switched on per connection beforehand, by a program with administrator rights: not something
// a lesson asks of a student's laptop.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
mod os {
    pub fn counts(_sock: &std::net::TcpStream) -> Option<super::Counts> {
        None
    }
}

/// The server's count of segments that arrived, or why there is none.
pub fn received(segments: Option<u64>) -> String {
    match segments {
        Some(n) => tr!("{n}", "{n} 个"),
        None => not_counted(),
    }
}

/// The one line's ending where there is no count for us: the lesson goes on.
pub fn not_counted() -> String {
    // Windows counts, but only once a program running as administrator has switched the count
    // on for that connection (`SetPerTcpConnectionEStats`); a lesson runs as the student.
    #[cfg(windows)]
    return tr!(
        "not counted on this system (Windows counts a connection's segments only when a program run as administrator switches that on: GetPerTcpConnectionEStats)",
        "本系统不统计 (Windows 只有在以管理员身份运行的程序打开统计后才按连接记录报文段数: GetPerTcpConnectionEStats)"
    );
    #[cfg(not(windows))]
    tr!(
        "not counted on this system (it keeps no segment count per connection)",
        "本系统不统计 (它不按连接记录报文段数)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Linux and macOS count; the three writes and their segments are seen on both sides.
    #[cfg(any(target_os = "linux", target_os = "macos"))]
    #[test]
    fn a_connection_counts_its_data_segments() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        for message in [&b"1234567"[..], b"abcde", b"hhhhh"] {
            client.write_all(message).unwrap();
        }
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let mut all = Vec::new();
        server.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"1234567abcdehhhhh");
        let (sent, received) = (counts(&client).unwrap(), counts(&server).unwrap());
        assert!((1..=3).contains(&sent.sent), "{sent:?}");
        // Linux counts data segments only. macOS's `tcpi_rxpackets` may count the handshake's
        // bare ACK too (not checked on a Mac here): at least one, there.
        #[cfg(target_os = "linux")]
        assert!((1..=3).contains(&received.received), "{received:?}");
        assert!(received.received >= 1, "{received:?}");
    }

    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    #[test]
    fn elsewhere_there_is_no_count() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        assert_eq!(counts(&client), None);
    }
}
