//! Lesson 05's side shows, reached as `05_struct_pack struct`, `compare`, `pack` and `unpack`:
//! the material's struct demo, lesson 04 and 05 side by side, and a `struct.pack` calculator.
//! What they print is `src/tools/shows/{pack,compare}.rs`.

use clap::Subcommand;
use socket_lessons::tools::shows::{compare, pack};
use socket_lessons::words::text::{Count, hex, py_bytes};
use socket_lessons::{Result, client, note, words::cli};

use super::MESSAGES;

/// The struct demo's texts: 15 characters and 15 bytes (the material's `0f 00 00 00`), then
/// the material's section title: 4 characters, but 12 bytes.
const STRUCT_TEXTS: [&str; 2] = ["hello, sockets!", "黏包问题"];

/// Lesson 04's `recv(5)`, for the `compare` column of raw reads.
const CHUNK: usize = 5;

#[derive(Subcommand)]
pub enum Show {
    /// The material's struct demo: a text's length packed into 4 bytes, and unpacked back.
    Struct {
        /// The texts to measure and pack.
        #[arg(value_name = "TEXT", default_values = STRUCT_TEXTS)]
        texts: Vec<String>,
    },
    /// Lesson 04 and lesson 05 side by side: the same messages, read raw and read framed.
    Compare,
    /// struct.pack('i', N) and struct.pack('!i', N): a number as 4 bytes.
    Pack {
        /// A whole number from -2147483648 to 2147483647.
        #[arg(value_name = "N", allow_hyphen_values = true)]
        number: String,
    },
    /// struct.unpack('i', ...) and struct.unpack('!i', ...): 4 bytes as a number.
    Unpack {
        /// 4 bytes as 8 hex digits, spaces allowed: 0f 00 00 00, or 0f000000.
        #[arg(value_name = "HEX", required = true, num_args = 1..)]
        hex: Vec<String>,
    },
}

impl Show {
    pub fn run(self) -> Result<()> {
        match self {
            Show::Struct { texts } => pack::show_struct(&texts),
            Show::Compare => compare::show(&MESSAGES[..3], CHUNK),
            Show::Pack { number } => pack::parse_i32(&number).map(pack::show_pack),
            Show::Unpack { hex } => pack::parse_four_bytes(&hex.join(" ")).map(pack::show_unpack),
        }
    }
}

/// The demo's first part: the struct demo with the material's texts.
pub fn struct_demo() -> Result<()> {
    pack::show_struct(&STRUCT_TEXTS)
}

/// The demo's last line: how to see lesson 04 and this one side by side.
pub fn compare_note() {
    let compare = format!("{} compare", cli::program("05_struct_pack"));
    note!(
        "to see lesson 04 and this one side by side: {compare}",
        "把第 04 课和本课并排对比: {compare}"
    );
}

/// The client's lines before its first write, as in lesson 04: how many frames, then each one,
/// the length `send_frame` puts in front of the body, then the body.
pub fn announce(messages: &[&[u8]]) {
    client!(
        "{} back to back, then closing:",
        "连续发送 {} 个帧, 然后关闭:",
        Count(messages.len(), "frame", "frames")
    );
    for (i, message) in (1..).zip(messages) {
        // What send_frame puts in front, struct.pack('i', len(data)): a few bytes fit an i32.
        client!(
            "  frame {i}: {} + {}",
            "  第 {i} 帧: {} + {}",
            hex(&(message.len() as i32).to_le_bytes()),
            py_bytes(message)
        );
    }
}
