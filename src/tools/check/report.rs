//! The verdicts: one line a check (PASS, FAIL or SKIP, the id, what was done), what failed and
//! where the lesson explains it, then the summary line; or the same as one JSON object.

use colored::Colorize;
use serde::Serialize;

use super::{Check, Ctx, Role, Stop, pick};
use crate::tr;

/// How many of the program's last lines a failure shows.
const TAIL: usize = 4;

/// The verdict on one check, as the report and the JSON give it.
#[derive(Serialize)]
pub struct Verdict {
    pub id: &'static str,
    /// `PASS`, `FAIL` or `SKIP`.
    pub verdict: &'static str,
    /// What the check did.
    pub did: String,
    pub expected: Option<String>,
    pub got: Option<String>,
    /// The program's last lines, for a failure.
    pub output: Vec<String>,
    /// A Python traceback's last line, for a failure.
    pub traceback: Option<String>,
    /// The page and heading that explain it, for a failure; why, for a skip.
    pub hint: Option<String>,
}

/// The whole run, as `--json` writes it.
#[derive(Serialize)]
pub struct Run {
    pub lesson: u8,
    pub role: Role,
    pub checks: Vec<Verdict>,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// Play `checks` in order against `ctx`; `Err` if the program could not be started at all.
pub fn play(lesson: u8, role: Role, checks: &[&Check], ctx: &mut Ctx) -> Result<Run, String> {
    let mut verdicts = Vec::new();
    for check in checks {
        let did = pick(check.does).to_string();
        let outcome = if check.needs_command && ctx.command.is_empty() {
            Err(Stop::Skip(tr!(
                "needs the program itself: give its command after --",
                "需要程序本身: 请在 -- 之后给出启动它的命令"
            )))
        } else {
            (check.run)(ctx)
        };
        let (output, traceback) = match &ctx.program {
            Some(program) => (program.tail(TAIL), program.traceback()),
            None => (Vec::new(), None),
        };
        ctx.end_program();
        let verdict = match outcome {
            Ok(()) => Verdict::new(check.id, "PASS", did),
            Err(Stop::Unstartable(why)) => return Err(why),
            Err(Stop::Skip(why)) => {
                Verdict { hint: Some(why), ..Verdict::new(check.id, "SKIP", did) }
            }
            Err(Stop::Fail { expected, got }) => Verdict {
                expected: Some(expected),
                got: Some(got),
                output,
                traceback,
                hint: Some(pick(check.page).to_string()),
                ..Verdict::new(check.id, "FAIL", did)
            },
        };
        verdicts.push(verdict);
    }
    let count = |v: &str| verdicts.iter().filter(|x| x.verdict == v).count();
    Ok(Run {
        lesson,
        role,
        passed: count("PASS"),
        failed: count("FAIL"),
        skipped: count("SKIP"),
        checks: verdicts,
    })
}

impl Verdict {
    fn new(id: &'static str, verdict: &'static str, did: String) -> Verdict {
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

/// The report for a person: a line a check, the details of a failure, the summary.
pub fn print(run: &Run) -> String {
    let mut out = String::new();
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
        line(format!("{tag}  {}  {}", check.id, check.did));
        let field = |name: String, value: &str| format!("      {}: {value}", name.dimmed());
        if let Some(expected) = &check.expected {
            line(field(tr!("expected", "应当"), expected));
        }
        if let Some(got) = &check.got {
            line(field(tr!("got", "实际"), got));
        }
        if !check.output.is_empty() {
            let heading = tr!("the program's last lines", "程序最后的输出");
            line(format!("      {}:", heading.dimmed()));
            for output in &check.output {
                line(format!("        | {output}"));
            }
        }
        if let Some(traceback) = &check.traceback {
            line(field(tr!("traceback", "异常"), traceback));
        }
        if let Some(hint) = &check.hint {
            let name = match check.verdict {
                "SKIP" => tr!("why", "原因"),
                _ => tr!("see", "参见"),
            };
            line(field(name, hint));
        }
    }
    line(summary(run));
    out
}

/// `server` or `client`, in the language in use.
fn role_name(role: Role) -> &'static str {
    match role {
        Role::Server => pick(["server", "服务端"]),
        Role::Client => pick(["client", "客户端"]),
    }
}

/// `lesson 6 client: 9 checks, 6 passed, 3 failed`.
pub fn summary(run: &Run) -> String {
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
        let here = Some((check.lesson(), check.role()));
        if here != last {
            let (lesson, role) = (check.lesson(), role_name(check.role()));
            let heading = tr!("lesson {lesson} {role}", "第 {lesson} 课 {role}");
            out += &format!("\n{}\n", heading.bold());
            last = here;
        }
        let id = format!("  {:<34}", check.id);
        out += &format!("{}\n", crate::output::say::hung(&id, pick(check.does)));
    }
    out += &tr!(
        "\ncheck one: cargo run -- check 6 client -- python3 client.py\na server already running: cargo run -- check 3 server --port 8080\n",
        "\n检查一项: cargo run -- check 6 client -- python3 client.py\n检查已经在运行的服务端: cargo run -- check 3 server --port 8080\n"
    );
    out
}
