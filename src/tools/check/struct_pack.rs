//! Lesson 05's exercise: frames `[i32 little-endian: body length][body]`. The server prints each
//! body until the client closes; the client sends `1234567`, `abcde`, `hhhhh`, `黏包问题`.

use std::io::Write;
use std::net::TcpStream;

use super::judge::{Printed, differ, expect_printed, frame, no_crash, printed, shown};
use super::peer::{self, Connection, Ending, STEP};
use super::{Check, Ctx, Judged, Side, Stop, fail};
use crate::tr;
use crate::words::text::{hex, py_bytes};

/// The client's four messages: lesson 04's three, then 4 characters that are 12 bytes.
pub const MESSAGES: [&str; 4] = ["1234567", "abcde", "hhhhh", "黏包问题"];

const PAGE: [&str; 2] = [
    "lessons/05_struct_pack.md, \"Exercise\"",
    "lessons/zh/05_struct_pack.md, 「练习」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let server = Check::on(PAGE, 5, Side::Server, true);
    let client = Check::on(PAGE, 5, Side::Client, true);
    vec![
        server("four-frames", ["the four frames, one write each, then a close: each body printed as text", "四个帧, 每帧一次写入, 然后关闭: 每个正文都作为文本打印"], four_frames),
        server("one-write", ["three frames in one write", "三个帧放在一次写入里"], one_write),
        server("trickled", ["three frames one byte per segment (TCP_NODELAY)", "三个帧, 每个 TCP 段只有一个字节 (TCP_NODELAY)"], trickled),
        server("every-split", ["one frame 14 times, cut at each of its 14 inner offsets", "同一个帧发 14 次, 分别在它内部的 14 个位置切开"], every_split),
        server("empty-body", ["a frame with an empty body between two others", "两个帧之间夹一个正文为空的帧"], empty_body),
        server("big-body", ["a 60 KiB body, in two writes", "60 KiB 的正文, 分两次写入"], big_body),
        server("close-in-length", ["a close after 2 of the 4 length bytes", "长度的 4 个字节只发 2 个就关闭"], close_in_length),
        server("close-in-body", ["a close after 7 of 10 body bytes", "正文 10 字节只发 7 个就关闭"], close_in_body),
        Check { needs_command: false, ..server("negative-length", ["a length of -1, then a good frame, the connection left open", "长度为 -1, 然后是一个正常的帧, 连接保持打开"], negative_length) },
        Check { needs_command: false, ..server("huge-length", ["a length of 2^31-1, then a good frame, the connection left open", "长度为 2^31-1, 然后是一个正常的帧, 连接保持打开"], huge_length) },
        client("messages", ["1234567, abcde, hhhhh, 黏包问题 sent in order, then a close", "按顺序发送 1234567、abcde、hhhhh、黏包问题, 然后关闭"], client_messages),
        client("frames", ["exactly four frames, each length its body's size, nothing after", "恰好四个帧, 每个长度等于正文大小, 之后没有别的"], client_frames),
        client("little-endian", ["the length's smallest byte first", "长度的低位字节在前"], client_little_endian),
        client("byte-lengths", ["the length of 黏包问题 counts its 12 bytes", "黏包问题 的长度是它的 12 个字节"], client_byte_lengths),
    ]
}

/// A write that failed: the server closed or reset the connection while the check was sending
/// (its traceback, if it crashed, is in the report).
fn sent(e: std::io::Error) -> Stop {
    fail(
        tr!("the server reads what is sent", "服务端读取发给它的数据"),
        tr!(
            "the connection broke while sending: {e}",
            "发送途中连接断开: {e}"
        ),
    )
}

fn four() -> Vec<&'static [u8]> {
    MESSAGES.iter().map(|m| m.as_bytes()).collect()
}

/// Lesson 04's three messages, ASCII: the checks of how bytes arrive use these, so that only
/// `four-frames` asks for UTF-8.
const THREE: [&[u8]; 3] = [b"1234567", b"abcde", b"hhhhh"];

fn connected(ctx: &mut Ctx) -> Result<Connection, Stop> {
    ctx.start_server("", None)?;
    ctx.connect()
}

/// Write each frame alone: Nagle off and a pause between, so no two share a read.
fn one_by_one(sock: &mut TcpStream, bodies: &[&[u8]]) -> Judged {
    sock.set_nodelay(true).map_err(sent)?;
    for body in bodies {
        sock.write_all(&frame(body)).map_err(sent)?;
        std::thread::sleep(peer::GAP);
    }
    Ok(())
}

