//! A run drawn as `--lanes` draws a demo: the server's side on the left, the client's on the
//! right, the relay's notes across. On each side, in the order they happened: the side's writes
//! as the relay read them, the pieces the relay delivered to it, and the lines it printed.

use std::io::IsTerminal;

use super::cut::Cuts;
use super::relay::{End, Event, Run, What};
use crate::output::lanes::{self, Lane};
use crate::tr;
use crate::words::text::{bytes, py_bytes};

/// How many bytes of a write or a piece are shown; its size says how long it really was.
const SHOWN: usize = 24;

/// How many lines of one program are shown: a program that floods is not copied whole.
const LINES_SHOWN: usize = 40;

/// How many pieces of one group are shown before `…`.
const PIECES_SHOWN: usize = 8;

/// The width to draw at: the terminal's, or the projector's 80 columns in a pipe or a file.
pub fn width() -> usize {
    if std::io::stdout().is_terminal() {
        lanes::terminal_width()
    } else {
        80
    }
}

/// The whole view of `run`, under `cuts`, `width` columns wide: one string, lines and all.
pub fn draw(run: &Run, cuts: &Cuts, width: usize) -> String {
    let relay = tr!("[relay]", "[中转]");
    let mut out = vec![lanes::layout(
        Lane::Across,
        &relay,
        &match cuts.to_server == cuts.to_client {
            true => tr!(
                "client ⇄ relay ⇄ server, --cut {cuts}: both ways",
                "客户端 ⇄ 中转 ⇄ 服务端, --cut {cuts}: 两个方向都这样切"
            ),
            false => tr!(
                "client ⇄ relay ⇄ server, --cut {cuts}: to the server {}, to the client {}",
                "客户端 ⇄ 中转 ⇄ 服务端, --cut {cuts}: 发往服务端按 {}, 发往客户端按 {}",
                cuts.to_server,
                cuts.to_client
            ),
        },
        width,
    )];
    let mut events = run.events.clone();
    // Stable: events of the same instant keep the order they were written in.
    events.sort_by_key(|event| event.at);
    // Lines shown so far, of the server and of the client.
    let mut printed = [0usize; 2];
    let mut i = 0;
    while i < events.len() {
        // Pieces to one side, one after the other with nothing between: one line.
        let group: Vec<&[u8]> = events[i..]
            .iter()
            .map_while(|event| match &event.what {
                What::Piece { to, bytes } if Some(*to) == piece_to(&events[i]) => {
                    Some(bytes.as_slice())
                }
                _ => None,
            })
            .collect();
        if let Some(to) = piece_to(&events[i]) {
            out.push(lanes::layout(
                lane(to),
                &tr!("delivered", "送达"),
                &pieces(&group),
                width,
            ));
            i += group.len();
            continue;
        }
        if let What::Printed { by, .. } = events[i].what {
            let shown = &mut printed[by as usize];
            *shown += 1;
            if *shown > LINES_SHOWN {
                i += 1;
                continue;
            }
        }
        if let Some(line) = line(&events[i], &relay, width) {
            out.push(line);
        }
        i += 1;
    }
    for side in [End::Server, End::Client] {
        let more = printed[side as usize].saturating_sub(LINES_SHOWN);
        if more > 0 {
            let text = tr!(
                "the {} printed {more} more lines, not shown",
                "{}还打印了 {more} 行, 没有显示",
                side.name()
            );
            out.push(lanes::layout(Lane::Across, &relay, &text, width));
        }
    }
    if let Some(why) = &run.stopped {
        out.push(lanes::layout(Lane::Across, &relay, why, width));
    }
    out.join("\n")
}

fn piece_to(event: &Event) -> Option<End> {
    match event.what {
        What::Piece { to, .. } => Some(to),
        _ => None,
    }
}

fn lane(side: End) -> Lane {
    match side {
        End::Server => Lane::Left,
        End::Client => Lane::Right,
    }
}

