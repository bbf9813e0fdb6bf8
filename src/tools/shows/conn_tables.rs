//! Lesson 03's two experiments, printed as tables: `backlog` (how many clients `listen(n)` lets
//! through while nobody calls `accept`) and `reuseaddr` ("address in use" over TIME_WAIT, with
//! and without SO_REUSEADDR). Tools around the lesson, not its idea: skip them on a first reading.
//! The listener `backlog` fills is lesson 03's own, built by hand in `03_conn_loop.rs`.

use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use crate::{Result, client, note, output::say, tr, words::text};
use socket2::{Domain, Protocol, Socket, Type};

/// How long a client of `backlog` waits for the handshake before it counts as left waiting.
/// On loopback a completed handshake takes microseconds; a dropped SYN is not retried before
/// a second has passed, so any wait in between tells the two apart.
const HANDSHAKE_WAIT: Duration = Duration::from_millis(200);

/// `backlog`: `clients` clients connect one after another to `listener`, made with
/// `listen(backlog)` and never accepting; each says whether it got through the handshake.
pub fn backlog(listener: &TcpListener, backlog: i32, clients: u16) -> Result<()> {
    let (addr, of) = (
        listener.local_addr()?,
        text::count(clients.into(), "client", "clients"),
    );
    note!(
        "listen({backlog}), and the server never calls accept(): {of} will try to connect",
        "listen({backlog}), 而服务端从不调用 accept(): {clients} 个客户端依次尝试连接"
    );
    // The streams are kept open: a connection that finished its handshake waits in the queue.
    let mut waiting = Vec::new();
    let ms = HANDSHAKE_WAIT.as_millis();
    for number in 1..=clients {
        match TcpStream::connect_timeout(&addr, HANDSHAKE_WAIT) {
            Ok(stream) => {
                client!(
                    "client {number}: connected; it waits in the accept queue",
                    "客户端 {number}: 已连接; 它在 accept 队列里等待"
                );
                waiting.push(stream);
            }
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                let row = tr!(
                    "client {number}: no answer within {ms} ms; the queue is full, its SYN was dropped",
                    "客户端 {number}: {ms} 毫秒内没有应答; 队列已满, 它的 SYN 被丢弃了"
                );
                // One row a line: on a narrow terminal, the same in fewer words.
                match say::fits(&row) {
                    true => client!("{row}"),
                    false => client!(
                        "client {number}: no answer in {ms} ms: queue full, SYN dropped",
                        "客户端 {number}: {ms} 毫秒内无应答: 队列已满, SYN 被丢弃"
                    ),
                }
            }
            // Windows answers a full queue with a reset: the client is refused at once.
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => client!(
                "client {number}: refused; the queue is full, and this system says so at once",
                "客户端 {number}: 被拒绝; 队列已满, 这个系统会立即拒绝"
            ),
            Err(e) => client!("client {number}: {e}", "客户端 {number}: {e}"),
        }
    }
    let (through, of) = (
        waiting.len(),
        text::count(clients.into(), "client", "clients"),
    );
    note!(
        "{through} of {of} completed the handshake with listen({backlog})",
        "{clients} 个客户端中有 {through} 个在 listen({backlog}) 下完成了握手"
    );
    note!(
        "the material calls this queue the half-connection pool (半连接池). On Linux it holds connections that are *complete* and wait for accept(): listen(n) lets n+1 in, and caps n at net.core.somaxconn. The others are not refused: the kernel drops their SYN, and they would retry for a minute or more, getting in as soon as accept() makes room. n+1 is Linux's count: macOS and Windows count otherwise, and Windows refuses the rest.",
        "教材把这个队列叫做半连接池。在 Linux 上, 它存放的是已经完成握手、正在等待 accept() 的连接: listen(n) 放进 n+1 个, n 的上限是 net.core.somaxconn。其余的客户端并没有被拒绝: 内核丢弃了它们的 SYN, 它们会重试一分钟甚至更久, 一旦 accept() 腾出位置就能进来。n+1 是 Linux 的算法: macOS 和 Windows 的计数不同, Windows 会直接拒绝多出来的客户端。"
    );
    Ok(())
}

