//! Lesson 05's exercise: frames `[i32 little-endian: body length][body]`. The server prints each
//! body until the client closes; the client sends `1234567`, `abcde`, `hhhhh`, `黏包问题`.

use std::io::Write;
use std::net::TcpStream;

use super::judge::{expect_printed, frame, no_traceback, printed, shown};
use super::peer::{self, End, STEP};
use super::{Check, Ctx, Judged, Stop, fail};
use crate::text::hex;
use crate::tr;

/// The client's four messages: lesson 04's three, then 4 characters that are 12 bytes.
pub const MESSAGES: [&str; 4] = ["1234567", "abcde", "hhhhh", "黏包问题"];

const PAGE: [&str; 2] = [
    "lessons/05_struct_pack.md, \"Exercise\"",
    "lessons/zh/05_struct_pack.md, 「练习」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let check = |id, does, run| Check {
        id,
        does,
        page: PAGE,
        needs_command: true,
        run,
    };
    vec![
        check("05.server.four-frames", ["the four frames, one write each, then a close", "四个帧, 每帧一次写入, 然后关闭"], four_frames),
        check("05.server.one-write", ["the four frames in one write", "四个帧放在一次写入里"], one_write),
        check("05.server.trickled", ["the four frames one byte per segment (TCP_NODELAY)", "四个帧, 每个 TCP 段只有一个字节 (TCP_NODELAY)"], trickled),
        check("05.server.every-split", ["the frame of 黏包问题 15 times, cut at every offset", "黏包问题 这一帧发 15 次, 每次在不同的位置切开"], every_split),
        check("05.server.empty-body", ["a frame with an empty body between two others", "两个帧之间夹一个正文为空的帧"], empty_body),
        check("05.server.big-body", ["a 60 KiB body, in two writes", "60 KiB 的正文, 分两次写入"], big_body),
        check("05.server.close-in-length", ["a close after 2 of the 4 length bytes", "长度的 4 个字节只发 2 个就关闭"], close_in_length),
        check("05.server.close-in-body", ["a close after 7 of 10 body bytes", "正文 10 字节只发 7 个就关闭"], close_in_body),
        Check { needs_command: false, ..check("05.server.negative-length", ["a length of -1, the connection left open", "长度为 -1, 连接保持打开"], negative_length) },
        Check { needs_command: false, ..check("05.server.huge-length", ["a length of 2^31-1, the connection left open", "长度为 2^31-1, 连接保持打开"], huge_length) },
        check("05.client.four-frames", ["the four frames, then a close", "四个帧, 然后关闭"], client_four),
        check("05.client.little-endian", ["the length's smallest byte first", "长度的低位字节在前"], client_little_endian),
        check("05.client.byte-lengths", ["the length of 黏包问题 counts its 12 bytes", "黏包问题 的长度是它的 12 个字节"], client_byte_lengths),
    ]
}

fn sent(e: std::io::Error) -> Stop {
    fail(
        tr!("the server reads what is sent", "服务端读取发给它的数据"),
        tr!("sending failed: {e}", "发送失败: {e}"),
    )
}

fn four() -> Vec<&'static [u8]> {
    MESSAGES.iter().map(|m| m.as_bytes()).collect()
}

fn connected(ctx: &mut Ctx) -> Result<TcpStream, Stop> {
    ctx.start_server("", None)?;
    ctx.connect()
}

fn four_frames(ctx: &mut Ctx) -> Judged {
    let mut sock = connected(ctx)?;
    for body in four() {
        sock.write_all(&frame(body)).map_err(sent)?;
    }
    drop(sock);
    expect_printed(ctx, &four())
}

fn one_write(ctx: &mut Ctx) -> Judged {
    let mut sock = connected(ctx)?;
    let all: Vec<u8> = four().into_iter().flat_map(frame).collect();
    sock.write_all(&all).map_err(sent)?;
    drop(sock);
    expect_printed(ctx, &four())
}

fn trickled(ctx: &mut Ctx) -> Judged {
    let mut sock = connected(ctx)?;
    let all: Vec<u8> = four().into_iter().flat_map(frame).collect();
    peer::trickle(&mut sock, &all).map_err(sent)?;
    drop(sock);
    expect_printed(ctx, &four())
}

fn every_split(ctx: &mut Ctx) -> Judged {
    let mut sock = connected(ctx)?;
    let one = frame(MESSAGES[3].as_bytes());
    for at in 1..one.len() {
        peer::split(&mut sock, &one, at).map_err(sent)?;
    }
    drop(sock);
    expect_printed(ctx, &vec![MESSAGES[3].as_bytes(); one.len() - 1])
}

fn empty_body(ctx: &mut Ctx) -> Judged {
    let mut sock = connected(ctx)?;
    for body in [&b"before-empty"[..], b"", b"after-empty"] {
        sock.write_all(&frame(body)).map_err(sent)?;
    }
    drop(sock);
    expect_printed(ctx, &[b"before-empty", b"after-empty"])
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
    expect_printed(ctx, &[&body])
}

