//! The class's results, kept whole on disk as they arrive: `--csv FILE`, one row a student and
//! check, rewritten at every result into a temp file beside it and renamed over it, so the file
//! is always a whole CSV, before or after a result, never half of one (SIGTERM, a power cut).
//!
//! ```text
//! time,name,address,lesson,role,check,verdict,expected,got
//! 2026-12-03T10:31:07Z,s07,192.168.1.37,5,server,05.server.big-body,FAIL,"each message…",…
//! ```
//!
//! Written by hand, not with the `csv` crate: nine columns, quoted when a field holds a comma
//! or a quote, and no field ever holds a line break or another control character ([`clean`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::tr;

/// The first line of a class's CSV: a file that does not start with it is not ours to rewrite.
pub const HEADER: &str = "time,name,address,lesson,role,check,verdict,expected,got";

/// One student's verdict on one check, as a row of the CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// When the result arrived, in UTC: `2026-12-03T10:31:07Z`.
    pub time: String,
    pub name: String,
    /// The IP address it came from: the same name from two addresses is two machines.
    pub address: String,
    pub lesson: u8,
    /// `server` or `client`.
    pub role: String,
    /// The check's id, `05.server.big-body`.
    pub check: String,
    /// `PASS`, `FAIL` or `SKIP`.
    pub verdict: String,
    /// What the check expected and what it got, for a failure (empty otherwise).
    pub expected: String,
    pub got: String,
}

/// Every student's latest verdict on every check, and the file they are kept in.
pub struct Store {
    file: Option<PathBuf>,
    /// By student, then check: a later result for the same check replaces the earlier one.
    rows: BTreeMap<(String, String), Row>,
}

