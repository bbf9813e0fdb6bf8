//! `--compare`: what the receiving program printed under one cut, against what it printed under
//! another. A program whose framing holds prints the same lines however the stream was cut; the
//! ports of each run are read past (`{port}`), since they change every time.

use console::measure_text_width;

use super::relay::{End, Run};
use crate::output::lanes::{self, Lane};

/// How many lines from the first difference are shown side by side.
const ROWS: usize = 6;

/// The lines the judged sides printed in `run`, ports masked; each line tagged with its side
/// when more than one side is judged.
pub fn printed(run: &Run, judged: &[End]) -> Vec<String> {
    let mut lines = Vec::new();
    for &side in judged {
        for line in run.printed(side) {
            let line = mask_ports(&line, &run.ports);
            lines.push(match judged.len() {
                1 => line,
                // The course's own programs tag their lines already: not twice.
                _ => {
                    let tag = side.tag();
                    let text = line.strip_prefix(tag).unwrap_or(&line).trim_start();
                    format!("{tag} {text}")
                }
            });
        }
    }
    lines
}

/// Every number in `line` that is one of `ports`, as `{port}`.
pub fn mask_ports(line: &str, ports: &[u16]) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        match digits.parse::<u16>() {
            Ok(n) if ports.contains(&n) => out.push_str("{port}"),
            _ => out.push_str(digits),
        }
        digits.clear();
    };
    for c in line.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// The first line where `a` and `b` differ (one may be shorter), if they do.
pub fn first_difference(a: &[String], b: &[String]) -> Option<usize> {
    (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))
}

/// `a` and `b` side by side from line `from`, under their titles, `width` columns wide: the
/// left column in the left lane, the right one in the right lane, each line wrapped inside its
/// own lane and the rows kept level.
pub fn side_by_side(
    titles: [&str; 2],
    a: &[String],
    b: &[String],
    from: usize,
    width: usize,
) -> String {
    let (_, half) = lanes::bounds(Lane::Left, width);
    let (margin, _) = lanes::bounds(Lane::Right, width);
    let cell = |lines: &[String], i: usize| -> Vec<String> {
        match lines.get(i) {
            // An empty tag still leaves its space before the text: taken off.
            Some(line) => lanes::hang("", line, 0, half)
                .lines()
                .map(|l| l.strip_prefix(' ').unwrap_or(l).to_string())
                .collect(),
            None => vec!["-".to_string()],
        }
    };
    let mut rows = vec![pair(titles[0], titles[1], margin)];
    let end = (from + ROWS).min(a.len().max(b.len()));
    for i in from..end {
        let marker = if a.get(i) == b.get(i) { " " } else { "≠" };
        let (left, right) = (cell(a, i), cell(b, i));
        for row in 0..left.len().max(right.len()) {
            let l = left.get(row).map_or("", String::as_str);
            let r = right.get(row).map_or("", String::as_str);
            let l = if row == 0 {
                format!("{marker}{l}")
            } else {
                format!(" {l}")
            };
            rows.push(pair(&l, r, margin));
        }
    }
    if end < a.len().max(b.len()) {
        rows.push(pair("…", "…", margin));
    }
    rows.join("\n")
}

/// `left`, padded to `margin` columns, then `right`.
fn pair(left: &str, right: &str, margin: usize) -> String {
    let pad = margin.saturating_sub(measure_text_width(left));
    format!("{left}{}{right}", " ".repeat(pad))
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_of_the_run_are_masked_and_other_numbers_kept() {
        assert_eq!(
            mask_ports(
                "accepted ('127.0.0.1', 41234) on 127.0.0.1:8080, 17 bytes",
                &[41234, 8080]
            ),
            "accepted ('127.0.0.1', {port}) on 127.0.0.1:{port}, 17 bytes"
        );
        assert_eq!(mask_ports("412345 bytes", &[41234]), "412345 bytes");
    }

    #[test]
    fn the_outputs_stand_side_by_side_from_the_first_difference_within_80_columns() {
        let a: Vec<String> = ["listening", "b'12345'", "b'67abc'", "b'dehhh'"]
            .map(String::from)
            .into();
        let b: Vec<String> = ["listening", "b'1'", "b'2'"].map(String::from).into();
        assert_eq!(first_difference(&a, &b), Some(1));
        assert_eq!(first_difference(&a, &a), None);
        let shown = side_by_side(["--cut whole", "--cut 1"], &a, &b, 1, 80);
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[0], format!("--cut whole{}--cut 1", " ".repeat(30)));
        assert_eq!(lines[1], format!("≠b'12345'{}b'1'", " ".repeat(32)));
        assert_eq!(lines[3], format!("≠b'dehhh'{}-", " ".repeat(32)));
        let long = vec!["x ".repeat(60)];
        for line in side_by_side(["a", "b"], &long, &[], 0, 80).lines() {
            assert!(measure_text_width(line) <= 80, "{line:?}");
        }
    }
}
