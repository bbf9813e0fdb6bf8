//! Lessons 01-03's exercises: one message and one reply (01), the reply loop (02), the
//! connection loop that survives a client's leaving, an empty line and a restart (03).

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use super::judge::{expect_end, expect_line, no_traceback, shown};
use super::peer::{self, Conn, End, STEP};
use super::{Check, Ctx, Judged, Stop, fail};
use crate::tr;

/// What the checker says, and what it types as the server's replies.
const MESSAGES: [&str; 3] = ["hello 你好 one", "hello 你好 two", "hello 你好 three"];
const REPLIES: [&str; 3] = ["reply 回复 one", "reply 回复 two", "reply 回复 three"];
/// The material's answer to an empty reply (代码优化: 发送消息不能为空).
const BUSY: &str = "太忙了 暂无消息";

const PAGES: [[&str; 2]; 3] = [
    [
        "lessons/01_basic.md, \"Exercise\"",
        "lessons/zh/01_basic.md, 「练习」",
    ],
    [
        "lessons/02_comm_loop.md, \"Exercise\"",
        "lessons/zh/02_comm_loop.md, 「练习」",
    ],
    [
        "lessons/03_conn_loop.md, \"How a client leaves: FIN or RST\"",
        "lessons/zh/03_conn_loop.md, 「客户端怎么离开: FIN 还是 RST」",
    ],
];

/// Where lesson 03 explains the restart.
const REUSE_PAGE: [&str; 2] = [
    "lessons/03_conn_loop.md, \"\"Address in use\" and SO_REUSEADDR\"",
    "lessons/zh/03_conn_loop.md, 「\"address in use\" 和 SO_REUSEADDR」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let check = |id: &'static str, does, run| Check {
        id,
        does,
        page: PAGES[id[1..2].parse::<usize>().unwrap_or(1) - 1],
        needs_command: true,
        run,
    };
    vec![
        check("01.server.one-message", ["one message, one reply, then the server closes", "一条消息, 一个回复, 然后服务端关闭"], one_message),
        check("01.server.silent-close", ["a client that closes without a word: the server ends, no crash", "客户端一句话不说就关闭: 服务端结束, 不崩溃"], silent_close),
        check("01.client.one-message", ["the client sends a message, prints the reply, closes", "客户端发送一条消息, 打印回复, 然后关闭"], client_one),
        check("01.client.no-reply", ["the server closes without a reply: the client ends, no crash", "服务端不回复就关闭: 客户端结束, 不崩溃"], client_no_reply),
        check("02.server.reply-loop", ["three messages, each answered with the next typed line", "三条消息, 每条都用输入的下一行回复"], reply_loop),
        check("02.server.silent-close", ["a client that closes: recv returns b'', the server ends", "客户端关闭: recv 返回 b'', 服务端结束"], silent_close),
        check("02.client.reply-loop", ["three typed lines sent, each reply printed", "输入的三行依次发送, 每个回复都打印出来"], client_loop),
        check("02.client.empty-line", ["an empty line sends nothing: the trap, both sides wait", "空行什么也不发送: 陷阱, 两边都在等"], client_empty_trap),
        check("03.server.reply-loop", ["three messages, each answered with the next typed line", "三条消息, 每条都用输入的下一行回复"], reply_loop),
        check("03.server.empty-reply", ["an empty typed reply becomes 太忙了 暂无消息", "输入空回复时改为发送 太忙了 暂无消息"], empty_reply),
        Check { needs_command: false, ..check("03.server.fin-then-next", ["a client leaves with FIN: the next client is served", "客户端用 FIN 正常离开: 下一个客户端照常服务"], fin_then_next) },
        Check { needs_command: false, ..check("03.server.reset-then-next", ["a client leaves with a reset (RST): the next client is served", "客户端用重置 (RST) 离开: 下一个客户端照常服务"], reset_then_next) },
        Check { page: REUSE_PAGE, ..check("03.server.restart", ["the server restarted at once while a connection was open (SO_REUSEADDR)", "连接还开着时立刻重启服务端 (SO_REUSEADDR)"], restart) },
        check("03.client.reply-loop", ["three typed lines sent, each reply printed", "输入的三行依次发送, 每个回复都打印出来"], client_loop),
        check("03.client.empty-line", ["an empty line is skipped: the next line is sent", "空行被跳过: 发送下一行"], client_empty_skip),
    ]
}

