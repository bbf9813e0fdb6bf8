//! Bytes shown the way the material shows them: as Python byte literals (`b'67abc'`), as quoted
//! text (`"你好"`) and as hex (`0f 00 00 00`). Students compare our output with the tutorial's, so
//! the format is Python's.
//!
//! Every byte that came from a peer and reaches the screen goes through [`py_bytes`] or
//! [`quoted`]: a peer is anyone on the classroom network, and a raw ESC, BEL, CR or backspace
//! could recolor, beep at or rewrite the teacher's terminal. Both print control characters as
//! Python's escapes (`\x1b`), never as themselves.

use std::fmt::Write;
use std::sync::OnceLock;

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

/// A peer's message as a line shows it: [`quoted`], whole when it fits in what one line of the
/// terminal holds after the tag (71 columns at 80, counted in columns: a Chinese character takes
/// two, so a 30-character Chinese message is whole though it is 90 bytes). Longer, as much of
/// its two ends as that line holds, `'0123456789012345…'…'…3456789'`: the `…` between the two
/// quoted ends says that the middle is cut, and the line's byte count how long the message was.
/// One rule for every message a lesson shows, so a pasted page of text takes one line of the
/// projector, not the whole screen, and a message that fits is never cut.
pub fn preview(bytes: &[u8]) -> String {
    let room = line_width().saturating_sub(TAG_COLUMNS);
    let whole = quoted(bytes);
    if columns(&whole) <= room {
        return whole;
    }
    let text = String::from_utf8_lossy(bytes);
    let chars: Vec<char> = text.chars().collect();
    // Each end, quotes included, takes half of the room the `…` leaves.
    let half = room.saturating_sub(1) / 2;
    let fits = |end: &[char]| columns(&quoted(String::from_iter(end).as_bytes())) <= half;
    let head = (1..chars.len())
        .take_while(|&n| fits(&chars[..n]))
        .last()
        .unwrap_or(1);
    let tail = (1..chars.len() - head)
        .take_while(|&n| fits(&chars[chars.len() - n..]))
        .last()
        .unwrap_or(1);
    let (head, tail) = (
        String::from_iter(&chars[..head]),
        String::from_iter(&chars[chars.len() - tail..]),
    );
    format!("{}…{}", quoted(head.as_bytes()), quoted(tail.as_bytes()))
}

/// The columns `text` takes on a terminal: a CJK character two.
fn columns(text: &str) -> usize {
    console::measure_text_width(text)
}

/// The columns of a line where none is known (a pipe, a file, a test): a projector's terminal.
const LINE_COLUMNS: usize = 80;

/// What a line's tag takes before its text: `[server] `.
const TAG_COLUMNS: usize = 9;

/// The columns of the terminal the lines go to, once known ([`set_line_width`]).
static LINE_WIDTH: OnceLock<usize> = OnceLock::new();

/// Tell [`preview`] how wide a line of this terminal is (the output layer does, at start).
pub fn set_line_width(columns: usize) {
    let _ = LINE_WIDTH.set(columns);
}

fn line_width() -> usize {
    LINE_WIDTH.get().copied().unwrap_or(LINE_COLUMNS)
}

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

/// [`py_bytes`] of the first `shown` bytes, then `...` if more came: what a line shows of bytes
/// that may be long, or a lying peer's, so they can neither act on the screen nor fill it.
pub fn py_bytes_first(bytes: &[u8], shown: usize) -> String {
    let more = if bytes.len() > shown { "..." } else { "" };
    format!("{}{more}", py_bytes(&bytes[..bytes.len().min(shown)]))
}

/// `{}` of a print: a read as the material prints it, [`py_bytes`], `PyBytes(&buf[..n])`; of a
/// long read its first 20 bytes and `...`, so a read of 1024 bytes still takes one line.
pub struct PyBytes<'a>(pub &'a [u8]);

impl std::fmt::Display for PyBytes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&py_bytes_first(self.0, 20))
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
        // Whole up to what a line holds after its tag, 71 columns at 80: 69 digits and 2 quotes.
        let line = "7".repeat(69);
        assert_eq!(preview(line.as_bytes()), format!("'{line}'"));
        // Counted in columns, not bytes: 34 Chinese characters are 102 bytes, 68 columns.
        let whole = "你好".repeat(17);
        assert_eq!(preview(whole.as_bytes()), format!("'{whole}'"));
        // Longer, its two ends fill the line: 35 columns each, quotes included, and the `…`.
        let digits = "0123456789".repeat(110);
        let expected = format!("'{}'…'{}'", &digits[..33], &digits[digits.len() - 33..]);
        assert_eq!(preview(digits.as_bytes()), expected);
        assert_eq!(console::measure_text_width(&expected), 71);
        // Characters, not bytes: a long Chinese message is never cut inside a character, and a
        // Chinese character takes two columns: 16 of them and the quotes, 34 columns.
        let chinese: Vec<char> = "黏包问题".repeat(20).chars().collect();
        let (head, tail) = (&chinese[..16], &chinese[chinese.len() - 16..]);
        assert_eq!(
            preview(String::from_iter(&chinese).as_bytes()),
            format!(
                "'{}'…'{}'",
                String::from_iter(head),
                String::from_iter(tail)
            )
        );
        // An escaped character counts as its escape: the line still fits.
        let escapes = "\x1b".repeat(100);
        assert!(console::measure_text_width(&preview(escapes.as_bytes())) <= 71);
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
    fn a_long_read_shows_its_first_20_bytes() {
        assert_eq!(PyBytes(b"67abc").to_string(), "b'67abc'");
        let twenty = [b'h'; 20];
        assert_eq!(
            PyBytes(&twenty).to_string(),
            format!("b'{}'", "h".repeat(20))
        );
        let long = [b'\x1b'; 1024];
        assert_eq!(
            PyBytes(&long).to_string(),
            format!("b'{}'...", "\\x1b".repeat(20))
        );
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
