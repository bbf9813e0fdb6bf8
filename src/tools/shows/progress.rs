//! Lesson 06's progress bar, the buffer size of the lessons' copy loops (which move the bar), and
//! the speed line at the end of a transfer: what a person watching a big file wants to see, and
//! nothing the protocol needs.

use std::io::{self, IsTerminal};
use std::time::Duration;

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::tr;

/// The progress bar: position, size, speed, time left. `wide_bar` takes what the terminal's
/// width leaves after the numbers (about 40 columns at 80), so the bar never passes the edge of
/// a narrow pane, where the terminal would fold it onto a new line at every redraw.
const BAR_TEMPLATE: &str = "{wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {eta}";

/// Files smaller than this go by too fast for a bar to help: 1 MiB takes a millisecond over
/// loopback, a tenth of a second on a classroom Wi-Fi. An 8 MiB file at `--rate 1MiB` shows
/// its bar for 8 seconds.
const BAR_FROM: u64 = 1024 * 1024;

/// A progress bar for `len` bytes: drawn on stdout when a person may be watching (stdout is a
/// terminal) and the file is big enough to take a while, else hidden. Hidden or drawn, it is
/// the same bar with the same length, and counts the same way: a test without a terminal sees
/// the count a person at a terminal would.
pub fn bar(len: u64) -> ProgressBar {
    if len < BAR_FROM || !io::stdout().is_terminal() {
        return hidden(len);
    }
    // The template is a constant: if it were wrong, the plain default bar is good enough.
    let style =
        ProgressStyle::with_template(BAR_TEMPLATE).unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stdout()).with_style(style)
}

/// A bar that is never drawn, only counts: for lesson 07's threads, where forty bars on one
/// terminal would be noise.
pub fn hidden(len: u64) -> ProgressBar {
    ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden())
}

/// How many bytes one `read` asks for and one `write_all` sends while a file's bytes move.
///
/// Chosen by measurement: `cargo bench --bench transfer`, 1 GiB over loopback into a file on
/// disk, on the 2-core machine this lesson was written on (medians of several runs). With
/// 8 KiB, what `std::io::copy` uses, the transfer ran at about 830 MiB/s; with 64 KiB at about
/// 1550 MiB/s; 128 KiB and 256 KiB were no faster beyond the noise. Every `read` and `write`
/// costs a trip into the kernel however few bytes it moves, so fewer, larger calls go faster,
/// until the copying of the bytes themselves is the cost. The buffer is allocated once per
/// transfer: a process needs the same memory (about 3.4 MiB at its peak) for 1 KiB or 100 GiB.
///
/// `std::io::copy` would move the bytes with an 8 KiB buffer (from a `File` into a `TcpStream` it
/// does not hand the work to the kernel's `sendfile`). A server built for speed would call
/// `sendfile(2)`, which moves file bytes to a socket without them ever entering the program; the
/// lessons keep them in sight, in their `copy` loop.
pub const BUF_SIZE: usize = 64 * 1024;

/// Clear the bar from the screen and return how many bytes it counted. The count is read
/// first: clearing a bar moves it to its end, and a transfer that failed halfway would then
/// be reported as whole.
pub fn finish(bar: &ProgressBar) -> u64 {
    let counted = bar.position();
    bar.finish_and_clear();
    counted
}

/// `1 byte`, `5 bytes`, `5 字节`; from 1 MiB on, the same in the bar's units beside it:
/// `1073741824 bytes (1.00 GiB)`. The exact count stays: it is what the header says.
pub fn bytes(n: u64) -> String {
    let count = match n {
        1 => tr!("1 byte", "1 字节"),
        _ => tr!("{n} bytes", "{n} 字节"),
    };
    match n {
        ..HUMAN_FROM => count,
        _ => format!("{count} ({})", HumanBytes(n)),
    }
}

/// From this many bytes on, a count has its size in KiB, MiB or GiB beside it.
const HUMAN_FROM: u64 = 1024 * 1024;

/// Shorter than this, a transfer has no rate worth saying: the clock cannot tell it from 0.
const INSTANT: Duration = Duration::from_millis(10);

/// `12345 bytes in 0.20 s (60.28 KiB/s)`, the last line of a transfer, the rate in the bar's
/// units; `12345 bytes in under 0.01 s` for a transfer too short to time.
pub fn rate(n: u64, elapsed: Duration) -> String {
    let (count, seconds) = (bytes(n), elapsed.as_secs_f64());
    if elapsed < INSTANT {
        return tr!("{count} in under 0.01 s", "{count}, 用时不到 0.01 秒");
    }
    let per_second = HumanBytes((n as f64 / seconds) as u64);
    tr!(
        "{count} in {seconds:.2} s ({per_second}/s)",
        "{count}, 用时 {seconds:.2} 秒 ({per_second}/s)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_rates_in_one_style() {
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(16558), "16558 bytes");
        assert_eq!(bytes(1 << 30), "1073741824 bytes (1.00 GiB)");
        assert_eq!(
            rate(7, Duration::from_micros(300)),
            "7 bytes in under 0.01 s"
        );
        let second = rate(8 << 20, Duration::from_secs(2));
        assert_eq!(second, "8388608 bytes (8.00 MiB) in 2.00 s (4.00 MiB/s)");
    }

    #[test]
    fn a_transfer_that_stops_halfway_is_counted_halfway() {
        let bar = bar(100);
        bar.inc(40);
        assert_eq!(finish(&bar), 40);
    }

    #[test]
    fn one_byte_is_singular() {
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(0), "0 bytes");
    }
}
