//! How a lesson 03 client leaves, and what the server sees: a close sends FIN, and the server
//! reads 0 bytes; an abort (`client --abort`: SO_LINGER 0, then close) sends RST, and the
//! server's read fails with a reset, on every OS. The material's "Windows raises, Linux reads an
//! empty message" is this, at heart.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use socket_lessons::sockets::{net, net::Peer, oserror};
use socket_lessons::{Result, client, server};
use socket2::SockRef;

/// How a client leaves.
pub enum Leave {
    /// Close normally: the peer gets FIN and reads 0 bytes.
    Close,
    /// Abort: SO_LINGER 0, then close. The peer gets RST: "connection reset".
    Abort,
}

/// The client's `--abort`.
#[derive(clap::Args)]
pub struct How {
    /// Leave with a reset (SO_LINGER 0) instead of a normal close: what the server sees
    /// when a client crashes on Windows.
    #[arg(long)]
    abort: bool,
}

impl How {
    pub fn leave(&self) -> Leave {
        if self.abort {
            Leave::Abort
        } else {
            Leave::Close
        }
    }
}

impl Leave {
    /// The client's last line, and for an abort the option that turns its close into an RST.
    pub fn say(self, sock: &TcpStream) -> Result<()> {
        match self {
            Leave::Close => client!(
                "no more messages: closing (the server will read 0 bytes)",
                "没有更多消息了: 关闭连接 (服务端会读到 0 字节)"
            ),
            Leave::Abort => {
                client!(
                    "no more messages: aborting with SO_LINGER 0 (the server's read will fail)",
                    "没有更多消息了: 用 SO_LINGER 0 中止连接 (服务端的读取会失败)"
                );
                // A linger time of 0 tells close() to drop the connection at once with an RST
                // instead of the FIN handshake. std's `set_linger` is not stable; socket2 has it.
                SockRef::from(sock).set_linger(Some(Duration::ZERO))?;
            }
        }
        Ok(())
    }
}

/// `sock.read(&mut buf).or_left(addr)?`: the server's read or write of a client that may leave.
/// An error is the client gone, no error of the server's: one line (`net::gone`'s words for a
/// reset or a broken pipe, the system's for the rest) and `None`, and the server goes on.
pub trait OrLeft<T> {
    fn or_left(self, addr: SocketAddr) -> Result<Option<T>>;
}

impl<T> OrLeft<T> for io::Result<T> {
    fn or_left(self, addr: SocketAddr) -> Result<Option<T>> {
        let e = match self {
            Ok(done) => return Ok(Some(done)),
            Err(e) => e,
        };
        let words = net::gone(&e, Peer::Client).unwrap_or_else(|| oserror::words(&e));
        server!("{addr} left: {words}", "{addr} 离开了: {words}");
        Ok(None)
    }
}
