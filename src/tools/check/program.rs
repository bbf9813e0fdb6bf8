//! The student's program, started by the checker: a fresh empty working folder, standard input
//! fed by the check, standard output and error captured, killed at the check's end.
//!
//! Here: starting it, its exit, ending it. Beside it: what it prints (`output`), a crash of
//! its own in one line (`crash`), and everything it started ended with it (`tree`; on
//! Windows its job object, `job`).

mod crash;
#[cfg(windows)]
mod job;
mod output;
mod tree;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use self::output::Captured;
pub use self::output::escaped;
pub use self::tree::end_descendants;

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
        // Ctrl-C ends the program too.
        tree::track(child.id());
        let output = output::capture(&mut child);
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

    /// The program's exit status, if it ended by itself.
    pub fn own_status(&mut self) -> Option<ExitStatus> {
        self.wait_exit(Duration::ZERO).filter(|_| !self.killed)
    }

    /// The process id, for a caller that ends the processes the program started too.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// End the program now, and everything it started.
    pub fn kill(&mut self) {
        tree::forget(self.child.id());
        self.stdin = None;
        if !self.ended() {
            self.killed = true;
        }
        // The group is the child's id (process_group(0)).
        #[cfg(unix)]
        tree::end_group(self.child.id());
        #[cfg(windows)]
        if let Some(job) = self.job.take() {
            job.end();
        }
        if self.status.is_none() {
            let _ = self.child.kill();
            self.status = self.child.wait().ok();
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        self.kill();
    }
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

#[cfg(test)]
mod tests;
