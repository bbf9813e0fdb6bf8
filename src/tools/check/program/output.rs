//! What the student's program prints, kept: stdout and stderr each read on a thread of its own
//! into one list of lines, bounded; the waits for a line; and a line made safe to show.

use std::io::Read;
use std::process::Child;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::Program;

/// A line of the program's output longer than this is shown cut: a 60 KiB message is one line.
const LINE: usize = 160;

/// The most of the program's output kept, in bytes: its last lines. 10 MB of debug lines fit
/// whole; a program that prints without end keeps the checker at this much, not gigabytes.
const KEPT: usize = 16 << 20;

/// The longest line kept whole: the rest of a longer one (a program that never prints a
/// newline) is dropped up to its end.
const LONGEST_LINE: usize = 1 << 20;

/// What the program printed so far, line by line (stdout and stderr each cut at its own
/// newlines, so one never splits the other's line), and whether both pipes have ended.
#[derive(Default)]
pub(super) struct Captured {
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

/// Take the child's stdout and stderr, each read on a thread of its own into the output this
/// returns, until it ends.
pub(super) fn capture(child: &mut Child) -> Arc<(Mutex<Captured>, Condvar)> {
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
    output
}

impl Program {
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

    /// The last `n` lines it printed, each cut at `LINE` characters, control characters
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
}

/// A line as safe text, cut at [`LINE`] characters.
pub(super) fn cut(line: &str) -> String {
    match line.char_indices().nth(LINE) {
        Some((at, _)) => format!("{}...", escaped(&line[..at])),
        None => escaped(line),
    }
}

/// A line of the program's output as safe text: control characters as `\u{1b}`.
pub fn escaped(line: &str) -> String {
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
