//! The one-terminal demo: a lesson's server and client in one process, the server on a thread of
//! its own, taking turns at `accept` and `connect` so their lines come out in one order.
//!
//! The two sides still talk over a real TCP connection on loopback; only the terminal is shared.
//! For the lines to come out in the order the conversation happens, on every OS and every run,
//! two rules hold:
//!
//! 1. **A message orders the lines around it.** Every lesson prints *before* it writes and
//!    *after* it reads, so the peer's line about a message comes after the sender's.
//! 2. **A connection is a hand-off, made explicit here.** Between one message and the next only
//!    one side is awake, except around `connect`/`accept`: the server may still be talking
//!    about its last client when the next one connects, and both wake up when a connection is
//!    made. So, in a demo, the client's k-th `connect` waits until the server's k-th `accept`
//!    has begun (the server has said everything about the clients before), and the client goes
//!    on only once the server has printed its `accepted` line. After that the server speaks
//!    only after a read.
//!
//! The lessons say so where it happens, in four calls around their own `accept` and `connect`:
//! [`accept_turn`] and [`accepted_turn`] on the server's side, [`connect_turn`] and
//! [`connected_turn`] on the client's. In two terminals there is no demo on the port, and they
//! return at once: each side's code stays exactly what runs in two terminals. The hand-off is a
//! `Mutex` and a `Condvar`, std only, the same on Linux, macOS and Windows.

pub mod input;

use std::net::{SocketAddr, TcpListener};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use crate::Result;

/// How long the client waits for the server to get to `accept`, or past it. The server needs
/// microseconds; this only turns a server that went wrong into an error instead of a hang.
const TURN_DEADLINE: Duration = Duration::from_secs(10);

/// Where the demo's conversation stands, counted in connections.
#[derive(Clone, Copy)]
struct Turnstile {
    /// The demo's listening port: only connections to it take part.
    port: u16,
    /// How many times the server has entered `accept` (all it had to say before is out).
    accepting: usize,
    /// How many connections the server has accepted and printed its line about.
    accepted: usize,
    /// How many times the client has connected.
    connected: usize,
    /// The server thread has ended (its result is waiting in `run`).
    server_done: bool,
}

/// The running demos' turnstiles: one in a lesson, several when tests run demos side by side.
static TURNSTILES: Mutex<Vec<Turnstile>> = Mutex::new(Vec::new());
static TURNED: Condvar = Condvar::new();

fn lock() -> MutexGuard<'static, Vec<Turnstile>> {
    // A poisoned lock only means a thread panicked while holding it; the counts are still whole.
    TURNSTILES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Change the turnstile of the demo on `port`, if one is running, and wake the waiting client.
fn step(port: u16, change: impl FnOnce(&mut Turnstile)) {
    if let Some(turnstile) = lock().iter_mut().find(|t| t.port == port) {
        change(turnstile);
        TURNED.notify_all();
    }
}

/// Run `server` on a thread with `listener`, and `client` here with the listener's address.
///
/// Returns the first error of either side. If the client fails while the server is still
/// running, the server may be waiting for a client that will never come: it is not joined, and
/// it ends with the process.
pub fn run<S, C>(listener: TcpListener, server: S, client: C) -> Result<()>
where
    S: FnOnce(TcpListener) -> Result<()> + Send + 'static,
    C: FnOnce(SocketAddr) -> Result<()>,
{
    let addr = listener.local_addr()?;
    let port = addr.port();
    lock().push(Turnstile {
        port,
        accepting: 0,
        accepted: 0,
        connected: 0,
        server_done: false,
    });
    let server = thread::Builder::new()
        .name("server".into())
        .spawn(move || {
            let result = server(listener);
            step(port, |t| t.server_done = true);
            result
        })?;
    let client_result = client(addr);
    let server_done = lock().iter().any(|t| t.port == port && t.server_done);
    let result = match client_result {
        // The server ends once its last client has gone: wait for its last lines.
        Ok(()) => join(server),
        // The client gave up because the server had stopped: the server's error says why.
        Err(client_error) if server_done => join(server).and(Err(client_error)),
        Err(client_error) => Err(client_error),
    };
    // The classroom runner plays several demos in one process: the next one starts afresh.
    lock().retain(|t| t.port != port);
    result
}

fn join(server: thread::JoinHandle<Result<()>>) -> Result<()> {
    match server.join() {
        Ok(result) => result,
        // The panic message has already been printed on stderr by the panic hook.
        Err(_) => Err(crate::tr!("the server thread panicked", "服务端线程崩溃了 (panic)").into()),
    }
}

/// The server's side, just before `listener.accept()`: in the one-terminal demo, the client may
/// connect now (the server has said all it will say until a client comes). Elsewhere, nothing.
pub fn accept_turn(listener: &TcpListener) {
    if let Ok(addr) = listener.local_addr() {
        step(addr.port(), |t| t.accepting += 1);
    }
}

/// The server's side, once its `accepted` line is out: in the one-terminal demo, the client may
/// go on. Elsewhere, nothing.
pub fn accepted_turn(listener: &TcpListener) {
    if let Ok(addr) = listener.local_addr() {
        step(addr.port(), |t| t.accepted += 1);
    }
}

