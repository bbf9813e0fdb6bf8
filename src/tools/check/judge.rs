//! The checks' one vocabulary of expectations, used by every stage: [`expect_printed`] (a
//! message printed as the page prints it), [`expect_end`] (the program ends by itself, exit 0),
//! [`expect_closed`] (the peer closes, nothing more), [`expect_bytes`] (exactly these bytes),
//! and [`no_crash`]; with [`differ`], which shows two byte strings the way a good tester does.

use std::net::TcpStream;

use super::peer::{self, Ending, STEP};
use super::{Ctx, Judged, Stop, fail};
use crate::tr;
use crate::words::text::{hex, py_bytes};

/// `struct.pack('<i', len(body)) + body`.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as i32).to_le_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

/// At most 60 bytes of `bytes`, escaped as Python shows them.
pub fn shown(bytes: &[u8]) -> String {
    match bytes.len() {
        0..=60 => py_bytes(bytes),
        n => tr!(
            "{}... ({n} bytes)",
            "{}... (共 {n} 字节)",
            py_bytes(&bytes[..60])
        ),
    }
}

/// How the page prints a message: lesson 04 shows the bytes `recv` returned (`b'12345'`), every
/// other lesson the decoded text (`print(data.decode('utf8'))`), as the material does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Printed {
    /// `hello 你好`, bare or quoted: never `b'hello \xe4\xbd\xa0...'`.
    Text,
    /// `b'12345'`, as Python prints bytes: never the bare `12345`.
    Bytes,
}

/// A message's forms in one notation, built once for a whole wait.
struct Forms(Vec<String>);

impl Forms {
    fn of(body: &[u8], how: Printed) -> Forms {
        match how {
            Printed::Bytes => Forms(vec![py_bytes(body)]),
            Printed::Text => {
                let text = String::from_utf8_lossy(body);
                Forms(vec![
                    text.to_string(),
                    format!("'{text}'"),
                    format!("\"{text}\""),
                ])
            }
        }
    }

    /// Does `line` print the message: at its end, alone or after a space, a colon or a `>`?
    fn in_line(&self, line: &str) -> bool {
        let line = line.trim_end();
        self.0.iter().any(|form| {
            line.strip_suffix(form.as_str()).is_some_and(|before| {
                !before.ends_with(|c: char| c.is_alphanumeric() || c == '\\' || c == '\'')
            })
        })
    }
}

/// Does `line` print `body` as the page prints it?
pub fn printed(line: &str, body: &[u8], how: Printed) -> bool {
    Forms::of(body, how).in_line(line)
}

/// Wait until the program has printed `bodies` in order, as `how` says, or ended, or [`STEP`]
/// passed. Each line is looked at once, as it arrives.
pub fn expect_printed(ctx: &mut Ctx, bodies: &[&[u8]], how: Printed) -> Judged {
    let program = ctx.program()?;
    let forms: Vec<Forms> = bodies.iter().map(|b| Forms::of(b, how)).collect();
    let mut found = 0;
    program.wait_lines(STEP, |line| {
        if found < forms.len() && forms[found].in_line(line) {
            found += 1;
        }
        found == forms.len()
    });
    if found < bodies.len() {
        let want: Vec<String> = bodies.iter().map(|b| as_printed(b, how)).collect();
        let next = &want[found];
        let hint = match how {
            Printed::Text => tr!(
                "as text, decoded: print(data.decode('utf8'))",
                "作为解码后的文本: print(data.decode('utf8'))"
            ),
            Printed::Bytes => tr!(
                "as Python prints bytes: print(data)",
                "按 Python 打印字节的样子: print(data)"
            ),
        };
        return Err(fail(
            tr!(
                "each message printed {hint}, in order: {}",
                "按顺序打印每条消息, {hint}: {}",
                want.join(" ")
            ),
            tr!(
                "{found} of them printed; the next, {next}, never was",
                "只打印了 {found} 条; 下一条 {next} 没有打印"
            ),
        ));
    }
    no_crash(ctx)
}

