//! `cargo run -- check`: the course grades the student's own server or client, in any language,
//! against a strict and hostile peer. Every check has a stable id (`06.client.trickled-header`).
//!
//! Shaped like a stage tester: a typed table of checks (lesson, side, name), one file per lesson
//! as in `src/bin` ([`basic`] 01, [`comm_loop`] 02, [`conn_loop`] 03, [`sticky_demo`] 04,
//! [`struct_pack`] 05, [`final_file`] 06, [`many_clients`] 07), one vocabulary of expectations
//! ([`judge`]). [`cli`] reads the command line, [`report`] prints the verdicts, [`watch`] plays
//! them again on a change; the checks drive the program through [`Ctx`], [`program`], [`peer`].

pub mod basic;
pub mod cli;
pub mod comm_loop;
pub mod conn_loop;
pub mod final_file;
pub mod judge;
pub mod many_clients;
pub mod peer;
pub mod program;
pub mod report;
pub mod sticky_demo;
pub mod struct_pack;
pub mod talk;
pub mod watch;

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::Path;

use clap::ValueEnum;

use self::peer::Connection;
use self::program::Program;
use crate::tr;

/// Which side the student wrote; the checker plays the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The student's server: the checker is its client.
    Server,
    /// The student's client: the checker is its server.
    Client,
}

impl Side {
    /// The word in a check's id: `server`, `client`.
    pub fn word(self) -> &'static str {
        match self {
            Side::Server => "server",
            Side::Client => "client",
        }
    }
}

