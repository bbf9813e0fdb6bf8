//! One run of `between`: the server and the client started, the relay between them, both
//! directions cut by their schedules, and everything that happened written down with its time,
//! for the view to draw and the comparison to judge.
//!
//! ```text
//! client ──► relay (127.0.0.1, its own port) ──cut──► server ({port}, $PORT)
//!        ◄──cut──                            ◄──────
//! ```
//!
//! Every wait has a deadline: a client that never connects, a server that never accepts, a pair
//! that stops moving, a program that floods its output; each ends the run with one line, and no
//! program is left running ([`Program`]'s kill, on the way out, whatever happened).
//!
//! Here: the run and its deadlines. Beside it: what is written down (`event`), one direction
//! read, cut and delivered (`pump`), and the lines the programs print (`printed`).

mod event;
mod printed;
mod pump;

use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use self::event::Log;
pub use self::event::{End, Event, What};
use self::printed::{lines, watch};
use self::pump::pump;
use super::cut::{Cuts, Schedule};
use crate::tools::check::program::{self, Program};
use crate::tr;

/// The gap before each piece after the first: long enough that a reader waiting in `recv`
/// takes the piece alone and prints before the next arrives, short enough that 45 bytes cut
/// in ones take under 2 s.
const GAP: Duration = Duration::from_millis(40);

/// A sender silent this long has said all it will before it hears back: what the relay holds
/// for it goes out (`whole` ends here, or when the sender closes its side).
pub const QUIET: Duration = Duration::from_millis(300);

/// How long a client has to connect, and a server to accept: a Python program starts in well
/// under a second, a cold Java one in a few.
pub const CONNECT: Duration = Duration::from_secs(10);

/// A connection where no byte moves and nothing is printed for this long is stuck: both sides
/// wait for the other.
pub const IDLE: Duration = Duration::from_secs(5);

/// How long the programs have to end by themselves once the connection is over: a server that
/// goes back to `accept` (lesson 03's loop) is ended after it, and that is no fault.
pub const GRACE: Duration = Duration::from_secs(2);

/// The longest a run may take, whatever moves: a stream cut in ones is slow on purpose.
pub const LIMIT: Duration = Duration::from_secs(60);

/// More output than this from one program is a flood: it is ended.
pub const FLOOD: usize = 256 * 1024;

/// After this many pieces one way, the rest passes as the relay reads it: a big transfer cut
/// in ones would take hours.
pub const MAX_PIECES: usize = 300;

/// A whole run: what happened, why it ended early if it did, and the cuts that replay it.
pub struct Run {
    pub events: Vec<Event>,
    /// `None`: the run ended by itself. `Some(why)`: the one line that says why it was ended.
    pub stopped: Option<String>,
    /// The cuts as made (`boundary` written as the offsets it chose), for `--cut` to replay.
    pub replay: Cuts,
    /// The ports of this run (the server's, the relay's, the two connections'): they change
    /// from run to run, so a comparison reads past them.
    pub ports: Vec<u16>,
}

impl Run {
    /// Every line `side` printed, in order.
    pub fn printed(&self, side: End) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|event| match &event.what {
                What::Printed { by, line } if *by == side => Some(line.clone()),
                _ => None,
            })
            .collect()
    }
}

