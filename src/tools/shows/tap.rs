//! Lesson 05's window on the wire: a reader that keeps a copy of what passes through it.

use std::io::{self, Read};

use crate::sockets::frame;

/// A reader that keeps a copy of the bytes it passes on, so the server can show the 4 length
/// bytes that `recv_frame` read off the wire before each message, or what a broken frame brought.
pub struct Tap<R> {
    inner: R,
    seen: Vec<u8>,
}

impl<R> Tap<R> {
    pub fn new(inner: R) -> Tap<R> {
        Tap { inner, seen: Vec::new() }
    }

    /// The bytes read since the last call.
    pub fn arrived(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.seen)
    }
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.seen.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

/// `recv_frame(&mut wire).showing(&mut wire)?`: a frame's error, if any, in [`frame::broken`]'s
/// words, with the bytes that arrived of it, on the same line as the call.
pub trait Showing<T> {
    fn showing<R>(self, wire: &mut Tap<R>) -> crate::Result<T>;
}

impl<T> Showing<T> for io::Result<T> {
    fn showing<R>(self, wire: &mut Tap<R>) -> crate::Result<T> {
        self.map_err(|e| frame::broken(e, &wire.arrived()))
    }
}