/// The client's side, before its `connecting` line: in the one-terminal demo, wait your turn,
/// until the server is in the `accept` that will take this connection. Elsewhere, at once.
pub fn connect_turn(addr: SocketAddr) -> Result<()> {
    let what = crate::tr!("get to accept()", "进入 accept()");
    wait(addr.port(), &what, |t| t.accepting > t.connected)
}

/// The client's side, once connected: in the one-terminal demo, wait until the server has
/// printed its `accepted` line, so the client's next line comes after it. Elsewhere, at once.
pub fn connected_turn(addr: SocketAddr) -> Result<()> {
    step(addr.port(), |t| t.connected += 1);
    let what = crate::tr!("accept the connection", "接受这个连接");
    wait(addr.port(), &what, |t| t.accepted >= t.connected)
}

/// Wait until `ready` holds for the demo on `port` (at once if there is no demo on it).
fn wait(port: u16, what: &str, ready: impl Fn(&Turnstile) -> bool) -> Result<()> {
    let deadline = Instant::now() + TURN_DEADLINE;
    let mut guard = lock();
    loop {
        let Some(turnstile) = guard.iter().find(|t| t.port == port) else {
            return Ok(());
        };
        if ready(turnstile) {
            return Ok(());
        }
        if turnstile.server_done {
            return Err(crate::tr!(
                "the demo's server stopped before it could {what}",
                "演示的服务端已经停止, 没能 {what}"
            )
            .into());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            let seconds = TURN_DEADLINE.as_secs();
            return Err(crate::tr!(
                "the demo's server did not {what} within {seconds} s",
                "演示的服务端在 {seconds} 秒内没有 {what}"
            )
            .into());
        }
        guard = TURNED
            .wait_timeout(guard, left)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .0;
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpStream;
    use std::sync::{Arc, Mutex, mpsc};
    use std::thread;
    use std::time::Duration;

    use super::*;

    /// A log both sides write to, in the order things happen.
    type Log = Arc<Mutex<Vec<&'static str>>>;

    fn push(log: &Log, event: &'static str) {
        log.lock().unwrap().push(event);
    }

    fn listener() -> TcpListener {
        TcpListener::bind("127.0.0.1:0").unwrap()
    }

    /// What a lesson's client does: its turn, `connect`, its turn.
    fn connect(addr: SocketAddr) -> Result<TcpStream> {
        connect_turn(addr)?;
        let sock = TcpStream::connect(addr)?;
        connected_turn(addr)?;
        Ok(sock)
    }

    #[test]
    fn the_client_connects_only_once_a_slow_server_is_done_talking() {
        let log = Log::default();
        let (server_log, client_log) = (log.clone(), log.clone());
        run(
            listener(),
            move |listener| {
                for _ in 0..2 {
                    // A server still busy with its last words, slower than any client: the
                    // race this module exists to remove, made wide enough to lose every time.
                    thread::sleep(Duration::from_millis(30));
                    push(&server_log, "server: done with the last client");
                    accept_turn(&listener);
                    drop(listener.accept()?);
                    // Not logged here: from now on the client may run at once.
                    accepted_turn(&listener);
                }
                Ok(())
            },
            move |addr| {
                for _ in 0..2 {
                    let sock = connect(addr)?;
                    push(&client_log, "client: connected");
                    drop(sock);
                }
                Ok(())
            },
        )
        .unwrap();
        // Without the turnstile the client connects while the server still sleeps: the
        // listener's queue takes the connection at once.
        let round = ["server: done with the last client", "client: connected"];
        assert_eq!(*log.lock().unwrap(), [round, round].concat());
    }

    #[test]
    fn connect_waits_until_the_server_enters_accept() {
        // A demo's turnstile on a port of its own, with no server thread: the test plays it.
        // Port 1: never one the OS picks for port 0, so no other demo's turnstile shares it.
        let port = 1;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        lock().push(Turnstile {
            port,
            accepting: 0,
            accepted: 0,
            connected: 0,
            server_done: false,
        });
        let (done, waited) = mpsc::channel();
        let client = thread::spawn(move || done.send(connect_turn(addr).is_ok()));
        // The server has not entered accept: the client must still be waiting.
        assert!(waited.recv_timeout(Duration::from_millis(50)).is_err());
        step(port, |t| t.accepting += 1);
        assert_eq!(waited.recv_timeout(TURN_DEADLINE), Ok(true));
        client.join().unwrap().unwrap();
        lock().retain(|t| t.port != port);
    }

    #[test]
    fn a_server_that_stops_before_accept_ends_the_demo_with_its_own_error() {
        let (said, heard) = mpsc::channel();
        let error = run(
            listener(),
            |_listener| Err("the server's own mistake".into()),
            move |addr| {
                let waited = connect(addr).map(drop);
                let _ = said.send(waited.as_ref().map_err(ToString::to_string).err());
                waited
            },
        )
        .unwrap_err();
        assert_eq!(error.to_string(), "the server's own mistake");
        // The client was woken by the server's end, not by its own deadline running out.
        assert_eq!(
            heard.recv().unwrap().as_deref(),
            Some("the demo's server stopped before it could get to accept()")
        );
    }
}