/// Send `bytes`, close, and expect no message printed from them (`body`, if any) and no crash.
fn broken(ctx: &mut Ctx, bytes: &[u8], body: Option<&[u8]>) -> Judged {
    let mut sock = connected(ctx)?;
    sock.write_all(bytes).map_err(sent)?;
    drop(sock);
    let program = ctx.program()?;
    program.wait_exit(STEP);
    if let Some(line) = program
        .output()
        .lines()
        .find(|line| body.is_some_and(|b| printed(line, b)))
    {
        return Err(fail(
            tr!(
                "no message printed from a cut frame",
                "不完整的帧不应当被当作消息打印出来"
            ),
            tr!(
                "printed {:?} as a message",
                "把 {:?} 当作消息打印了",
                super::program::shown(line)
            ),
        ));
    }
    no_traceback(ctx)
}

fn close_in_length(ctx: &mut Ctx) -> Judged {
    broken(ctx, &[7, 0], None)
}

fn close_in_body(ctx: &mut Ctx) -> Judged {
    let mut bytes = 10i32.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"partial");
    broken(ctx, &bytes, Some(b"partial"))
}

/// A length no sane frame has, then `hello`, the connection left open: the server must refuse
/// at once (close, or end) instead of waiting for bytes that will never come.
fn refused(ctx: &mut Ctx, length: i32) -> Judged {
    let mut sock = connected(ctx)?;
    let mut bytes = length.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"hello");
    sock.write_all(&bytes).map_err(sent)?;
    let (_, end) = peer::read_all(&mut sock, STEP, 1 << 20);
    if end == End::Silent {
        return Err(fail(
            tr!(
                "the length {length} refused at once: the connection closed",
                "长度 {length} 应当被立刻拒绝: 关闭连接"
            ),
            tr!(
                "after {}s the server still waits for the body",
                "{} 秒后服务端仍在等正文",
                STEP.as_secs()
            ),
        ));
    }
    if let Some(program) = ctx.program.as_mut() {
        program.wait_exit(STEP);
        if let Some(line) = program.output().lines().find(|l| printed(l, b"hello")) {
            let line = super::program::shown(line);
            return Err(fail(
                tr!("no message printed", "不打印任何消息"),
                tr!("printed {line:?}", "打印了 {line:?}"),
            ));
        }
    }
    no_traceback(ctx)
}

fn negative_length(ctx: &mut Ctx) -> Judged {
    refused(ctx, -1)
}

fn huge_length(ctx: &mut Ctx) -> Judged {
    refused(ctx, i32::MAX)
}

/// Start the client, read everything it sends until it closes, wait for it to end.
fn capture(ctx: &mut Ctx) -> Result<Vec<u8>, Stop> {
    let listener = ctx.start_client("")?;
    let mut sock = ctx.accept(&listener)?;
    let (got, end) = peer::read_all(&mut sock, STEP, 1 << 20);
    if end != End::Closed {
        return Err(fail(
            tr!("the frames, then a close", "发送完帧后关闭连接"),
            tr!("{}: {}", "{}: {}", shown(&got), peer::said(end)),
        ));
    }
    drop(sock);
    ctx.program()?.wait_exit(STEP);
    Ok(got)
}

fn client_four(ctx: &mut Ctx) -> Judged {
    let got = capture(ctx)?;
    let want: Vec<u8> = four().into_iter().flat_map(frame).collect();
    if got != want {
        return Err(fail(shown(&want), shown(&got)));
    }
    no_traceback(ctx)
}

fn client_little_endian(ctx: &mut Ctx) -> Judged {
    let got = capture(ctx)?;
    let want = frame(MESSAGES[0].as_bytes());
    match got.get(..4) {
        Some(first) if first == &want[..4] => Ok(()),
        Some(first) if first == 7i32.to_be_bytes() => Err(fail(
            tr!(
                "07 00 00 00: struct.pack('<i', 7)",
                "07 00 00 00: struct.pack('<i', 7)"
            ),
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

fn client_byte_lengths(ctx: &mut Ctx) -> Judged {
    let got = capture(ctx)?;
    let body = MESSAGES[3].as_bytes();
    let Some(at) = got.windows(body.len()).position(|w| w == body) else {
        return Err(fail(
            tr!("a frame of 黏包问题", "一个装着 黏包问题 的帧"),
            tr!("no 黏包问题 in {}", "{} 里没有 黏包问题", shown(&got)),
        ));
    };
    let length = got.get(at.saturating_sub(4)..at).unwrap_or_default();
    match length {
        [12, 0, 0, 0] => Ok(()),
        [4, 0, 0, 0] => Err(fail(
            tr!("0c 00 00 00: 12 bytes", "0c 00 00 00: 12 个字节"),
            tr!(
                "04 00 00 00: len(str) counts 4 characters; count the bytes: len(text.encode())",
                "04 00 00 00: len(str) 数的是 4 个字符; 应当数字节: len(text.encode())"
            ),
        )),
        other => Err(fail(
            tr!("0c 00 00 00: 12 bytes", "0c 00 00 00: 12 个字节"),
            hex(other),
        )),
    }
}