/// One check, a row of the table: which lesson and side, its name, what it does, where the
/// lesson explains it, and the code that plays it.
pub struct Check {
    pub lesson: u8,
    pub side: Side,
    /// Its name within the lesson and side: the id is `LL.side.name`.
    pub name: &'static str,
    /// What the check does, in English and in Chinese.
    pub does: [&'static str; 2],
    /// The page and heading that explain it, in English and in Chinese.
    pub page: [&'static str; 2],
    /// It reads the program's output (or restarts it), so it needs the command after `--`.
    pub needs_command: bool,
    pub play: CheckFn,
}

/// What a check does against the program: play the other side, and judge.
pub type CheckFn = fn(&mut Ctx) -> Judged;

impl Check {
    /// How a lesson's table is written, `check(name, does, play)`: checks of `lesson`'s `side`,
    /// explained on `page`, which need the program's command after `--` or not.
    pub fn on(
        page: [&'static str; 2],
        lesson: u8,
        side: Side,
        needs_command: bool,
    ) -> impl Fn(&'static str, [&'static str; 2], CheckFn) -> Check {
        move |name, does, play| Check { lesson, side, name, does, page, needs_command, play }
    }

    /// `LL.side.name`, stable: a teacher's collected results can be compared across runs.
    pub fn id(&self) -> String {
        format!("{:02}.{}.{}", self.lesson, self.side.word(), self.name)
    }
}

/// Every check of the course, by lesson, then side.
pub fn all() -> Vec<Check> {
    [
        basic::checks(),
        comm_loop::checks(),
        conn_loop::checks(),
        sticky_demo::checks(),
        struct_pack::checks(),
        final_file::checks(),
        many_clients::checks(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Why a check did not pass.
#[derive(Debug)]
pub enum Stop {
    /// It failed: what was expected, and what happened instead.
    Fail { expected: String, got: String },
    /// It could not run here, and why.
    Skip(String),
    /// The program could not be started at all: the whole run ends (exit 2).
    Unstartable(String),
}

/// What a check function returns: `Ok` for a pass.
pub type Judged = Result<(), Stop>;

/// A failure: `expected`, and what happened.
pub fn fail(expected: impl Into<String>, got: impl Into<String>) -> Stop {
    Stop::Fail { expected: expected.into(), got: got.into() }
}

/// What the checks play against: the program to start, or the address of one already running.
pub struct Ctx {
    /// The command after `--`, empty for a server that is already running.
    pub command: Vec<String>,
    pub host: String,
    /// `--port`; 0 lets the OS pick (a server must then print `127.0.0.1:PORT`).
    pub port: u16,
    /// The program the current check started.
    pub program: Option<Program>,
    addr: Option<SocketAddr>,
    /// The checker's listener, for a client's check.
    listener: Option<TcpListener>,
    /// The accepted connections the checker closed first (see [`peer::retire`]).
    first_closes: peer::FirstCloses,
}

impl Ctx {
    pub fn new(command: Vec<String>, host: String, port: u16) -> Ctx {
        Ctx {
            command,
            host,
            port,
            program: None,
            addr: None,
            listener: None,
            first_closes: Default::default(),
        }
    }

    /// The program of this check, for a check that reads its output.
    pub fn program(&mut self) -> Result<&mut Program, Stop> {
        self.program.as_mut().ok_or_else(|| {
            Stop::Skip(tr!(
                "needs the program's output: give its command after --",
                "需要程序的输出: 请在 -- 之后给出启动它的命令"
            ))
        })
    }

    /// The student's server, ready for a connection: started fresh with `stdin` (and the file
    /// `{file}`) if a command was given, else the one already running at `--host`/`--port`.
    pub fn start_server(&mut self, stdin: &str, file: Option<&Path>) -> Judged {
        self.end_program();
        let mut port = self.port;
        if !self.command.is_empty() {
            let command = program::expand(&self.command, port, file);
            let started = Program::start(&command, port, file, stdin).map_err(|e| {
                Stop::Unstartable(tr!(
                    "cannot start {:?}: {e}",
                    "无法启动 {:?}: {e}",
                    command.join(" ")
                ))
            })?;
            let program = self.program.insert(started);
            if port == 0 {
                let mut printed = None;
                program.wait_lines(peer::START, |line| {
                    printed = program::printed_port(line);
                    printed.is_some()
                });
                port = printed.ok_or_else(|| {
                    fail(
                        tr!(
                            "with --port 0, a line that says the port, such as 127.0.0.1:PORT",
                            "用 --port 0 时, 程序应打印一行带端口的地址, 比如 127.0.0.1:PORT"
                        ),
                        tr!(
                            "no port in its output{}",
                            "输出里没有端口{}",
                            peer::why_not(program, Side::Server, port)
                        ),
                    )
                })?;
            }
        }
        self.addr = Some(self.resolve(port)?);
        Ok(())
    }

    /// Start the server again on the port it used last: the restart of a check.
    pub fn restart_server(&mut self, stdin: &str) -> Judged {
        let port = self.addr.map(|a| a.port()).unwrap_or(self.port);
        let saved = std::mem::replace(&mut self.port, port);
        let result = self.start_server(stdin, None);
        self.port = saved;
        result
    }

    /// Connect to the server, retrying until it accepts.
    pub fn connect(&mut self) -> Result<Connection, Stop> {
        let addr = self.addr.ok_or_else(|| fail("a server", "none started"))?;
        let sock = peer::connect(addr, self.program.as_mut()).map_err(|e| {
            fail(
                tr!(
                    "a server that accepts on {addr}",
                    "一个在 {addr} 上接受连接的服务端"
                ),
                e,
            )
        })?;
        Ok(Connection::new(sock))
    }

    /// Listen where the student's client will connect, then start it with `stdin`.
    pub fn start_client(&mut self, stdin: &str) -> Result<(), Stop> {
        self.end_program();
        let addr = self.resolve(self.port)?;
        let listener = TcpListener::bind(addr).map_err(|e| {
            Stop::Unstartable(tr!(
                "cannot listen on {addr} for the client: {e}",
                "无法在 {addr} 上监听, 等待客户端: {e}"
            ))
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(self.port);
        if self.command.is_empty() {
            return Err(Stop::Unstartable(tr!(
                "checking a client needs its command after --",
                "检查客户端需要在 -- 之后给出启动它的命令"
            )));
        }
        let command = program::expand(&self.command, port, None);
        let started = Program::start(&command, port, None, stdin).map_err(|e| {
            Stop::Unstartable(tr!(
                "cannot start {:?}: {e}",
                "无法启动 {:?}: {e}",
                command.join(" ")
            ))
        })?;
        self.program = Some(started);
        self.listener = Some(listener);
        Ok(())
    }

    /// Accept the student's client.
    pub fn accept(&mut self) -> Result<Connection, Stop> {
        let first_closes = self.first_closes.clone();
        let (Some(listener), Some(program)) = (&self.listener, &mut self.program) else {
            return Err(fail("a client", "none started"));
        };
        peer::accept(listener, program)
            .map(|sock| Connection::accepted(sock, first_closes))
            .map_err(|e| fail(tr!("a connection from the client", "客户端发起的连接"), e))
    }

    /// Stop the program of the previous check.
    pub fn end_program(&mut self) {
        if let Some(mut program) = self.program.take() {
            program.kill();
        }
        if let Some(listener) = self.listener.take() {
            let peers =
                std::mem::take(&mut *self.first_closes.lock().unwrap_or_else(|e| e.into_inner()));
            peer::retire(&listener, &peers);
        }
    }

    fn resolve(&self, port: u16) -> Result<SocketAddr, Stop> {
        (self.host.as_str(), port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| {
                Stop::Unstartable(tr!(
                    "cannot resolve the host {:?}",
                    "无法解析主机 {:?}",
                    self.host
                ))
            })
    }
}