/// `reuseaddr`: "address in use" after a restart, reproduced for each of the four combinations.
pub fn reuseaddr() -> Result<()> {
    note!(
        "a server accepts one client and closes first, so its side of the connection enters TIME_WAIT; then the listener is closed and a new one binds the same port.",
        "服务端接受一个客户端, 并且先关闭连接, 于是它这一端的连接进入 TIME_WAIT 状态; 然后关闭监听套接字, 再用一个新的套接字绑定同一个端口。"
    );
    let mut rows = Vec::new();
    for old in [false, true] {
        for new in [false, true] {
            let rebind = match rebind_over_time_wait(old, new)? {
                Ok(()) => tr!("the new bind succeeds", "新的 bind 成功"),
                Err(e) if e.kind() == ErrorKind::AddrInUse => {
                    tr!("address in use", "地址已被占用 (address in use)")
                }
                Err(e) => e.to_string(),
            };
            rows.push((on_off(old), on_off(new), rebind));
        }
    }
    let wide: Vec<String> = rows
        .iter()
        .map(|(old, new, rebind)| {
            tr!(
                "old listener SO_REUSEADDR {old:<3} | new listener SO_REUSEADDR {new:<3} | {rebind}",
                "旧的监听套接字 SO_REUSEADDR {old:<3} | 新的监听套接字 SO_REUSEADDR {new:<3} | {rebind}"
            )
        })
        .collect();
    if wide.iter().all(|row| say::fits(row)) {
        for row in &wide {
            note!("{row}");
        }
    } else {
        // A terminal too narrow for a row a line: the setting named once, above its columns.
        note!(
            "SO_REUSEADDR on the old listener and on the new one, and the new bind:",
            "旧的和新的监听套接字上的 SO_REUSEADDR, 以及新的 bind:"
        );
        let head = vec![
            tr!("old listener", "旧套接字"),
            tr!("new listener", "新套接字"),
            tr!("the new bind", "新的 bind"),
        ];
        let mut table = vec![head];
        for (old, new, rebind) in rows {
            table.push(vec![old.to_string(), new.to_string(), rebind]);
        }
        for row in say::table(&table, " | ") {
            note!("{row}");
        }
    }
    note!(
        "Linux lets the port be reused over TIME_WAIT only when the old and the new socket both set SO_REUSEADDR: the old connection keeps the setting of the listener it came from. Rust's std `TcpListener::bind` sets it on Unix, so a std server restarts cleanly.",
        "在 Linux 上, 只有旧的和新的套接字都设置了 SO_REUSEADDR, 才能越过 TIME_WAIT 重用这个端口: 旧连接保留着它所来自的那个监听套接字的设置。Rust 标准库的 `TcpListener::bind` 在 Unix 上会设置它, 所以标准库写的服务端可以顺利重启。"
    );
    // Windows gives SO_REUSEADDR another meaning, and rebinds over TIME_WAIT without it.
    #[cfg(windows)]
    note!(
        "Windows: there SO_REUSEADDR lets a second socket bind a port in use; std leaves it off, and the safe option is SO_EXCLUSIVEADDRUSE.",
        "Windows: 在 Windows 上, SO_REUSEADDR 会让第二个套接字绑定一个正在使用的端口; 标准库不设置它, 安全的选项是 SO_EXCLUSIVEADDRUSE。"
    );
    Ok(())
}

/// Leave a connection in TIME_WAIT on a fresh port, then try to bind that port again.
/// The outer `Result` is this function failing; the inner one is the rebind being tested.
fn rebind_over_time_wait(old_reuse: bool, new_reuse: bool) -> Result<std::io::Result<()>> {
    let old = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    old.set_reuse_address(old_reuse)?;
    old.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    old.listen(1)?;
    let old = TcpListener::from(old);
    let addr = old.local_addr()?;

    let mut client = TcpStream::connect(addr)?;
    let (served, _) = old.accept()?;
    // The server closes first: its side of the connection is the one that will wait in
    // TIME_WAIT. The client sees the FIN (a read of 0) and closes too.
    drop(served);
    let mut rest = Vec::new();
    client.read_to_end(&mut rest)?;
    drop(client);
    drop(old);

    let new = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    new.set_reuse_address(new_reuse)?;
    Ok(new.bind(&addr.into()))
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}
