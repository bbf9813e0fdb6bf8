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

/// Send `body` as one frame: the 4-byte length, then the body, in one `write_all`.
///
/// One write, not two: with Nagle's algorithm on, a small length written alone would wait for
/// the peer's ACK (up to 40 ms with delayed ACKs) before the body could follow.
pub fn send_frame(writer: &mut impl Write, body: &[u8]) -> io::Result<()> {
    let len = i32::try_from(body.len())
        .ok()
        .filter(|&len| len as usize <= MAX_FRAME_LEN)
        .ok_or_else(|| {
            io::Error::new(
                ErrorKind::InvalidInput,
                tr!(
                    "a frame of {} bytes is over the {MAX_FRAME_LEN}-byte limit",
                    "一帧有 {} 字节, 超过了 {MAX_FRAME_LEN} 字节的上限",
                    body.len()
                ),
            )
        })?;
    let mut frame = Vec::with_capacity(LEN_SIZE + body.len());
    // Python: struct.pack('i', len(data))
    frame.extend_from_slice(&len.to_le_bytes());
    frame.extend_from_slice(body);
    writer.write_all(&frame)
}

/// Receive one frame: exactly 4 bytes of length, then exactly that many bytes of body.
///
/// - `Ok(Some(body))`: a whole frame (an empty body is a real, empty message).
/// - `Ok(None)`: the peer closed cleanly *between* frames: a read of 0 with nothing pending.
/// - `Err(UnexpectedEof)`: the peer closed *inside* a frame; the message says how many of how
///   many bytes arrived.
/// - `Err(InvalidData)`: a length that is negative or over [`MAX_FRAME_LEN`]: bad data, not a
///   short read, so waiting for more bytes would not help.
pub fn recv_frame(reader: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len_bytes = [0u8; LEN_SIZE];
    // recv(4) may return 1, 2 or 3 bytes: keep reading until the 4 are here.
    match read_full(reader, &mut len_bytes)? {
        0 => return Ok(None),
        LEN_SIZE => {}
        got => {
            return Err(io::Error::new(
                ErrorKind::UnexpectedEof,
                tr!(
                    "connection closed inside a frame's length: {got} of {LEN_SIZE} bytes arrived",
                    "连接在帧的长度字段中途关闭: {LEN_SIZE} 个字节只到了 {got} 个"
                ),
            ));
        }
    }
    // Python: struct.unpack('i', header)[0]
    let len = i32::from_le_bytes(len_bytes);
    let len = usize::try_from(len).map_err(|_| {
        bad_data(tr!(
            "a frame announced a negative length ({len})",
            "帧声明的长度是负数 ({len})"
        ))
    })?;
    if len > MAX_FRAME_LEN {
        return Err(bad_data(tr!(
            "a frame announced {len} bytes, over the {MAX_FRAME_LEN}-byte limit",
            "帧声明的长度是 {len} 字节, 超过了 {MAX_FRAME_LEN} 字节的上限"
        )));
    }
    let mut body = vec![0u8; len];
    let got = read_full(reader, &mut body)?;
    if got < len {
        return Err(io::Error::new(
            ErrorKind::UnexpectedEof,
            tr!(
                "connection closed inside a frame: {got} of {len} bytes of its body arrived",
                "连接在帧的中途关闭: 正文 {len} 字节只到了 {got} 字节"
            ),
        ));
    }
    Ok(Some(body))
}

/// Read until `buf` is full or the peer has closed; return how many bytes arrived.
///
/// `read_exact` would do the filling, but on EOF it cannot say how far it got, and "3 of 4
/// bytes arrived" is what tells a clean close from a broken frame.
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

fn bad_data(message: String) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, message)
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
