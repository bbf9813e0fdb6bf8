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
    terminal_width_of(&console::Term::stdout())
}

/// The columns of the terminal `term` (stdout's, stderr's) is on.
pub fn terminal_width_of(term: &console::Term) -> usize {
    term.size_checked()
        .map_or(FALLBACK_WIDTH, |(_rows, columns)| usize::from(columns))
}

/// How many columns `text` takes on a terminal: a CJK character two, a color code none.
pub fn text_width(text: &str) -> usize {
    measure_text_width(text)
}

/// Where a line goes: the server's lines on the left, the client's on the right, notes across.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Left,
    Right,
    Across,
}

/// One tagged line laid out in two lanes for a terminal `width` columns wide, continuation lines
/// included: a [`Lane::Left`] line fills the left half, wrapped to fit it; a [`Lane::Right`] line
/// starts in the middle and fills the right half; a [`Lane::Across`] line runs across the whole
/// width. Narrower than `MIN_WIDTH`, every line runs across.
pub fn layout(lane: Lane, tag: &str, text: &str, width: usize) -> String {
    let (left_margin, lane_width) = bounds(lane, width);
    hang(tag, text, left_margin, lane_width)
}

/// Where `lane` starts on a terminal `width` columns wide, and how wide it is: also where a
/// prompt goes, so that what the person types lines up with that side's lines.
pub fn bounds(lane: Lane, width: usize) -> (usize, usize) {
    let half = width / 2;
    match lane {
        _ if width < MIN_WIDTH => (0, width),
        Lane::Across => (0, width),
        Lane::Left => (0, half - 1),
        Lane::Right => (half + 1, width - half - 1),
    }
}

/// `tag text`, wrapped to `lane_width` columns starting `left_margin` columns in, continuation
/// lines indented under the text: what a line is on a terminal without `--lanes` too, so that
/// the terminal never cuts a word in two.
pub fn hang(tag: &str, text: &str, left_margin: usize, lane_width: usize) -> String {
    // A tag and a space, then the text; continuation lines are indented under the text.
    let indent = measure_text_width(tag) + 1;
    let margin = " ".repeat(left_margin);
    let hanging = " ".repeat(left_margin + indent);
    let mut out = String::new();
    for (i, piece) in wrap(text, lane_width.saturating_sub(indent))
        .iter()
        .enumerate()
    {
        if i == 0 {
            out.push_str(&format!("{margin}{tag} {piece}"));
        } else {
            out.push_str(&format!("\n{hanging}{piece}"));
        }
    }
    out
}

/// Is `c` a character a line may break before or after with no space: CJK ideographs and
/// punctuation, kana, hangul, full-width forms (the characters that take two columns).
fn breaks_anywhere(c: char) -> bool {
    measure_text_width(c.encode_utf8(&mut [0; 4])) == 2
}

/// May a line break between `before` and `after`? At a space, or next to a wide character, but
/// never so that a line starts with closing punctuation (`:`, `，`, `)`) or ends with an opening
/// one (`(`, `「`): Chinese typesetting's rule, which reads right in English too.
fn may_break(before: char, after: char) -> bool {
    const NO_START: &str = ",.:;!?)]}'\"，。：；！？）」』、…";
    const NO_END: &str = "([{（「『";
    let allowed =
        after == ' ' || before == ' ' || breaks_anywhere(before) || breaks_anywhere(after);
    allowed && !NO_START.contains(after) && !NO_END.contains(before)
}

/// Cut `text` into pieces at most `width` columns wide: English at a space, Chinese between any
/// two characters; a word longer than the lane is cut where it must be.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut pieces = Vec::new();
    let mut rest = text;
    while measure_text_width(rest) > width {
        // The longest prefix that fits, counted in columns, char by char, and the last place
        // in it where a line may break.
        let (mut end, mut columns, mut last_break) = (0, 0, None);
        let mut previous: Option<char> = None;
        for (at, c) in rest.char_indices() {
            let c_width = measure_text_width(c.encode_utf8(&mut [0; 4]));
            if columns + c_width > width {
                break;
            }
            if previous.is_some_and(|before| c == ' ' || may_break(before, c)) {
                last_break = Some(at);
            }
            columns += c_width;
            end = at + c.len_utf8();
            previous = Some(c);
        }
        // Right at the edge may be a break too.
        let next = rest[end..].chars().next();
        if next == Some(' ') || previous.zip(next).is_some_and(|(b, a)| may_break(b, a)) {
            last_break = Some(end);
        }
        let cut = last_break.unwrap_or(end);
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
    fn english_breaks_at_spaces_and_chinese_between_characters() {
        let english = wrap("the server reads at most 1024 bytes at a time", 20);
        assert_eq!(
            english,
            ["the server reads at", "most 1024 bytes at a", "time"]
        );
        // Chinese has no spaces: it breaks between any two characters, so no line is ragged.
        let chinese = wrap("超长消息的陷阱: 客户端输入一行 1100 字节的消息", 20);
        for piece in &chinese[..chinese.len() - 1] {
            assert!(measure_text_width(piece) >= 19, "{chinese:?}");
        }
        assert_eq!(
            chinese.concat().replace(' ', ""),
            "超长消息的陷阱:客户端输入一行1100字节的消息"
        );
        // No line starts with closing punctuation.
        let quoted = wrap(
            "带来这 17 字节的 TCP 报文段: 3 个, 每次发送一个: 报文段",
            27,
        );
        assert!(
            quoted.iter().all(|p| !p.starts_with([':', ','])),
            "{quoted:?}"
        );
        // A number is a word: never cut inside "1100".
        assert!(
            chinese
                .iter()
                .all(|p| !p.ends_with("11") && !p.starts_with("00")),
            "{chinese:?}"
        );
    }

    #[test]
    fn at_80_columns_no_line_passes_its_lane_and_no_word_is_cut() {
        let text = "recv(1024) took the line in two pieces, 1024 + 76 bytes, and the server answered each piece: 服务端对每一块都回复了一次, 对话从此永远慢了一拍。";
        for (lane, limit) in [(Lane::Left, 39), (Lane::Right, 80), (Lane::Across, 80)] {
            let laid = layout(lane, "[note]  ", text, 80);
            let mut words = Vec::new();
            for line in laid.lines() {
                assert!(measure_text_width(line) <= limit, "{lane:?}: {line:?}");
                words.extend(line.split_whitespace().skip(usize::from(words.is_empty())));
            }
            // Every English word of the text is whole on some line.
            for word in text.split_whitespace().filter(|w| w.is_ascii()) {
                assert!(words.contains(&word), "{word:?} was cut: {laid}");
            }
        }
    }

    #[test]
    fn a_cjk_character_counts_two_columns() {
        // 20 CJK characters are 40 columns: too wide for a 30-column lane (39 less the tag).
        let pieces = wrap(&"黏".repeat(20), 30);
        assert_eq!(pieces, ["黏".repeat(15), "黏".repeat(5)]);
    }
}
