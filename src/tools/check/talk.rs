//! The conversation of lessons 01-03, which their checks share: one message and one reply
//! (01), the reply loop (02), the connection loop that survives a client's leaving, an empty
//! line and a restart (03). Each lesson's table is in its own file.

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use super::judge::{differ, expect_closed, expect_end, expect_line, no_crash, shown};
use super::peer::{self, Connection, Ending, STEP};
use super::{Ctx, Judged, Stop, fail};
use crate::tr;

/// What the checker says, and what it types as the server's replies.
pub(super) const MESSAGES: [&str; 3] = ["hello 你好 one", "hello 你好 two", "hello 你好 three"];
pub(super) const REPLIES: [&str; 3] = ["reply 回复 one", "reply 回复 two", "reply 回复 three"];
/// The material's answer to an empty reply (代码优化: 发送消息不能为空).
pub(super) const BUSY: &str = "太忙了 暂无消息";

pub(super) fn typed(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// Send `message`, read the reply; `want` it to be exactly that, if given.
pub(super) fn exchange(sock: &mut TcpStream, message: &str, want: Option<&str>) -> Judged {
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
    if let Some(want) = want.filter(|want| reply != want.as_bytes()) {
        return Err(differ(want.as_bytes(), &reply));
    }
    Ok(())
}

pub(super) fn one_message(ctx: &mut Ctx) -> Judged {
    ctx.start_server(&typed(&REPLIES), None)?;
    let mut sock = ctx.connect()?;
    exchange(&mut sock, MESSAGES[0], None)?;
    expect_closed(
        &mut sock,
        tr!("the server closes after its reply", "服务端回复后关闭连接"),
    )?;
    expect_line(ctx, MESSAGES[0])
}

pub(super) fn silent_close(ctx: &mut Ctx) -> Judged {
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

pub(super) fn reply_loop(ctx: &mut Ctx) -> Judged {
    ctx.start_server(&typed(&REPLIES), None)?;
    let mut sock = ctx.connect()?;
    for (message, reply) in MESSAGES.iter().zip(REPLIES) {
        exchange(&mut sock, message, Some(reply))?;
        expect_line(ctx, message)?;
    }
    no_crash(ctx)
}

pub(super) fn empty_reply(ctx: &mut Ctx) -> Judged {
    ctx.start_server("\n", None)?;
    let mut sock = ctx.connect()?;
    exchange(&mut sock, MESSAGES[0], Some(BUSY))
}

/// A first client that leaves with `leave`, then a second one served as usual.
pub(super) fn then_next(ctx: &mut Ctx, leave: fn(Connection, &mut Ctx) -> Judged) -> Judged {
    ctx.start_server(&typed(&REPLIES), None)?;
    let first = ctx.connect()?;
    leave(first, ctx)?;
    let mut second = ctx.connect()?;
    exchange(&mut second, MESSAGES[1], None).map_err(|stop| match stop {
        Stop::Fail { got, .. } => fail(tr!("the next client served", "下一个客户端得到服务"), got),
        other => other,
    })
}

pub(super) fn fin_then_next(ctx: &mut Ctx) -> Judged {
    then_next(ctx, |mut sock, _| {
        exchange(&mut sock, MESSAGES[0], None)?;
        drop(sock);
        Ok(())
    })
}

pub(super) fn reset_then_next(ctx: &mut Ctx) -> Judged {
    then_next(ctx, |mut sock, _| {
        exchange(&mut sock, MESSAGES[0], None)?;
        peer::reset(sock);
        Ok(())
    })
}

pub(super) fn restart(ctx: &mut Ctx) -> Judged {
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
pub(super) fn client(ctx: &mut Ctx, lines: &[&str]) -> Result<Connection, Stop> {
    ctx.start_client(&typed(lines))?;
    ctx.accept()
}

/// Read the client's message and want it to be `want`.
pub(super) fn hear(sock: &mut TcpStream, want: &str) -> Judged {
    let (got, end) = peer::read_reply(sock);
    if got.is_empty() {
        let got = tr!("no message at all: {}", "完全没有消息: {}", peer::said(end));
        return Err(fail(tr!("the message {want:?}", "消息 {want:?}"), got));
    }
    if got != want.as_bytes() {
        return Err(differ(want.as_bytes(), &got));
    }
    Ok(())
}

pub(super) fn answer(sock: &mut TcpStream, reply: &str) -> Judged {
    sock.write_all(reply.as_bytes()).map_err(|e| {
        fail(
            tr!("the client reads the reply", "客户端读取回复"),
            e.to_string(),
        )
    })
}

pub(super) fn client_one(ctx: &mut Ctx) -> Judged {
    let mut sock = client(ctx, &MESSAGES[..1])?;
    let (message, end) = peer::read_reply(&mut sock);
    if message.is_empty() {
        return Err(fail(tr!("a message", "一条消息"), peer::said(end)));
    }
    answer(&mut sock, REPLIES[0])?;
    let (more, end) = peer::read_all(&mut sock, STEP, 1 << 16);
    // Our close at once, as the page's server does: a client that half-closes (Node's
    // `sock.end()`) waits for it before it ends.
    drop(sock);
    if end != Ending::Closed {
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

pub(super) fn client_no_reply(ctx: &mut Ctx) -> Judged {
    let mut sock = client(ctx, &MESSAGES[..1])?;
    let _ = peer::read_reply(&mut sock);
    drop(sock);
    expect_end(ctx, &tr!("the server has closed", "服务端已经关闭"))
}

pub(super) fn client_loop(ctx: &mut Ctx) -> Judged {
    let mut sock = client(ctx, &MESSAGES)?;
    for (message, reply) in MESSAGES.iter().zip(REPLIES) {
        hear(&mut sock, message)?;
        answer(&mut sock, reply)?;
        expect_line(ctx, reply)?;
    }
    no_crash(ctx)
}

pub(super) fn client_empty_trap(ctx: &mut Ctx) -> Judged {
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
    no_crash(ctx)
}

pub(super) fn client_empty_skip(ctx: &mut Ctx) -> Judged {
    let mut sock = client(ctx, &["", MESSAGES[0]])?;
    hear(&mut sock, MESSAGES[0])
}