fn four_frames(ctx: &mut Ctx) -> Judged {
    let mut sock = connected(ctx)?;
    one_by_one(&mut sock, &four())?;
    drop(sock);
    expect_printed(ctx, &four(), Printed::Text)
}

fn one_write(ctx: &mut Ctx) -> Judged {
    let mut sock = connected(ctx)?;
    let all: Vec<u8> = THREE.into_iter().flat_map(frame).collect();
    sock.write_all(&all).map_err(sent)?;
    drop(sock);
    expect_printed(ctx, &THREE, Printed::Text)
}

fn trickled(ctx: &mut Ctx) -> Judged {
    let mut sock = connected(ctx)?;
    let all: Vec<u8> = THREE.into_iter().flat_map(frame).collect();
    peer::trickle(&mut sock, &all).map_err(sent)?;
    drop(sock);
    expect_printed(ctx, &THREE, Printed::Text)
}

fn every_split(ctx: &mut Ctx) -> Judged {
    let mut sock = connected(ctx)?;
    let one = frame(b"every-split");
    for at in 1..one.len() {
        peer::split(&mut sock, &one, at).map_err(sent)?;
    }
    drop(sock);
    expect_printed(
        ctx,
        &vec![&b"every-split"[..]; one.len() - 1],
        Printed::Text,
    )
}

fn empty_body(ctx: &mut Ctx) -> Judged {
    let mut sock = connected(ctx)?;
    one_by_one(&mut sock, &[b"before-empty", b"", b"after-empty"])?;
    drop(sock);
    expect_printed(ctx, &[b"before-empty", b"after-empty"], Printed::Text)
}

fn big_body(ctx: &mut Ctx) -> Judged {
    let body: Vec<u8> = b"0123456789abcdef"
        .iter()
        .copied()
        .cycle()
        .take(60 * 1024)
        .collect();
    let mut sock = connected(ctx)?;
    let whole = frame(&body);
    peer::split(&mut sock, &whole, whole.len() / 2).map_err(sent)?;
    drop(sock);
    expect_printed(ctx, &[&body], Printed::Text)
}

/// A line of the output that prints `body` as a message, as a failure.
fn printed_anyway(ctx: &mut Ctx, body: &[u8], expected: String) -> Judged {
    let Some(program) = ctx.program.as_mut() else {
        return Ok(());
    };
    program.wait_exit(STEP);
    match program
        .lines()
        .iter()
        .find(|line| printed(line, body, Printed::Text))
    {
        Some(line) => {
            let line = super::program::escaped(line);
            Err(fail(expected, tr!("printed {line:?}", "打印了 {line:?}")))
        }
        None => Ok(()),
    }
}

/// Send `bytes`, close, and expect no message printed from them (`body`, if any) and no crash.
fn broken(ctx: &mut Ctx, bytes: &[u8], body: Option<&[u8]>) -> Judged {
    let mut sock = connected(ctx)?;
    sock.write_all(bytes).map_err(sent)?;
    drop(sock);
    ctx.program()?.wait_exit(STEP);
    if let Some(body) = body {
        let expected = tr!(
            "no message printed from a cut frame",
            "不完整的帧不应当被当作消息打印出来"
        );
        printed_anyway(ctx, body, expected)?;
    }
    no_crash(ctx)
}

fn close_in_length(ctx: &mut Ctx) -> Judged {
    broken(ctx, &[7, 0], None)
}

fn close_in_body(ctx: &mut Ctx) -> Judged {
    let mut bytes = 10i32.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"partial");
    broken(ctx, &bytes, Some(b"partial"))
}

/// A length no sane frame has, then a good frame, the connection left open: the server must
/// refuse at once (close, or end), neither wait for bytes that never come nor read on.
fn refused(ctx: &mut Ctx, length: i32) -> Judged {
    let mut sock = connected(ctx)?;
    let mut bytes = length.to_le_bytes().to_vec();
    bytes.extend(frame(b"after-bad"));
    sock.write_all(&bytes).map_err(sent)?;
    let (_, end) = peer::read_all(&mut sock, STEP, 1 << 20);
    let expected = tr!(
        "the length {length} refused at once: the connection closed, nothing more read",
        "长度 {length} 应当被立刻拒绝: 关闭连接, 不再读后面的数据"
    );
    if end == Ending::Silent {
        let secs = STEP.as_secs();
        let got = tr!(
            "after {secs}s the server still waits for the body",
            "{secs} 秒后服务端仍在等正文"
        );
        return Err(fail(expected, got));
    }
    printed_anyway(ctx, b"after-bad", expected)?;
    no_crash(ctx)
}

