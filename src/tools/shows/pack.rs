//! Lesson 05's calculator: Python's `struct.pack('i', n)` and `struct.unpack('i', b)` shown for
//! any number, any 4 bytes, any text, in both byte orders. The lesson's own use of the 4 bytes
//! is `send_frame`/`recv_frame`, in its file; this is the printout around it.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::words::text::{count, hex, py_bytes};
use crate::{Result, note, output::say, tr};

/// The material's struct demo: `len(data)`, `struct.pack('i', len(data))`, `struct.unpack`.
/// A `Result`, like the lesson's other subcommands, though printing is all it does.
pub fn show_struct(texts: &[impl AsRef<str>]) -> Result<()> {
    for text in texts {
        let text = text.as_ref();
        let chars = text.chars().count();
        // The length to send is the byte length: what goes on the wire is the UTF-8 bytes.
        let bytes = text.len();
        let (characters, utf8) = (
            count(chars, "character", "characters"),
            count(bytes, "byte", "bytes"),
        );
        if chars == bytes {
            note!(
                "text '{text}': len(text) = {characters}, {utf8} in UTF-8",
                "文本 '{text}': len(text) = {chars} 个字符, UTF-8 编码后 {bytes} 字节"
            );
        } else {
            note!(
                "text '{text}': len(text) = {characters}, but {utf8} in UTF-8: pack len(text.encode('utf8')) = {bytes}",
                "文本 '{text}': len(text) = {chars} 个字符, 但 UTF-8 编码后有 {bytes} 字节: 要打包的是 len(text.encode('utf8')) = {bytes}"
            );
        }
        match i32::try_from(bytes) {
            Ok(len) => {
                show_pack(len);
                show_unpack(len.to_le_bytes());
            }
            Err(_) => {
                let max = i32::MAX;
                note!(
                    "{utf8} is too long for struct 'i': 4 bytes hold at most {max}",
                    "{bytes} 字节对 struct 'i' 来说太长了: 4 个字节最多表示 {max}"
                );
            }
        }
    }
    note!(
        "whatever the number, pack('i') gives exactly 4 bytes: the reader knows to read 4 first",
        "不管数字多大, pack('i') 都恰好给出 4 个字节: 接收方知道先读 4 个字节"
    );
    note!(
        "both sides must agree on the order: read in the other order, the same 4 bytes are another number",
        "双方必须约定同一种字节序: 换一种顺序读, 同样的 4 个字节就是另一个数"
    );
    Ok(())
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
    let rows = [(&calls[0], little), (&calls[1], big)]
        .map(|(call, bytes)| format!("{call:width$} -> {}   {}", hex(&bytes), py_bytes(&bytes)));
    show_rows(rows);
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
    let rows = [0, 1].map(|i| {
        let (call, result) = (&calls[i], &results[i]);
        format!("{call:call_width$} -> {result:result_width$}")
    });
    show_rows(rows);
}

/// The little-endian row, then the big-endian one, each with its byte order named at its end;
/// where a terminal is too narrow for that, the two orders named once on a line above them, so
/// that no row folds in two.
/// Whether the narrow layout has named the two byte orders yet.
static ORDERS_NAMED: AtomicBool = AtomicBool::new(false);

fn show_rows([little, big]: [String; 2]) {
    let named = [
        tr!(
            "{little}   little-endian, the material's",
            "{little}   小端序, 原文用的就是它"
        ),
        tr!(
            "{big}   big-endian, network byte order",
            "{big}   大端序, 即网络字节序"
        ),
    ];
    if named.iter().all(|row| say::fits(row)) {
        for row in named {
            note!("{row}");
        }
        return;
    }
    // Named once for the whole run: the names are the same for every row after.
    if !ORDERS_NAMED.swap(true, Ordering::Relaxed) {
        note!(
            "'i': little-endian, the material's; '!i': big-endian, network order",
            "'i': 小端序, 原文用的就是它; '!i': 大端序, 即网络字节序"
        );
    }
    // The rows' own padding is for the order names after them: none at a line's end.
    note!("{}", little.trim_end());
    note!("{}", big.trim_end());
}

/// `pack N`: a whole number that fits in struct 'i', or one line saying why not.
pub fn parse_i32(text: &str) -> Result<i32> {
    let (min, max) = (i32::MIN, i32::MAX);
    text.trim().parse::<i32>().map_err(|e| {
        match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => tr!(
                "{text} does not fit in struct 'i': 4 bytes hold {min} to {max}",
                "{text} 超出了 struct 'i' 的范围: 4 个字节只能表示 {min} 到 {max}"
            ),
            _ => tr!(
                "'{text}' is not a whole number: try pack 15",
                "'{text}' 不是整数: 试试 pack 15"
            ),
        }
        .into()
    })
}

/// `unpack HEX`: exactly 4 bytes as hex digits, spaces allowed, or one line saying why not.
pub fn parse_four_bytes(text: &str) -> Result<[u8; 4]> {
    let digits: String = text.split_whitespace().collect();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(tr!(
            "'{text}' is not hex ('{bad}' is not a hex digit): try unpack 0f 00 00 00",
            "'{text}' 不是十六进制 ('{bad}' 不是十六进制数字): 试试 unpack 0f 00 00 00"
        )
        .into());
    }
    let n = digits.len();
    if !n.is_multiple_of(2) {
        let many = count(n, "hex digit", "hex digits");
        return Err(tr!(
            "'{text}' has {many}, not whole bytes: a byte is 2 digits, try unpack 0f 00 00 00",
            "'{text}' 有 {n} 个十六进制数字, 凑不成整字节: 一个字节是 2 个数字, 试试 unpack 0f 00 00 00"
        )
        .into());
    }
    let bytes: Vec<u8> = (0..digits.len())
        .step_by(2)
        // Two ASCII hex digits, checked above: this parse cannot fail.
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap_or_default())
        .collect();
    <[u8; 4]>::try_from(bytes.as_slice()).map_err(|_| {
        let (n, shown) = (bytes.len(), hex(&bytes));
        let given = count(n, "byte", "bytes");
        tr!(
            "{given} given ({shown}), but struct 'i' unpacks exactly 4: try unpack 0f 00 00 00",
            "给了 {n} 个字节 ({shown}), 但 struct 'i' 解包需要恰好 4 个字节: 试试 unpack 0f 00 00 00"
        )
        .into()
    })
}
