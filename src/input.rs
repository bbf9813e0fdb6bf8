//! Lines typed at a prompt, from lesson 02 on: the material's `input('>>>:').strip()`.
//!
//! In two terminals the lines come from the keyboard; in `demo` they come from a script, so the
//! same lesson code runs unattended. A line is bytes, not a `String`: whatever the terminal
//! sends goes on the wire as it is, and nothing here fails on bytes that are not UTF-8.

use std::collections::VecDeque;
use std::io::{self, BufRead, IsTerminal, Write};

/// Where the lines come from.
pub struct Lines {
    source: Source,
}

enum Source {
    /// The process's stdin, with the prompt to show when it is a terminal.
    Stdin { prompt: Option<String> },
    /// The scripted lines of a demo, in order.
    Script(VecDeque<Vec<u8>>),
}

impl Lines {
    /// Lines from stdin. `prompt` is shown before each line when stdin is a terminal, and not
    /// when it is a pipe or a file: a script feeding a lesson does not want prompts in its output.
    pub fn stdin(prompt: &str) -> Lines {
        let prompt = io::stdin().is_terminal().then(|| prompt.to_string());
        Lines {
            source: Source::Stdin { prompt },
        }
    }

    /// Lines from a script: what `demo` "types".
    pub fn script(lines: &[&str]) -> Lines {
        let lines = lines.iter().map(|line| line.as_bytes().to_vec()).collect();
        Lines {
            source: Source::Script(lines),
        }
    }

    /// The next line, without its line ending and without spaces around it (Python's
    /// `.strip()`), or `None` at the end of the input (Ctrl-D at a terminal).
    pub fn next_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let line = match &mut self.source {
            Source::Script(lines) => lines.pop_front(),
            Source::Stdin { prompt } => {
                if let Some(prompt) = prompt {
                    print!("{prompt}");
                    // The prompt has no newline: flush it out or it waits in stdout's buffer.
                    io::stdout().flush()?;
                }
                let mut line = Vec::new();
                match io::stdin().lock().read_until(b'\n', &mut line)? {
                    0 => None,
                    _ => Some(line),
                }
            }
        };
        Ok(line.map(|line| line.trim_ascii().to_vec()))
    }
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
}
