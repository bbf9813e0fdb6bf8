//! Bytes shown the way the material shows them: as Python byte literals (`b'67abc'`), as quoted
//! text (`"你好"`) and as hex (`0f 00 00 00`). Students compare our output with the tutorial's, so
//! the format is Python's.
//!
//! Every byte that came from a peer and reaches the screen goes through [`py_bytes`] or
//! [`quoted`]: a peer is anyone on the classroom network, and a raw ESC, BEL, CR or backspace
//! could recolor, beep at or rewrite the teacher's terminal. Both print control characters as
//! Python's escapes (`\x1b`), never as themselves.

use std::fmt::Write;

/// `repr()` of a Python `bytes`: `b'12345'`, `b''`, `b"it's"`, `b'\xe4\xbd\xa0'`.
///
/// Exactly Python's rules: printable ASCII as is, `\t` `\n` `\r` and `\\` escaped, every other
/// byte as `\xNN`; single quotes unless the bytes hold a `'` and no `"`.
pub fn py_bytes(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = format!("b{quote}");
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if byte == quote as u8 => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(byte as char),
            // Writing into a String cannot fail.
            _ => write!(out, "\\x{byte:02x}").expect("writing to a String"),
        }
    }
    out.push(quote);
    out
}

/// Bytes from a peer as text, quoted and escaped the way Python's `repr(data.decode('utf8'))`
/// shows a `str`: `'你好\n'`, `"it's"`, `'\x1b[2J'`. Students come from Python: the lessons show
/// peer text in Python's notation, as [`py_bytes`] shows raw bytes.
///
/// Bytes are not characters: a message may hold bytes that are not UTF-8, or end in the middle
/// of a character. Those show as `�` instead of failing, where Python's `data.decode('utf8')`
/// would raise. A character Python would not print as itself is escaped, so nothing acts on the
/// terminal: control characters (`\x1b`, `\x07`, `\r`), spaces other than the plain one
/// (`\u3000`, the full-width space), and the invisible format characters (`\u200b`, `\ufeff`).
pub fn quoted(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if c == quote => {
                out.push('\\');
                out.push(c);
            }
            _ if printable(c) => out.push(c),
            // Writing into a String cannot fail.
            _ if (c as u32) < 0x100 => write!(out, "\\x{:02x}", c as u32).expect("a String"),
            _ if (c as u32) < 0x10000 => write!(out, "\\u{:04x}", c as u32).expect("a String"),
            _ => write!(out, "\\U{:08x}", c as u32).expect("a String"),
        }
    }
    out.push(quote);
    out
}

/// Would Python's `str.isprintable()` keep `c` as itself? Not for control characters, spaces other
/// than `' '` (Zs, Zl, Zp), format characters (Cf) and private use (Co). Python also escapes
/// unassigned code points, which std cannot tell apart; those show as themselves here.
fn printable(c: char) -> bool {
    let format = matches!(c as u32,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f | 0x202a..=0x202e
        | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff | 0xfff9..=0xfffb | 0xe0001 | 0xe0020..=0xe007f);
    let private = matches!(c as u32, 0xe000..=0xf8ff | 0xf0000..);
    c == ' ' || !(c.is_control() || c.is_whitespace() || format || private)
}

/// A peer's message as a line shows it: [`quoted`] whole up to [`PREVIEW_BYTES`]; longer, its
/// first and last ten characters, `"0123456789"…"0123456789"`, the `…` outside the quotes
/// standing for what is between. One rule for every message a lesson shows, so a pasted page of
/// text takes one line of the projector, not the whole screen; the line's byte count says how
/// long it really was.
pub fn preview(bytes: &[u8]) -> String {
    if bytes.len() <= PREVIEW_BYTES {
        return quoted(bytes);
    }
    let text = String::from_utf8_lossy(bytes);
    let chars: Vec<char> = text.chars().collect();
    let head: String = chars[..10.min(chars.len())].iter().collect();
    let tail: String = chars[chars.len().saturating_sub(10)..].iter().collect();
    format!("{}…{}", quoted(head.as_bytes()), quoted(tail.as_bytes()))
}

/// The longest message [`preview`] shows whole: a line of the projector, about.
pub const PREVIEW_BYTES: usize = 64;

/// `1 byte`, `5 bytes`: a count with its noun in the singular or the plural (English only;
/// a Chinese sentence needs no plural: `5 字节`).
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A number of bytes in the language in use: `1 byte`, `5 bytes`, `5 字节`. One value for both
/// sentences of a `tr!` or `server!`, so no line counts twice.
pub fn bytes(n: usize) -> String {
    match crate::words::lang::current() {
        crate::words::lang::Lang::En => count(n, "byte", "bytes"),
        crate::words::lang::Lang::Zh => format!("{n} 字节"),
    }
}

