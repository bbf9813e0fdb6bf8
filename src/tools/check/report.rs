//! The verdicts: one line a check (PASS, FAIL or SKIP, the id, what was done), what failed and
//! where the lesson explains it, then the summary line; or the same as one JSON object.

use colored::Colorize;
use console::measure_text_width;
use serde::Serialize;

use super::{Check, Ctx, Side, Stop};
use crate::tr;
use crate::words::lang::pick;

/// How many of the program's last lines a failure shows.
const TAIL: usize = 4;

/// The verdict on one check, as the report and the JSON give it.
#[derive(Serialize)]
pub struct Verdict {
    pub id: String,
    /// `PASS`, `FAIL` or `SKIP`.
    pub verdict: &'static str,
    /// What the check did.
    pub did: String,
    pub expected: Option<String>,
    pub got: Option<String>,
    /// The program's last lines, for a failure.
    pub output: Vec<String>,
    /// How the program crashed, in one line (a runtime's report, a signal), for a failure.
    pub traceback: Option<String>,
    /// The page and heading that explain it, for a failure; why, for a skip.
    pub hint: Option<String>,
}

/// The whole run, as `--json` writes it.
#[derive(Serialize)]
pub struct Report {
    pub lesson: u8,
    pub role: Side,
    pub checks: Vec<Verdict>,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// Play `checks` in order against `ctx`; `Err` if the program could not be started at all.
pub fn play(lesson: u8, role: Side, checks: &[&Check], ctx: &mut Ctx) -> Result<Report, String> {
    let mut verdicts = Vec::new();
    for check in checks {
        let did = pick(check.does).to_string();
        let outcome = if check.needs_command && ctx.command.is_empty() {
            Err(Stop::Skip(tr!(
                "needs the program itself: give its command after --",
                "需要程序本身: 请在 -- 之后给出启动它的命令"
            )))
        } else {
            (check.play)(ctx)
        };
        let (output, traceback) = match &mut ctx.program {
            Some(program) => (program.tail(TAIL), program.crash()),
            None => (Vec::new(), None),
        };
        ctx.end_program();
        let verdict = match outcome {
            Ok(()) => Verdict::new(check.id(), "PASS", did),
            Err(Stop::Unstartable(why)) => return Err(why),
            Err(Stop::Skip(why)) => {
                Verdict { hint: Some(why), ..Verdict::new(check.id(), "SKIP", did) }
            }
            Err(Stop::Fail { expected, got }) => Verdict {
                expected: Some(expected),
                got: Some(got),
                output,
                traceback,
                hint: Some(pick(check.page).to_string()),
                ..Verdict::new(check.id(), "FAIL", did)
            },
        };
        verdicts.push(verdict);
    }
    let count = |v: &str| verdicts.iter().filter(|x| x.verdict == v).count();
    Ok(Report {
        lesson,
        role,
        passed: count("PASS"),
        failed: count("FAIL"),
        skipped: count("SKIP"),
        checks: verdicts,
    })
}

impl Verdict {
    fn new(id: String, verdict: &'static str, did: String) -> Verdict {
        Verdict {
            id,
            verdict,
            did,
            expected: None,
            got: None,
            output: Vec::new(),
            traceback: None,
            hint: None,
        }
    }
}

/// The report for a person: a line a check, the details of a failure, the summary. Expected
/// and received stand one above the other, in one notation, so a caret lines up; a failure
/// with the same cause as an earlier one says so in one line instead of again in full; every
/// line of words is wrapped to the terminal.
pub fn print(run: &Report) -> String {
    let width = crate::output::lanes::terminal_width();
    let mut out = String::new();
    let mut causes: Vec<(String, &str)> = Vec::new();
    // Writing into a String cannot fail.
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    for check in &run.checks {
        let tag = match check.verdict {
            "PASS" => check.verdict.green().bold(),
            "FAIL" => check.verdict.red().bold(),
            _ => check.verdict.yellow().bold(),
        };
        for (i, piece) in wrap(&format!("{}  {}", check.id, check.did), width - 6)
            .iter()
            .enumerate()
        {
            match i {
                0 => line(format!("{tag}  {piece}")),
                _ => line(format!("      {piece}")),
            }
        }
        let cause = format!("{:?}{:?}{:?}", check.expected, check.got, check.traceback);
        if check.verdict == "FAIL" {
            if let Some((_, first)) = causes.iter().find(|(c, _)| *c == cause) {
                let same = tr!("same cause as {first}", "原因同 {first}");
                line(format!("      {}", same.dimmed()));
                continue;
            }
            causes.push((cause, &check.id));
        }
        // The labels padded to one width: the values start in one column.
        let names = [
            tr!("expected", "应当"),
            tr!("received", "实际"),
            tr!("crash", "崩溃"),
            tr!("see", "参见"),
            tr!("why", "原因"),
        ];
        let pad = names
            .iter()
            .map(|n| measure_text_width(n))
            .max()
            .unwrap_or(0);
        let field = |name: &str, value: &str| -> Vec<String> {
            let label = format!("{name}:{}", " ".repeat(pad - measure_text_width(name)));
            let indent = 6 + pad + 2;
            let lines: Vec<String> = if value.contains('\n') {
                value.lines().map(str::to_string).collect()
            } else {
                wrap(value, width.saturating_sub(indent))
            };
            lines
                .iter()
                .enumerate()
                .map(|(i, text)| match i {
                    0 => format!("      {} {text}", label.dimmed()),
                    _ => format!("{}{text}", " ".repeat(indent)),
                })
                .collect()
        };
        let [expected, received, crash, see, why] = &names;
        let mut fields = Vec::new();
        if let Some(value) = &check.expected {
            fields.extend(field(expected, value));
        }
        if let Some(value) = &check.got {
            fields.extend(field(received, value));
        }
        if let Some(value) = &check.traceback {
            fields.extend(field(crash, value));
        }
        fields.into_iter().for_each(&mut line);
        if !check.output.is_empty() {
            let heading = tr!("the program's last lines", "程序最后的输出");
            line(format!("      {}:", heading.dimmed()));
            for output in &check.output {
                line(format!("        | {output}"));
            }
        }
        if let Some(hint) = &check.hint {
            let name = if check.verdict == "SKIP" { why } else { see };
            field(name, hint).into_iter().for_each(&mut line);
        }
    }
    line(summary(run));
    out
}

/// Cut `text` into lines at most `width` columns wide, at a space, or between two CJK
/// characters (each two columns wide); a word longer than a line is left whole.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = vec![String::new()];
    let mut pieces: Vec<String> = Vec::new();
    // Pieces: words with their space before, and each wide character alone.
    let mut word = String::new();
    for c in text.chars() {
        let wide = measure_text_width(c.encode_utf8(&mut [0; 4])) == 2;
        if c == ' ' || wide {
            if !word.is_empty() {
                pieces.push(std::mem::take(&mut word));
            }
            if wide {
                pieces.push(c.to_string());
                continue;
            }
        }
        word.push(c);
    }
    pieces.push(word);
    for piece in pieces {
        let last = lines.last_mut().expect("one line at least");
        if !last.is_empty() && measure_text_width(last) + measure_text_width(&piece) > width {
            lines.push(piece.trim_start().to_string());
        } else {
            last.push_str(&piece);
        }
    }
    lines
}

