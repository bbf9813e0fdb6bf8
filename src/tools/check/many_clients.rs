//! Lesson 07's exercise: lesson 06's server, each client on a thread of its own. Two clients at
//! once both get the whole file, and a client that reads nothing holds up no other.

use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use super::final_file::sent::Sent;
use super::final_file::{self, server as file_server};
use super::peer::{self, Ending};
use super::{Check, Ctx, Judged, Stop, fail};
use crate::tr;

/// The file: more than a stalled reader's buffers and the server's send buffer hold together,
/// so a server that serves one client at a time is still sending to the first.
const SIZE: usize = 8 << 20;

const PAGE: [&str; 2] = [
    "lessons/07_many_clients.md, \"Exercise\"",
    "lessons/zh/07_many_clients.md, 「练习」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let check = Check::on(PAGE, 7, super::Side::Server, true);
    vec![
        check("two-at-once", ["two clients connected at once, both reading: each gets the header, the whole file, the end", "两个客户端同时连接, 同时读取: 每个都收到报头、整个文件和结束"], two_at_once),
        check("stalled-client", ["a first client that reads nothing: a second one still gets the whole file", "第一个客户端什么也不读: 第二个客户端仍然收到整个文件"], stalled_client),
    ]
}

/// A client that reads little: a small receive buffer, so that the server's sends to it wait.
fn small_buffer(sock: &TcpStream) {
    let _ = socket2::SockRef::from(sock).set_recv_buffer_size(64 * 1024);
}

/// Read one client's header, file and end, and judge them as lesson 06's server checks do.
fn served(sock: &mut TcpStream, file: &[u8], which: &str) -> Judged {
    let sent = final_file::sent::read_sent(sock, file.to_vec(), false);
    judged(&sent.map_err(|stop| whose(stop, which))?, file, which)
}

/// What `which` client read: the file's bytes, exactly, then the end.
fn judged(sent: &Sent, file: &[u8], which: &str) -> Judged {
    file_server::exact(sent).map_err(|stop| whose(stop, which))?;
    if sent.body != file {
        let other = fail(
            tr!("the file's bytes", "文件的字节"),
            tr!("other bytes", "别的字节"),
        );
        return Err(whose(other, which));
    }
    Ok(())
}

/// A failure, said of `which` client.
fn whose(stop: Stop, which: &str) -> Stop {
    match stop {
        Stop::Fail { expected, got } => fail(format!("{which}: {expected}"), got),
        other => other,
    }
}

fn two_at_once(ctx: &mut Ctx) -> Judged {
    let (file, _dir) = final_file::sent::start_with_file(ctx, SIZE)?;
    let first = ctx.connect()?;
    let mut second = ctx.connect()?;
    // Both read at once: the first on a thread of ours, the second here.
    let mut reader = first.try_clone().map_err(|e| Stop::Skip(e.to_string()))?;
    let first_file = file.clone();
    let first_read = thread::spawn(move || {
        served(
            &mut reader,
            &first_file,
            &tr!("the first client", "第一个客户端"),
        )
    });
    let second_result = served(
        &mut second,
        &file,
        &tr!("the second client", "第二个客户端"),
    );
    let first_result = first_read.join().unwrap_or_else(|_| {
        Err(fail(
            tr!("the first client's file", "第一个客户端的文件"),
            tr!("its reader stopped", "读取中断"),
        ))
    });
    drop(first);
    second_result.and(first_result)
}

fn stalled_client(ctx: &mut Ctx) -> Judged {
    let (file, _dir) = final_file::sent::start_with_file(ctx, SIZE)?;
    let stalled = ctx.connect()?;
    small_buffer(&stalled);
    // The server's first sends fill the stalled client's buffers; then a second client.
    thread::sleep(Duration::from_millis(200));
    let mut second = ctx.connect()?;
    let which = tr!("the second client", "第二个客户端");
    // Silence before the file is whole: the server is still sending to the first client. (After
    // it, silence is a server that does not close: `judged` says that.)
    let sent = final_file::sent::read_sent(&mut second, file.clone(), false).map_err(|stop| {
        match stop {
            Stop::Fail { got, .. } if got.contains(&peer::said(Ending::Silent)) => fail(
                tr!(
                    "the second client served while the first reads nothing",
                    "第一个客户端什么也不读时, 第二个客户端照样得到服务"
                ),
                tr!(
                    "it waited: the server is still sending to the first (one client at a time?)",
                    "它一直在等: 服务端还在给第一个客户端发送 (一次只服务一个客户端?)"
                ),
            ),
            other => whose(other, &which),
        }
    })?;
    judged(&sent, &file, &which)?;
    drop(stalled);
    Ok(())
}