/// `{}` of a print: [`bytes`] as a value, `Bytes(n)`, so no `let` exists only to format it.
pub struct Bytes(pub usize);

impl std::fmt::Display for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&bytes(self.0))
    }
}

/// `{}` of a print: [`count`] as a value in English (`4 reads`), the bare number in Chinese,
/// whose sentence names the unit itself (`分 4 次读取`).
pub struct Count(pub usize, pub &'static str, pub &'static str);

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match crate::words::lang::current() {
            crate::words::lang::Lang::En => f.write_str(&count(self.0, self.1, self.2)),
            crate::words::lang::Lang::Zh => write!(f, "{}", self.0),
        }
    }
}

/// `{}` of a print: a peer's message as [`preview`] shows it, `Preview(&buf[..n])`.
pub struct Preview<'a>(pub &'a [u8]);

impl std::fmt::Display for Preview<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&preview(self.0))
    }
}

/// `{}` of a print: [`quoted`] as a value, `Quoted(&name)`, for a peer's name or text.
pub struct Quoted<T>(pub T);

impl<T: AsRef<[u8]>> std::fmt::Display for Quoted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&quoted(self.0.as_ref()))
    }
}

/// `{}` of a print: a message as the lines of lessons 01 to 03 show it, its size then its text,
/// `5 bytes: 'hello'` (`5 字节: 'hello'`): `server!("received {}", "收到 {}", Message(&buf[..n]))`.
pub struct Message<'a>(pub &'a [u8]);

impl std::fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}: {}", Bytes(self.0.len()), Preview(self.0))
    }
}

/// Bytes as lowercase hex pairs separated by spaces: `0f 00 00 00`.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_shows_its_two_ends() {
        assert_eq!(preview("你好".as_bytes()), "'你好'");
        let digits = b"0123456789".repeat(110);
        assert_eq!(preview(&digits), "'0123456789'…'0123456789'");
        // Characters, not bytes: a long Chinese message is never cut inside a character.
        let chinese = "黏包问题".repeat(20);
        assert_eq!(
            preview(chinese.as_bytes()),
            "'黏包问题黏包问题黏包'…'问题黏包问题黏包问题'"
        );
    }

    #[test]
    fn byte_literals_read_like_python() {
        assert_eq!(py_bytes(b"12345"), "b'12345'");
        assert_eq!(py_bytes(b""), "b''");
        assert_eq!(py_bytes(b"it's"), "b\"it's\"");
        assert_eq!(py_bytes(b"both ' and \""), "b'both \\' and \"'");
        assert_eq!(
            py_bytes(b"a\\b\t\r\n\x00\x7f"),
            "b'a\\\\b\\t\\r\\n\\x00\\x7f'"
        );
        assert_eq!(py_bytes("你".as_bytes()), "b'\\xe4\\xbd\\xa0'");
    }

    #[test]
    fn quoted_text_reads_like_python_and_never_carries_a_control_character() {
        // Each expected text is what Python 3 prints for `repr()` of the same string.
        let cases: [(&str, &str); 11] = [
            ("你好\n", r"'你好\n'"),
            ("it's", r#""it's""#),
            ("both ' and \"", r#"'both \' and "'"#),
            ("a\\b\t\r\x00\x7f\x1b[31m", r"'a\\b\t\r\x00\x7f\x1b[31m'"),
            ("\u{3000}", r"'\u3000'"),
            ("\u{200b}", r"'\u200b'"),
            ("\u{feff}", r"'\ufeff'"),
            ("\u{85}", r"'\x85'"),
            ("\u{ad}", r"'\xad'"),
            ("\u{e000}", r"'\ue000'"),
            ("😀 \u{2028}", r"'😀 \u2028'"),
        ];
        for (text, python) in cases {
            assert_eq!(quoted(text.as_bytes()), python, "{text:?}");
        }
        let shown = quoted(b"\x1b[31mred\x07\x08\r");
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert_eq!(quoted(b"\xff"), "'\u{fffd}'");
    }

    #[test]
    fn one_is_singular() {
        assert_eq!(count(1, "byte", "bytes"), "1 byte");
        assert_eq!(count(0, "byte", "bytes"), "0 bytes");
        assert_eq!(count(17, "read", "reads"), "17 reads");
    }

    #[test]
    fn hex_is_pairs_with_spaces() {
        assert_eq!(hex(&15i32.to_le_bytes()), "0f 00 00 00");
        assert_eq!(hex(&15i32.to_be_bytes()), "00 00 00 0f");
        assert_eq!(hex(&[]), "");
    }
}