fn typed(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// Send `message`, read the reply; `want` it to be exactly that, if given.
fn exchange(sock: &mut TcpStream, message: &str, want: Option<&str>) -> Judged {
    sock.write_all(message.as_bytes()).map_err(|e| {
        fail(
            tr!("the server reads {message:?}", "服务端读取 {message:?}"),
            e.to_string(),
        )
    })?;
    let (reply, end) = peer::read_reply(sock);
    let expected = match want {
        Some(want) => tr!("the reply {want:?}", "回复 {want:?}"),
        None => tr!("a reply", "一个回复"),
    };
    if reply.is_empty() {
        return Err(fail(
            expected,
            tr!("no reply: {}", "没有回复: {}", peer::said(end)),
        ));
    }
    if want.is_some_and(|want| reply != want.as_bytes()) {
        return Err(fail(expected, shown(&reply)));
    }
    Ok(())
}

fn one_message(ctx: &mut Ctx) -> Judged {
    ctx.start_server(&typed(&REPLIES), None)?;
    let mut sock = ctx.connect()?;
    exchange(&mut sock, MESSAGES[0], None)?;
    let (more, end) = peer::read_all(&mut sock, STEP, 1 << 16);
    if end != End::Closed {
        return Err(fail(
            tr!("the server closes after its reply", "服务端回复后关闭连接"),
            tr!(
                "{} more, then {}",
                "又收到 {}, 然后{}",
                shown(&more),
                peer::said(end)
            ),
        ));
    }
    expect_line(ctx, MESSAGES[0])
}

fn silent_close(ctx: &mut Ctx) -> Judged {
    ctx.start_server(&typed(&REPLIES), None)?;
    drop(ctx.connect()?);
    expect_end(
        ctx,
        &tr!(
            "a read of 0 bytes means the client has closed",
            "读到 0 字节表示客户端已关闭"
        ),
    )
}

fn reply_loop(ctx: &mut Ctx) -> Judged {
    ctx.start_server(&typed(&REPLIES), None)?;
    let mut sock = ctx.connect()?;
    for (message, reply) in MESSAGES.iter().zip(REPLIES) {
        exchange(&mut sock, message, Some(reply))?;
        expect_line(ctx, message)?;
    }
    no_traceback(ctx)
}

fn empty_reply(ctx: &mut Ctx) -> Judged {
    ctx.start_server("\n", None)?;
    let mut sock = ctx.connect()?;
    exchange(&mut sock, MESSAGES[0], Some(BUSY))
}

/// A first client that leaves with `leave`, then a second one served as usual.
fn then_next(ctx: &mut Ctx, leave: fn(Conn, &mut Ctx) -> Judged) -> Judged {
    ctx.start_server(&typed(&REPLIES), None)?;
    let first = ctx.connect()?;
    leave(first, ctx)?;
    let mut second = ctx.connect()?;
    exchange(&mut second, MESSAGES[1], None).map_err(|stop| match stop {
        Stop::Fail { got, .. } => fail(tr!("the next client served", "下一个客户端得到服务"), got),
        other => other,
    })
}

fn fin_then_next(ctx: &mut Ctx) -> Judged {
    then_next(ctx, |mut sock, _| {
        exchange(&mut sock, MESSAGES[0], None)?;
        drop(sock);
        Ok(())
    })
}

fn reset_then_next(ctx: &mut Ctx) -> Judged {
    then_next(ctx, |mut sock, _| {
        exchange(&mut sock, MESSAGES[0], None)?;
        peer::reset(sock);
        Ok(())
    })
}

fn restart(ctx: &mut Ctx) -> Judged {
    if cfg!(windows) {
        // Windows lets a port in TIME_WAIT be bound again without SO_REUSEADDR: nothing to see.
        return Err(Stop::Skip(tr!(
            "Windows rebinds a port in TIME_WAIT without SO_REUSEADDR: this OS cannot tell",
            "Windows 不设 SO_REUSEADDR 也能重新绑定处于 TIME_WAIT 的端口: 在本系统上看不出区别"
        )));
    }
    ctx.start_server(&typed(&REPLIES), None)?;
    let mut sock = ctx.connect()?;
    exchange(&mut sock, MESSAGES[0], None)?;
    // The server goes first: its side of the connection is the one left in TIME_WAIT.
    let from = sock.local_addr().ok();
    ctx.program()?.kill();
    let _ = peer::read_all(&mut sock, STEP, 1 << 16);
    sock.close_plain();
    ctx.restart_server(&typed(&REPLIES))?;
    let mut again = ctx.connect().map_err(|stop| match stop {
        Stop::Fail { got, .. } => fail(
            tr!(
                "the server restarted at once on the same port (SO_REUSEADDR)",
                "服务端立刻在同一端口上重新启动 (SO_REUSEADDR)"
            ),
            got,
        ),
        other => other,
    })?;
    exchange(&mut again, MESSAGES[1], None)?;
    drop(again);
    // Now that the check has seen the restart, one more connection from the first one's
    // address takes the TIME_WAIT's place, so that the port is free for the next check's
    // server, which may have no SO_REUSEADDR. (Before the restart it would have cleared the
    // TIME_WAIT the check is about: a SYN that finds no listener ends it with a reset.)
    if let (Some(addr), Some(from)) = (ctx.addr, from) {
        peer::clear_time_wait(addr, from);
    }
    Ok(())
}

/// Start the client with `lines` typed, accept it.
fn client(ctx: &mut Ctx, lines: &[&str]) -> Result<Conn, Stop> {
    ctx.start_client(&typed(lines))?;
    ctx.accept()
}

/// Read the client's message and want it to be `want`.
fn hear(sock: &mut TcpStream, want: &str) -> Judged {
    let (got, end) = peer::read_reply(sock);
    if got != want.as_bytes() {
        let got = if got.is_empty() {
            peer::said(end)
        } else {
            shown(&got)
        };
        return Err(fail(tr!("the message {want:?}", "消息 {want:?}"), got));
    }
    Ok(())
}

fn answer(sock: &mut TcpStream, reply: &str) -> Judged {
    sock.write_all(reply.as_bytes()).map_err(|e| {
        fail(
            tr!("the client reads the reply", "客户端读取回复"),
            e.to_string(),
        )
    })
}

fn client_one(ctx: &mut Ctx) -> Judged {
    let mut sock = client(ctx, &MESSAGES[..1])?;
    let (message, end) = peer::read_reply(&mut sock);
    if message.is_empty() {
        return Err(fail(tr!("a message", "一条消息"), peer::said(end)));
    }
    answer(&mut sock, REPLIES[0])?;
    let (more, end) = peer::read_all(&mut sock, STEP, 1 << 16);
    if end != End::Closed {
        return Err(fail(
            tr!("the client closes after the reply", "客户端收到回复后关闭"),
            tr!(
                "{} more, then {}",
                "又收到 {}, 然后{}",
                shown(&more),
                peer::said(end)
            ),
        ));
    }
    expect_line(ctx, REPLIES[0])?;
    expect_end(ctx, &tr!("after one reply", "收到一个回复之后"))
}

fn client_no_reply(ctx: &mut Ctx) -> Judged {
    let mut sock = client(ctx, &MESSAGES[..1])?;
    let _ = peer::read_reply(&mut sock);
    drop(sock);
    expect_end(ctx, &tr!("the server has closed", "服务端已经关闭"))
}

fn client_loop(ctx: &mut Ctx) -> Judged {
    let mut sock = client(ctx, &MESSAGES)?;
    for (message, reply) in MESSAGES.iter().zip(REPLIES) {
        hear(&mut sock, message)?;
        answer(&mut sock, reply)?;
        expect_line(ctx, reply)?;
    }
    no_traceback(ctx)
}

fn client_empty_trap(ctx: &mut Ctx) -> Judged {
    let mut sock = client(ctx, &[MESSAGES[0], ""])?;
    hear(&mut sock, MESSAGES[0])?;
    answer(&mut sock, REPLIES[0])?;
    let (got, _) = peer::read_all(&mut sock, Duration::from_millis(800), 1 << 16);
    if !got.is_empty() {
        return Err(fail(
            tr!(
                "nothing on the wire for an empty line: 0 bytes send nothing",
                "空行在线路上什么也没有: 0 个字节什么也不发送"
            ),
            shown(&got),
        ));
    }
    no_traceback(ctx)
}

fn client_empty_skip(ctx: &mut Ctx) -> Judged {
    let mut sock = client(ctx, &["", MESSAGES[0]])?;
    hear(&mut sock, MESSAGES[0])
}