fn negative_length(ctx: &mut Ctx) -> Judged {
    refused(ctx, -1)
}

fn huge_length(ctx: &mut Ctx) -> Judged {
    refused(ctx, i32::MAX)
}

/// Start the client, read everything it sends until it closes, wait for it to end.
fn capture(ctx: &mut Ctx) -> Result<Vec<u8>, Stop> {
    ctx.start_client("")?;
    let mut sock = ctx.accept()?;
    let (got, end) = peer::read_all(&mut sock, STEP, 1 << 20);
    drop(sock);
    if end != Ending::Closed {
        return Err(fail(
            tr!("the frames, then a close", "发送完帧后关闭连接"),
            tr!("{}: {}", "{}: {}", shown(&got), peer::said(end)),
        ));
    }
    // The close is what the page asks; whether the program then ends, or waits for Enter, it
    // leaves open (lesson 04's check says the same).
    no_crash(ctx)?;
    Ok(got)
}

/// The four messages' bytes appear in the stream in order, whatever the lengths say.
fn client_messages(ctx: &mut Ctx) -> Judged {
    let got = capture(ctx)?;
    let mut from = 0;
    for (i, body) in four().into_iter().enumerate() {
        match got[from..].windows(body.len()).position(|w| w == body) {
            Some(at) => from += at + body.len(),
            None => {
                let want: Vec<String> = four().iter().map(|b| py_bytes(b)).collect();
                return Err(fail(
                    tr!(
                        "the messages {}, in order",
                        "按顺序发送消息 {}",
                        want.join(" ")
                    ),
                    tr!(
                        "{} then no {}: {}",
                        "{} 之后没有 {}: {}",
                        i,
                        want[i],
                        shown(&got)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Exactly four frames, each length the size of its body, and nothing after.
fn client_frames(ctx: &mut Ctx) -> Judged {
    let got = capture(ctx)?;
    let want: Vec<u8> = four().into_iter().flat_map(frame).collect();
    if got != want {
        return Err(differ(&want, &got));
    }
    Ok(())
}

fn client_little_endian(ctx: &mut Ctx) -> Judged {
    let got = capture(ctx)?;
    match got.get(..4) {
        Some([7, 0, 0, 0]) => Ok(()),
        Some([0, 0, 0, 7]) => Err(fail(
            "07 00 00 00: struct.pack('<i', 7)",
            tr!(
                "00 00 00 07: big-endian, as struct.pack('!i') packs it",
                "00 00 00 07: 大端序, 这是 struct.pack('!i') 的打包方式"
            ),
        )),
        other => Err(fail(
            tr!("07 00 00 00, then 1234567", "07 00 00 00, 然后是 1234567"),
            hex(other.unwrap_or(&got)),
        )),
    }
}

/// The length in front of 黏包问题 says 12, in either byte order (the order is another check).
fn client_byte_lengths(ctx: &mut Ctx) -> Judged {
    let got = capture(ctx)?;
    let body = MESSAGES[3].as_bytes();
    let Some(at) = got.windows(body.len()).position(|w| w == body) else {
        return Err(fail(
            tr!("a frame of 黏包问题", "一个装着 黏包问题 的帧"),
            tr!("no 黏包问题 in {}", "{} 里没有 黏包问题", shown(&got)),
        ));
    };
    let expected = tr!("0c 00 00 00: 12 bytes", "0c 00 00 00: 12 个字节");
    match got.get(at.saturating_sub(4)..at).unwrap_or_default() {
        [12, 0, 0, 0] | [0, 0, 0, 12] => Ok(()),
        [4, 0, 0, 0] | [0, 0, 0, 4] => Err(fail(
            expected,
            tr!(
                "a length of 4: len(str) counts 4 characters; count the bytes: len(text.encode())",
                "长度为 4: len(str) 数的是 4 个字符; 应当数字节: len(text.encode())"
            ),
        )),
        other => Err(fail(expected, hex(other))),
    }
}