/// One event as a laid-out line (a piece is drawn with its group, above).
fn line(event: &Event, relay: &str, width: usize) -> Option<String> {
    let across = |text: String| Some(lanes::layout(Lane::Across, relay, &text, width));
    match &event.what {
        What::Printed { by, line } => {
            // The course's own programs tag their lines already: not twice.
            let text = line.strip_prefix(by.tag()).unwrap_or(line).trim_start();
            Some(lanes::layout(lane(*by), by.tag(), text, width))
        }
        What::Wrote { by, bytes: data } => Some(lanes::layout(
            lane(*by),
            &tr!("sent", "发出"),
            &format!("{}: {}", bytes(data.len()), shown(data)),
            width,
        )),
        What::Closed { by } => Some(lanes::layout(
            lane(*by),
            &tr!("sent", "发出"),
            &tr!(
                "nothing more: closed its side (FIN), passed on",
                "不再发送: 关闭了自己这一端 (FIN), 中转转告对方"
            ),
            width,
        )),
        What::Broke { by, why } => across(tr!(
            "reading from the {} failed: {why}",
            "从{}读取失败: {why}",
            by.name()
        )),
        What::Undelivered { to, bytes: n } => across(tr!(
            "the {} had closed: {} not delivered",
            "{}已经关闭: {} 没能送达",
            to.name(),
            bytes(*n)
        )),
        What::Uncut { to } => across(tr!(
            "{} pieces to the {}: the rest passes as the relay reads it",
            "已向{}送出 {} 块: 余下的按中转读到的样子原样转发",
            super::relay::MAX_PIECES,
            to.name()
        )),
        What::StillRunning { side } => across(tr!(
            "the {} still ran after the connection was over: ended (a server that waits for its next client is right to)",
            "连接结束后{}还在运行: 已结束 (服务端等下一个客户端, 这没有错)",
            side.name()
        )),
        What::Piece { .. } => None,
    }
}

/// Bytes as Python shows them, the first [`SHOWN`] of them.
fn shown(data: &[u8]) -> String {
    match data.len() > SHOWN {
        true => format!("{}…", py_bytes(&data[..SHOWN])),
        false => py_bytes(data),
    }
}

/// A group of pieces: `5 bytes: b'abcde'`, or `3 pieces, 1+1+1 bytes: b'1' b'2' b'3'`.
fn pieces(group: &[&[u8]]) -> String {
    if let [one] = group {
        return format!("{}: {}", bytes(one.len()), shown(one));
    }
    let sizes: Vec<String> = group.iter().map(|p| p.len().to_string()).collect();
    let mut shown_pieces: Vec<String> = group.iter().take(PIECES_SHOWN).map(|p| shown(p)).collect();
    if group.len() > PIECES_SHOWN {
        shown_pieces.push("…".to_string());
    }
    let sizes = if sizes.len() > PIECES_SHOWN {
        format!("{}+…", sizes[..PIECES_SHOWN].join("+"))
    } else {
        sizes.join("+")
    };
    tr!(
        "{} pieces, {sizes} bytes: {}",
        "{} 块, {sizes} 字节: {}",
        group.len(),
        shown_pieces.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::tools::between::cut::Schedule;

    fn at(ms: u64, what: What) -> Event {
        Event { at: Duration::from_millis(ms), what }
    }

    #[test]
    fn two_lanes_at_80_columns_pieces_grouped_and_nothing_raw() {
        let run = Run {
            events: vec![
                at(
                    0,
                    What::Printed { by: End::Server, line: "listening on 127.0.0.1:4000".into() },
                ),
                at(
                    1,
                    What::Wrote { by: End::Client, bytes: b"1234567".to_vec() },
                ),
                at(2, What::Piece { to: End::Server, bytes: b"1".to_vec() }),
                at(3, What::Piece { to: End::Server, bytes: b"2".to_vec() }),
                at(4, What::Printed { by: End::Server, line: "b'1'".into() }),
                at(
                    5,
                    What::Wrote { by: End::Client, bytes: b"\x1b[2J".to_vec() },
                ),
                at(6, What::Closed { by: End::Client }),
            ],
            stopped: None,
            replay: Cuts::both(Schedule::Every(1)),
            ports: vec![4000],
        };
        let drawn = draw(&run, &Cuts::both(Schedule::Every(1)), 80);
        for line in drawn.lines() {
            assert!(console::measure_text_width(line) <= 80, "{line:?}");
        }
        assert!(!drawn.contains('\x1b'), "{drawn}");
        assert!(
            drawn.contains("[server] listening on 127.0.0.1:4000"),
            "{drawn}"
        );
        assert!(
            drawn.contains("delivered 2 pieces, 1+1 bytes: b'1'\n          b'2'"),
            "{drawn}"
        );
        // The client's lines are in the right half.
        let wrote = drawn.lines().find(|l| l.contains("sent 7 bytes")).unwrap();
        assert!(wrote.starts_with(&" ".repeat(41)), "{wrote:?}");
        assert!(drawn.contains(r"b'\x1b[2J'"), "{drawn}");
    }
}
