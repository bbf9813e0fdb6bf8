//! The student's program, started by the checker: a fresh empty working folder, standard input
//! fed by the check, standard output and error captured, killed at the check's end.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// A line of the program's output longer than this is shown cut: a 60 KiB message is one line.
const LINE: usize = 160;

/// What the program printed so far (stdout and stderr in the order they arrived), and whether
/// both pipes have ended.
#[derive(Default)]
struct Captured {
    bytes: Vec<u8>,
    open_pipes: usize,
}

/// A running (or finished) student program.
pub struct Program {
    child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<(Mutex<Captured>, Condvar)>,
    status: Option<ExitStatus>,
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
        let mut child = cmd.spawn()?;
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
        for pipe in pipes.into_iter().flatten() {
            lock(&output).open_pipes += 1;
            let output = Arc::clone(&output);
            thread::spawn(move || collect(pipe, &output));
        }
        let mut stdin_pipe = child.stdin.take();
        if let Some(pipe) = stdin_pipe.as_mut() {
            // A program that never reads its input may have closed it: that is its business.
            let _ = pipe.write_all(stdin.as_bytes());
            let _ = pipe.flush();
        }
        Ok(Program { child, stdin: stdin_pipe, output, status: None, root })
    }

    /// The folder the program runs in.
    pub fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }

    /// The folder around it: a name like `../escape.txt` would land here.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// Everything printed so far, as text (bytes that are not UTF-8 become `�`).
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&lock(&self.output).bytes).into_owned()
    }

    /// Wait until `done(output)` holds, the program's output ends, or `within` passes; say
    /// whether `done` held.
    pub fn wait_output(&self, within: Duration, done: impl Fn(&str) -> bool) -> bool {
        let end = Instant::now() + within;
        let (mutex, ready) = &*self.output;
        let mut captured = mutex.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if done(&String::from_utf8_lossy(&captured.bytes)) {
                return true;
            }
            let left = end.saturating_duration_since(Instant::now());
            if captured.open_pipes == 0 || left.is_zero() {
                return false;
            }
            captured = ready
                .wait_timeout(captured, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
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
                    self.wait_output(Duration::from_millis(500), |_| false);
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

    /// End the program now, if it still runs.
    pub fn kill(&mut self) {
        self.stdin = None;
        if !self.ended() {
            let _ = self.child.kill();
            self.status = self.child.wait().ok();
        }
    }

    /// The last `n` lines it printed, each cut at [`LINE`] characters, control characters
    /// escaped so none acts on the terminal.
    pub fn tail(&self, n: usize) -> Vec<String> {
        let output = self.output();
        let lines: Vec<&str> = output.lines().filter(|l| !l.trim().is_empty()).collect();
        lines[lines.len().saturating_sub(n)..]
            .iter()
            .map(|line| match line.char_indices().nth(LINE) {
                Some((at, _)) => format!("{}...", shown(&line[..at])),
                None => shown(line),
            })
            .collect()
    }

    /// A Python traceback's last line (`ValueError: ...`), if the program printed one.
    pub fn traceback(&self) -> Option<String> {
        let output = self.output();
        let after = &output[output.rfind("Traceback (most recent call last)")?..];
        after
            .lines()
            .skip(1)
            .find(|line| !line.starts_with(' ') && !line.trim().is_empty())
            .map(shown)
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

/// Copy a pipe into the shared output until it ends, waking whoever waits for a line.
fn collect(mut pipe: Box<dyn Read + Send>, output: &(Mutex<Captured>, Condvar)) {
    let mut buf = [0u8; 8192];
    loop {
        let n = pipe.read(&mut buf).unwrap_or(0);
        let mut captured = lock(output);
        if n == 0 {
            captured.open_pipes -= 1;
            output.1.notify_all();
            return;
        }
        captured.bytes.extend_from_slice(&buf[..n]);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_s_port_is_read_from_its_listening_line() {
        assert_eq!(printed_port("listening on 127.0.0.1:40707\n"), Some(40707));
        assert_eq!(printed_port("[server] 正在监听 127.0.0.1:8080"), Some(8080));
        assert_eq!(printed_port("listening on [::1]:5000"), Some(5000));
        assert_eq!(printed_port("bound to 127.0.0.1:0"), None);
        assert_eq!(printed_port("('127.0.0.1', 41662)"), None);
    }

    #[test]
    fn port_and_file_are_put_in_the_command() {
        let command = [
            "prog".to_string(),
            "--port".into(),
            "{port}".into(),
            "{file}".into(),
        ];
        let expanded = expand(&command, 9000, Some(Path::new("/tmp/报告.txt")));
        assert_eq!(expanded, ["prog", "--port", "9000", "/tmp/报告.txt"]);
    }
}
