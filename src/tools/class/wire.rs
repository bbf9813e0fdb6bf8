//! A student's result on the wire, both ways: lesson 05's frames, used for real. The student's
//! checker sends one frame, the class answers with one frame, and the connection closes.
//!
//! ```text
//! student → class   [i32 little-endian: N][N bytes: the object `check --json` prints, plus "name"]
//! class → student   [i32 little-endian: M][M bytes: {"ok":true} or {"ok":false,"why":"..."}]
//! ```
//!
//! The class trusts nothing in it: the frame is at most 64 KiB ([`MAX_FRAME_LEN`]) and must be
//! whole within [`RESULT_DEADLINE`]; the name, the lesson, every check id and verdict are checked
//! against the checker's own table ([`Known`]). A result is still only what the student's
//! machine says: the grid says "self-reported", and the CSV keeps the address it came from.
//!
//! Here: the result, as the class receives, checks and answers it. The student's side, that
//! sends it, is beside it (`student`).
//!
//! [`MAX_FRAME_LEN`]: crate::sockets::frame::MAX_FRAME_LEN

mod student;

use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};

pub use self::student::{RETRY_WINDOW, class_addr, send_result, with_name};
use super::store;
use crate::sockets::frame::{recv_frame, send_frame};
use crate::tr;
use crate::words::text;

/// The class's own port: beside the lessons' 8080, not on it, so the teacher can run a lesson
/// server and the class on one machine.
pub const CLASS_PORT: u16 = 8090;

/// How long a sender has, from its connect, to deliver its whole frame. A result is a few KiB:
/// on a classroom's Wi-Fi it takes milliseconds. A sender that trickles or says nothing is
/// dropped after this, and never holds a place for longer.
pub const RESULT_DEADLINE: Duration = Duration::from_secs(3);

/// How long the student's side waits for the class: the connect, then the answer.
pub const SEND_DEADLINE: Duration = Duration::from_secs(5);

/// The longest name: room for `wang-xiaoming-2` or `王小明`, not for a page of text.
pub const MAX_NAME_CHARS: usize = 32;

/// The most checks one result may hold: a stage has about ten.
pub const MAX_CHECKS: usize = 64;

/// What is kept of a failure's `expected` and `got`: enough for the bottom of the grid.
pub const MAX_TEXT_CHARS: usize = 200;

/// A check the class accepts: its id (`05.server.big-body`) and the page that explains it.
#[derive(Debug, Clone)]
pub struct Known {
    pub id: String,
    pub page: &'static str,
}

/// The checker's table, the one thing the class takes from it: each check's id and page.
pub fn known() -> Vec<Known> {
    crate::tools::check::all()
        .iter()
        .map(|check| Known { id: check.id(), page: crate::words::lang::pick(check.page) })
        .collect()
}

/// `05.server.big-body` → (5, "server", "big-body").
pub fn parts(id: &str) -> Option<(u8, &str, &str)> {
    let mut parts = id.splitn(3, '.');
    let lesson = parts.next()?.parse().ok()?;
    Some((lesson, parts.next()?, parts.next()?))
}

/// One result, as the class received and checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub name: String,
    pub lesson: u8,
    pub role: String,
    pub checks: Vec<Mark>,
}

/// One check's verdict in a result; `expected` and `got` cleaned and cut to [`MAX_TEXT_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub id: String,
    pub verdict: String,
    pub expected: String,
    pub got: String,
}

impl Submission {
    /// How many checks passed, of how many.
    pub fn passed(&self) -> (usize, usize) {
        let passed = self.checks.iter().filter(|m| m.verdict == "PASS").count();
        (passed, self.checks.len())
    }

    /// `s07 lesson 5 server: 8 of 10 passed`: the result in one line.
    pub fn line(&self) -> String {
        let (passed, of) = self.passed();
        let (name, lesson) = (&self.name, self.lesson);
        match self.role.as_str() {
            "server" => tr!(
                "{name} lesson {lesson} server: {passed} of {of} passed",
                "{name} 第 {lesson} 课 服务端: {of} 项中 {passed} 项通过"
            ),
            _ => tr!(
                "{name} lesson {lesson} client: {passed} of {of} passed",
                "{name} 第 {lesson} 课 客户端: {of} 项中 {passed} 项通过"
            ),
        }
    }
}

/// Read one result from `reader` and check it against `known`; `Err` says why it is refused,
/// in words that are safe to print (nothing of the peer's raw). `Ok(None)`: the peer closed
/// before its first byte (a port probe, `nc` tried and left), nothing to refuse.
///
/// `reader` gives up on its own deadline (a [`Deadline`] around the socket): its timeout comes
/// back here as an error of kind `TimedOut` or `WouldBlock`.
pub fn recv_result(reader: &mut impl Read, known: &[Known]) -> Result<Option<Submission>, String> {
    let body = match recv_frame(reader) {
        Ok(Some(body)) => body,
        Ok(None) => return Ok(None),
        Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
            let secs = RESULT_DEADLINE.as_secs();
            return Err(tr!(
                "no whole result within {secs} s: dropped",
                "{secs} 秒内没有发来完整的结果: 已断开"
            ));
        }
        // The frame's own words: "a frame announced 2147483647 bytes, over the 65536-byte limit".
        Err(e) => return Err(store::clean(&e.to_string())),
    };
    parse(&body, known).map(Some)
}

