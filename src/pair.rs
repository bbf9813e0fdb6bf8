//! `demo`: a lesson's server and client in one process, the server on a thread of its own.
//!
//! The two sides still talk over a real TCP connection on loopback; only the terminal is
//! shared. For the lines to come out in the order the conversation happens, every time, the
//! two threads must not print at the same moment. Every lesson prints *before* it writes and
//! *after* it reads, so a message orders the lines around it. But some lines are printed while
//! both sides are awake: the server's `accepted` while the client starts talking, a server's
//! last words about one client while the next one connects. For those, a client line waits
//! until the server has caught up: nothing is on its way between them (no handshake, no
//! closing connection half done) and the server thread is blocked in a system call (`accept`,
//! `read`, ...), so it has said everything it will say until the client acts again. Each
//! side's code stays exactly what runs in two terminals.
//!
//! Only Linux lets a process see both things (`/proc/self/task/ID/syscall`, `/proc/net/tcp`).
//! Elsewhere the demo runs the same, but two lines printed at the same moment may swap places.

use std::net::{SocketAddr, TcpListener};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use crate::Result;

/// The running demo's server: its thread id and its port, while [`run`] runs.
static SERVER: Mutex<Option<Server>> = Mutex::new(None);

#[derive(Clone, Copy)]
struct Server {
    thread: ThreadId,
    port: u16,
}

#[cfg(target_os = "linux")]
type ThreadId = libc::pid_t;
#[cfg(not(target_os = "linux"))]
type ThreadId = ();

/// Run `server` on a thread with `listener`, and `client` here with the listener's address.
///
/// Returns the first error of either side. If the client fails, the server may be left
/// waiting for a client that will never come; it is not joined, and it ends with the process.
pub fn run<S, C>(listener: TcpListener, server: S, client: C) -> Result<()>
where
    S: FnOnce(TcpListener) -> Result<()> + Send + 'static,
    C: FnOnce(SocketAddr) -> Result<()>,
{
    let addr = listener.local_addr()?;
    let (started, is_started) = std::sync::mpsc::channel();
    let server = thread::Builder::new()
        .name("server".into())
        .spawn(move || {
            // The receiver below waits for this message, so the send cannot fail.
            let _ = started.send(current_thread());
            server(listener)
        })?;
    if let Ok(thread) = is_started.recv() {
        set_server(Some(Server {
            thread,
            port: addr.port(),
        }));
    }
    let result = client(addr).and_then(|()| match server.join() {
        Ok(result) => result,
        // The panic message has already been printed on stderr by the panic hook.
        Err(_) => Err("the server thread panicked".into()),
    });
    // The classroom runner plays several demos in one process: the next one starts afresh.
    set_server(None);
    result
}

fn set_server(server: Option<Server>) {
    // A poisoned lock only means a thread panicked while holding it; the value is still whole.
    *SERVER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = server;
}

/// Called by [`say`](crate::say) before a line is printed: in a demo, a line from any thread but
/// the server's waits until the server has caught up with the client.
pub(crate) fn wait_for_server() {
    let server = *SERVER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some(server) = server else { return };
    if server.thread == current_thread() {
        return;
    }
    while !(nothing_in_flight(server.port) && is_blocked(server.thread)) {
        // The server is a few microseconds from blocking: look again shortly.
        thread::sleep(Duration::from_micros(50));
    }
}

#[cfg(target_os = "linux")]
fn current_thread() -> ThreadId {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() }
}

#[cfg(not(target_os = "linux"))]
fn current_thread() -> ThreadId {}

/// Is `thread` asleep in a system call that waits for the other side (or gone)?
///
/// `/proc/self/task/ID/syscall` holds `running` while the thread runs or is about to (woken, not
/// yet scheduled), else the number of the system call it sleeps in. A thread asleep in `futex`
/// waits for a lock (stdout's, most likely) and is about to go on, so it does not count.
#[cfg(target_os = "linux")]
fn is_blocked(thread: ThreadId) -> bool {
    let Ok(state) = std::fs::read_to_string(format!("/proc/self/task/{thread}/syscall")) else {
        // The thread has ended (or /proc is not mounted: then do not wait at all).
        return true;
    };
    match state
        .split_whitespace()
        .next()
        .map(str::parse::<libc::c_long>)
    {
        Some(Ok(number)) => number != libc::SYS_futex,
        _ => false,
    }
}

#[cfg(not(target_os = "linux"))]
fn is_blocked(_thread: ThreadId) -> bool {
    true
}

/// Is every connection to `port` settled, none in the middle of its handshake or its close?
///
/// A packet the client sent may not have reached the server's socket yet when the client's
/// `connect` or `close` returns; until it has, the server cannot have woken up for it. The
/// kernel lists each TCP socket with its state in `/proc/net/tcp` (IPv4) and `tcp6`.
#[cfg(target_os = "linux")]
fn nothing_in_flight(port: u16) -> bool {
    /// States whose next step waits for a packet on its way: SYN_SENT, SYN_RECV, FIN_WAIT1,
    /// CLOSING, LAST_ACK (the numbering of the kernel's `include/net/tcp_states.h`).
    const IN_FLIGHT: [&str; 5] = ["02", "03", "04", "0B", "09"];
    let port = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().all(|table| {
        let Ok(table) = std::fs::read_to_string(table) else {
            return true;
        };
        table.lines().skip(1).all(|socket| {
            let mut fields = socket.split_whitespace().skip(1);
            let (Some(local), Some(remote), Some(state)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return true;
            };
            let ours = local.ends_with(&port) || remote.ends_with(&port);
            !(ours && IN_FLIGHT.contains(&state))
        })
    })
}

#[cfg(not(target_os = "linux"))]
fn nothing_in_flight(_port: u16) -> bool {
    true
}
