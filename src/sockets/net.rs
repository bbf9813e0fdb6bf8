//! The words around the socket calls, which the lessons make themselves: errors of `bind` and
//! `connect` a student can act on, the `listening on` line, what a reset or broken pipe means;
//! and, once lesson 03 has taught it, its listener as one call.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use crate::words::cli::{self, Addr, DEFAULT_PORT};
use crate::{Result, client, note, server, sockets::addrs, tr};

/// The material's `server.listen(5)`: at most about five finished connections wait for
/// `accept`. Lesson 03 explains the number and lets you change it with `--backlog`.
pub const BACKLOG: i32 = 5;

/// How long `connect` waits for the server's answer. On one network an answer takes
/// milliseconds; without a limit, a wrong address would hang for a minute or more (75 s on
/// Linux, 21 s on Windows) before the OS gives up.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Lesson 03's listener, used from lesson 05 on: a socket2 socket, `SO_REUSEADDR` where it means
/// "rebind over TIME_WAIT", then `listen(backlog)`; then the `listening on` line.
pub fn listen(addr: &Addr, backlog: i32) -> Result<TcpListener> {
    let addr = addr.resolve()?;
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // Unix: SO_REUSEADDR lets a restarted server bind over its old connections in TIME_WAIT.
    // Windows: the same option would let a second server take the port while the first still
    // listens, so it stays off there, as std leaves it (lesson 03 and NOTES.md say more).
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into()).map_err(|e| bind_error(e, addr))?;
    socket.listen(backlog)?;
    let listener = TcpListener::from(socket);
    announce(&listener)?;
    Ok(listener)
}

/// Print the server's first line, `listening on IP:PORT`, with the real port (the one the OS
/// chose when `--port 0` was asked). Tests and a second terminal wait for this line, and
/// `println!` has written it out before this returns, so it is there before `accept` blocks.
pub fn announce(listener: &TcpListener) -> Result<SocketAddr> {
    let addr = listener.local_addr()?;
    server!("listening on {addr}", "正在监听 {addr}");
    if addr.ip().is_unspecified() {
        let (ip, port) = (addr.ip(), addr.port());
        note!(
            "{ip} means every network card: other machines can now connect to this one's IP address, port {port}",
            "{ip} 表示所有网卡: 其他机器现在可以连接本机的 IP 地址, 端口 {port}"
        );
        // `::` takes IPv4 too unless the socket is IPv6-only (Windows' default, not Linux's).
        let v6_only = addr.is_ipv6() && socket2::SockRef::from(listener).only_v6()?;
        let found = addrs::reachable(addr.is_ipv4() || !v6_only, addr.is_ipv6());
        let hosts: Vec<String> = found
            .iter()
            .map(|(ip, name)| format!("--host {ip} ({name})"))
            .collect();
        match hosts.join(", ") {
            none if none.is_empty() => note!(
                "this machine has no address but loopback: is it on the classroom network?",
                "本机除了回环地址没有别的地址: 它连上教室的网络了吗?"
            ),
            hosts => note!("students connect with: {hosts}", "学生连接时用: {hosts}"),
        }
    }
    Ok(addr)
}

/// The server's line once `accept` has returned: who connected.
pub fn accepted(addr: SocketAddr) {
    server!(
        "accepted a client from {addr}",
        "接受了来自 {addr} 的客户端"
    );
}

/// The client's line just before `connect`.
pub fn connecting(addr: SocketAddr) {
    client!("connecting to {addr}", "正在连接 {addr}");
}

/// Who is at the other end of a connection, for the words of [`gone`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// A server that has not answered yet: it may never have accepted us at all.
    Server,
    /// A server that has answered at least once: it did accept us, so a reset now cannot be
    /// a connection left in its queue.
    AnsweredServer,
    Client,
}

