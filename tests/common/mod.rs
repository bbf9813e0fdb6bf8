//! What the integration tests share: run a lesson binary, start a lesson server on a port the OS
//! picks and learn that port from its `listening on` line, feed a client its stdin.
//!
//! Nothing here sleeps or polls: a test waits for a line the other process prints, or for a
//! process's output to end (which it does when the process ends), each on a channel with a
//! generous deadline, so a broken lesson fails the test instead of hanging it.

#![allow(dead_code)] // Each test file uses its own part of this module.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for a line or an exit before it gives up and fails. Far above what any
/// lesson needs (milliseconds): it only turns a hang into a failure.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// `bin!("01_basic", "server", "--port", "0")`: a `Command` for a lesson binary that Cargo
/// built for this test, with its arguments.
#[macro_export]
macro_rules! bin {
    ($name:literal $(, $arg:expr)* $(,)?) => {{
        #[allow(unused_mut)]
        let mut command = std::process::Command::new(env!(concat!("CARGO_BIN_EXE_", $name)));
        $(command.arg($arg);)*
        command
    }};
}

/// The program a lesson's name stands for, or the runner's, built by Cargo for this test: every
/// program of the package is in the runner's folder.
pub fn program(name: &str) -> Command {
    let known =
        name == "socket-lessons" || socket_lessons::tools::lessons::Lesson::named(name).is_some();
    assert!(known, "no program {name}");
    let runner = std::path::Path::new(env!("CARGO_BIN_EXE_socket-lessons"));
    Command::new(runner.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
}

/// What a finished process printed, and how it ended.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// The stdout lines, with every `:PORT` after an address replaced by `:PORT`, so that runs
    /// on different ports compare equal.
    pub fn lines(&self) -> Vec<String> {
        self.stdout.lines().map(hide_ports).collect()
    }

    /// Assert a zero exit, showing everything the process said if not.
    pub fn assert_success(&self) -> &Self {
        assert!(self.status.success(), "process failed: {self:#?}");
        self
    }

    /// Assert a non-zero exit with exactly one `error: ...` line on stderr, and return that line.
    pub fn assert_one_line_error(&self) -> String {
        self.assert_one_line_error_in("error: ")
    }

    /// [`assert_one_line_error`](Self::assert_one_line_error), for an error line that starts
    /// with `tag` (`错误: ` in Chinese).
    pub fn assert_one_line_error_in(&self, tag: &str) -> String {
        assert!(
            !self.status.success(),
            "process should have failed: {self:#?}"
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "stderr should be one line: {self:#?}");
        assert!(lines[0].starts_with(tag), "{self:#?}");
        assert!(!self.stderr.contains("panicked"), "{self:#?}");
        lines[0].to_string()
    }
}

/// Replace the port of every `127.0.0.1:PORT` (and `[::1]:PORT`) with `PORT`.
pub fn hide_ports(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(['0', '1', ']']) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let host_len = ["127.0.0.1:", "0.0.0.0:", "]:"]
            .iter()
            .find(|host| after.starts_with(**host))
            .map(|host| host.len());
        match host_len {
            Some(len) => {
                out.push_str(&after[..len]);
                let digits = after[len..].bytes().take_while(u8::is_ascii_digit).count();
                out.push_str(if digits > 0 { "PORT" } else { "" });
                rest = &after[len + digits..];
            }
            None => {
                out.push_str(&after[..1]);
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Is the outside program `name` (`nc`, `python3`) installed? The tests that talk to a peer no
/// one here wrote need it. Without it they say so and pass, so `cargo test` works on a bare
/// machine; `.ci/run` installs both and sets `SOCKET_LESSONS_REQUIRE_PEERS=1`, and then a
/// missing peer fails the test instead.
pub fn peer_available(name: &str) -> bool {
    let found = Command::new(name)
        .arg(if name == "nc" { "-h" } else { "--version" })
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("SOCKET_LESSONS_REQUIRE_PEERS").is_none(),
            "{name} is not installed, and SOCKET_LESSONS_REQUIRE_PEERS is set"
        );
        skipped(&format!("{name} is not installed"));
    }
    found
}

/// Say that the running test is skipped, and why, where `cargo test` shows it without
/// `--nocapture`: the harness keeps what a test prints with `print!` or `eprint!` (shown only if
/// it fails), but a write to the process's own stderr goes to the terminal at once.
pub fn skipped(why: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    tell(&format!("skipped: {test}: {why}"));
}

/// Once per test file, before its first test goes quiet: what the file tests, its own first
/// `//!` paragraph. `tests/check.rs` runs for a minute and more without a line; this line says
/// what it is doing meanwhile. Called by this module's helpers that start a program, so every
/// file that runs programs says it.
pub fn announce() {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        // The test binary is `NAME-HASH`, built from `tests/NAME.rs`.
        let exe = std::env::current_exe().ok();
        let stem = exe.as_deref().and_then(std::path::Path::file_stem);
        let name = stem
            .and_then(|stem| stem.to_str()?.rsplit_once('-'))
            .map(|(name, _)| name);
        let Some(name) = name else { return };
        let path = format!("{}/tests/{name}.rs", env!("CARGO_MANIFEST_DIR"));
        let doc = std::fs::read_to_string(&path).unwrap_or_default();
        let paragraph: Vec<&str> = doc
            .lines()
            .map_while(|line| line.strip_prefix("//!"))
            .map(str::trim)
            .take_while(|line| !line.is_empty())
            .collect();
        if !paragraph.is_empty() {
            tell(&format!("tests/{name}.rs: {}", paragraph.join(" ")));
        }
    });
}

