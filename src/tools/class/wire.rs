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

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::store;
use crate::sockets::frame::{MAX_FRAME_LEN, recv_frame, send_frame};
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
        .map(|check| Known { id: check.id(), page: crate::tools::check::pick(check.page) })
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

/// The student's side: send `report` (what `check --json` printed) with `name` added, as one
/// frame, to the class at `to` (`HOST` or `HOST:PORT`; the class's port by default), and wait for
/// its answer. `Ok` and `Err` are both one sentence for the student's screen.
pub fn send_result(to: &str, name: &str, report: &str) -> Result<String, String> {
    check_name(name)?;
    let addr = class_addr(to)?;
    let body = with_name(report, name)?;
    if serde_json::from_slice::<Value>(&body)
        .is_ok_and(|v| v["checks"].as_array().is_none_or(Vec::is_empty))
    {
        return Err(tr!(
            "nothing sent to the class: no check ran",
            "没有发送给课堂: 一项检查都没有运行"
        ));
    }
    // Checked here as the class will check it, so a result it would refuse is not sent, and the
    // line below is in the student's language, whatever the teacher's.
    let sent = parse(&body, &known())?;
    let not_sent = |why: String| tr!("not sent to {addr}: {why}", "没有发送到 {addr}: {why}");
    // A class with every place taken closes a new connection unread: try again, for a while.
    let start = Instant::now();
    let reply = loop {
        match attempt(addr, &body) {
            Ok(reply) => break reply,
            Err(Attempt::Busy(_)) if start.elapsed() < RETRY_WINDOW => {
                std::thread::sleep(RETRY_EVERY);
            }
            Err(Attempt::Busy(why) | Attempt::Failed(why)) => return Err(not_sent(why)),
        }
    };
    let reply: Value = serde_json::from_slice(&reply).unwrap_or_default();
    let why = store::clean(&cut(reply["why"].as_str().unwrap_or_default()));
    match reply["ok"].as_bool() {
        Some(true) => Ok(tr!(
            "sent to the class at {addr}: {}",
            "已发送到 {addr} 的课堂: {}",
            sent.line()
        )),
        Some(false) => Err(not_sent(tr!(
            "the class refused it: {why}",
            "课堂拒绝了它: {why}"
        ))),
        None => Err(not_sent(tr!(
            "the answer was not the class's",
            "收到的回应不是课堂发的"
        ))),
    }
}

/// How long the student's side keeps trying a class that is too busy to take its result.
pub const RETRY_WINDOW: Duration = Duration::from_secs(8);

/// The pause between two tries.
const RETRY_EVERY: Duration = Duration::from_millis(250);

/// Why one try did not bring the class's answer: busy (try again) or failed (say why).
enum Attempt {
    Busy(String),
    Failed(String),
}

/// One try: connect, send the frame, read the answer's frame, each within [`SEND_DEADLINE`].
fn attempt(addr: SocketAddr, body: &[u8]) -> Result<Vec<u8>, Attempt> {
    let mut sock = TcpStream::connect_timeout(&addr, SEND_DEADLINE).map_err(|e| {
        Attempt::Failed(match e.kind() {
            ErrorKind::ConnectionRefused => tr!(
                "no class there (the connection was refused): is `class` running on that machine and port?",
                "那里没有课堂 (连接被拒绝): 那台机器的那个端口上运行着 `class` 吗?"
            ),
            ErrorKind::TimedOut | ErrorKind::WouldBlock => tr!(
                "no answer within {} s: the wrong address, or a firewall in the way",
                "{} 秒内没有回应: 地址不对, 或者被防火墙挡住了",
                SEND_DEADLINE.as_secs()
            ),
            _ => crate::sockets::oserror::words(&e),
        })
    })?;
    // One deadline for the answer too: whatever answers on that port may trickle or lie.
    let talk = |sock: &mut TcpStream| -> io::Result<Option<Vec<u8>>> {
        sock.set_write_timeout(Some(SEND_DEADLINE))?;
        send_frame(sock, body)?;
        let until = Instant::now() + SEND_DEADLINE;
        recv_frame(&mut Deadline { sock, until })
    };
    let busy = || {
        Attempt::Busy(tr!(
            "the class closed the connection without an answer for {} s (too busy?): try again",
            "课堂 {} 秒里一直没有回应就关闭了连接 (太忙?): 请再试一次",
            RETRY_WINDOW.as_secs()
        ))
    };
    match talk(&mut sock) {
        Ok(Some(reply)) => Ok(reply),
        Ok(None) => Err(busy()),
        Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
            Err(Attempt::Failed(tr!(
                "the class did not answer within {} s",
                "课堂在 {} 秒内没有回应",
                SEND_DEADLINE.as_secs()
            )))
        }
        // Closed unread by a class with every place taken: a reset, or a write it refused.
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof
            ) =>
        {
            Err(busy())
        }
        Err(e) => Err(Attempt::Failed(crate::sockets::oserror::words(&e))),
    }
}

