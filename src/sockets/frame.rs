//! Length-prefixed frames: lesson 05's cure for sticky packets, kept here once it is taught.
//! The functions are lesson 05's, line for line (`tests/lesson05.rs` checks it), made `pub`.
//!
//! TCP is a byte stream with no message boundaries: one read may return part of a message, one
//! whole message, or several messages. A frame puts the boundary back by saying, before each
//! message, how many bytes it has. On the wire, one frame is:
//!
//! ```text
//! [i32 little-endian: body length N][N bytes of body]
//! ```
//!
//! This is the material's `struct.pack('i', len(data))` followed by the data. Python's `'i'` is
//! the machine's native order, which is little-endian on x86 and ARM; we fix little-endian so a
//! Rust peer and the material's Python peer agree. A protocol designed today would pick network
//! order (big-endian, Python's `'!i'`) and say so; we keep the material's bytes.

use std::io::{self, ErrorKind, Read, Write};

use crate::tr;

/// Size of the length prefix: `struct.calcsize('i')` is 4.
pub const LEN_SIZE: usize = 4;

/// The largest body [`recv_frame`] accepts: 64 KiB.
///
/// The length comes from the peer, and a peer that lies (or is not speaking this protocol:
/// `GET ` read as an i32 is 542,393,671) must not make us allocate gigabytes. Lesson 05's
/// messages and lesson 06's JSON header are a few hundred bytes; 64 KiB is plenty for both.
pub const MAX_FRAME_LEN: usize = 64 * 1024;

/// Send `body` as one frame: the 4-byte length, then the body, in one `write_all`. One write,
/// not two: with Nagle on, a small length written alone would wait for the peer's ACK.
pub fn send_frame(writer: &mut impl Write, body: &[u8]) -> io::Result<()> {
    let len = i32::try_from(body.len())
        .ok()
        .filter(|&len| len as usize <= MAX_FRAME_LEN)
        .ok_or(Wrong::TooBig(body.len()))?;
    // Python: struct.pack('i', len(data)) + data — the 4 length bytes, then the body.
    writer.write_all(&[&len.to_le_bytes()[..], body].concat())
}

/// Receive one frame: exactly 4 bytes of length, then exactly that many bytes of body.
/// `Ok(None)`: the peer closed cleanly *between* frames. An error: it closed *inside* a frame
/// (`UnexpectedEof`: more bytes needed, and none will come), or sent a length that is negative or
/// too big (`InvalidData`: bad data, which no wait would cure).
pub fn recv_frame(reader: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len_bytes = [0u8; LEN_SIZE];
    // recv(4) may return 1, 2 or 3 bytes: keep reading until the 4 are here.
    match read_full(reader, &mut len_bytes)? {
        0 => return Ok(None),
        LEN_SIZE => {}
        got => return Err(Wrong::CutLength(got).into()),
    }
    // Python: struct.unpack('i', header)[0]
    let len = i32::from_le_bytes(len_bytes);
    let len = usize::try_from(len).map_err(|_| Wrong::Negative(len))?;
    if len > MAX_FRAME_LEN {
        return Err(Wrong::OverLimit(len).into());
    }
    let mut body = vec![0u8; len];
    match read_full(reader, &mut body)? {
        got if got < len => Err(Wrong::CutBody(got, len).into()),
        _ => Ok(Some(body)),
    }
}

/// Read until `buf` is full or the peer has closed; return how many bytes arrived. Not
/// `read_exact`: on EOF it cannot say how far it got, which tells a clean close from a cut frame.
pub fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            // A read of 0 means the peer closed: no more bytes will ever come.
            Ok(0) => break,
            Ok(n) => filled += n,
            // A signal interrupted the read before any byte arrived: just read again.
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// What can be wrong with a frame: each case its `io::Error` kind and its words, so that
/// [`recv_frame`] and [`send_frame`] (and lesson 05's, line for line) say only which case it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrong {
    /// A body of this many bytes is over [`MAX_FRAME_LEN`]: we refuse to send it.
    TooBig(usize),
    /// The peer closed after this many of the length's 4 bytes.
    CutLength(usize),
    /// The length read as a negative number.
    Negative(i32),
    /// The length announced more than [`MAX_FRAME_LEN`] bytes.
    OverLimit(usize),
    /// The peer closed after this many of the body's announced bytes.
    CutBody(usize, usize),
}

impl From<Wrong> for io::Error {
    fn from(wrong: Wrong) -> io::Error {
        let kind = match wrong {
            Wrong::TooBig(_) => ErrorKind::InvalidInput,
            Wrong::CutLength(_) | Wrong::CutBody(..) => ErrorKind::UnexpectedEof,
            Wrong::Negative(_) | Wrong::OverLimit(_) => ErrorKind::InvalidData,
        };
        let words = match wrong {
            Wrong::TooBig(n) => tr!(
                "a frame of {n} bytes is over the {MAX_FRAME_LEN}-byte limit",
                "一帧有 {n} 字节, 超过了 {MAX_FRAME_LEN} 字节的上限"
            ),
            Wrong::CutLength(got) => tr!(
                "connection closed inside a frame's length: {got} of {LEN_SIZE} bytes arrived",
                "连接在帧的长度字段中途关闭: {LEN_SIZE} 个字节只到了 {got} 个"
            ),
            Wrong::Negative(len) => tr!(
                "a frame announced a negative length ({len})",
                "帧声明的长度是负数 ({len})"
            ),
            Wrong::OverLimit(len) => tr!(
                "a frame announced {len} bytes, over the {MAX_FRAME_LEN}-byte limit",
                "帧声明的长度是 {len} 字节, 超过了 {MAX_FRAME_LEN} 字节的上限"
            ),
            Wrong::CutBody(got, len) => tr!(
                "connection closed inside a frame: {got} of {len} bytes of its body arrived",
                "连接在帧的中途关闭: 正文 {len} 字节只到了 {got} 字节"
            ),
        };
        io::Error::new(kind, words)
    }
}

