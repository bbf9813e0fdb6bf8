//! What lessons 01–05 write out around `accept` and `connect`, as one call each for the lessons
//! after them (06 on): the call, its line, its friendly error, lesson 03's "a failed accept is
//! not the end" and the call's turn in the demo.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use crate::{Result, demo, sockets::net, sockets::oserror};

/// Python: `sock, addr = server.accept()`, with the `accepted` line, taking its turn in the
/// one-terminal demo ([`demo::accept_turn`], [`demo::accepted_turn`]) as lessons 01–05 do by hand.
/// As in lesson 03, a client gone before it was accepted, or a moment out of file descriptors,
/// is said in one line and the next client accepted ([`oserror::accept_failed`]).
pub fn accept(listener: &TcpListener) -> Result<(TcpStream, SocketAddr)> {
    demo::accept_turn(listener);
    let (sock, addr) = loop {
        match listener.accept() {
            Ok(accepted) => break accepted,
            Err(e) => oserror::accept_failed(e.into())?,
        }
    };
    net::accepted(addr);
    demo::accepted_turn(listener);
    Ok((sock, addr))
}

/// Python: `client.connect((host, port))`, waiting `timeout` at most for the server's answer,
/// with the `connecting` line and an error that names the command starting the server
/// (`lesson` is the binary's name), taking its turn in the one-terminal demo.
pub fn connect_within(addr: SocketAddr, lesson: &str, timeout: Duration) -> Result<TcpStream> {
    demo::connect_turn(addr)?;
    net::connecting(addr);
    let sock = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| net::connect_error(e, addr, lesson))?;
    demo::connected_turn(addr)?;
    Ok(sock)
}