/// A message as the page would print it, cut at 60 characters.
fn as_printed(body: &[u8], how: Printed) -> String {
    match how {
        Printed::Bytes => shown(body),
        Printed::Text => {
            let text = String::from_utf8_lossy(body);
            match text.char_indices().nth(60) {
                Some((at, _)) => format!("{:?}...", &text[..at]),
                None => format!("{text:?}"),
            }
        }
    }
}

/// The program printed `text` as a line's end, as the material prints a message.
pub fn expect_line(ctx: &mut Ctx, text: &str) -> Judged {
    expect_printed(ctx, &[text.as_bytes()], Printed::Text)
}

/// The program has not crashed: no runtime's report in its output (Python, Java, Node), no
/// death by a signal, whatever the language.
pub fn no_crash(ctx: &mut Ctx) -> Judged {
    match ctx.program.as_mut().and_then(|p| p.crash()) {
        Some(line) => Err(fail(
            tr!("no crash", "不崩溃"),
            tr!("the program crashed: {line}", "程序崩溃了: {line}"),
        )),
        None => Ok(()),
    }
}

/// The program ends by itself within [`STEP`], with exit status 0: a crash, a non-zero exit
/// or a death by a signal is not the end the page asks for.
pub fn expect_end(ctx: &mut Ctx, why: &str) -> Judged {
    let program = ctx.program()?;
    if program.wait_exit(STEP).is_none() {
        return Err(fail(
            tr!("the program ends: {why}", "程序结束: {why}"),
            tr!("still running after {}s", "{} 秒后仍在运行", STEP.as_secs()),
        ));
    }
    no_crash(ctx)?;
    match ctx.program()?.own_status() {
        Some(status) if !status.success() => Err(fail(
            tr!(
                "the program ends, exit status 0: {why}",
                "程序正常结束, 退出码 0: {why}"
            ),
            tr!("it ended with {status}", "程序以 {status} 结束"),
        )),
        _ => Ok(()),
    }
}

/// The peer closes within [`STEP`] and sends nothing more: "then close" on the page.
pub fn expect_closed(sock: &mut TcpStream, what: String) -> Judged {
    let (more, end) = peer::read_all(sock, STEP, 1 << 16);
    if end == Ending::Closed && more.is_empty() {
        return Ok(());
    }
    let got = match (more.is_empty(), end) {
        (true, Ending::Silent) => tr!(
            "no close within {}s: the connection still open",
            "{} 秒内没有关闭: 连接仍然开着",
            STEP.as_secs()
        ),
        (true, end) => peer::said(end),
        (false, end) => tr!(
            "{} more, then {}",
            "又收到 {}, 然后{}",
            shown(&more),
            peer::said(end)
        ),
    };
    Err(fail(what, got))
}

/// Exactly `want` arrives (read until that many bytes came, or the peer stopped).
pub fn expect_bytes(sock: &mut TcpStream, want: &[u8]) -> Judged {
    let (got, end) = peer::read_exactly(sock, want.len());
    if got == want {
        return Ok(());
    }
    let mut stop = differ(want, &got);
    if let (Some(end), Stop::Fail { got, .. }) = (end, &mut stop) {
        *got += &tr!("\nthen {}", "\n然后{}", peer::said(end));
    }
    Err(stop)
}

