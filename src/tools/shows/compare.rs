//! Lesson 05's `compare`: the same messages over two real loopback connections, one read raw
//! with lesson 04's `read(5)`, one read framed with lesson 05's `recv_frame`, side by side, each
//! byte colored by the message it came from. A projector view, not a lesson's idea.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use colored::{Color, Colorize};
use console::measure_text_width;

use crate::words::text::{count, py_bytes};
use crate::{Result, note, sockets::frame, sockets::wait, tr};

/// Lesson 04's wait for all the bytes before the raw reads (see `wait::wait_for_bytes`).
const PEEK_TIMEOUT: Duration = Duration::from_secs(3);

/// One color for each message, so that a byte shows which write it came from.
const COLORS: [Color; 3] = [Color::BrightMagenta, Color::BrightBlue, Color::BrightYellow];

/// Send `messages` twice, read them raw with `read(chunk)` and framed, and print the table.
pub fn show(messages: &[&[u8]], chunk: usize) -> Result<()> {
    let sent: Vec<Vec<u8>> = messages.iter().map(|message| message.to_vec()).collect();
    let total = sent.iter().map(Vec::len).sum();
    let raw = exchange(&sent, write_raw, |sock| read_raw(sock, total, chunk))?;
    let framed = exchange(&sent, write_framed, read_framed)?;

    let (n, many) = (messages.len(), count(messages.len(), "message", "messages"));
    note!(
        "the same {many}, sent twice over loopback, read two ways:",
        "同样的 {n} 条消息, 经回环地址发送两次, 用两种方式读取:"
    );
    let writes = count(n, "write", "writes");
    let columns = [
        (
            tr!("sent: {writes}", "发送: {n} 次 write"),
            cells(&sent, &sent),
        ),
        (
            tr!(
                "raw read({chunk}), lesson 04",
                "直接 read({chunk}), 第 04 课"
            ),
            cells(&sent, &raw),
        ),
        (
            tr!("recv_frame, lesson 05", "recv_frame, 第 05 课"),
            cells(&sent, &framed),
        ),
    ];
    let rows = columns
        .iter()
        .map(|(_, cells)| cells.len())
        .max()
        .unwrap_or(0);
    // Widths in terminal columns: a Chinese title's characters take two each.
    let widths = columns.each_ref().map(|(title, cells)| {
        let widest = cells.iter().map(|cell| cell.plain.len()).max().unwrap_or(0);
        widest.max(measure_text_width(title))
    });
    let mut header = String::new();
    for ((title, _), width) in columns.iter().zip(widths) {
        let pad = " ".repeat(width - measure_text_width(title) + 3);
        header.push_str(&format!("{}{pad}", title.bold()));
    }
    note!("{}", header.trim_end());
    for row in 0..rows {
        let mut line = String::new();
        for ((_, cells), width) in columns.iter().zip(widths) {
            let (shown, len) = cells
                .get(row)
                .map_or(("", 0), |cell| (&cell.colored, cell.plain.len()));
            line.push_str(&format!("{shown}{}", " ".repeat(width - len + 3)));
        }
        note!("{}", line.trim_end());
    }
    let (pieces, whole) = (raw.len(), framed.len());
    let (cut, kept) = (
        count(pieces, "piece", "pieces"),
        count(whole, "message", "messages"),
    );
    note!(
        "raw reads: {cut}, cut where the buffer was full; framed reads: {kept}, each whole",
        "直接读取: {pieces} 段, 在缓冲区装满处被切开; 按帧读取: {whole} 条消息, 每条完整"
    );
    Ok(())
}

/// One cell of the table: a byte literal, plain (to measure) and colored (to show).
struct Cell {
    plain: String,
    colored: String,
}

/// The cells of one column. Every column holds the same bytes, in order, cut differently; a
/// byte's place in that stream tells which message it came from, and so its color.
fn cells(sent: &[Vec<u8>], pieces: &[Vec<u8>]) -> Vec<Cell> {
    let origin: Vec<usize> = sent
        .iter()
        .enumerate()
        .flat_map(|(i, message)| std::iter::repeat_n(i, message.len()))
        .collect();
    let mut offset = 0;
    pieces
        .iter()
        .map(|piece| {
            // Each byte escaped on its own, so a byte's color is its message's.
            let mut colored = String::from("b'");
            for &byte in piece {
                let shown = py_bytes(&[byte]);
                let shown = &shown[2..shown.len() - 1];
                let color = origin
                    .get(offset)
                    .map_or(Color::White, |&i| COLORS[i % COLORS.len()]);
                colored.push_str(&shown.color(color).to_string());
                offset += 1;
            }
            colored.push('\'');
            Cell { plain: py_bytes(piece), colored }
        })
        .collect()
}

/// One exchange over a real loopback connection: `send` on a client thread, `receive` here.
fn exchange(
    messages: &[Vec<u8>],
    send: fn(&mut TcpStream, &[Vec<u8>]) -> io::Result<()>,
    receive: impl FnOnce(TcpStream) -> io::Result<Vec<Vec<u8>>>,
) -> Result<Vec<Vec<u8>>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let messages = messages.to_vec();
    let client = thread::spawn(move || send(&mut TcpStream::connect(addr)?, &messages));
    let (sock, _) = listener.accept()?;
    let received = receive(sock)?;
    match client.join() {
        Ok(sent) => sent?,
        Err(_) => {
            return Err(tr!(
                "the compare's client thread panicked",
                "compare 的客户端线程崩溃了 (panic)"
            )
            .into());
        }
    }
    Ok(received)
}

/// Lesson 04's client: bare writes.
fn write_raw(sock: &mut TcpStream, messages: &[Vec<u8>]) -> io::Result<()> {
    messages
        .iter()
        .try_for_each(|message| sock.write_all(message))
}

/// Lesson 05's client: frames.
fn write_framed(sock: &mut TcpStream, messages: &[Vec<u8>]) -> io::Result<()> {
    messages
        .iter()
        .try_for_each(|message| frame::send_frame(sock, message))
}

/// Lesson 04's server: wait for the bytes, then read(chunk) until the client closes.
fn read_raw(mut sock: TcpStream, total: usize, chunk: usize) -> io::Result<Vec<Vec<u8>>> {
    // Lesson 04's wait, so the raw column is the same every run.
    wait::wait_for_bytes(&sock, total, PEEK_TIMEOUT)?;
    let mut buf = vec![0u8; chunk];
    let mut pieces = Vec::new();
    loop {
        match sock.read(&mut buf)? {
            0 => return Ok(pieces),
            n => pieces.push(buf[..n].to_vec()),
        }
    }
}

/// Lesson 05's server: recv_frame until the client closes between frames.
fn read_framed(mut sock: TcpStream) -> io::Result<Vec<Vec<u8>>> {
    let mut messages = Vec::new();
    while let Some(message) = frame::recv_frame(&mut sock)? {
        messages.push(message);
    }
    Ok(messages)
}