/// A frame that went wrong, as the receiving server's one line: who closed, for a reset; else
/// [`recv_frame`]'s reason and the bytes the peer sent for that frame (`arrived`), escaped: a
/// lying length or a cut body shows what really came, and no byte of it reaches the screen raw.
pub fn broken(e: io::Error, arrived: &[u8]) -> crate::Error {
    /// How many body bytes of a broken frame the line shows, after the 4 of its length.
    const SHOWN: usize = 32;
    if let Some(words) = crate::sockets::net::gone(&e, crate::sockets::net::Peer::Client) {
        return words.into();
    }
    let bytes = crate::words::text::py_bytes_first(arrived, LEN_SIZE + SHOWN);
    tr!(
        "{e}; what arrived: {bytes}",
        "客户端发来的帧不完整或有误 ({e}); 这一帧收到的字节: {bytes}"
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per read: TCP is allowed to do this.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn one_byte_at_a_time(bytes: &[u8]) -> Trickle<'_> {
        Trickle { bytes, step: 1 }
    }

    #[test]
    fn a_frame_is_its_length_in_little_endian_then_its_body() {
        let mut wire = Vec::new();
        send_frame(&mut wire, b"abcde").unwrap();
        assert_eq!(wire, b"\x05\x00\x00\x00abcde");
    }

    #[test]
    fn an_empty_message_is_still_four_bytes_on_the_wire() {
        let mut wire = Vec::new();
        send_frame(&mut wire, b"").unwrap();
        assert_eq!(wire, b"\x00\x00\x00\x00");
        assert_eq!(recv_frame(&mut &wire[..]).unwrap(), Some(Vec::new()));
    }

    #[test]
    fn frames_survive_a_reader_that_gives_one_byte_at_a_time() {
        let wire = b"\x07\x00\x00\x001234567\x05\x00\x00\x00abcde";
        let mut reader = one_byte_at_a_time(wire);
        assert_eq!(recv_frame(&mut reader).unwrap().unwrap(), b"1234567");
        assert_eq!(recv_frame(&mut reader).unwrap().unwrap(), b"abcde");
        assert_eq!(recv_frame(&mut reader).unwrap(), None);
    }

    #[test]
    fn two_frames_in_one_read_come_out_as_two_messages() {
        let wire = b"\x07\x00\x00\x001234567\x05\x00\x00\x00abcde\x05\x00\x00\x00hhhhh";
        let mut reader = Trickle { bytes: wire, step: wire.len() };
        for expected in [&b"1234567"[..], b"abcde", b"hhhhh"] {
            assert_eq!(recv_frame(&mut reader).unwrap().unwrap(), expected);
        }
        assert_eq!(recv_frame(&mut reader).unwrap(), None);
    }

    #[test]
    fn a_frame_split_at_every_point_reads_the_same() {
        let mut wire = Vec::new();
        send_frame(&mut wire, "字节不是字符".as_bytes()).unwrap();
        send_frame(&mut wire, b"second").unwrap();
        for split in 0..=wire.len() {
            // The first read stops at `split`, the rest comes in the next reads.
            let (first, rest) = wire.split_at(split);
            let mut reader = first.chain(rest);
            let one = recv_frame(&mut reader).unwrap().unwrap();
            let two = recv_frame(&mut reader).unwrap().unwrap();
            assert_eq!(one, "字节不是字符".as_bytes(), "split at {split}");
            assert_eq!(two, b"second", "split at {split}");
            assert_eq!(recv_frame(&mut reader).unwrap(), None, "split at {split}");
        }
    }

    #[test]
    fn eof_inside_the_length_says_how_far_it_got() {
        let error = recv_frame(&mut one_byte_at_a_time(b"\x05\x00\x00")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnexpectedEof);
        assert_eq!(
            error.to_string(),
            "connection closed inside a frame's length: 3 of 4 bytes arrived"
        );
    }

    #[test]
    fn eof_inside_the_body_says_how_far_it_got() {
        let error = recv_frame(&mut one_byte_at_a_time(b"\x05\x00\x00\x00abc")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnexpectedEof);
        assert_eq!(
            error.to_string(),
            "connection closed inside a frame: 3 of 5 bytes of its body arrived"
        );
    }

    #[test]
    fn a_negative_length_is_bad_data() {
        let error = recv_frame(&mut &b"\xff\xff\xff\xffabc"[..]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidData);
        assert_eq!(
            error.to_string(),
            "a frame announced a negative length (-1)"
        );
    }

    #[test]
    fn a_huge_length_is_refused_before_anything_is_allocated() {
        // "GET " — an HTTP request read as a length — announces 542_393_671 bytes.
        let error = recv_frame(&mut &b"GET / HTTP/1.1\r\n"[..]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidData);
        assert_eq!(
            error.to_string(),
            "a frame announced 542393671 bytes, over the 65536-byte limit"
        );
    }

    #[test]
    fn the_largest_frame_goes_through_and_one_more_byte_does_not() {
        let mut wire = Vec::new();
        send_frame(&mut wire, &vec![7u8; MAX_FRAME_LEN]).unwrap();
        assert_eq!(
            recv_frame(&mut &wire[..]).unwrap().unwrap().len(),
            MAX_FRAME_LEN
        );
        let error = send_frame(&mut Vec::new(), &vec![7u8; MAX_FRAME_LEN + 1]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
    }
}