/// A connection the peer broke, in words: who closed, and why a reset rather than a clean
/// close. `None` for every other error.
///
/// - A reset (RST, `ConnectionReset`): the peer dropped the connection without the FIN
///   handshake: it was stopped (Ctrl-C) or crashed with bytes it had not read, it aborted, or
///   (a server that never answered) its listener closed with this connection still waiting in
///   the queue. A clean close would have been a read of 0 bytes. Only the causes that fit what
///   was seen are named.
/// - A broken pipe (`BrokenPipe`, Windows' `ConnectionAborted`): we wrote after the peer had
///   closed; its OS answered the write with a reset.
pub fn gone(e: &io::Error, peer: Peer) -> Option<String> {
    let words = match (e.kind(), peer) {
        (io::ErrorKind::ConnectionReset, Peer::Server) => tr!(
            "the server reset the connection (an RST, not a clean close) before answering: it was stopped (Ctrl-C) or crashed, or closed without reading what we sent, or it never accepted us and ended while we waited in its queue",
            "服务端在回复之前重置了连接 (RST, 不是正常关闭): 它被停止 (Ctrl-C) 或崩溃了, 或者没有读我们发的数据就关闭了, 或者它从未接受我们, 在我们还在它的队列里等待时就结束了"
        ),
        (io::ErrorKind::ConnectionReset, Peer::AnsweredServer) => tr!(
            "the server reset the connection (an RST, not a clean close): it was stopped (Ctrl-C) or crashed, or closed without reading what we sent",
            "服务端重置了连接 (RST, 不是正常关闭): 它被停止 (Ctrl-C) 或崩溃了, 或者没有读我们发的数据就关闭了"
        ),
        (io::ErrorKind::ConnectionReset, Peer::Client) => tr!(
            "the client reset the connection (an RST, not a clean close): it aborted, or closed without reading what we sent",
            "客户端重置了连接 (RST, 不是正常关闭): 它中止了, 或者没有读我们发的数据就关闭了"
        ),
        (
            io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionAborted,
            Peer::Server | Peer::AnsweredServer,
        ) => tr!(
            "the server had already closed the connection, so our write had nowhere to go (a broken pipe)",
            "服务端已经关闭了连接, 我们写的数据无处可去 (broken pipe, 管道破裂)"
        ),
        (io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionAborted, Peer::Client) => tr!(
            "the client had already closed the connection, so our write had nowhere to go (a broken pipe)",
            "客户端已经关闭了连接, 我们写的数据无处可去 (broken pipe, 管道破裂)"
        ),
        _ => return None,
    };
    Some(words)
}

/// `sock.read(&mut buf).peer(Peer::Client)?`: a read or a write whose error, if any, is put in
/// [`talk_error`]'s words on the same line, naming who is at the other end.
pub trait Talk<T> {
    /// This call's result, its error in words for a conversation with `peer`.
    fn peer(self, peer: Peer) -> Result<T>;
}

impl<T> Talk<T> for io::Result<T> {
    fn peer(self, peer: Peer) -> Result<T> {
        self.map_err(|e| talk_error(e, peer))
    }
}

/// `TcpListener::bind(addr).binding(addr)?`: a `bind` whose error, if any, is [`bind_error`]'s
/// words for `addr` (the port in use, an address not of this machine), on the same line.
pub trait Binding<T> {
    fn binding(self, addr: SocketAddr) -> Result<T>;
}

impl<T> Binding<T> for io::Result<T> {
    fn binding(self, addr: SocketAddr) -> Result<T> {
        self.map_err(|e| bind_error(e, addr))
    }
}

/// An error of the conversation with `peer`, as the lesson's one-line error: [`gone`]'s words
/// for a reset or a broken pipe, the system's words for anything else.
pub fn talk_error(e: io::Error, peer: Peer) -> crate::Error {
    gone(&e, peer).map_or_else(|| e.into(), Into::into)
}

/// Explain a failed `bind` in words a student can act on.
pub fn bind_error(error: io::Error, addr: SocketAddr) -> crate::Error {
    let port = addr.port();
    let next = port.wrapping_add(1).max(1024);
    match error.kind() {
        io::ErrorKind::AddrInUse => tr!(
            "port {port} is in use — is another lesson server running? try --port {next}",
            "端口 {port} 已被占用 — 是不是还有别的课程服务端在运行? 试试 --port {next}"
        ),
        io::ErrorKind::AddrNotAvailable => tr!(
            "cannot listen on {addr}: that address is not one of this machine's — try --host 127.0.0.1 or --host 0.0.0.0",
            "无法在 {addr} 上监听: 这个地址不属于本机 — 试试 --host 127.0.0.1 或 --host 0.0.0.0"
        ),
        io::ErrorKind::PermissionDenied => tr!(
            "not allowed to listen on port {port} (ports below 1024 need root) — try --port {DEFAULT_PORT}",
            "没有权限监听端口 {port} (1024 以下的端口需要 root) — 试试 --port {DEFAULT_PORT}"
        ),
        _ => tr!(
            "cannot listen on {addr}: {error}",
            "无法在 {addr} 上监听: {error}"
        ),
    }
    .into()
}

