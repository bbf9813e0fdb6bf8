//! The class at a glance, for the projector: students down, checks across, each cell PASS, FAIL,
//! SKIP or not yet, the check most students fail at the bottom with one student's bytes and the
//! page that explains it. Layout only, no socket: skip it on a first reading.
//!
//! ```text
//! class on 0.0.0.0:8090 · results self-reported by each student's checker
//! students add to their check: --send 192.168.1.20:8090 --name NAME
//!                               1                                  1
//!             1 2 3 4 5 6 7 8 9 0                1 2 3 4 5 6 7 8 9 0
//! s01         P F P P P P P P P P    s21         P P P P P F F P P P
//! s02         P F P P P P P P P P    s22         F P P P P F P F P P
//! L5 server: 1 four-frames  2 one-write  3 trickled  4 every-split  5 empty-body
//!     6 big-body  7 close-in-length  8 close-in-body  9 negative-length
//!     10 huge-length
//! most failed: 6 05.server.big-body, by 28 of 40 students
//!   s04 expected: b'0123456789abcdef'... (61440 bytes)
//!   s04 got:      b'0123456789abcdef'... (19964 bytes)
//!   see: lessons/05_struct_pack.md, "Exercise"
//! 40 students · page 1/2 · P pass · F fail · S skip · · not yet
//! ```
//!
//! Every line fits the terminal's width (a CJK name takes two columns: `console` measures);
//! a class taller than the terminal is shown a page at a time, the pages turning by themselves.

use std::collections::{BTreeMap, BTreeSet};

use colored::Colorize;
use console::{Alignment, measure_text_width, pad_str, truncate_str};

use super::store::{Row, Store};
use super::wire::{Known, parts};
use crate::tr;

/// The columns a student's name takes, its mark and a space included.
const NAME_WIDTH: usize = 12;

/// The space between two blocks of students side by side.
const GAP: usize = 3;

/// What the grid is drawn from.
pub struct Screen<'a> {
    pub store: &'a Store,
    pub known: &'a [Known],
    /// The lines on top: where the class listens, how students send.
    pub top: &'a [String],
    /// The last refusals and notes, newest last.
    pub events: &'a [String],
    pub width: usize,
    pub height: usize,
    /// Which page, counted from the start; taken modulo the number of pages.
    pub page: usize,
}

/// One student's latest verdicts and the addresses they came from.
#[derive(Default)]
struct Student<'a> {
    verdicts: BTreeMap<&'a str, &'a Row>,
    addresses: BTreeSet<&'a str>,
}

/// The grid's lines, each at most `screen.width` columns, at most `screen.height` lines.
pub fn draw(screen: &Screen) -> Vec<String> {
    let width = screen.width.max(20);
    let mut students: BTreeMap<&str, Student> = BTreeMap::new();
    for row in screen.store.rows() {
        let student = students.entry(row.name.as_str()).or_default();
        student.verdicts.insert(row.check.as_str(), row);
        student.addresses.insert(row.address.as_str());
    }
    // The checks of the stages received, in the checker's order, numbered from 1.
    let seen: BTreeSet<&str> = screen.store.rows().map(|r| r.check.as_str()).collect();
    let columns: Vec<&Known> = screen
        .known
        .iter()
        .filter(|k| seen.contains(k.id.as_str()))
        .collect();
    let n = columns.len();

    // A cell is a letter and a space, or just the letter when that puts more students on a
    // line (or is the only way the checks fit the width).
    let per_line = |cell: usize| ((width + GAP) / (NAME_WIDTH + n * cell + GAP)).max(1);
    let roomy = NAME_WIDTH + 2 * n <= width && (per_line(2) >= 2 || per_line(1) < 2);
    let cell = if roomy { 2 } else { 1 };
    let block = NAME_WIDTH + n * cell;
    let per_line = per_line(cell);

    let legend = legend(&columns, width);
    let bottom = most_failed(&students, &columns, width);
    let twice: Vec<String> = students
        .iter()
        .filter(|(_, s)| s.addresses.len() > 1)
        .map(|(name, s)| {
            let list: Vec<&str> = s.addresses.iter().copied().collect();
            format!("{name} ({})", list.join(", "))
        })
        .collect();
    // The checks' numbers, one digit a cell: the tens on a line above the units from 10 on.
    let digit = |d: usize| format!("{d:<cell$}");
    let tens: String = (1..=n)
        .map(|i| {
            if i < 10 {
                " ".repeat(cell)
            } else {
                digit(i / 10 % 10)
            }
        })
        .collect();
    let units: String = (1..=n).map(|i| digit(i % 10)).collect();
    let numbers = match n {
        0 => vec![],
        1..10 => vec![units],
        _ => vec![tens, units],
    };
    let fixed = screen.top.len()
        + numbers.len()
        + legend.len()
        + bottom.len()
        + usize::from(!twice.is_empty())
        + screen.events.len().min(2)
        + 1;
    let lines_for_students = screen.height.saturating_sub(fixed).max(1);
    let per_page = lines_for_students * per_line;
    let pages = students.len().div_ceil(per_page).max(1);
    let page = screen.page % pages;

    let mut out: Vec<String> = screen.top.to_vec();
    for heading in numbers {
        let heading = format!("{}{heading}", " ".repeat(NAME_WIDTH));
        out.push(vec![pad(&heading, block); per_line].join(&" ".repeat(GAP)));
    }

    let names: Vec<(&&str, &Student)> = students
        .iter()
        .skip(page * per_page)
        .take(per_page)
        .collect();
    let tall = names.len().div_ceil(per_line);
    for line in 0..tall {
        let blocks: Vec<String> = (0..per_line)
            .filter_map(|b| names.get(b * tall + line))
            .map(|(name, student)| pad(&row(name, student, &columns, cell), block))
            .collect();
        out.push(blocks.join(&" ".repeat(GAP)));
    }
    if students.is_empty() {
        out.push(tr!(
            "no result yet: each student adds --send and --name to their check (see above)",
            "还没有结果: 每个学生在 check 后面加上 --send 和 --name (见上面)"
        ));
    }
    out.extend(legend);
    out.extend(bottom);
    if !twice.is_empty() {
        let list = twice.join(", ");
        out.push(
            tr!(
                "! one name, two machines: {list}",
                "! 同一个名字, 两台机器: {list}"
            )
            .yellow()
            .to_string(),
        );
    }
    let skip = screen.events.len().saturating_sub(2);
    out.extend(screen.events[skip..].iter().cloned());
    let count = students.len();
    let page = page + 1;
    out.push(
        tr!(
            "{count} students · page {page}/{pages} · P pass · F fail · S skip · · not yet",
            "{count} 名学生 · 第 {page}/{pages} 页 · P 通过 · F 失败 · S 跳过 · · 还没有"
        )
        .dimmed()
        .to_string(),
    );
    // A terminal too short even for the lines around the grid: its top lines, never a scroll
    // (which would push the grid's first lines off the screen at every redraw).
    out.truncate(screen.height.max(1));
    out.iter()
        .map(|line| truncate_str(line, width, "…").into_owned())
        .collect()
}