/// What the class reads of a result; any other field of `check --json` is left alone.
#[derive(Deserialize)]
struct Wire {
    name: String,
    lesson: u8,
    role: String,
    checks: Vec<WireMark>,
}

#[derive(Deserialize)]
struct WireMark {
    id: String,
    verdict: String,
    #[serde(default)]
    expected: Value,
    #[serde(default)]
    got: Value,
}

/// A frame's body as a result: JSON of the right shape, a good name, known checks of one stage.
pub fn parse(body: &[u8], known: &[Known]) -> Result<Submission, String> {
    let wire: Wire = serde_json::from_slice(body).map_err(|e| {
        // serde's message may quote the peer's text: cleaned like everything else.
        let e = store::clean(&cut(&e.to_string()));
        tr!(
            "not a result of `check --json`: {e}",
            "不是 `check --json` 的结果: {e}"
        )
    })?;
    check_name(&wire.name)?;
    let (lesson, role) = (wire.lesson, wire.role);
    if wire.checks.is_empty() || wire.checks.len() > MAX_CHECKS {
        let n = wire.checks.len();
        return Err(tr!(
            "{n} checks in one result (1 to {MAX_CHECKS} expected)",
            "一个结果里有 {n} 项检查 (应当是 1 到 {MAX_CHECKS} 项)"
        ));
    }
    let mut checks = Vec::new();
    for mark in wire.checks {
        let id = store::clean(&cut(&mark.id));
        let stage = known
            .iter()
            .find(|k| k.id == mark.id)
            .and_then(|k| parts(&k.id));
        let Some((at, at_role, _)) = stage else {
            return Err(tr!("unknown check id {id}", "未知的检查编号 {id}"));
        };
        if (at, at_role) != (lesson, role.as_str()) {
            let role = store::clean(&cut(&role));
            return Err(tr!(
                "the check {id} is not one of lesson {lesson} {role}'s",
                "检查 {id} 不属于第 {lesson} 课 {role}"
            ));
        }
        if !matches!(mark.verdict.as_str(), "PASS" | "FAIL" | "SKIP") {
            let verdict = store::clean(&cut(&mark.verdict));
            return Err(tr!(
                "the verdict {verdict} of {id} is not PASS, FAIL or SKIP",
                "{id} 的结论 {verdict} 不是 PASS, FAIL 或 SKIP"
            ));
        }
        let words = |value: Value| match value {
            Value::Null => String::new(),
            Value::String(text) => store::clean(&cut(&text)),
            other => store::clean(&cut(&other.to_string())),
        };
        checks.push(Mark {
            id,
            verdict: mark.verdict,
            expected: words(mark.expected),
            got: words(mark.got),
        });
    }
    Ok(Submission { name: wire.name, lesson, role, checks })
}

/// A name the grid and the CSV can show as it is: 1 to [`MAX_NAME_CHARS`] characters, letters
/// (Chinese ones too) and digits, and `-`, `_`, `.`, `'` or a space after the first. No control
/// character, no quote of a formula: what is refused is shown escaped, cut short.
pub fn check_name(name: &str) -> Result<(), String> {
    let count = name.chars().count();
    let first_ok = name.chars().next().is_some_and(char::is_alphanumeric);
    let rest_ok = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '\'' | ' '));
    if (1..=MAX_NAME_CHARS).contains(&count) && first_ok && rest_ok {
        return Ok(());
    }
    let shown = text::preview(name.as_bytes());
    let bytes = name.len();
    Err(tr!(
        "the name {shown} ({bytes} bytes) is not a name: 1 to {MAX_NAME_CHARS} letters or digits, and - _ . ' or spaces after the first",
        "名字 {shown} ({bytes} 字节) 不可用: 应当是 1 到 {MAX_NAME_CHARS} 个字母或数字, 第一个之后可以有 - _ . ' 或空格"
    ))
}

/// A peer's text cut to [`MAX_TEXT_CHARS`] characters, with `…` where it was cut.
fn cut(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A socket's reads with one deadline for the whole frame, however the peer cuts it: a sender
/// that trickles one byte a second gets no new timeout with each byte (a read's own timeout
/// would restart at every byte), it is dropped at the deadline.
pub struct Deadline<'a> {
    pub sock: &'a TcpStream,
    pub until: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::from(ErrorKind::TimedOut));
        }
        // A timeout ends the connection here, so Windows' "indeterminate state" after a timed-out
        // read (see transfer::deadline) does not matter: the socket is not read again.
        self.sock.set_read_timeout(Some(left))?;
        (&mut &*self.sock).read(buf)
    }
}

/// The class's answer: `{"ok":true}`, or `{"ok":false,"why":"..."}` (the why in the teacher's
/// language), as one frame.
pub fn answer(writer: &mut impl Write, outcome: &Result<String, String>) -> io::Result<()> {
    let body = match outcome {
        Ok(_) => json!({ "ok": true }),
        Err(why) => json!({ "ok": false, "why": why }),
    };
    send_frame(writer, body.to_string().as_bytes())
}

#[cfg(test)]
mod tests;
