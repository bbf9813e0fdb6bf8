//! `cargo run -- class`: the teacher's machine gathers every student's `check` results and shows
//! the class at a glance, live, on the projector; `--csv FILE` keeps them whole on disk.
//!
//! A student sends with `check 5 server --send TEACHER-IP --name s07 -- python3 server.py`: one
//! frame of lesson 05 each way ([`wire`]). The class is lesson 07's server with a hostile class
//! in mind: a thread per sender, at most [`MAX_SENDERS`] at once, each with one deadline for its
//! whole frame; when all places are taken, the sender waiting longest is dropped to make room, so
//! hundreds of idle connections cannot keep a real result out. One thread, the board, owns the
//! results ([`board`]): it writes the CSV ([`store`]) and draws the grid ([`grid`]), or, off a
//! terminal, prints one line a result.

pub mod board;
pub mod grid;
pub mod store;
pub mod wire;

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{self, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use colored::Colorize;

use socket2::{Domain, Protocol, Socket, Type};

use self::board::{Board, Notice};
use self::store::Store;
pub use self::wire::CLASS_PORT;
use self::wire::{Deadline, Known, RESULT_DEADLINE};
use crate::output::say;
use crate::sockets::{addrs, net};
use crate::words::cli::{Addr, DEFAULT_HOST, Shared};
use crate::{Result, note, server, tr};

/// Senders served at once. A result takes milliseconds, so 40 students sending in the same
/// second rarely hold more than a few places; the cap bounds threads and memory (a place holds
/// at most one 64 KiB frame) whatever a flood does.
pub const MAX_SENDERS: usize = 64;

/// Lesson 07's listen queue: room for a whole class that sends in the same second.
const CLASS_BACKLOG: i32 = 128;

/// How long the accept loop waits for the place of a sender it dropped for room.
const ROOM_WAIT: Duration = Duration::from_millis(50);

/// How long a sender's thread waits for the board to have saved its result.
const SAVE_DEADLINE: Duration = Duration::from_secs(5);

/// Parse the process's arguments (`class` is the first) and run.
pub fn main() -> ExitCode {
    let cli: Cli = parse(std::env::args_os().skip(1).collect());
    say::init(&Shared { lang: cli.lang, lanes: false });
    crate::report(run(cli))
}

/// Listen, read the CSV back, then take results until the process is ended (Ctrl-C, SIGTERM:
/// every result is already on disk).
fn run(cli: Cli) -> Result<()> {
    let known = Arc::new(wire::known());
    let store = Store::open(cli.csv.clone())?;
    let (listener, to) = listen(&Addr { host: cli.host, port: cli.port })?;
    let local = listener.local_addr()?;
    let top = vec![
        tr!(
            "class on {local} · results self-reported by each student's checker",
            "课堂在 {local} · 结果由每个学生的检查器自己报告"
        )
        .bold()
        .to_string(),
        tr!(
            "students add to their check: --send {to} --name NAME",
            "学生在 check 后面加上: --send {to} --name 名字"
        ),
    ];
    // The grid on a terminal that can take the cursor home; one line a result anywhere else.
    let terminal = std::io::stdout().is_terminal();
    #[cfg(windows)]
    let terminal = terminal && colored::control::set_virtual_terminal(true).is_ok();
    if let Some(csv) = &cli.csv {
        let (students, rows, csv) = (store.students(), store.rows().count(), csv.display());
        match rows {
            0 => note!("results kept in {csv}", "结果保存在 {csv}"),
            _ => note!(
                "results kept in {csv}: {rows} results of {students} students read back",
                "结果保存在 {csv}: 读回了 {students} 名学生的 {rows} 条结果"
            ),
        }
    }
    if terminal {
        // Ctrl-C under the grid: the shell's prompt on a line of its own, not after the last row.
        // Nothing else to do: every result is on disk already.
        let _ = crate::words::exit::on_interrupt(|| say::plain(""));
    }
    let (events, board_events) = mpsc::sync_channel(MAX_SENDERS);
    let board = Board::new(store, Arc::clone(&known), top, terminal);
    thread::spawn(move || board.run(board_events));
    accept_loop(&listener, &events, &known)
}

/// The connections still sending, oldest first: the ones to drop when every place is taken.
type Waiting = Arc<Mutex<VecDeque<(u64, TcpStream)>>>;

/// Lesson 07's accept loop, with places: a thread per sender, at most [`MAX_SENDERS`] threads.
/// The places are lesson 07's channel of tokens: a thread gives its token back when it ends.
fn accept_loop(
    listener: &TcpListener,
    events: &SyncSender<Notice>,
    known: &Arc<Vec<Known>>,
) -> Result<()> {
    let waiting: Waiting = Arc::default();
    // A sender was dropped for room and its place has not come back yet: drop no other.
    let mut dropping = false;
    let (give_back, places) = mpsc::sync_channel(MAX_SENDERS);
    for _ in 0..MAX_SENDERS {
        // Cannot fail: the channel has room for every token, and `places` is alive.
        let _ = give_back.send(());
    }
    for (number, sock) in (0u64..).zip(listener.incoming()) {
        let sock = match sock {
            Ok(sock) => sock,
            // Out of file descriptors, a connection reset before accept: that one is lost, the
            // class goes on.
            Err(e) => {
                let why = crate::sockets::oserror::words(&e);
                let line = tr!("accept failed: {why}", "accept 失败: {why}");
                let _ = events.try_send(Notice::Line(line));
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let Ok(peer) = sock.peer_addr() else { continue };
        // Every place taken: drop the sender that has waited longest for its frame, and wait a
        // moment for its place. On Linux and macOS its read ends at once and the place is back
        // within microseconds; a Windows read may go on to its deadline, and then this sender is
        // closed unread, at once, rather than held: its checker tries again (`send_result`).
        let free = places.try_recv().is_ok() || {
            let fresh = !dropping;
            if fresh {
                make_room(&waiting, events);
                dropping = true;
            }
            fresh && places.recv_timeout(ROOM_WAIT).is_ok()
        };
        if !free {
            let _ = events.try_send(Notice::Line(tr!(
                "refused {peer}: {MAX_SENDERS} senders at once, closed unread (its checker tries again)",
                "拒绝了 {peer}: 同时有 {MAX_SENDERS} 个发送方, 没读就关闭了 (它的检查器会再试)"
            )));
            continue;
        }
        dropping = false;
        let place = Place(give_back.clone());
        if let Ok(clone) = sock.try_clone() {
            lock(&waiting).push_back((number, clone));
        }
        let (events, known, list) = (events.clone(), Arc::clone(known), Arc::clone(&waiting));
        let spawned = thread::Builder::new().spawn(move || {
            let _place = place;
            handle_sender(&sock, peer, &events, &known, &list, number);
            lock(&list).retain(|(n, _)| *n != number);
        });
        if spawned.is_err() {
            lock(&waiting).retain(|(n, _)| *n != number);
        }
    }
    Ok(())
}

/// A sender's place: its token goes back to the accept loop when the thread ends, however it
/// ends (a panic included).
struct Place(SyncSender<()>);

impl Drop for Place {
    fn drop(&mut self) {
        let _ = self.0.try_send(());
    }
}

/// Drop the sender that has waited longest for its frame, so that a flood of connections that
/// say nothing cannot keep a real result out. Shut down, its read returns at once and its thread
/// ends (on Windows at the latest at its deadline, RESULT_DEADLINE).
fn make_room(waiting: &Waiting, events: &SyncSender<Notice>) {
    let oldest = lock(waiting).pop_front();
    if let Some((_, oldest)) = oldest {
        let _ = oldest.shutdown(std::net::Shutdown::Both);
        let who = oldest
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let _ = events.try_send(Notice::Line(tr!(
            "dropped {who}: {MAX_SENDERS} connections at once, and it had sent nothing whole yet",
            "断开了 {who}: 同时有 {MAX_SENDERS} 个连接, 它还没发来完整的结果"
        )));
    }
}

/// The lock of the waiting list; a thread that panicked while holding it left a list that is
/// still a list, so a poisoned lock is taken as it is.
fn lock(waiting: &Waiting) -> std::sync::MutexGuard<'_, VecDeque<(u64, TcpStream)>> {
    waiting
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One sender: its frame within [`RESULT_DEADLINE`], checked; the board saves it; the answer.
fn handle_sender(
    sock: &TcpStream,
    peer: SocketAddr,
    events: &SyncSender<Notice>,
    known: &[Known],
    waiting: &Waiting,
    number: u64,
) {
    let mut reader = Deadline { sock, until: Instant::now() + RESULT_DEADLINE };
    let received = wire::recv_result(&mut reader, known);
    // Whole and read: no longer one to drop for room. Not on the list any more: it was dropped
    // for room, and that has had its line.
    let mut list = lock(waiting);
    let dropped = !list.iter().any(|(n, _)| *n == number);
    list.retain(|(n, _)| *n != number);
    drop(list);
    let outcome = match received {
        Err(_) if dropped => return,
        Err(why) => Err(why),
        Ok(None) => return,
        Ok(Some(sent)) => {
            let (saved, answer) = mpsc::channel();
            match events.send(Notice::Result { from: peer.ip(), sent, saved }) {
                Ok(()) => answer.recv_timeout(SAVE_DEADLINE).unwrap_or_else(|_| {
                    Err(tr!(
                        "the class is too busy to save it",
                        "课堂太忙, 没能保存"
                    ))
                }),
                Err(_) => return,
            }
        }
    };
    if let Err(why) = &outcome {
        let _ = events.send(Notice::Line(tr!(
            "refused {peer}: {why}",
            "拒绝了 {peer}: {why}"
        )));
    }
    // The answer is small and goes into the socket's buffer; a sender that never reads it
    // does not hold this thread.
    let _ = sock.set_write_timeout(Some(Duration::from_secs(1)));
    let mut sock = sock;
    let _ = wire::answer(&mut sock, &outcome);
}

/// Lesson 03's listener (`SO_REUSEADDR` on Unix, see `sockets::net::listen`) with the class's
/// queue, and its first lines: `listening on`, and on `0.0.0.0` the addresses students type after
/// `--send`. Returns the listener and the address the top of the grid tells students to use.
fn listen(addr: &Addr) -> Result<(TcpListener, String)> {
    let addr = addr.resolve()?;
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket
        .bind(&addr.into())
        .map_err(|e| net::bind_error(e, addr))?;
    socket.listen(CLASS_BACKLOG)?;
    let v6_only = addr.is_ipv6() && socket.only_v6()?;
    let listener = TcpListener::from(socket);
    let local = listener.local_addr()?;
    server!("listening on {local}", "正在监听 {local}");
    if !local.ip().is_unspecified() {
        return Ok((listener, local.to_string()));
    }
    let port = local.port();
    let found = addrs::reachable(local.is_ipv4() || !v6_only, local.is_ipv6());
    let sends: Vec<String> = found
        .iter()
        .map(|(ip, name)| format!("--send {} ({name})", SocketAddr::new(*ip, port)))
        .collect();
    match sends.join(", ") {
        none if none.is_empty() => note!(
            "this machine has no address but loopback: is it on the classroom network?",
            "本机除了回环地址没有别的地址: 它连上教室的网络了吗?"
        ),
        sends => note!("students send with: {sends}", "学生发送时用: {sends}"),
    }
    let to = match found.first() {
        Some((ip, _)) => SocketAddr::new(*ip, port).to_string(),
        None => format!("TEACHER-IP:{port}"),
    };
    Ok((listener, to))
}

/// The class's command line: the lessons' `--host`/`--port`, the class's own port.
///
/// The class at a glance: every student's `check` results, live, on the teacher's machine.
/// Students add `--send TEACHER-IP --name NAME` to their `check`. `--host 0.0.0.0` listens on
/// every network card and prints the addresses students type.
#[derive(Parser, Debug)]
#[command(name = "socket-lessons class")]
struct Cli {
    /// The address to listen on (0.0.0.0 = every network card, for a classroom).
    #[arg(long, default_value = DEFAULT_HOST)]
    host: String,
    /// The TCP port (0 lets the OS pick a free one and prints it).
    #[arg(long, default_value_t = CLASS_PORT)]
    port: u16,
    /// Keep every result in this CSV file, one row a student and check, rewritten whole at each
    /// result; started again on the same file, the class reads it back.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// The language of every line: zh (中文) or en. Without it, the locale decides.
    #[arg(long, value_enum, value_name = "LANG")]
    lang: Option<crate::words::lang::Lang>,
}

/// The help in Chinese when Chinese is asked for: the class's own texts, here beside the English.
fn parse(args: Vec<std::ffi::OsString>) -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let zh = args.windows(2).any(|w| w[0] == "--lang" && w[1] == "zh")
        || args.iter().any(|a| a == "--lang=zh")
        || (!args
            .iter()
            .any(|a| a.to_string_lossy().starts_with("--lang"))
            && crate::words::lang::from_env(|n| std::env::var(n).ok())
                == crate::words::lang::Lang::Zh);
    let mut command = Cli::command();
    if zh {
        command = command
            .about("课堂一览: 在老师的机器上实时显示每个学生的 check 结果。学生在 check 后面加上 --send 老师的IP --name 名字。--host 0.0.0.0 监听所有网卡, 并打印学生要输入的地址。")
            .long_about(None)
            .mut_arg("host", |a| a.help("监听的地址 (0.0.0.0 = 所有网卡, 给教室用)"))
            .mut_arg("port", |a| a.help("TCP 端口 (0 让系统挑一个空闲端口并打印出来)"))
            .mut_arg("csv", |a| {
                a.help("把每条结果存进这个 CSV 文件, 每个学生每项检查一行, 每来一条结果就整个重写; 用同一个文件再启动时, 课堂会把它读回来")
            })
            .mut_arg("lang", |a| a.help("所有输出的语言: zh (中文) 或 en。不给时由 locale 决定"));
    }
    let matches = command.get_matches_from(args);
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}
