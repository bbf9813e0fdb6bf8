//! Lessons 06 and 07's connection: one type for a socket whose reads and writes give up once no
//! byte has moved for `--timeout` ([`Watched`]), and whose writes keep to `--rate` ([`Paced`]).

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::transfer::deadline::Watched;
use crate::transfer::rate::{Paced, Rate};

/// `Conn::new(&sock, timeout, rate)`: the socket, lent, with one deadline and a pace.
pub struct Conn<'a> {
    inner: Paced<Watched<'a>>,
}

impl<'a> Conn<'a> {
    /// `rate` `None`: as fast as the peer takes the bytes.
    pub fn new(sock: &'a TcpStream, timeout: Duration, rate: Option<Rate>) -> Conn<'a> {
        Conn { inner: Paced::new(Watched::new(sock, timeout), rate) }
    }

    /// How many bytes have moved, both ways: how far a transfer got.
    pub fn moved(&self) -> u64 {
        self.inner.get_ref().moved()
    }
}

impl Read for Conn<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.get_mut().read(buf)
    }
}

impl Write for Conn<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
