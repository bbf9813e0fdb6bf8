//! `--lanes`, for the projector: the server's lines in the left half of the terminal, the
//! client's in the right half, notes across both, so a demo reads like a sequence diagram.
//! Not a lesson's idea: layout only, skip it on a first reading.
//!
//! Widths are terminal columns, not bytes or characters: a CJK character such as 黏 takes two
//! columns, and color codes take none ([`console::measure_text_width`] knows both).

use console::measure_text_width;

/// The width to assume when the terminal will not say (a terminal that reports no size).
const FALLBACK_WIDTH: usize = 80;

/// Narrower than this, two lanes of text do not fit: the lines stay one under the other.
const MIN_WIDTH: usize = 40;

/// The columns of the terminal stdout is on.
pub fn terminal_width() -> usize {
    console::Term::stdout()
        .size_checked()
        .map_or(FALLBACK_WIDTH, |(_rows, columns)| usize::from(columns))
}

/// Where a line goes: the server's lines on the left, the client's on the right, notes across.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Left,
    Right,
    Across,
}

/// One tagged line laid out for a terminal `width` columns wide, continuation lines included:
/// a [`Lane::Left`] line fills the left half, wrapped to fit it; a [`Lane::Right`] line starts in
/// the middle and fills the right half; a [`Lane::Across`] line runs across the whole width.
pub fn layout(lane: Lane, tag: &str, text: &str, width: usize) -> String {
    if lane == Lane::Across || width < MIN_WIDTH {
        return format!("{tag} {text}");
    }
    let half = width / 2;
    // A tag and a space, then the text; continuation lines are indented under the text.
    let indent = measure_text_width(tag) + 1;
    let (left_margin, lane_width) = match lane {
        Lane::Left => (0, half - 1),
        _ => (half + 1, width - half - 1),
    };
    let margin = " ".repeat(left_margin);
    let hanging = " ".repeat(left_margin + indent);
    let mut out = String::new();
    for (i, piece) in wrap(text, lane_width - indent).iter().enumerate() {
        if i == 0 {
            out.push_str(&format!("{margin}{tag} {piece}"));
        } else {
            out.push_str(&format!("\n{hanging}{piece}"));
        }
    }
    out
}

/// Cut `text` into pieces at most `width` columns wide, at a space where there is one.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut pieces = Vec::new();
    let mut rest = text;
    while measure_text_width(rest) > width {
        // The longest prefix that fits, counted in columns, char by char.
        let mut end = 0;
        let mut columns = 0;
        for (at, c) in rest.char_indices() {
            let c_width = measure_text_width(c.encode_utf8(&mut [0; 4]));
            if columns + c_width > width {
                break;
            }
            columns += c_width;
            end = at + c.len_utf8();
        }
        // Prefer to cut after a space; a word longer than the lane is cut where it must be.
        let cut = rest[..end].rfind(' ').filter(|&at| at > 0).unwrap_or(end);
        let cut = cut.max(rest.chars().next().map_or(1, char::len_utf8));
        pieces.push(rest[..cut].trim_end().to_string());
        rest = rest[cut..].trim_start();
    }
    pieces.push(rest.to_string());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_left_client_right_notes_across_at_80_columns() {
        let server = layout(Lane::Left, "[server]", "accepted a client", 80);
        assert_eq!(server, "[server] accepted a client");
        let client = layout(Lane::Right, "[client]", "sending 5 bytes", 80);
        assert_eq!(
            client,
            format!("{}[client] sending 5 bytes", " ".repeat(41))
        );
        let note = layout(Lane::Across, "[note]  ", "across both lanes", 80);
        assert_eq!(note, "[note]   across both lanes");
    }

    #[test]
    fn a_long_line_wraps_inside_its_lane() {
        let text = "received 39 bytes: \"你好, server! (hello from the client)\"";
        let laid = layout(Lane::Right, "[client]", text, 80);
        let lines: Vec<&str> = laid.lines().collect();
        assert!(lines.len() > 1, "{laid}");
        for line in &lines {
            // Nothing crosses the right edge, and nothing of the client enters the left half.
            assert!(measure_text_width(line) <= 80, "{line:?}");
            assert!(line.starts_with(&" ".repeat(41)), "{line:?}");
        }
        let server = layout(Lane::Left, "[server]", text, 80);
        for line in server.lines() {
            assert!(measure_text_width(line) <= 39, "{line:?}");
        }
    }

    #[test]
    fn a_cjk_character_counts_two_columns() {
        // 20 CJK characters are 40 columns: too wide for a 30-column lane (39 less the tag).
        let pieces = wrap(&"黏".repeat(20), 30);
        assert_eq!(pieces, ["黏".repeat(15), "黏".repeat(5)]);
    }
}
