//! What the checks share: a frame as the wire carries it, bytes shown escaped, and the judgment
//! of a program's output: a message printed, an uncaught exception, an end.

use super::peer::STEP;
use super::{Ctx, Judged, fail};
use crate::tr;
use crate::words::text::py_bytes;

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

/// Does some line of `output` print `body` as a message, as text or as Python bytes: the body at
/// the end of the line, alone or after a space, a colon or a `>`, bare or quoted?
pub fn printed(line: &str, body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let line = line.trim_end();
    let forms = [
        text.to_string(),
        format!("'{text}'"),
        format!("\"{text}\""),
        py_bytes(body),
    ];
    forms.iter().any(|form| {
        line.strip_suffix(form.as_str())
            .is_some_and(|before| !before.ends_with(|c: char| c.is_alphanumeric() || c == '\\'))
    })
}

/// Wait until the program has printed `bodies` in order, or ended, or [`STEP`] passed.
pub fn expect_printed(ctx: &mut Ctx, bodies: &[&[u8]]) -> Judged {
    let program = ctx.program()?;
    let all = |out: &str| in_order(out, bodies) == bodies.len();
    program.wait_output(STEP, all);
    let found = in_order(&program.output(), bodies);
    let want: Vec<String> = bodies.iter().map(|b| shown(b)).collect();
    if found < bodies.len() {
        return Err(fail(
            tr!(
                "each message printed, in order: {}",
                "按顺序打印每条消息: {}",
                want.join(" ")
            ),
            tr!(
                "{found} of them printed; the next, {}, never was",
                "只打印了 {found} 条; 下一条 {} 没有打印",
                want[found]
            ),
        ));
    }
    no_traceback(ctx)
}

/// How many of `bodies` the output's lines print, in order.
fn in_order(output: &str, bodies: &[&[u8]]) -> usize {
    let mut found = 0;
    for line in output.lines() {
        if found < bodies.len() && printed(line, bodies[found]) {
            found += 1;
        }
    }
    found
}

/// A program that crashed did not handle what it was given.
pub fn no_traceback(ctx: &mut Ctx) -> Judged {
    match ctx.program.as_ref().and_then(|p| p.traceback()) {
        Some(line) => Err(fail(
            tr!("no uncaught exception", "没有未捕获的异常"),
            tr!("the program crashed: {line}", "程序崩溃了: {line}"),
        )),
        None => Ok(()),
    }
}

/// The program printed `text` as a line's end, as the material prints a message.
pub fn expect_line(ctx: &mut Ctx, text: &str) -> Judged {
    let program = ctx.program()?;
    let seen = |out: &str| out.lines().any(|line| printed(line, text.as_bytes()));
    if !program.wait_output(STEP, seen) {
        return Err(fail(
            tr!("{text:?} printed", "打印出 {text:?}"),
            tr!("not in the output", "输出里没有"),
        ));
    }
    Ok(())
}

/// The program ends within [`STEP`], without a traceback.
pub fn expect_end(ctx: &mut Ctx, why: &str) -> Judged {
    if ctx.program()?.wait_exit(STEP).is_none() {
        return Err(fail(
            tr!("the program ends: {why}", "程序结束: {why}"),
            tr!("still running after {}s", "{} 秒后仍在运行", STEP.as_secs()),
        ));
    }
    no_traceback(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_printed_at_the_end_of_a_line_bare_quoted_or_as_bytes() {
        assert!(printed("1234567", b"1234567"));
        assert!(printed("收到客户端消息>>hello", b"hello"));
        assert!(printed("received 5 bytes: \"hello\"", b"hello"));
        assert!(printed("b'12345'", b"12345"));
        assert!(printed("黏包问题", "黏包问题".as_bytes()));
        assert!(printed("b'\\xe9\\xbb\\x8f'", "黏".as_bytes()));
        // An error line that shows the bytes it got is no message.
        assert!(!printed(
            "what arrived: b'\\n\\x00\\x00\\x00partial'",
            b"partial"
        ));
        assert!(!printed("impartial", b"partial"));
    }
}