/// `server` or `client`, in the language in use.
fn role_name(role: Side) -> &'static str {
    match role {
        Side::Server => pick(["server", "服务端"]),
        Side::Client => pick(["client", "客户端"]),
    }
}

/// `lesson 6 client: 9 checks, 6 passed, 3 failed`.
pub fn summary(run: &Report) -> String {
    let (lesson, n, passed, failed) = (run.lesson, run.checks.len(), run.passed, run.failed);
    let role = role_name(run.role);
    let checks = crate::words::text::count(n, "check", "checks");
    let mut line = tr!(
        "lesson {lesson} {role}: {checks}, {passed} passed, {failed} failed",
        "第 {lesson} 课 {role}: {n} 项检查, {passed} 项通过, {failed} 项失败"
    );
    if run.skipped > 0 {
        let skipped = run.skipped;
        line += &tr!(", {skipped} skipped", ", {skipped} 项跳过");
    }
    line
}

/// Every check, by lesson and role: what `cargo run -- check` alone prints.
pub fn list(checks: &[Check]) -> String {
    let mut out = String::new();
    let mut last = None;
    for check in checks {
        let here = Some((check.lesson, check.side));
        if here != last {
            let (lesson, role) = (check.lesson, role_name(check.side));
            let heading = tr!("lesson {lesson} {role}", "第 {lesson} 课 {role}");
            out += &format!("\n{}\n", heading.bold());
            last = here;
        }
        let id = format!("  {:<34}", check.id());
        out += &format!("{}\n", crate::output::say::hung(&id, pick(check.does)));
    }
    // `cargo run --` in a Cargo build folder, `socket-lessons` once installed: as it runs here.
    let run = crate::words::cli::program("socket-lessons");
    out += &tr!(
        "\ncheck one: {run} check 6 client -- python3 client.py\na server already running: {run} check 3 server --port 8080\n",
        "\n检查一项: {run} check 6 client -- python3 client.py\n检查已经在运行的服务端: {run} check 3 server --port 8080\n"
    );
    out
}
