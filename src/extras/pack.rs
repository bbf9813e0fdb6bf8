//! Lesson 05's calculator: Python's `struct.pack('i', n)` and `struct.unpack('i', b)` shown for
//! any number, any 4 bytes, any text, in both byte orders. The lesson's own use of the 4 bytes
//! is `send_frame`/`recv_frame`, in its file; this is the printout around it.

use crate::text::{hex, py_bytes};
use crate::{Result, note};

/// The material's struct demo: `len(data)`, `struct.pack('i', len(data))`, `struct.unpack`.
pub fn show_struct(texts: &[impl AsRef<str>]) {
    for text in texts {
        let text = text.as_ref();
        let chars = text.chars().count();
        // The length to send is the byte length: what goes on the wire is the UTF-8 bytes.
        let bytes = text.len();
        if chars == bytes {
            note!("text '{text}': len(text) = {chars} characters, {bytes} bytes in UTF-8");
        } else {
            note!(
                "text '{text}': len(text) = {chars} characters, but {bytes} bytes in UTF-8: pack len(text.encode('utf8')) = {bytes}"
            );
        }
        match i32::try_from(bytes) {
            Ok(len) => {
                show_pack(len);
                show_unpack(len.to_le_bytes());
            }
            Err(_) => note!(
                "{bytes} bytes is too long for struct 'i': 4 bytes hold at most {}",
                i32::MAX
            ),
        }
    }
    note!("whatever the number, pack('i') gives exactly 4 bytes: the reader knows to read 4 first");
    note!(
        "both sides must agree on the order: read in the other order, the same 4 bytes are another number"
    );
}

/// `struct.pack('i', n)` beside `struct.pack('!i', n)`.
pub fn show_pack(n: i32) {
    // Python: struct.pack('i', n) — 'i' is the machine's own order, little-endian on x86 and
    // ARM: the lowest byte first. Our frames fix little-endian, to match the material's bytes.
    let little = n.to_le_bytes();
    // Python: struct.pack('!i', n) — '!' is network byte order, big-endian: the highest byte first.
    let big = n.to_be_bytes();
    let calls = [
        format!("struct.pack('i', {n})"),
        format!("struct.pack('!i', {n})"),
    ];
    let width = calls[1].len();
    note!(
        "{:width$} -> {}   {}   little-endian, the material's",
        calls[0],
        hex(&little),
        py_bytes(&little)
    );
    note!(
        "{:width$} -> {}   {}   big-endian, network byte order",
        calls[1],
        hex(&big),
        py_bytes(&big)
    );
}

/// `struct.unpack('i', b)` beside `struct.unpack('!i', b)`.
pub fn show_unpack(bytes: [u8; 4]) {
    let literal = py_bytes(&bytes);
    // Python: struct.unpack('i', b) — it returns a tuple, hence the `(15,)`.
    let little = i32::from_le_bytes(bytes);
    // Python: struct.unpack('!i', b)
    let big = i32::from_be_bytes(bytes);
    let calls = [
        format!("struct.unpack('i', {literal})"),
        format!("struct.unpack('!i', {literal})"),
    ];
    let results = [format!("({little},)"), format!("({big},)")];
    let (call_width, result_width) = (calls[1].len(), results[0].len().max(results[1].len()));
    note!(
        "{:call_width$} -> {:result_width$}   little-endian, the material's",
        calls[0],
        results[0]
    );
    note!(
        "{:call_width$} -> {:result_width$}   big-endian, network byte order",
        calls[1],
        results[1]
    );
}

/// `pack N`: a whole number that fits in struct 'i', or one line saying why not.
pub fn parse_i32(text: &str) -> Result<i32> {
    text.trim().parse::<i32>().map_err(|e| {
        match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => format!(
                "{text} does not fit in struct 'i': 4 bytes hold {} to {}",
                i32::MIN,
                i32::MAX
            ),
            _ => format!("'{text}' is not a whole number: try pack 15"),
        }
        .into()
    })
}

/// `unpack HEX`: exactly 4 bytes as hex digits, spaces allowed, or one line saying why not.
pub fn parse_four_bytes(text: &str) -> Result<[u8; 4]> {
    let digits: String = text.split_whitespace().collect();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!(
            "'{text}' is not hex ('{bad}' is not a hex digit): try unpack 0f 00 00 00"
        )
        .into());
    }
    if digits.len() % 2 != 0 {
        return Err(format!("'{text}' has {} hex digits, not whole bytes: a byte is 2 digits, try unpack 0f 00 00 00", digits.len()).into());
    }
    let bytes: Vec<u8> = (0..digits.len())
        .step_by(2)
        // Two ASCII hex digits, checked above: this parse cannot fail.
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap_or_default())
        .collect();
    <[u8; 4]>::try_from(bytes.as_slice()).map_err(|_| {
        format!(
            "{} bytes given ({}), but struct 'i' unpacks exactly 4: try unpack 0f 00 00 00",
            bytes.len(),
            hex(&bytes)
        )
        .into()
    })
}
