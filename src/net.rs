//! The socket chores that are not any lesson's subject: errors a student can act on, the
//! `listening on` line, and what earlier lessons taught by hand: lesson 03's listener (used from
//! lesson 04 on) and lesson 04's wait for the bytes to arrive (lessons 04 and 05).

use std::io;
#[cfg(unix)]
use std::mem::MaybeUninit;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

#[cfg(unix)]
use socket2::SockRef;
use socket2::{Domain, Protocol, Socket, Type};

use crate::cli::DEFAULT_PORT;
use crate::{Result, note, server};

/// The material's `server.listen(5)`: at most about five finished connections wait for
/// `accept`. Lesson 03 explains the number and lets you change it with `--backlog`.
pub const BACKLOG: i32 = 5;

/// Bind and listen the way lesson 03 teaches: a socket2 socket with `SO_REUSEADDR` set
/// explicitly, then `listen(backlog)`. Lessons 04 to 06 use it once it has been taught.
pub fn listen(addr: SocketAddr, backlog: i32) -> Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into()).map_err(|e| bind_error(e, addr))?;
    socket.listen(backlog)?;
    Ok(socket.into())
}

/// Lesson 04's trick: wait until `want` bytes are in `sock`, the peer has finished sending, or
/// `timeout` has passed, without reading them. Returns how many bytes are waiting, or `None`
/// where the system cannot wait like this (then timing decides).
///
/// `MSG_PEEK` looks without taking; `MSG_WAITALL` waits for the whole buffer. Lesson 04's
/// `serve` says why a lesson waits at all (so everyone sees the same reads) and why a real
/// program never does; lesson 05's `compare` waits the same way.
#[cfg(unix)]
pub fn wait_for_bytes(
    sock: &TcpStream,
    want: usize,
    timeout: Duration,
) -> io::Result<Option<usize>> {
    let mut peeked = vec![MaybeUninit::<u8>::uninit(); want];
    sock.set_read_timeout(Some(timeout))?;
    let waited =
        SockRef::from(sock).recv_with_flags(&mut peeked, libc::MSG_PEEK | libc::MSG_WAITALL);
    sock.set_read_timeout(None)?;
    match waited {
        Ok(n) => Ok(Some(n)),
        // The time ran out: read what there is.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Ok(Some(0))
        }
        Err(e) => Err(e),
    }
}

/// Without Unix's `MSG_PEEK | MSG_WAITALL`, nothing waits: see the Unix version.
#[cfg(not(unix))]
pub fn wait_for_bytes(
    _sock: &TcpStream,
    _want: usize,
    _timeout: Duration,
) -> io::Result<Option<usize>> {
    Ok(None)
}

/// Print the server's first line, `listening on IP:PORT`, with the real port (the one the OS
/// chose when `--port 0` was asked). Tests and a second terminal wait for this line, and
/// `println!` has written it out before this returns, so it is there before `accept` blocks.
pub fn announce(listener: &TcpListener) -> Result<SocketAddr> {
    let addr = listener.local_addr()?;
    server!("listening on {addr}");
    if addr.ip().is_unspecified() {
        note!(
            "{} means every network card: other machines can now connect to this one's IP address, port {}",
            addr.ip(),
            addr.port()
        );
    }
    Ok(addr)
}

/// Explain a failed `bind` in words a student can act on.
pub fn bind_error(error: io::Error, addr: SocketAddr) -> crate::Error {
    let port = addr.port();
    match error.kind() {
        io::ErrorKind::AddrInUse => format!(
            "port {port} is in use — is another lesson server running? try --port {}",
            port.wrapping_add(1).max(1024)
        )
        .into(),
        io::ErrorKind::AddrNotAvailable => format!(
            "cannot listen on {addr}: that address is not one of this machine's — try --host 127.0.0.1 or --host 0.0.0.0"
        )
        .into(),
        io::ErrorKind::PermissionDenied => {
            format!("not allowed to listen on port {port} (ports below 1024 need root) — try --port {DEFAULT_PORT}").into()
        }
        _ => format!("cannot listen on {addr}: {error}").into(),
    }
}

/// Explain a failed `connect` in words a student can act on: usually the server is not running.
///
/// `lesson` is the binary's name (`env!("CARGO_BIN_NAME")`), so the hint is the exact command
/// that starts the right server.
pub fn connect_error(error: io::Error, addr: SocketAddr, lesson: &str) -> crate::Error {
    let port = addr.port();
    let port_arg = if port == DEFAULT_PORT {
        String::new()
    } else {
        format!(" --port {port}")
    };
    match error.kind() {
        io::ErrorKind::ConnectionRefused => format!(
            "could not connect to {addr} — start the server first: cargo run --bin {lesson} -- server{port_arg}"
        )
        .into(),
        io::ErrorKind::TimedOut => format!(
            "could not connect to {addr}: no answer — is the address right, and does a firewall let port {port} through?"
        )
        .into(),
        _ => format!("could not connect to {addr}: {error}").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_in_use_is_explained() {
        let taken = listen("127.0.0.1:0".parse().unwrap(), BACKLOG).unwrap();
        let addr = taken.local_addr().unwrap();
        // std's bind sets SO_REUSEADDR too, but that never lets two listeners share a port.
        let error = listen(addr, BACKLOG).unwrap_err().to_string();
        let port = addr.port();
        assert!(
            error.starts_with(&format!("port {port} is in use")),
            "{error}"
        );
    }

    #[test]
    fn a_refused_connection_names_the_command_that_starts_the_server() {
        let error = io::Error::from(io::ErrorKind::ConnectionRefused);
        let at_default = connect_error(error, "127.0.0.1:8080".parse().unwrap(), "01_basic");
        assert_eq!(
            at_default.to_string(),
            "could not connect to 127.0.0.1:8080 — start the server first: cargo run --bin 01_basic -- server"
        );
        let error = io::Error::from(io::ErrorKind::ConnectionRefused);
        let elsewhere = connect_error(error, "127.0.0.1:9000".parse().unwrap(), "03_conn_loop");
        assert!(elsewhere.to_string().ends_with("-- server --port 9000"));
    }
}
