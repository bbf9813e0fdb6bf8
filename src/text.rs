//! Bytes shown the way the material shows them: as Python byte literals (`b'67abc'`) and as hex
//! (`0f 00 00 00`). Students compare our output with the tutorial's, so the format is Python's.

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
    fn hex_is_pairs_with_spaces() {
        assert_eq!(hex(&15i32.to_le_bytes()), "0f 00 00 00");
        assert_eq!(hex(&15i32.to_be_bytes()), "00 00 00 0f");
        assert_eq!(hex(&[]), "");
    }
}
