//! Lesson 03's exercise (src/bin/03_conn_loop.rs): the connection loop that survives a client's
//! leaving, an empty line, and a restart at once on the same port.

use super::talk::*;
use super::{Check, Side};

const PAGE: [&str; 2] = [
    "lessons/03_conn_loop.md, \"Exercise\"",
    "lessons/zh/03_conn_loop.md, 「练习」",
];

/// Where lesson 03 explains how a client leaves.
const LEAVE_PAGE: [&str; 2] = [
    "lessons/03_conn_loop.md, \"How a client leaves: FIN or RST\"",
    "lessons/zh/03_conn_loop.md, 「客户端怎么离开: FIN 还是 RST」",
];

/// Where lesson 03 explains the restart.
const REUSE_PAGE: [&str; 2] = [
    "lessons/03_conn_loop.md, \"\"Address in use\" and SO_REUSEADDR\"",
    "lessons/zh/03_conn_loop.md, 「\"address in use\" 和 SO_REUSEADDR」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let server = Check::on(PAGE, 3, Side::Server, true);
    let client = Check::on(PAGE, 3, Side::Client, true);
    vec![
        server("reply-loop", ["three messages, each answered with the next typed line", "三条消息, 每条都用输入的下一行回复"], reply_loop),
        server("empty-reply", ["an empty typed reply becomes 太忙了 暂无消息", "输入空回复时改为发送 太忙了 暂无消息"], empty_reply),
        Check { needs_command: false, page: LEAVE_PAGE, ..server("fin-then-next", ["a client leaves with FIN: the next client is served", "客户端用 FIN 正常离开: 下一个客户端照常服务"], fin_then_next) },
        Check { needs_command: false, page: LEAVE_PAGE, ..server("reset-then-next", ["a client leaves with a reset (RST): the next client is served", "客户端用重置 (RST) 离开: 下一个客户端照常服务"], reset_then_next) },
        Check { page: REUSE_PAGE, ..server("restart", ["the server restarted at once while a connection was open (SO_REUSEADDR)", "连接还开着时立刻重启服务端 (SO_REUSEADDR)"], restart) },
        client("reply-loop", ["three typed lines sent, each reply printed", "输入的三行依次发送, 每个回复都打印出来"], client_loop),
        client("empty-line", ["an empty line is skipped: the next line is sent", "空行被跳过: 发送下一行"], client_empty_skip),
    ]
}