/// Where two byte strings first differ, shown side by side in one notation: Python's bytes for
/// text, hex and text rows for binary; a caret under the first differing byte; both counts.
/// "No response at all" when nothing came.
pub fn differ(expected: &[u8], got: &[u8]) -> Stop {
    let counts = tr!(
        "expected {}, received {}",
        "应当 {} 字节, 收到 {} 字节",
        crate::words::text::count(expected.len(), "byte", "bytes"),
        got.len()
    );
    if got.is_empty() {
        let got = tr!("no response at all", "完全没有回应");
        return fail(format!("{}\n{counts}", shown(expected)), got);
    }
    let at = expected
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(got.len()));
    // A window around the first difference, a few bytes before it: 12 bytes of hex and text
    // rows, or 16 in Python's notation, stay within 80 columns.
    // Binary: not UTF-8 text, or control bytes other than tab and newline.
    let binary = |b: &[u8]| {
        std::str::from_utf8(b).is_err()
            || b.iter()
                .any(|&c| c < 0x20 && !b"\t\n\r".contains(&c) || c == 0x7f)
    };
    let size = if binary(expected) || binary(got) {
        12
    } else {
        16
    };
    let from = match expected.len().max(got.len()) <= size {
        true => 0,
        false => at.saturating_sub(4),
    };
    let window =
        |bytes: &[u8]| bytes[from.min(bytes.len())..(from + size).min(bytes.len())].to_vec();
    let (want, have) = (window(expected), window(got));
    let dots = if from > 0 { "..." } else { "" };
    let (want_row, have_row, caret_at) = if size == 12 {
        // Three columns a byte: the caret stands under the first differing byte's hex.
        let text = |b: &[u8]| -> String {
            b.iter()
                .map(|&c| {
                    if (0x20..0x7f).contains(&c) {
                        c as char
                    } else {
                        '.'
                    }
                })
                .collect()
        };
        (
            format!("{dots}{}  |{}|", hex(&want), text(&want)),
            format!("{dots}{}  |{}|", hex(&have), text(&have)),
            dots.len() + (at - from) * 3,
        )
    } else {
        let prefix = py_bytes(&got[from..at]);
        // `b'` and the bytes before the difference, less the closing quote.
        (
            format!("{dots}{}", py_bytes(&want)),
            format!("{dots}{}", py_bytes(&have)),
            dots.len() + prefix.len() - 1,
        )
    };
    let caret = format!("{}^", " ".repeat(caret_at));
    let where_ = tr!("first difference at byte {at}", "第 {at} 个字节起不同");
    fail(
        format!("{want_row}\n{counts}"),
        format!("{have_row}\n{caret} {where_}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_printed_as_the_page_prints_it() {
        let text = Printed::Text;
        assert!(printed("1234567", b"1234567", text));
        assert!(printed("收到客户端消息>>hello", b"hello", text));
        assert!(printed("received 5 bytes: \"hello\"", b"hello", text));
        assert!(printed("黏包问题", "黏包问题".as_bytes(), text));
        // Bytes where the page prints text, and text where it prints bytes, are not the message.
        assert!(!printed("b'12345'", b"12345", text));
        assert!(!printed("b'\\xe9\\xbb\\x8f'", "黏".as_bytes(), text));
        assert!(printed("b'12345'", b"12345", Printed::Bytes));
        assert!(!printed("12345", b"12345", Printed::Bytes));
        // An error line that shows the bytes it got is no message.
        assert!(!printed(
            "what arrived: b'\\n\\x00\\x00\\x00partial'",
            b"partial",
            text
        ));
        assert!(!printed("impartial", b"partial", text));
    }

    #[test]
    fn a_difference_is_marked_under_the_first_wrong_byte_with_both_counts() {
        let Stop::Fail { expected, got } = differ(b"reply one\n", b"reply two") else {
            panic!("a failure");
        };
        assert_eq!(expected, "b'reply one\\n'\nexpected 10 bytes, received 9");
        assert_eq!(got, "b'reply two'\n        ^ first difference at byte 6");
        let Stop::Fail { got, .. } = differ(b"abc", b"") else {
            panic!("a failure");
        };
        assert_eq!(got, "no response at all");
        let Stop::Fail { expected, got } = differ(&[7, 0, 0, 0, b'1'], &[0, 0, 0, 7, b'1']) else {
            panic!("a failure");
        };
        assert_eq!(
            expected,
            "07 00 00 00 31  |....1|\nexpected 5 bytes, received 5"
        );
        assert_eq!(got, "00 00 00 07 31  |....1|\n^ first difference at byte 0");
    }
}
