//! The student's program, started by the checker: a fresh empty working folder, standard input
//! fed by the check, standard output and error captured, killed at the check's end.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::tr;

/// A line of the program's output longer than this is shown cut: a 60 KiB message is one line.
const LINE: usize = 160;

/// The most of the program's output kept, in bytes: its last lines. 10 MB of debug lines fit
/// whole; a program that prints without end keeps the checker at this much, not gigabytes.
const KEPT: usize = 16 << 20;

/// How many of the last lines are searched for a runtime's report (a Java stack can be long).
const REPORT_LINES: usize = 400;

/// The longest line kept whole: the rest of a longer one (a program that never prints a
/// newline) is dropped up to its end.
const LONGEST_LINE: usize = 1 << 20;

/// What the program printed so far, line by line (stdout and stderr each cut at its own
/// newlines, so one never splits the other's line), and whether both pipes have ended.
#[derive(Default)]
struct Captured {
    /// The lines kept, oldest first: the first is line number `first` of the whole output.
    /// Shared (`Arc`), so that a wait takes new lines out without copying their text.
    lines: std::collections::VecDeque<Arc<str>>,
    first: usize,
    bytes: usize,
    /// Each pipe's line not yet ended by a newline.
    partial: [Vec<u8>; 2],
    /// Counts every change: a waiter that looked at the output before it knows if it missed one.
    version: u64,
    open_pipes: usize,
}

impl Captured {
    fn push(&mut self, line: &[u8]) {
        let line: Arc<str> = String::from_utf8_lossy(line).into();
        self.bytes += line.len();
        self.lines.push_back(line);
        while self.bytes > KEPT {
            match self.lines.pop_front() {
                Some(old) => {
                    self.bytes -= old.len();
                    self.first += 1;
                }
                None => break,
            }
        }
    }
}

/// A running (or finished) student program.
pub struct Program {
    child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<(Mutex<Captured>, Condvar)>,
    status: Option<ExitStatus>,
    /// The checker ended it: its status says nothing of the program.
    killed: bool,
    /// Windows: the job object that holds the program and every process it starts.
    #[cfg(windows)]
    job: Option<job::Job>,
    /// The root of the scratch space: the program runs in `root/work`, so that a file written
    /// to `../x` lands in `root` where a check can find it. Removed when the program is dropped.
    root: tempfile::TempDir,
}

/// `{port}` and `{file}` in the command, replaced; a relative path that names a file here made
/// absolute, since the program runs in another folder.
pub fn expand(command: &[String], port: u16, file: Option<&Path>) -> Vec<String> {
    let file = file.map(|f| f.display().to_string()).unwrap_or_default();
    command
        .iter()
        .map(|arg| {
            let arg = arg
                .replace("{port}", &port.to_string())
                .replace("{file}", &file);
            // `absolute`, not `canonicalize`: no `\\?\` prefix on Windows, which some
            // interpreters do not take.
            match std::path::absolute(&arg) {
                Ok(path) if Path::new(&arg).is_file() && !Path::new(&arg).is_absolute() => {
                    path.display().to_string()
                }
                _ => arg,
            }
        })
        .collect()
}

