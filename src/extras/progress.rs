//! Lesson 06's progress bar and the speed line at the end of a transfer: what a person watching
//! a big file wants to see, and nothing the protocol needs.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The progress bar: position, size, speed, time left.
const BAR_TEMPLATE: &str = "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}";

/// A progress bar for `len` bytes, on stdout when `show`, else hidden (it still counts).
pub fn bar(len: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    // The template is a constant: if it were wrong, the plain default bar is good enough.
    let style =
        ProgressStyle::with_template(BAR_TEMPLATE).unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stdout()).with_style(style)
}

/// `12345 bytes in 0.20 s (0.1 MiB/s)`: the last line of a transfer.
pub fn rate(bytes: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    // A tiny file may take less time than the clock can tell apart from 0.
    let mib_per_second = bytes as f64 / (1024.0 * 1024.0) / seconds.max(1e-9);
    format!("{bytes} bytes in {seconds:.2} s ({mib_per_second:.1} MiB/s)")
}