impl Store {
    /// A store kept in `file` (read back if it is there), or in memory only.
    pub fn open(file: Option<PathBuf>) -> Result<Store, String> {
        let mut store = Store { file, rows: BTreeMap::new() };
        let Some(path) = &store.file else {
            return Ok(store);
        };
        let shown = path.display();
        match std::fs::read(path) {
            Ok(bytes) => {
                for row in from_csv(&String::from_utf8_lossy(&bytes))
                    .map_err(|why| tr!("{shown}: {why}", "{shown}: {why}"))?
                {
                    store
                        .rows
                        .insert((row.name.clone(), row.check.clone()), row);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(tr!("cannot read {shown}: {e}", "无法读取 {shown}: {e}")),
        }
        // Written once now: a folder that is not there or not writable is said at the start,
        // not at the first student's result.
        save(path, &store.to_csv()).map_err(|e| {
            let e = crate::sockets::oserror::words(&e);
            tr!("cannot write {shown}: {e}", "无法写入 {shown}: {e}")
        })?;
        Ok(store)
    }

    /// Put `rows` in, each replacing the same student's earlier verdict on that check, then write
    /// the whole file again.
    pub fn add(&mut self, rows: Vec<Row>) -> io::Result<()> {
        for row in rows {
            self.rows.insert((row.name.clone(), row.check.clone()), row);
        }
        match &self.file {
            Some(path) => save(path, &self.to_csv()),
            None => Ok(()),
        }
    }

    /// Every row, by student, then check id.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.values()
    }

    /// How many students have sent something.
    pub fn students(&self) -> usize {
        self.rows
            .keys()
            .map(|(name, _)| name)
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// Has `name` sent anything yet?
    pub fn knows(&self, name: &str) -> bool {
        let from = (name.to_string(), String::new());
        self.rows
            .range(from..)
            .next()
            .is_some_and(|((n, _), _)| n == name)
    }

    /// The whole CSV, header first.
    pub fn to_csv(&self) -> String {
        to_csv(self.rows.values())
    }
}

/// Write `text` to `path` whole: into a temp file in the same folder, flushed to the disk, then
/// renamed over `path`. A rename within one folder replaces the file in one step (on Windows
/// too: `MoveFileEx` with `MOVEFILE_REPLACE_EXISTING`), so a reader, or the class started again
/// after a crash, finds the old file or the new one, never a mix.
pub fn save(path: &Path, text: &str) -> io::Result<()> {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".class-")
        .suffix(".csv.tmp")
        .tempfile_in(folder)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The rows as CSV, header first.
pub fn to_csv<'a>(rows: impl IntoIterator<Item = &'a Row>) -> String {
    let mut out = format!("{HEADER}\n");
    for row in rows {
        let Row {
            time,
            name,
            address,
            lesson,
            role,
            check,
            verdict,
            expected,
            got,
        } = row;
        let lesson = lesson.to_string();
        let fields = [
            time, name, address, &lesson, role, check, verdict, expected, got,
        ];
        let line: Vec<String> = fields.iter().map(|field| field_out(field)).collect();
        out += &line.join(",");
        out.push('\n');
    }
    out
}

/// One field as CSV writes it: quoted (a quote doubled) when it holds a comma or a quote or
/// starts or ends with a space; a field a spreadsheet would run as a formula (`=`, `+`, `-`, `@`
/// first) gets a `'` in front, as OWASP advises for CSV a peer wrote into.
fn field_out(field: &str) -> String {
    let field = clean(field);
    let field = match field.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{field}"),
        _ => field,
    };
    if field.contains([',', '"']) || field.starts_with(' ') || field.ends_with(' ') {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

/// The rows of a CSV that [`to_csv`] wrote, or why it is not one (the line number, and what).
pub fn from_csv(text: &str) -> Result<Vec<Row>, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        None => return Ok(Vec::new()),
        Some((_, header)) if header.trim_start_matches('\u{feff}') == HEADER => {}
        Some(_) => {
            return Err(tr!(
                "not a class's CSV (its first line is not `{HEADER}`): give another --csv, this file stays as it is",
                "不是课堂结果的 CSV (第一行不是 `{HEADER}`): 请换一个 --csv, 这个文件不会被改动"
            ));
        }
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        if line.is_empty() {
            continue;
        }
        let number = i + 1;
        let fields = split_line(line);
        let [
            time,
            name,
            address,
            lesson,
            role,
            check,
            verdict,
            expected,
            got,
        ] = <[String; 9]>::try_from(fields).map_err(|fields| {
            tr!(
                "line {number} has {} fields, not 9",
                "第 {number} 行有 {} 个字段, 不是 9 个",
                fields.len()
            )
        })?;
        let lesson = lesson.parse().map_err(|_| {
            tr!(
                "line {number}: the lesson {lesson:?} is not a number",
                "第 {number} 行: 课号 {lesson:?} 不是数字"
            )
        })?;
        rows.push(Row {
            time,
            name,
            address,
            lesson,
            role,
            check,
            verdict,
            expected,
            got,
        });
    }
    Ok(rows)
}

/// The fields of one line: commas split, a quoted field may hold commas and doubled quotes.
/// What a hand-edited file holds is [`clean`]ed here too.
fn split_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(clean(&std::mem::take(&mut field))),
            _ => field.push(c),
        }
    }
    fields.push(clean(&field));
    fields
}

/// A peer's text with every character that could act on a terminal or break a line (control
/// characters, invisible format characters) written as the escape Python would show
/// (`\x1b`, `\u200b`): the course's rules ([`quoted`](crate::words::text::quoted)), without the
/// quotes around. Everything else, Chinese included, stays as it is.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let one = crate::words::text::quoted(c.encode_utf8(&mut buf).as_bytes());
        // `quoted` shows a printable character as itself between two quotes; quotes and the
        // backslash it escapes for Python's sake are printable here.
        if one.len() == c.len_utf8() + 2 || matches!(c, '\'' | '"' | '\\' | ' ') {
            out.push(c);
        } else {
            out.push_str(&one[1..one.len() - 1]);
        }
    }
    out
}

/// Now, in UTC, as the CSV writes it: `2026-12-03T10:31:07Z`.
pub fn now() -> String {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    utc(seconds)
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`, std only (Howard Hinnant's `civil_from_days`).
pub fn utc(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    );
    out
}

#[cfg(test)]
mod tests;