/// `HOST`, `HOST:PORT`, `IP`, `[IPv6]:PORT` → one address; the class's port when none is given.
pub fn class_addr(to: &str) -> Result<SocketAddr, String> {
    let port = CLASS_PORT;
    let found = if let Ok(addr) = to.parse::<SocketAddr>() {
        Ok(vec![addr])
    } else if let Ok(ip) = to.trim_start_matches('[').trim_end_matches(']').parse() {
        Ok(vec![SocketAddr::new(ip, port)])
    } else if to.contains(':') {
        to.to_socket_addrs().map(Iterator::collect)
    } else {
        (to, port).to_socket_addrs().map(Iterator::collect)
    };
    let shown = text::preview(to.as_bytes());
    match found {
        Ok(addrs) => addrs
            .into_iter()
            .next()
            .ok_or_else(|| tr!("{shown} has no address", "{shown} 没有地址")),
        Err(e) => Err(tr!(
            "cannot send to {shown}: {e} (give the teacher's address, --send 192.168.1.20)",
            "无法发送到 {shown}: {e} (请给出老师机器的地址, --send 192.168.1.20)"
        )),
    }
}

/// The checker's JSON with `"name"` added, made to fit one frame: the programs' output lines and
/// tracebacks go first if it is too big, then `expected` and `got` are cut short.
pub fn with_name(report: &str, name: &str) -> Result<Vec<u8>, String> {
    let mut object: Map<String, Value> = serde_json::from_str(report).map_err(|e| {
        tr!(
            "the checker's result is not JSON: {e}",
            "检查器的结果不是 JSON: {e}"
        )
    })?;
    object.insert("name".into(), Value::String(name.into()));
    let mut body = Value::Object(object.clone()).to_string();
    for trim in [
        &["output", "traceback", "did", "hint"][..],
        &["expected", "got"],
    ] {
        if body.len() <= MAX_FRAME_LEN {
            break;
        }
        if let Some(Value::Array(checks)) = object.get_mut("checks") {
            for check in checks.iter_mut().filter_map(Value::as_object_mut) {
                for key in trim {
                    match check.get(*key) {
                        Some(Value::String(text)) => {
                            let short = Value::String(cut(text));
                            check.insert(key.to_string(), short);
                        }
                        Some(_) => {
                            check.remove(*key);
                        }
                        None => {}
                    }
                }
            }
        }
        body = Value::Object(object.clone()).to_string();
    }
    if body.len() > MAX_FRAME_LEN {
        return Err(tr!(
            "the result is {} bytes, over the {MAX_FRAME_LEN}-byte limit of a frame",
            "结果有 {} 字节, 超过了一帧 {MAX_FRAME_LEN} 字节的上限",
            body.len()
        ));
    }
    Ok(body.into_bytes())
}

#[cfg(test)]
mod tests;
