//! The student's side of the wire: `check --send` puts the name in the checker's JSON, checks
//! the result as the class will, sends it as one frame and waits for the class's answer, trying
//! again for a while when the class is too busy to take it.

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::{CLASS_PORT, Deadline, SEND_DEADLINE, check_name, cut, known, parse};
use crate::sockets::frame::{MAX_FRAME_LEN, recv_frame, send_frame};
use crate::tools::class::store;
use crate::tr;
use crate::words::text;

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
