//! How a lesson's process ends when it does not end at the bottom of `main`: quietly, with exit
//! status 0, when whoever read its output has gone (a closed pipe, `… | head -3`); and on
//! Ctrl-C, with the last words of whoever asked for them. Signals and exits live here only.

use std::io;
use std::sync::{Mutex, PoisonError};

/// Write with `write`; a closed pipe is the reader saying "enough", not a fault: end quietly.
///
/// `cargo run --bin 03_conn_loop -- backlog | head -3`: once `head` has its three lines it closes
/// the pipe, and the next write fails with `BrokenPipe`, on Linux, macOS and Windows alike (Rust
/// ignores Unix's SIGPIPE, so no signal kills us first). Every Unix tool then ends without a word,
/// and so does a lesson: exit 0, nothing on stderr. Any other write error is ignored like
/// `println!` would not: a full disk behind `> file` loses lines, not the lesson.
pub fn or_quietly_on_closed_pipe(write: impl FnOnce() -> io::Result<()>) {
    if let Err(e) = write()
        && e.kind() == io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// The exit code after Ctrl-C or SIGTERM: 128 + SIGINT (2), what a shell reports for Ctrl-C.
pub const INTERRUPTED: i32 = 130;

/// What to do on Ctrl-C, set once by [`on_interrupt`]. Locked while it runs, until the exit: a
/// second Ctrl-C meanwhile waits for the first one's words instead of cutting them short.
static LAST_WORDS: Mutex<Option<Box<dyn Fn() + Send>>> = Mutex::new(None);

/// On Ctrl-C (SIGINT), SIGTERM or SIGHUP (Windows: Ctrl-C, Ctrl-Break, closing the console): run
/// `last_words`, then end with [`INTERRUPTED`]. They run on a thread of their own, not inside
/// the signal handler, so they may take a lock, remove a file and print. Once per process.
pub fn on_interrupt(last_words: impl Fn() + Send + 'static) -> io::Result<()> {
    let mut slot = LAST_WORDS.lock().unwrap_or_else(PoisonError::into_inner);
    if slot.is_some() {
        let taken = "Ctrl-C already has a handler in this program";
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, taken));
    }
    *slot = Some(Box::new(last_words));
    drop(slot);
    os::catch_interrupts()
}

/// The interrupt has come: the last words, then the exit. Called on a thread that is neither
/// `main` nor a signal handler.
fn interrupted() -> ! {
    let last_words = LAST_WORDS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(words) = last_words.as_ref() {
        words();
    }
    std::process::exit(INTERRUPTED)
}

/// Unix: a signal handler may call almost nothing (no lock, no allocation, no `println!`): only
/// the async-signal-safe functions, `write(2)` among them. So the handler writes one byte into a
/// pipe, and a thread of ours, waiting on the other end, says the last words: the self-pipe
/// trick. libc alone, the same on Linux and macOS.
#[cfg(unix)]
mod os {
    use std::io::{self, Read};
    use std::os::fd::IntoRawFd;
    use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

    /// What a terminal sends on Ctrl-C, what `kill` and a shutdown send, and what closing the
    /// terminal window sends.
    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    /// The pipe's write end, for the handler; kept open for the life of the process.
    static PIPE: AtomicI32 = AtomicI32::new(-1);
    /// Set by the first signal: only one byte is ever written, so the pipe never fills and the
    /// write never fails (a failed write would change `errno` under the interrupted code).
    static SIGNALLED: AtomicBool = AtomicBool::new(false);

    pub fn catch_interrupts() -> io::Result<()> {
        // Both ends close-on-exec (std does it): a program we start does not inherit them.
        let (mut reader, writer) = io::pipe()?;
        PIPE.store(writer.into_raw_fd(), Ordering::SeqCst);
        std::thread::Builder::new()
            .name("interrupt".into())
            .spawn(move || {
                // Blocks until the handler's byte arrives (`read_exact` retries a read that a
                // signal cut short). The write end is never closed, so nothing else can end
                // this read; should it fail anyway, give the signals back their default
                // action, so Ctrl-C still ends the program.
                match reader.read_exact(&mut [0]) {
                    Ok(()) => super::interrupted(),
                    Err(_) => set_action(libc::SIG_DFL),
                }
            })?;
        if let Err(e) = set_action(on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t) {
            set_action(libc::SIG_DFL).ok();
            return Err(e);
        }
        Ok(())
    }

    /// `sigaction(2)` for each of [`SIGNALS`]: `handler`, with SA_RESTART so that a read the
    /// signal interrupts goes on instead of failing with EINTR. A signal ignored when the
    /// program started stays ignored, as in every Unix tool: `nohup` ignores SIGHUP, and a
    /// script's `&` starts its job with SIGINT ignored.
    fn set_action(handler: libc::sighandler_t) -> io::Result<()> {
        for signal in SIGNALS {
            // SAFETY: with no new action, sigaction(2) only writes the current one into `old`. A
            // zeroed `sigaction` is a valid one (no flags, empty mask) before the fields are
            // set; `handler` is SIG_DFL or `on_signal`, which is async-signal-safe.
            let installed = unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, std::ptr::null(), &mut old) == 0
                    && old.sa_sigaction == libc::SIG_IGN
                {
                    continue;
                }
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut())
            };
            if installed != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(())
    }

    /// The signal handler: an atomic swap and one `write(2)`, both async-signal-safe.
    extern "C" fn on_signal(_signal: libc::c_int) {
        if !SIGNALLED.swap(true, Ordering::SeqCst) {
            let fd = PIPE.load(Ordering::SeqCst);
            // SAFETY: `fd` is the pipe's write end, stored before the handler was installed and
            // never closed; one byte from a live buffer.
            unsafe { libc::write(fd, [0u8].as_ptr().cast(), 1) };
        }
    }
}

/// Windows has no signals: the console calls a handler routine, on a new thread the system
/// starts for it, so the routine itself may say the last words. Closing the console window
/// gives it 5 seconds before Windows ends the process anyway.
#[cfg(windows)]
mod os {
    use std::io;

    use windows_sys::Win32::System::Console::{
        CTRL_BREAK_EVENT, CTRL_C_EVENT, CTRL_CLOSE_EVENT, SetConsoleCtrlHandler,
    };
    use windows_sys::core::BOOL;

    pub fn catch_interrupts() -> io::Result<()> {
        // SAFETY: registers a function that lives as long as the program (TRUE: add it).
        if unsafe { SetConsoleCtrlHandler(Some(on_console_event), 1) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    unsafe extern "system" fn on_console_event(event: u32) -> BOOL {
        match event {
            CTRL_C_EVENT | CTRL_BREAK_EVENT | CTRL_CLOSE_EVENT => super::interrupted(),
            // Log-off and shut-down reach services only: FALSE hands them to the next handler.
            _ => 0,
        }
    }
}