/// Play the pair once under `cuts`: `server` and `client` are whole commands, `{port}` in them
/// still to fill; the server on `port` if given. An `Err` is a program that could not be started
/// at all.
pub fn run(
    server: &[String],
    client: &[String],
    cuts: &Cuts,
    port: Option<u16>,
) -> Result<Run, String> {
    let log = Log {
        start: Instant::now(),
        events: Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
        stopped: Mutex::new(None),
    };
    // The server's port: one the OS has just handed out, free at that moment. (The program is
    // another process: a bound socket cannot be handed to it on every OS.)
    let server_port = match port {
        Some(port) => port,
        None => TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port(),
    };
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| e.to_string())?;
    let relay_addr = listener.local_addr().map_err(|e| e.to_string())?;
    let relay_port = relay_addr.port();
    let server = Mutex::new(start(server, server_port)?);
    // The client is started once the relay has reached the server: its first write then finds
    // the relay reading, so the view shows its writes as they came.
    let client_slot: OnceLock<Mutex<Program>> = OnceLock::new();
    let mut ports = vec![server_port, relay_port];
    let mut replay = cuts.clone();
    let (server_sock, client_sock) = (OnceLock::new(), OnceLock::new());
    let mut unstartable = None;

    thread::scope(|scope| {
        scope.spawn(|| watch(End::Server, &server, &log));
        let Some(to_server) = reach_server(server_port, &server, &log) else {
            return;
        };
        // Kept outside the scope, so that the pumps may borrow them.
        let to_server: &TcpStream = server_sock.get_or_init(|| to_server);
        let client = match start(client, relay_port) {
            Ok(program) => client_slot.get_or_init(|| Mutex::new(program)),
            Err(why) => {
                unstartable = Some(why);
                // The server's watcher ends with the run.
                log.stop.store(true, Ordering::Relaxed);
                return;
            }
        };
        scope.spawn(|| watch(End::Client, client, &log));
        // The pump toward the server accepts the client itself, so that it reads from the
        // client's first write on: the relay's reads are then as close to its writes as can be.
        let (accepted, was_accepted) = mpsc::channel();
        let up = {
            let (listener, slot, log) = (&listener, &client_sock, &log);
            let schedule = cuts.to_server.clone();
            scope.spawn(move || {
                let (sock, _) = listener.accept().ok()?;
                if log.stopping() {
                    return None;
                }
                let from = slot.get_or_init(|| sock);
                let _ = accepted.send(());
                pump(from, to_server, End::Server, schedule, log)
            })
        };
        if !wait_accepted(&was_accepted, client, &log) {
            // Wake the accept that still waits, with a connection of the relay's own.
            let _ = TcpStream::connect_timeout(&relay_addr, Duration::from_secs(1));
            return;
        }
        let Some(from_client) = client_sock.get() else {
            // Cannot be: the client was accepted into this slot. Ended all the same.
            log.end(tr!("the relay lost the client", "中转丢失了客户端的连接"));
            return;
        };
        for sock in [from_client, to_server] {
            ports.extend(
                sock.peer_addr()
                    .iter()
                    .chain(&sock.local_addr())
                    .map(SocketAddr::port),
            );
        }
        let down = {
            let (from, to, log) = (to_server, from_client, &log);
            let schedule = cuts.to_client.clone();
            scope.spawn(move || pump(from, to, End::Client, schedule, log))
        };
        let mut over: Option<Instant> = None;
        while !log.stopping() {
            let elapsed = log.start.elapsed();
            if elapsed > LIMIT {
                log.end(tr!(
                    "ended after {} s: the pair was still talking",
                    "{} 秒后被结束: 两端还在对话",
                    LIMIT.as_secs()
                ));
            } else if over.is_none() && elapsed.saturating_sub(log.last()) > IDLE {
                log.end(tr!(
                    "ended: nothing moved and nothing was printed for {} s, with the connection open (each side was waiting for the other?)",
                    "已结束: 连接开着, 却有 {} 秒既没有字节流动也没有输出 (两端都在等对方?)",
                    IDLE.as_secs()
                ));
            }
            if over.is_none() && up.is_finished() && down.is_finished() {
                over = Some(Instant::now());
            }
            if let Some(over) = over {
                let ended = |p: &Mutex<Program>| lock(p).ended();
                if (ended(&server) && ended(client)) || over.elapsed() > GRACE {
                    break;
                }
            }
            thread::sleep(Duration::from_millis(20));
        }
        // Unblock the pumps if they still wait: a stop ends the run now.
        log.stop.store(true, Ordering::Relaxed);
        for sock in [from_client, to_server] {
            let _ = sock.shutdown(Shutdown::Both);
        }
        let made =
            |handle: thread::ScopedJoinHandle<Option<Schedule>>| handle.join().ok().flatten();
        if let Some(schedule) = made(up) {
            replay.to_server = schedule;
        }
        if let Some(schedule) = made(down) {
            replay.to_client = schedule;
        }
    });

    if let Some(why) = unstartable {
        return Err(why);
    }
    let programs = [
        (End::Server, Some(server)),
        (End::Client, client_slot.into_inner()),
    ];
    for (side, program) in programs {
        let Some(program) = program else { continue };
        let mut program = program.into_inner().unwrap_or_else(|e| e.into_inner());
        // What the program started (a shell's child, a script's helper) ends with it.
        program::end_descendants(program.id());
        if !program.ended() {
            if log
                .stopped
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_none()
            {
                log.add(What::StillRunning { side });
            }
            program.kill();
        }
        // The last lines, printed after the watcher stopped looking.
        program.wait_output(Duration::from_millis(500), |_| false);
        let seen = log
            .events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|e| matches!(&e.what, What::Printed { by, .. } if *by == side))
            .count();
        for line in lines(&program.output()).into_iter().skip(seen) {
            log.add(What::Printed { by: side, line });
        }
    }
    let stopped = log.stopped.into_inner().unwrap_or_else(|e| e.into_inner());
    let events = log.events.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(Run { events, stopped, replay, ports })
}