impl Program {
    /// Start `command` (already [`expand`]ed) with `stdin` fed to it; the pipe stays open, so a
    /// program that asks `input()` once more waits instead of failing on the end of its input.
    pub fn start(
        command: &[String],
        port: u16,
        file: Option<&Path>,
        stdin: &str,
    ) -> io::Result<Program> {
        let (name, args) = command
            .split_first()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no command"))?;
        let root = tempfile::Builder::new()
            .prefix("socket-lessons-check-")
            .tempdir()?;
        let work = root.path().join("work");
        std::fs::create_dir(&work)?;
        let mut cmd = Command::new(name);
        cmd.args(args)
            .current_dir(&work)
            .env("PORT", port.to_string())
            // A Python `print` arrives at once, not when a buffer fills; UTF-8 on every console.
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONIOENCODING", "utf-8")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(file) = file {
            cmd.env("FILE", file);
        }
        // Java (and C's printf of wide text) print Chinese as `?` under a locale that is not
        // UTF-8, such as C: the program gets a UTF-8 one, as a classroom terminal has.
        #[cfg(unix)]
        if !locale_is_utf8() {
            cmd.env(
                "LC_ALL",
                if cfg!(target_os = "macos") {
                    "en_US.UTF-8"
                } else {
                    "C.UTF-8"
                },
            );
        }
        // The program and whatever it starts end together at the check's end: a process group
        // on Unix (killpg), a job object on Windows.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn()?;
        #[cfg(windows)]
        let job = job::Job::hold(&child);
        running().push(child.id());
        // Ctrl-C ends the program too: in a process group of its own, the terminal's Ctrl-C
        // does not reach it. Once per checker (or `between`); a handler set before is kept.
        static HANDLER: std::sync::Once = std::sync::Once::new();
        HANDLER.call_once(|| drop(crate::words::exit::on_interrupt(end_running)));
        let output = Arc::new((Mutex::new(Captured::default()), Condvar::new()));
        let pipes: [Option<Box<dyn Read + Send>>; 2] = [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ];
        for (which, pipe) in pipes.into_iter().enumerate() {
            let Some(pipe) = pipe else { continue };
            lock(&output).open_pipes += 1;
            let output = Arc::clone(&output);
            thread::spawn(move || collect(pipe, which, &output));
        }
        let mut stdin_pipe = child.stdin.take();
        if let Some(pipe) = stdin_pipe.as_mut() {
            // A program that never reads its input may have closed it: that is its business.
            let _ = pipe.write_all(stdin.as_bytes());
            let _ = pipe.flush();
        }
        Ok(Program {
            child,
            stdin: stdin_pipe,
            output,
            status: None,
            killed: false,
            #[cfg(windows)]
            job,
            root,
        })
    }

    /// The folder the program runs in.
    pub fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }

    /// The folder around it: a name like `../escape.txt` would land here.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// The lines kept so far, and the line not yet ended of each pipe.
    pub fn lines(&self) -> Vec<String> {
        self.last_lines(usize::MAX)
    }

    /// Everything kept so far as one text, a line a line (`between` reads it whole).
    pub fn output(&self) -> String {
        let lines = self.lines();
        let mut text = lines.join("\n");
        if !lines.is_empty() {
            text.push('\n');
        }
        text
    }

    /// Wait until `done(output)` holds, the output ends, or `within` passes; say whether
    /// `done` held. (`between`'s wait; the checks' own is [`Program::wait_lines`].)
    pub fn wait_output(&self, within: Duration, done: impl Fn(&str) -> bool) -> bool {
        let end = Instant::now() + within;
        loop {
            let version = lock(&self.output).version;
            if done(&self.output()) {
                return true;
            }
            let (mutex, ready) = &*self.output;
            let captured = mutex.lock().unwrap_or_else(|e| e.into_inner());
            if captured.version != version {
                continue;
            }
            let left = end.saturating_duration_since(Instant::now());
            if captured.open_pipes == 0 || left.is_zero() {
                return false;
            }
            drop(ready.wait_timeout(captured, left));
        }
    }

    /// The last `n` lines kept, and the line not yet ended of each pipe.
    pub fn last_lines(&self, n: usize) -> Vec<String> {
        let captured = lock(&self.output);
        let skip = captured.lines.len().saturating_sub(n);
        let mut lines: Vec<String> = captured
            .lines
            .iter()
            .skip(skip)
            .map(|l| l.to_string())
            .collect();
        for partial in captured.partial.iter().filter(|p| !p.is_empty()) {
            lines.push(String::from_utf8_lossy(partial).into_owned());
        }
        lines
    }

    /// Feed `seen` each line of the output, from the first kept, as it arrives, until it says
    /// `true`, the output ends, or `within` passes; say whether it said `true`. The lines are
    /// taken out under the lock and looked at outside it, each once: a program that prints
    /// megabytes of debug lines costs one look a line, and the pipes are never held up.
    /// At the end, the lines not yet ended by a newline are shown to `seen` too.
    pub fn wait_lines(&self, within: Duration, mut seen: impl FnMut(&str) -> bool) -> bool {
        let end = Instant::now() + within;
        let (mutex, ready) = &*self.output;
        let mut next = 0;
        loop {
            let (batch, open) = {
                let mut captured = mutex.lock().unwrap_or_else(|e| e.into_inner());
                let new = |c: &Captured| c.first + c.lines.len() > next;
                if !new(&captured) && captured.open_pipes > 0 {
                    let left = end.saturating_duration_since(Instant::now());
                    if !left.is_zero() {
                        captured = ready
                            .wait_timeout(captured, left)
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                    }
                }
                let from = next.max(captured.first) - captured.first;
                let batch: Vec<Arc<str>> = captured.lines.iter().skip(from).cloned().collect();
                next = captured.first + captured.lines.len();
                (batch, captured.open_pipes > 0)
            };
            if batch.iter().any(|line| seen(line)) {
                return true;
            }
            if !open || Instant::now() >= end {
                let captured = lock(&self.output);
                let last: Vec<String> = captured
                    .partial
                    .iter()
                    .filter(|p| !p.is_empty())
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect();
                drop(captured);
                return last.iter().any(|line| seen(line));
            }
        }
    }

    /// The exit status if the program has ended, waiting up to `within` for it.
    pub fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let end = Instant::now() + within;
        loop {
            if self.status.is_none() {
                self.status = self.child.try_wait().ok().flatten();
            }
            if self.status.is_some() || Instant::now() >= end {
                // Once ended, let the pipe readers finish so the output is whole.
                if self.status.is_some() {
                    self.wait_lines(Duration::from_millis(500), |_| false);
                }
                return self.status;
            }
            // An exit has no event to wait on in std: look again soon.
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Has the program ended (without waiting)?
    pub fn ended(&mut self) -> bool {
        self.wait_exit(Duration::ZERO).is_some()
    }

    /// The process id, for a caller that ends the processes the program started too.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// End the program now, and everything it started.
    pub fn kill(&mut self) {
        running().retain(|&id| id != self.child.id());
        self.stdin = None;
        if !self.ended() {
            self.killed = true;
        }
        #[cfg(unix)]
        {
            // The group is the child's id (process_group(0)); a group whose processes have
            // all ended is gone, and killpg then fails harmlessly.
            if let Ok(group) = libc::pid_t::try_from(self.child.id()) {
                // SAFETY: killpg takes two integers and touches no memory of ours.
                unsafe { libc::killpg(group, libc::SIGKILL) };
            }
        }
        #[cfg(windows)]
        if let Some(job) = self.job.take() {
            job.end();
        }
        if self.status.is_none() {
            let _ = self.child.kill();
            self.status = self.child.wait().ok();
        }
    }

    /// The last `n` lines it printed, each cut at [`LINE`] characters, control characters
    /// escaped so none acts on the terminal.
    pub fn tail(&self, n: usize) -> Vec<String> {
        // Blank lines do not count: look a little further back for them.
        let lines = self.last_lines(n * 4 + 8);
        let lines: Vec<&String> = lines.iter().filter(|l| !l.trim().is_empty()).collect();
        lines[lines.len().saturating_sub(n)..]
            .iter()
            .map(|line| cut(line))
            .collect()
    }

    /// What a crash of the program's own looks like, in one line, if it crashed: the last line
    /// of a runtime's report (a Python traceback's `ValueError: ...`, Java's `Exception in
    /// thread "main" ...`, Node's `TypeError: ...` above its `at` lines), or a death by a
    /// signal (a C program's SIGSEGV), with the exit status. Not an exit the checker made.
    pub fn crash(&mut self) -> Option<String> {
        let status = self.own_status();
        // A runtime's report is at the end: its last few hundred lines hold it.
        let report = report(&self.last_lines(REPORT_LINES));
        let signal = status.filter(|s| s.code().is_none() || is_fault(*s));
        match (report, signal, status) {
            (Some(line), _, Some(status)) if !status.success() => {
                Some(format!("{line} ({status})"))
            }
            (Some(line), _, _) => Some(line),
            (None, Some(status), _) => Some(match self.tail(1).pop() {
                Some(last) => tr!(
                    "{status}; its last line: {last}",
                    "{status}; 最后一行: {last}"
                ),
                None => status.to_string(),
            }),
            _ => None,
        }
    }

    /// The program's exit status, if it ended by itself.
    pub fn own_status(&mut self) -> Option<ExitStatus> {
        self.wait_exit(Duration::ZERO).filter(|_| !self.killed)
    }
}