/// One line on the process's stderr, past the test harness's capture (see [`skipped`]).
fn tell(line: &str) {
    let _ = std::io::stderr().write_all(format!("    {line}\n").as_bytes());
}

/// Start `nc -N 127.0.0.1 PORT` with its stdin, stdout and stderr piped: a client that no one
/// here wrote. `-N` makes nc close its side of the connection at the end of its input, as our
/// own clients do. Returns the running nc and its stdin (drop it to end nc's input).
pub fn nc(server: &Server) -> (Child, ChildStdin) {
    let mut nc = Command::new("nc")
        .args(["-N", "127.0.0.1", &server.port()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nc starts");
    let stdin = nc.stdin.take().expect("stdin is piped");
    (nc, stdin)
}

/// Run `command` to the end with `stdin` as its input; fail the test if it outlives [`DEADLINE`].
pub fn run(mut command: Command, stdin: &str) -> Finished {
    // English, whatever the machine's locale: a test that wants Chinese asks `--lang zh`.
    command.env("LC_ALL", "C");
    run_as_is(command, stdin)
}

/// Run `command` with no stdin, in the locale `env` sets (`LANG`, ...) and no other.
pub fn run_with_env(mut command: Command, env: &[(&str, &str)]) -> Finished {
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    run_as_is(command, "")
}

fn run_as_is(mut command: Command, stdin: &str) -> Finished {
    announce();
    command
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the lesson binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_string();
    // Writing on a thread: a child that does not read its stdin must not block the test.
    let writer = thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let finished = wait(child);
    let _ = writer.join();
    finished
}

/// Wait for `child` to end (with [`DEADLINE`]) and collect its output.
pub fn wait(mut child: Child) -> Finished {
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let out = read_to_end_on_a_thread(stdout);
    let err = read_to_end_on_a_thread(stderr);
    // A process's pipes close when it ends: both texts arriving means it has ended (or closed
    // its output, and then `wait` below returns as soon as it does).
    let stdout = receive_before_deadline(&out, &mut child);
    let stderr = receive_before_deadline(&err, &mut child);
    let status = child.wait().expect("waiting for the child");
    Finished { status, stdout, stderr }
}

/// Wait for `child`, whose stdout is not ours to read (closed, or not piped), to end (with
/// [`DEADLINE`]); collect its stderr.
pub fn wait_with_stderr(mut child: Child) -> Finished {
    let err = read_to_end_on_a_thread(child.stderr.take().expect("stderr is piped"));
    let stderr = receive_before_deadline(&err, &mut child);
    let status = child.wait().expect("waiting for the child");
    Finished { status, stdout: String::new(), stderr }
}

/// Read `pipe` to its end on a thread; the text arrives on the returned channel.
fn read_to_end_on_a_thread(mut pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (send, text) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = send.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    text
}

/// The text of a pipe read to its end, or a failed test (and a killed child) after [`DEADLINE`].
fn receive_before_deadline(text: &Receiver<String>, child: &mut Child) -> String {
    match text.recv_timeout(DEADLINE) {
        Ok(text) => text,
        Err(_) => {
            let _ = child.kill();
            panic!("the process did not end within {DEADLINE:?}");
        }
    }
}

/// A lesson program running as its own process, whose stdout lines the test sees as they are
/// printed, to act at the right moment; killed when the test ends. The one live-process type of
/// the tests: [`Live::server`] for a lesson server (it learns the port from the `listening on`
/// line), [`Live::start`] for anything else.
pub struct Live {
    child: Option<Child>,
    lines: Receiver<String>,
    seen: Vec<String>,
    /// Where a server listens, read from its `listening on IP:PORT` line.
    pub addr: SocketAddr,
}

/// A [`Live`] lesson server, for the names of the tests.
pub type Server = Live;

impl Live {
    /// Start `command` (which must include `server` and `--port 0`) and wait for its
    /// `listening on` line.
    pub fn server(command: Command) -> Live {
        let mut server = Live::spawn(command);
        // `listening on IP:PORT`, or in Chinese `正在监听 IP:PORT`: the address is the last word.
        let listening = server.expect_any_line(&["listening on ", "正在监听 "]);
        let addr = listening
            .rsplit(' ')
            .next()
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("no address in {listening:?}"));
        server.addr = addr;
        server
    }

    /// Start `command` with `input` as its whole stdin, then closed.
    pub fn start(command: Command, input: &'static str) -> Live {
        let mut live = Live::spawn(command);
        let mut stdin = live.stdin_pipe().take().expect("stdin is piped");
        thread::spawn(move || stdin.write_all(input.as_bytes()));
        live
    }

    fn stdin_pipe(&mut self) -> &mut Option<ChildStdin> {
        &mut self.child.as_mut().expect("the process is running").stdin
    }

    /// Start `command`, its stdout read line by line on a thread.
    fn spawn(mut command: Command) -> Live {
        announce();
        command
            .env_remove("NO_COLOR")
            // English, whatever the machine's locale: a test that wants Chinese asks `--lang zh`.
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the lesson program starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (send, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Live {
            child: Some(child),
            lines,
            seen: Vec::new(),
            addr: "0.0.0.0:0".parse().expect("a valid address"),
        }
    }

    /// The port, for a client's `--port`.
    pub fn port(&self) -> String {
        self.addr.port().to_string()
    }

    /// Wait for the next stdout line that contains `text`, and return it. Fails the test,
    /// showing every line seen, if it does not come within [`DEADLINE`].
    pub fn expect_line(&mut self, text: &str) -> String {
        self.expect_any_line(&[text])
    }

    /// Wait for the next stdout line that contains one of `texts`, and return it.
    pub fn expect_any_line(&mut self, texts: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(start.elapsed());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if texts.iter().any(|text| line.contains(text)) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "no line with {texts:?} within {DEADLINE:?}; seen: {:#?}",
                        self.seen
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let stderr = self.stderr_so_far();
                    panic!(
                        "the server ended before printing {texts:?}; seen: {:#?}\nstderr: {stderr}",
                        self.seen
                    )
                }
            }
        }
    }

    /// Every stdout line read so far, ports hidden.
    pub fn seen(&self) -> Vec<String> {
        self.seen.iter().map(|line| hide_ports(line)).collect()
    }

    /// The server's stdin, to type its replies (lessons 02 and 03).
    pub fn stdin(&mut self) -> &mut ChildStdin {
        self.child
            .as_mut()
            .and_then(|child| child.stdin.as_mut())
            .expect("the server's stdin is piped")
    }

    /// Close the server's stdin (what Ctrl-D does at a terminal).
    pub fn close_stdin(&mut self) {
        if let Some(child) = self.child.as_mut() {
            drop(child.stdin.take());
        }
    }

    /// Wait for the server to end by itself; return its remaining output and status.
    pub fn finish(mut self) -> Finished {
        let mut child = self.child.take().expect("the server is running");
        let stderr = read_to_end_on_a_thread(child.stderr.take().expect("stderr is piped"));
        let mut rest = self.seen.join("\n");
        // The line channel closes when the server's stdout does: when the server has ended.
        let start = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(start.elapsed());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    rest.push('\n');
                    rest.push_str(&line);
                }
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    panic!("the server did not end within {DEADLINE:?}; seen: {rest}");
                }
            }
        }
        let stderr = receive_before_deadline(&stderr, &mut child);
        let status = child.wait().expect("waiting for the server");
        Finished {
            status,
            stdout: rest.trim_start_matches('\n').to_string(),
            stderr,
        }
    }

    fn stderr_so_far(&mut self) -> String {
        let mut err = String::new();
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = stderr.read_to_string(&mut err);
            }
        }
        err
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// What a peer that resets says, in every client of lessons 01–03: the server reset the
/// connection, and why that is not a clean close.
pub const SERVER_RESET: &str = "error: the server reset the connection (an RST, not a clean close) before answering: it was stopped (Ctrl-C) or crashed, or closed without reading what we sent, or it never accepted us and ended while we waited in its queue";

