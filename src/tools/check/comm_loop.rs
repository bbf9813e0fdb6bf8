//! Lesson 02's exercise (src/bin/02_comm_loop.rs): the reply loop, and the end of it.

use super::talk::*;
use super::{Check, Side};

const PAGE: [&str; 2] = [
    "lessons/02_comm_loop.md, \"Exercise\"",
    "lessons/zh/02_comm_loop.md, 「练习」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let server = Check::on(PAGE, 2, Side::Server, true);
    let client = Check::on(PAGE, 2, Side::Client, true);
    vec![
        server("reply-loop", ["three messages, each answered with the next typed line", "三条消息, 每条都用输入的下一行回复"], reply_loop),
        server("silent-close", ["a client that closes: recv returns b'', the server ends, no crash", "客户端关闭: recv 返回 b'', 服务端结束, 不崩溃"], silent_close),
        client("reply-loop", ["three typed lines sent, each reply printed", "输入的三行依次发送, 每个回复都打印出来"], client_loop),
        client("empty-line", ["an empty line sends nothing: the trap, both sides wait", "空行什么也不发送: 陷阱, 两边都在等"], client_empty_trap),
    ]
}
