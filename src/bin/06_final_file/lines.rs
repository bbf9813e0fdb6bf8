//! Lesson 06's longer lines: the header as it goes on the wire (its 4 length bytes in hex,
//! smallest first, then the JSON), and how a client's transfer ended. Only words: the bytes
//! themselves are sent and read in `main.rs`.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use socket_lessons::tools::shows::progress;
use socket_lessons::transfer::deadline;
use socket_lessons::{client, server, words::text::hex};

/// The server's line before it sends the header: the length's bytes, the JSON, the file's size.
pub fn sending(json: &[u8], file_size: u64) {
    // At most MAX_FRAME_LEN bytes (`Offer::open` checked), so the length fits an i32.
    let len = json.len() as i32;
    server!(
        "sending the header: 4 bytes of length ({}), then {len} bytes of JSON: {}; then the file's {}",
        "发送报头: 4 字节长度 ({}), 然后 {len} 字节 JSON: {}; 然后是文件的 {}",
        hex(&len.to_le_bytes()),
        String::from_utf8_lossy(json),
        progress::bytes(file_size)
    );
}

/// The client's line once a header has come: the length's bytes, and what they say.
pub fn received(json: &[u8]) {
    // At most MAX_FRAME_LEN bytes (`recv_frame` checked), so the length fits an i32.
    let len = json.len() as i32;
    client!(
        "received a header: 4 bytes of length ({} = {len}, little-endian), then {len} bytes",
        "收到报头: 4 字节长度 ({} = {len}, 小端序), 然后 {len} 字节",
        hex(&len.to_le_bytes())
    );
}

/// The server's last line for a client: its close (`read`, after `timeout` at most) confirmed it
/// has the file, or why not.
pub fn confirmed(
    addr: SocketAddr,
    read: io::Result<usize>,
    timeout: Duration,
    size: u64,
    start: Instant,
) {
    match deadline::confirmed(read, timeout) {
        Ok(()) => server!(
            "{addr} has the file and closed the connection: sent {}",
            "{addr} 收到了文件并关闭了连接: 发送了 {}",
            progress::rate(size, start.elapsed())
        ),
        Err(why) => server!(
            "{addr} did not confirm it got the file: {why}",
            "{addr} 没有确认收到文件: {why}"
        ),
    }
}