/// A port on which nobody listens, held for as long as the value lives: a socket bound to it but
/// never put into `listen`. A connect to it is refused (the OS answers with a reset), and no other
/// test can take the port meanwhile, as it could between "find a free port" and its use.
pub struct RefusedPort {
    _held: socket2::Socket,
    pub port: u16,
}

impl RefusedPort {
    pub fn new() -> RefusedPort {
        RefusedPort::held(false)
    }

    /// A refused port that a lesson server may still listen on, once the test is ready: both
    /// sockets set SO_REUSEADDR, and Unix lets two such sockets bind one port while neither
    /// listens. (Windows gives SO_REUSEADDR another meaning: Unix only.)
    #[cfg(unix)]
    pub fn for_a_server_later() -> RefusedPort {
        RefusedPort::held(true)
    }

    fn held(reuse: bool) -> RefusedPort {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
        socket.set_reuse_address(reuse).expect("SO_REUSEADDR");
        let addr: SocketAddr = "127.0.0.1:0".parse().expect("a valid address");
        socket.bind(&addr.into()).expect("a port of its own");
        let port = socket
            .local_addr()
            .ok()
            .and_then(|addr| addr.as_socket())
            .expect("a bound address")
            .port();
        RefusedPort { _held: socket, port }
    }
}

