//! Lesson 06's client end while it receives: a socket that says "no, thank you" with a reset.

use std::net::TcpStream;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

/// The client's end of the connection while it receives: dropped before [`Receiving::done`]
/// (the client refused the header or the name, gave up, or failed), it closes with a reset
/// (RST) instead of the clean close (FIN) that tells the server "I have it all".
///
/// The protocol has no message for "no, thank you": a client that refuses simply closes. A
/// clean close would then read, on the server, exactly like success. `SO_LINGER` 0 turns the
/// close into an abort, and the server's next read or write fails with "reset by peer".
pub struct Receiving {
    sock: TcpStream,
    done: bool,
}

impl Receiving {
    pub fn new(sock: TcpStream) -> Receiving {
        Receiving { sock, done: false }
    }

    /// Every byte is in and the file saved: the drop closes cleanly.
    pub fn done(mut self) {
        self.done = true;
    }
}

impl Deref for Receiving {
    type Target = TcpStream;
    fn deref(&self) -> &TcpStream {
        &self.sock
    }
}

impl DerefMut for Receiving {
    fn deref_mut(&mut self) -> &mut TcpStream {
        &mut self.sock
    }
}

impl Drop for Receiving {
    fn drop(&mut self) {
        if !self.done {
            // If the option cannot be set, the close is a clean one: nothing worse than before.
            let _ = socket2::SockRef::from(&self.sock).set_linger(Some(Duration::ZERO));
        }
    }
}
