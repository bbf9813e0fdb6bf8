//! A crash of the student's program, named in one line: the last line of its runtime's report
//! (Python, Java, Node), or a death by a signal (Unix) or an NTSTATUS error (Windows).

use std::process::ExitStatus;

use super::Program;
use super::output::cut;
use crate::tr;

/// How many of the last lines are searched for a runtime's report (a Java stack can be long).
const REPORT_LINES: usize = 400;

impl Program {
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
pub(super) fn report(lines: &[String]) -> Option<String> {
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