/// The process groups of the programs running (their first processes' ids): what Ctrl-C must
/// end before the checker does.
fn running() -> std::sync::MutexGuard<'static, Vec<u32>> {
    static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// End the programs running, with everything they started: the checker is interrupted.
/// (Windows: each job object ends with the checker, as it is made to.)
pub fn end_running() {
    let groups = std::mem::take(&mut *running());
    #[cfg(unix)]
    for group in groups {
        if let Ok(group) = libc::pid_t::try_from(group) {
            // SAFETY: killpg takes two integers and touches no memory of ours.
            unsafe { libc::killpg(group, libc::SIGKILL) };
        }
    }
    #[cfg(not(unix))]
    drop(groups);
}

/// Does the locale the checker runs in speak UTF-8 (`LC_ALL`, else `LC_CTYPE`, else `LANG`)?
#[cfg(unix)]
fn locale_is_utf8() -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_default()
        .to_ascii_lowercase();
    locale.contains("utf-8") || locale.contains("utf8")
}

/// Windows: an exit code of the form 0xC000_0xxx is an NTSTATUS error (an access violation,
/// a stack overflow): the process died, as by a signal on Unix.
fn is_fault(status: ExitStatus) -> bool {
    cfg!(windows)
        && status
            .code()
            .is_some_and(|code| (code as u32) & 0xF000_0000 == 0xC000_0000)
}