/// One student's row: the name (cut to fit, `!` when it came from two machines), then a cell a
/// check.
fn row(name: &str, student: &Student, columns: &[&Known], cell: usize) -> String {
    let mark = if student.addresses.len() > 1 { "!" } else { "" };
    let name = truncate_str(name, NAME_WIDTH - 2, "…");
    let mut out = pad(&format!("{name}{mark}"), NAME_WIDTH);
    for known in columns {
        let verdict = student
            .verdicts
            .get(known.id.as_str())
            .map(|row| row.verdict.as_str());
        let letter = match verdict {
            Some("PASS") => "P".green().bold(),
            Some("FAIL") => "F".red().bold(),
            Some(_) => "S".yellow(),
            None => "·".dimmed(),
        };
        out += &letter.to_string();
        if cell > 1 {
            out.push(' ');
        }
    }
    out
}

/// `L5 server: 1 four-frames  2 one-write ...`, a stage at a time, wrapped to `width`.
fn legend(columns: &[&Known], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut stage = None;
    for (i, known) in columns.iter().enumerate() {
        let Some((lesson, role, name)) = parts(&known.id) else {
            continue;
        };
        let entry = format!("{} {name}", i + 1);
        if stage != Some((lesson, role)) {
            stage = Some((lesson, role));
            let role = match role {
                "server" => tr!("server", "服务端"),
                _ => tr!("client", "客户端"),
            };
            let head = tr!("L{lesson} {role}:", "第{lesson}课 {role}:");
            lines.push(format!("{} {entry}", head.bold()));
        } else if let Some(line) = lines.last_mut()
            && measure_text_width(line) + 2 + entry.len() <= width
        {
            *line += &format!("  {entry}");
        } else {
            lines.push(format!("    {entry}"));
        }
    }
    lines
}

/// The check most students fail, with one of them's expected and received bytes and the page.
fn most_failed(
    students: &BTreeMap<&str, Student>,
    columns: &[&Known],
    width: usize,
) -> Vec<String> {
    let failing = |id: &str| -> Vec<(&str, &Row)> {
        let rows = students
            .iter()
            .filter_map(|(name, s)| Some((*name, *s.verdicts.get(id)?)));
        rows.filter(|(_, row)| row.verdict == "FAIL").collect()
    };
    let ran = |id: &str| {
        students
            .values()
            .filter(|s| s.verdicts.contains_key(id))
            .count()
    };
    // The most failures; on a tie, the first in the checker's order (max_by_key keeps the last).
    let Some((i, known)) = columns
        .iter()
        .enumerate()
        .rev()
        .max_by_key(|(_, k)| failing(&k.id).len())
        .filter(|(_, k)| !failing(&k.id).is_empty())
    else {
        return Vec::new();
    };
    let failed_by = failing(&known.id);
    let (failed, of) = (failed_by.len(), ran(&known.id));
    let (number, id) = (i + 1, known.id.as_str());
    let mut lines = vec![
        tr!(
            "most failed: {number} {id}, by {failed} of {of} students",
            "失败最多: {number} {id}, {of} 名学生中 {failed} 名失败"
        )
        .red()
        .bold()
        .to_string(),
    ];
    // One student's bytes: the first (by name) whose failure says what it got.
    let example = failed_by
        .iter()
        .find(|(_, row)| !row.got.is_empty())
        .or(failed_by.first());
    if let Some(&(name, row)) = example {
        let field = |label: String, text: &str| {
            truncate_str(&format!("  {name} {label} {text}"), width, "…").into_owned()
        };
        lines.push(field(tr!("expected:", "应当:"), &row.expected));
        lines.push(field(tr!("got:     ", "实际:"), &row.got));
    }
    let page = known.page;
    lines.push(tr!("  see: {page}", "  参见: {page}"));
    lines
}

/// `text` padded with spaces to `width` columns (colors and wide characters counted right).
fn pad(text: &str, width: usize) -> String {
    pad_str(text, width, Alignment::Left, None).into_owned()
}

#[cfg(test)]
mod tests;