/// A server on a port of its own that accepts one client, lets its message arrive, and closes
/// without reading it: unread bytes make the close a reset (RST), the way a crashed or killed
/// server's often is. Returns the port and the server's thread.
pub fn vanishing_server() -> (u16, thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a bound address").port();
    let server = thread::spawn(move || {
        let (sock, _) = listener.accept().expect("the client connects");
        sock.peek(&mut [0u8; 1]).expect("the message arrives");
    });
    (port, server)
}

/// `error` is the client's line for a server that reset the connection. Linux resets a
/// connection left in a closed listener's queue; other systems may call the same moment a
/// broken pipe, which has words of its own.
pub fn assert_server_reset(error: &str) {
    if cfg!(target_os = "linux") {
        assert_eq!(error, SERVER_RESET);
    } else {
        assert!(error.starts_with("error: the server "), "{error}");
    }
}

/// ESC (clear the screen, recolor), BEL, carriage return, backspace: what a peer could do to the
/// teacher's terminal if its bytes were printed raw.
pub const HOSTILE: &[u8] = b"\x1b[2J\x1b[31mred\x07\rover\x08";

/// The same bytes as `text::quoted` shows them.
pub const HOSTILE_SHOWN: &str = r"'\x1b[2J\x1b[31mred\x07\rover\x08'";

/// A server on a port of its own that takes one client's first `message_len` bytes, answers
/// with [`HOSTILE`], and waits for the client to close (so nothing is left unread: no reset).
/// Returns the port and the server's thread.
pub fn hostile_server(message_len: usize) -> (u16, thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a bound address").port();
    let server = thread::spawn(move || {
        let (mut sock, _) = listener.accept().expect("the client connects");
        sock.read_exact(&mut vec![0u8; message_len])
            .expect("the client sends its message");
        sock.write_all(HOSTILE).expect("the client reads");
        sock.read_to_end(&mut Vec::new())
            .expect("the client closes");
    });
    (port, server)
}

/// Fail if a control character (but a line's end) reached the output.
pub fn assert_no_control_characters(output: &str) {
    assert!(
        !output.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the terminal: {output:?}"
    );
}

/// Issue 11's rule: under `--lang zh`, every tagged line holds Chinese, unless it only shows
/// bytes, numbers or addresses.
pub fn assert_chinese(output: &str) {
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    for line in output.lines() {
        assert!(
            line.chars().any(cjk),
            "a line without Chinese: {line:?}\n{output}"
        );
    }
}
