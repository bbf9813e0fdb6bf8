//! Lesson 01's exercise (src/bin/01_basic.rs): one message, one reply, then the close.

use super::talk::*;
use super::{Check, Side};

const PAGE: [&str; 2] = [
    "lessons/01_basic.md, \"Exercise\"",
    "lessons/zh/01_basic.md, 「练习」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let server = Check::on(PAGE, 1, Side::Server, true);
    let client = Check::on(PAGE, 1, Side::Client, true);
    vec![
        server("one-message", ["one message, one reply, then the server closes", "一条消息, 一个回复, 然后服务端关闭"], one_message),
        server("silent-close", ["a client that closes without a word: the server ends, no crash", "客户端一句话不说就关闭: 服务端结束, 不崩溃"], silent_close),
        client("one-message", ["the client sends a message, prints the reply, closes", "客户端发送一条消息, 打印回复, 然后关闭"], client_one),
        client("no-reply", ["the server closes without a reply: the client ends, no crash", "服务端不回复就关闭: 客户端结束, 不崩溃"], client_no_reply),
    ]
}