/// The one line that names a crash in a runtime's report, the last one in `lines`.
fn report(lines: &[String]) -> Option<String> {
    // Java: `Exception in thread "main" java.lang.NegativeArraySizeException: -1`.
    let java = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("Exception in thread "));
    // Python: the exception's line after `Traceback (most recent call last):`, `TypeError: ...`
    // (stdout's lines may arrive between stderr's: only a line that names an exception).
    let exception = |l: &&String| {
        let name = l.split(':').next().unwrap_or_default();
        l.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    };
    let python = lines
        .iter()
        .rposition(|l| l.starts_with("Traceback (most recent call last)"))
        .and_then(|at| lines[at + 1..].iter().find(exception));
    // Node (`    at ...`), and Java's other threads (`\tat ...`): the unindented line above
    // the stack's first frame.
    let stack = (1..lines.len()).rev().find_map(|at| {
        let frame = lines[at].trim_start();
        let above = &lines[at - 1];
        let indented = lines[at].len() > frame.len();
        let first_frame = !above.starts_with([' ', '\t']) && !above.trim().is_empty();
        (indented && frame.starts_with("at ") && first_frame).then_some(above)
    });
    java.or(python).or(stack).map(|line| cut(line))
}

/// A line as safe text, cut at [`LINE`] characters.
fn cut(line: &str) -> String {
    match line.char_indices().nth(LINE) {
        Some((at, _)) => format!("{}...", shown(&line[..at])),
        None => shown(line),
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A line of the program's output as safe text: control characters as `\u{1b}`.
pub fn shown(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn lock(output: &(Mutex<Captured>, Condvar)) -> std::sync::MutexGuard<'_, Captured> {
    output.0.lock().unwrap_or_else(|e| e.into_inner())
}

/// Copy a pipe (`which`: 0 stdout, 1 stderr) into the shared output, a line at a time,
/// until it ends, waking whoever waits for a line.
fn collect(mut pipe: Box<dyn Read + Send>, which: usize, output: &(Mutex<Captured>, Condvar)) {
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = pipe.read(&mut buf).unwrap_or(0);
        let mut captured = lock(output);
        captured.version += 1;
        if n == 0 {
            let rest = std::mem::take(&mut captured.partial[which]);
            if !rest.is_empty() {
                captured.push(&rest);
            }
            captured.open_pipes -= 1;
            output.1.notify_all();
            return;
        }
        let mut bytes = &buf[..n];
        while let Some(at) = bytes.iter().position(|&b| b == b'\n') {
            let mut line = std::mem::take(&mut captured.partial[which]);
            line.extend_from_slice(&bytes[..at]);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            captured.push(&line);
            bytes = &bytes[at + 1..];
        }
        let partial = &mut captured.partial[which];
        let room = LONGEST_LINE.saturating_sub(partial.len());
        partial.extend_from_slice(&bytes[..bytes.len().min(room)]);
        output.1.notify_all();
    }
}

/// The port a server printed, for `--port 0`: the digits after `127.0.0.1:`, `0.0.0.0:`,
/// `localhost:` or `]:` in its output.
pub fn printed_port(output: &str) -> Option<u16> {
    ["127.0.0.1:", "0.0.0.0:", "localhost:", "]:"]
        .iter()
        .filter_map(|host| {
            let at = output.find(host)? + host.len();
            let digits: String = output[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok().filter(|&port| port != 0)
        })
        .next()
}

/// Windows has no process group to end at once: a job object holds the program, and every
/// process it starts is put in the same job; ending the job ends them all.
#[cfg(windows)]
mod job {
    use std::os::windows::io::AsRawHandle;
    use std::process::Child;

    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
        SetInformationJobObject, TerminateJobObject,
    };

    /// The job's handle, kept as a number: a handle may be used from any thread, and a raw
    /// pointer would keep `Program` on one (`between` watches it from another).
    pub struct Job(usize);

    impl Job {
        /// A new job holding `child`; `None` if Windows refused (the program then runs
        /// without one, and only it is ended).
        pub fn hold(child: &Child) -> Option<Job> {
            // SAFETY: no security attributes and no name (two null pointers) are allowed; the
            // handle is checked before use and closed once, by `end`.
            unsafe {
                let job = CreateJobObjectW(std::ptr::null(), std::ptr::null());
                if job.is_null() {
                    return None;
                }
                // Closing the last handle ends the job too: nothing outlives the checker.
                let mut limits = JOBOBJECT_EXTENDED_LIMIT_INFORMATION::default();
                limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
                SetInformationJobObject(
                    job,
                    JobObjectExtendedLimitInformation,
                    (&raw const limits).cast(),
                    size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
                );
                AssignProcessToJobObject(job, child.as_raw_handle() as HANDLE);
                Some(Job(job as usize))
            }
        }

        /// End every process of the job.
        pub fn end(self) {
            // SAFETY: the handle came from CreateJobObjectW and is closed here only.
            unsafe {
                TerminateJobObject(self.0 as HANDLE, 1);
                CloseHandle(self.0 as HANDLE);
            }
        }
    }
}

#[cfg(test)]
mod tests;
