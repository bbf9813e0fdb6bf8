//! Lesson 04's exercise: the client sends `1234567`, `abcde`, `hhhhh` in three sends and ends;
//! the server reads `recv(5)` three times and prints `b'12345'` `b'67abc'` `b'dehhh'`.

use std::io::Write;

use super::judge::{
    Printed, expect_bytes, expect_closed, expect_end, expect_printed, no_crash, shown,
};
use super::{Check, Ctx, Judged, Side, fail};
use crate::tr;

/// The three sends, as the stream carries them: no boundaries left.
const SENT: &[u8] = b"1234567abcdehhhhh";

const PAGE: [&str; 2] = [
    "lessons/04_sticky_demo.md, \"Why you see exactly `b'67abc'`, every time\"",
    "lessons/zh/04_sticky_demo.md, 「为什么每次都正好是 `b'67abc'`」",
];

/// Where the client's side is asked for: the exercise itself.
const CLIENT_PAGE: [&str; 2] = [
    "lessons/04_sticky_demo.md, \"Exercise\"",
    "lessons/zh/04_sticky_demo.md, 「练习」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let server = Check::on(PAGE, 4, Side::Server, true);
    let client = Check::on(CLIENT_PAGE, 4, Side::Client, true);
    vec![
        server("recv5", ["17 bytes in one write: three recv(5) print b'12345' b'67abc' b'dehhh'", "一次写入 17 个字节: 三次 recv(5) 打印 b'12345' b'67abc' b'dehhh'"], recv5),
        server("silent-close", ["a client that sends nothing and closes: the server ends, no crash", "客户端什么也不发就关闭: 服务端结束, 不崩溃"], silent_close),
        client("three-sends", ["1234567, abcde, hhhhh, then a close", "1234567、abcde、hhhhh, 然后关闭"], three_sends),
    ]
}

fn recv5(ctx: &mut Ctx) -> Judged {
    ctx.start_server("", None)?;
    let mut sock = ctx.connect()?;
    sock.write_all(SENT).map_err(|e| {
        fail(
            tr!("the server reads 17 bytes", "服务端读取 17 个字节"),
            e.to_string(),
        )
    })?;
    drop(sock);
    expect_printed(ctx, &[b"12345", b"67abc", b"dehhh"], Printed::Bytes)
}

fn silent_close(ctx: &mut Ctx) -> Judged {
    ctx.start_server("", None)?;
    drop(ctx.connect()?);
    expect_end(ctx, &tr!("the client has closed", "客户端已经关闭"))
}

fn three_sends(ctx: &mut Ctx) -> Judged {
    ctx.start_client("")?;
    let mut sock = ctx.accept()?;
    // The 17 bytes, whatever the reads cut them into, then the client's close.
    expect_bytes(&mut sock, SENT)?;
    expect_closed(
        &mut sock,
        tr!("{}, then a close", "{}, 然后关闭", shown(SENT)),
    )?;
    // Our close too: a client may wait for it before it ends (lesson 04's does).
    drop(sock);
    // The close is what the page asks; whether the program then ends, or waits for Enter, it
    // leaves open (lesson 05's client checks say the same).
    no_crash(ctx)
}
