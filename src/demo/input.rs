//! Lines typed at a prompt, from lesson 02 on: the material's `input('>>>:').strip()`.
//!
//! In two terminals the lines come from the keyboard; in `demo` they come from a script, so the
//! same lesson code runs unattended. A line is bytes, not a `String`: whatever the terminal
//! sends goes on the wire as it is, and nothing here fails on bytes that are not UTF-8.
//! [`strip`] trims a line the way Python's `str.strip()` does, Unicode spaces included: a
//! full-width space (`　`, U+3000) from a Chinese input method makes a line as empty as a blank.

use std::collections::VecDeque;
use std::io::{self, BufRead, IsTerminal};

use crate::output::say::{self, Role};
pub use crate::words::cli::END_OF_INPUT;

/// Where the lines come from.
pub struct Lines {
    source: Source,
}

enum Source {
    /// The process's stdin, with the prompt to show when it is a terminal, and whose it is.
    Stdin { prompt: Option<(Role, String)> },
    /// The scripted lines of a demo, in order.
    Script(VecDeque<Vec<u8>>),
}

impl Lines {
    /// Lines from stdin, typed by the `role` side. `prompt` is shown before each line when
    /// stdin is a terminal (in that side's lane, under `--lanes`), and not when it is a pipe or
    /// a file: a script feeding a lesson does not want prompts in its output.
    pub fn stdin(role: Role, prompt: &str) -> Lines {
        let prompt = io::stdin()
            .is_terminal()
            .then(|| (role, prompt.to_string()));
        Lines { source: Source::Stdin { prompt } }
    }

    /// The server's replies of lessons 02 and 03, typed at the material's prompt.
    pub fn replies() -> Lines {
        Lines::stdin(Role::Server, &crate::tr!("reply>>> ", "请回复消息>>>:"))
    }

    /// The client's messages of lessons 02 and 03, typed at the material's prompt.
    pub fn messages() -> Lines {
        let prompt = crate::tr!("message>>> ", "请输入你需要发送的消息>>>:");
        Lines::stdin(Role::Client, &prompt)
    }

    /// Lesson 02's server's next typed reply, or `None` when its input has ended. An empty reply
    /// would send nothing and leave the client waiting (the trap, the other way round): ask again.
    pub fn next_reply(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            match self.next_line()? {
                Some(reply) if reply.is_empty() => crate::note!(
                    "an empty reply would send no bytes and leave the client waiting: type some text",
                    "空回复不会发出任何字节, 客户端会一直等下去: 请输入一些文字"
                ),
                reply => return Ok(reply),
            }
        }
    }

    /// Lines from a script: what `demo` "types".
    pub fn script(lines: &[&str]) -> Lines {
        let lines = lines.iter().map(|line| line.as_bytes().to_vec()).collect();
        Lines { source: Source::Script(lines) }
    }

    /// The next line, without its line ending and without whitespace around it ([`strip`], as
    /// Python's `.strip()`), or `None` at the end of the input ([`END_OF_INPUT`] at a terminal).
    pub fn next_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let line = match &mut self.source {
            Source::Script(lines) => lines.pop_front(),
            Source::Stdin { prompt } => {
                if let Some((role, prompt)) = prompt {
                    say::prompt(*role, prompt);
                }
                let mut line = Vec::new();
                let read = io::stdin().lock().read_until(b'\n', &mut line)?;
                // Ctrl-D leaves the cursor after the prompt: the next line starts a new one.
                if prompt.is_some() {
                    say::typed(&line);
                }
                match read {
                    0 => None,
                    _ => Some(line),
                }
            }
        };
        Ok(line.map(|line| strip(&line).to_vec()))
    }
}

/// `line` without the whitespace at either end, exactly as Python's `str.strip()` would trim it
/// once decoded: every character `str.isspace()` accepts, which is Unicode's White_Space (Rust's
/// `char::is_whitespace`: `\r`, `\n`, tabs, U+00A0, U+3000 ...) plus the four separators U+001C
/// to U+001F. Bytes that are not UTF-8 are never whitespace, so they are never trimmed.
pub fn strip(line: &[u8]) -> &[u8] {
    let is_space = |c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c);
    // `utf8_chunks` walks the line as runs of valid UTF-8, each followed by bytes that are not.
    let (mut start, mut end, mut offset, mut leading) = (0, 0, 0, true);
    for chunk in line.utf8_chunks() {
        let (valid, invalid) = (chunk.valid(), chunk.invalid());
        if leading {
            let rest = valid.trim_start_matches(is_space);
            start = offset + valid.len() - rest.len();
            leading = rest.is_empty() && invalid.is_empty();
        }
        let kept = valid.trim_end_matches(is_space).len();
        if !invalid.is_empty() {
            end = offset + valid.len() + invalid.len();
        } else if kept > 0 {
            end = offset + kept;
        }
        offset += valid.len() + invalid.len();
    }
    &line[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_is_read_in_order_then_ends() {
        let mut lines = Lines::script(&["  你好 \r\n", "", "bye"]);
        assert_eq!(lines.next_line().unwrap(), Some("你好".as_bytes().to_vec()));
        assert_eq!(lines.next_line().unwrap(), Some(Vec::new()));
        assert_eq!(lines.next_line().unwrap(), Some(b"bye".to_vec()));
        assert_eq!(lines.next_line().unwrap(), None);
    }

    #[test]
    fn strip_trims_what_python_strips() {
        // What `'...'.strip()` gives in Python 3, byte for byte.
        assert_eq!(strip(b"  hello \t\r\n"), b"hello");
        assert_eq!(strip("\u{3000}".as_bytes()), b"");
        assert_eq!(
            strip("\u{3000}你好\u{3000}\n".as_bytes()),
            "你好".as_bytes()
        );
        assert_eq!(strip("\u{a0}a b\u{2028}".as_bytes()), b"a b");
        assert_eq!(strip(b"\x1c\x1fx\x0b\x0c"), b"x");
        assert_eq!(strip(b""), b"");
        assert_eq!(strip(b" \n "), b"");
        // Not whitespace for Python either: zero width space, BOM, U+180E.
        for kept in ["\u{200b}", "\u{feff}", "\u{180e}"] {
            assert_eq!(strip(kept.as_bytes()), kept.as_bytes());
        }
    }

    #[test]
    fn strip_keeps_bytes_that_are_not_utf8() {
        assert_eq!(strip(b" \xff "), b"\xff");
        assert_eq!(strip(b"\xe5 \xff\n"), b"\xe5 \xff");
        // Half of U+3000 is no space: it stays, with the space before it.
        assert_eq!(strip(b"a \xe3\x80"), b"a \xe3\x80");
        let line = [" \u{3000}x".as_bytes(), b"\xff\xfe", "\u{3000}".as_bytes()].concat();
        assert_eq!(strip(&line), b"x\xff\xfe");
    }

    #[test]
    fn a_full_width_space_makes_a_typed_line_empty() {
        let mut lines = Lines::script(&["\u{3000}\u{3000}\r\n"]);
        assert_eq!(lines.next_line().unwrap(), Some(Vec::new()));
    }
}