/// Explain a failed `connect` in words a student can act on: usually the server is not running.
///
/// For a refused connection it names the command that starts the right server, written the way
/// this program was started (`cargo run --bin …` or the installed command, [`cli::program`]),
/// with the client's `--port`; a server on another machine must listen on `0.0.0.0` there.
pub fn connect_error(error: io::Error, addr: SocketAddr, lesson: &str) -> crate::Error {
    connect_error_for(error, addr, lesson, "")
}

/// [`connect_error`] for a client whose server needs flags of its own to answer it (lesson 04's
/// `client --tiny` and `server --tiny`): the command it names carries them, so it runs as shown.
pub fn connect_error_for(
    error: io::Error,
    addr: SocketAddr,
    lesson: &str,
    server_flags: &str,
) -> crate::Error {
    let port = addr.port();
    let port_arg = if port == DEFAULT_PORT {
        String::new()
    } else {
        format!(" --port {port}")
    };
    let server = format!("{} server{server_flags}", cli::program(lesson));
    match error.kind() {
        io::ErrorKind::ConnectionRefused if addr.ip().is_loopback() => tr!(
            "could not connect to {addr} — start the server first: {server}{port_arg}",
            "无法连接 {addr} — 请先启动服务端: {server}{port_arg}"
        ),
        io::ErrorKind::ConnectionRefused => tr!(
            "could not connect to {addr} — no server listens there; on that machine, start it first: {server} --host 0.0.0.0{port_arg}",
            "无法连接 {addr} — 那里没有服务端在监听; 请先在那台机器上启动: {server} --host 0.0.0.0{port_arg}"
        ),
        // The server took the connection and reset it before `connect` returned (a time-limited
        // connect asks the socket for a pending error once it is up, and finds the reset).
        io::ErrorKind::ConnectionReset => {
            let words = gone(&error, Peer::Server).unwrap_or_default();
            tr!("could not connect to {addr}: {words}", "无法连接 {addr}: {words}")
        }
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => tr!(
            "could not connect to {addr}: no answer — is the address right, and does a firewall let port {port} through?",
            "无法连接 {addr}: 没有应答 — 地址对吗? 防火墙放行端口 {port} 了吗?"
        ),
        _ => tr!(
            "could not connect to {addr}: {error}",
            "无法连接 {addr}: {error}"
        ),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> Addr {
        Addr::ephemeral()
    }

    #[test]
    fn a_port_in_use_is_explained() {
        let taken = listen(&loopback(), BACKLOG).unwrap();
        let port = taken.local_addr().unwrap().port();
        let again = Addr { port, ..loopback() };
        // SO_REUSEADDR (set on Unix) never lets two listeners share a port.
        let error = listen(&again, BACKLOG).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("port {port} is in use")),
            "{error}"
        );
    }

    #[test]
    fn a_refused_connection_names_the_command_that_starts_the_server() {
        let error = io::Error::from(io::ErrorKind::ConnectionRefused);
        let at_default = connect_error(error, "127.0.0.1:8080".parse().unwrap(), "01_basic");
        // This test's own program is no lesson Cargo built in its folder: the installed form.
        assert_eq!(
            at_default.to_string(),
            "could not connect to 127.0.0.1:8080 — start the server first: 01_basic server"
        );
        let error = io::Error::from(io::ErrorKind::ConnectionRefused);
        let elsewhere = connect_error(error, "127.0.0.1:9000".parse().unwrap(), "03_conn_loop");
        assert!(
            elsewhere
                .to_string()
                .ends_with("03_conn_loop server --port 9000")
        );
        let error = io::Error::from(io::ErrorKind::ConnectionRefused);
        let remote = connect_error(error, "192.0.2.7:8080".parse().unwrap(), "01_basic");
        assert!(
            remote
                .to_string()
                .ends_with("on that machine, start it first: 01_basic server --host 0.0.0.0")
        );
    }

    #[test]
    fn a_reset_and_a_broken_pipe_say_who_closed() {
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert!(
            gone(&reset, Peer::Server)
                .unwrap()
                .starts_with("the server reset")
        );
        let pipe = io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(
            gone(&pipe, Peer::Client)
                .unwrap()
                .starts_with("the client had already closed")
        );
        let other = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(gone(&other, Peer::Client), None);
    }
}