fn lock(program: &Mutex<Program>) -> std::sync::MutexGuard<'_, Program> {
    program.lock().unwrap_or_else(|e| e.into_inner())
}

/// Start one side: `{port}` and `$PORT` are `port`; its input empty, kept open.
fn start(command: &[String], port: u16) -> Result<Program, String> {
    let command = program::expand(command, port, None);
    Program::start(&command, port, None, "").map_err(|e| {
        tr!(
            "cannot start {:?}: {e}",
            "无法启动 {:?}: {e}",
            command.join(" ")
        )
    })
}

/// Connect to the server, retrying while it starts, within [`CONNECT`]; `None` if the run was
/// ended (the reason is in the log).
fn reach_server(port: u16, server: &Mutex<Program>, log: &Log) -> Option<TcpStream> {
    let deadline = Instant::now() + CONNECT;
    let secs = CONNECT.as_secs();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    loop {
        // A refused connection is a server still starting: try again until the deadline.
        match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
            Ok(sock) => return Some(sock),
            Err(_) if lock(server).ended() => {
                log.end(tr!(
                    "the server ended before it listened on {{port}}",
                    "服务端还没在 {{port}} 上监听就结束了"
                ));
                return None;
            }
            Err(_) if Instant::now() > deadline || log.stopping() => {
                log.end(tr!(
                    "the server did not listen on {{port}} within {secs} s: ended (does it listen on {{port}} or $PORT?)",
                    "服务端 {secs} 秒内没有在 {{port}} 上监听: 已结束 (它监听的是 {{port}} 或 $PORT 吗?)"
                ));
                return None;
            }
            Err(_) => thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Wait until the client is accepted, within [`CONNECT`]; `false` if the run was ended (the
/// reason is in the log).
fn wait_accepted(accepted: &mpsc::Receiver<()>, client: &Mutex<Program>, log: &Log) -> bool {
    let deadline = Instant::now() + CONNECT;
    let secs = CONNECT.as_secs();
    loop {
        // Looked at before the wait: a client that connected, wrote and ended just now is
        // accepted within the wait.
        let ended = lock(client).ended();
        match accepted.recv_timeout(Duration::from_millis(20)) {
            Ok(()) => return true,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                log.end(tr!(
                    "the relay could not accept the client",
                    "中转无法接受客户端的连接"
                ));
                return false;
            }
            Err(_) if ended => {
                log.end(tr!(
                    "the client ended without connecting to {{port}} (does it connect to the port it was given, {{port}} or $PORT?)",
                    "客户端没有连接 {{port}} 就结束了 (它连接的是给它的端口 {{port}} 或 $PORT 吗?)"
                ));
                return false;
            }
            Err(_) if Instant::now() > deadline => {
                log.end(tr!(
                    "the client did not connect within {secs} s: ended (does it connect to {{port}} or $PORT?)",
                    "客户端 {secs} 秒内没有连接: 已结束 (它连接的是 {{port}} 或 $PORT 吗?)"
                ));
                return false;
            }
            Err(_) => {}
        }
    }
}
