//! The classroom runner's table and its ways to play it (`cargo run`, `src/main.rs`): every
//! stage of the course in the material's order, each under a heading with the material's own
//! section title, its idea in one line and what to watch for; `list`; a pause before each stage.
//!
//! One list drives it ([`LESSONS`], `src/tools/lessons.rs`): a stage is a lesson and its
//! arguments, played through the lesson's own parser and `run` (each lesson's `play`, which
//! `src/main.rs` hands over), so what the runner shows is exactly what `cargo run --bin NN_name
//! -- ARGS` shows.

use std::io::{self, BufRead, IsTerminal, Write};

use colored::Colorize;

use crate::tools::lessons::{LESSONS, Lesson, Stage};
use crate::words::lang;
use crate::{Result, output::say, tr, words::cli};

/// A lesson's way in: its `play`, given a command line.
pub type Play = fn(&[&str]) -> Result<()>;

/// Every lesson's way in, by its program's name: `src/main.rs` compiles the lessons in.
pub type Plays<'a> = &'a [(&'static str, Play)];

/// Play what the command line chose: every stage (`choices` empty), the stages of some lessons
/// (`3`, `3 5`, `3-5`), or the table (`list`); with `pause`, ask before each stage.
pub fn run(choices: &[String], pause: bool, plays: Plays) -> Result<()> {
    // Every lesson of the list has its way in: a lesson missing from `src/main.rs` fails here.
    if let Some(lesson) = LESSONS
        .iter()
        .find(|l| !plays.iter().any(|p| p.0 == l.binary))
    {
        return Err(format!("no lesson {} in the runner (src/main.rs)", lesson.binary).into());
    }
    if choices.iter().any(|choice| choice == "list") {
        list();
        return Ok(());
    }
    let mut numbers = Vec::new();
    for choice in choices {
        numbers.extend(chosen(choice)?);
    }
    let stages =
        stages().filter(|(lesson, _)| numbers.is_empty() || numbers.contains(&lesson.number));
    play(stages, pause, plays)
}

/// Every stage of the course, in order, with its lesson.
fn stages() -> impl Iterator<Item = (&'static Lesson, &'static Stage)> {
    LESSONS
        .iter()
        .flat_map(|lesson| lesson.stages.iter().map(move |stage| (lesson, stage)))
}

/// `03_conn_loop backlog`: the program and, for a side show, its subcommand.
fn name(lesson: &Lesson, stage: &Stage) -> String {
    match stage.args.split(' ').next() {
        Some(part) if !part.is_empty() => format!("{} {part}", lesson.binary),
        _ => lesson.binary.to_string(),
    }
}

/// The command that plays this stage alone.
fn command(lesson: &Lesson, stage: &Stage) -> String {
    if let Some(args) = stage.args.strip_prefix("between") {
        let runner = cli::program("socket-lessons");
        return format!("{runner} between {}{args}", lesson.number);
    }
    let program = cli::program(lesson.binary);
    match stage.args {
        "" => program.trim_end_matches(" --").to_string(),
        args => format!("{program} {args}"),
    }
}

/// Play a stage: the lesson's own `play`, given the stage's arguments as its command line.
fn play_stage(lesson: &Lesson, stage: &Stage, plays: Plays) -> Result<()> {
    // A stage of `between` (src/tools/between): the relay tool, with the lesson's pair.
    if let Some(args) = stage.args.strip_prefix("between") {
        return crate::tools::between::play(plays, &format!("{}{args}", lesson.number));
    }
    let play = plays
        .iter()
        .find(|(binary, _)| *binary == lesson.binary)
        .map(|(_, play)| play)
        .ok_or_else(|| format!("no lesson {} in the runner", lesson.binary))?;
    let args: Vec<&str> = std::iter::once(lesson.binary)
        .chain(stage.args.split_whitespace())
        .collect();
    play(&args)
}

/// `3`, `03` or `3-5`: lessons that exist, or one line saying what to give instead.
fn chosen(choice: &str) -> Result<Vec<usize>> {
    let last = Lesson::last();
    let number = |text: &str| {
        text.trim_start_matches('0')
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=last).contains(n))
    };
    let range = match choice.split_once('-') {
        Some((from, to)) => number(from).zip(number(to)).filter(|(from, to)| from <= to),
        None => number(choice).map(|n| (n, n)),
    };
    match range {
        Some((from, to)) => Ok((from..=to).collect()),
        // `cargo run -- --lang zh check ...`: a tool's name after the runner's own options.
        None if ["check", "between", "class"].contains(&choice) => Err(tr!(
            "`{choice}` comes first, its options after it: cargo run -- {choice} ... --lang zh",
            "`{choice}` 必须放在最前面, 选项放在它后面: cargo run -- {choice} ... --lang zh"
        )
        .into()),
        None => Err(tr!(
            "there is no lesson {choice:?}: give lesson numbers from 1 to {last} (3, 3 5, 3-5), or `list`",
            "没有这一课 {choice:?}: 请给出 1 到 {last} 的课号 (3, 3 5, 3-5), 或者 `list`"
        )
        .into()),
    }
}

/// The table of stages: number, the material's section, the idea, what to watch, the command.
fn list() {
    let watch = tr!("watch for", "注意看");
    let alone = tr!("run alone", "单独运行");
    for (lesson, stage) in stages() {
        // The name first and padded: it is ASCII, so the section titles line up in any font.
        let name = name(lesson, stage);
        let heading = format!("{:02}  {name:<26}{}", lesson.number, stage.section);
        say::plain(&heading.bold().to_string());
        say::hanging("   ", lang::pick(stage.idea));
        say::hanging(&format!("    {watch}:"), lang::pick(stage.watch));
        say::hanging(&format!("    {alone}:"), &command(lesson, stage));
    }
    say::plain("");
    let runner = cli::program("socket-lessons");
    // One hint a line: side by side they pass 80 columns, and a command is never cut.
    say::plain(&tr!(
        "play one lesson's stages: {runner} 3 (several: 3 5, 3-5)",
        "只播放一课: {runner} 3 (多课: 3 5, 3-5)"
    ));
    say::plain(&tr!(
        "everything, pausing before each stage: {runner} --pause",
        "全部播放, 每段之前暂停: {runner} --pause"
    ));
}

/// What the teacher answered at a pause.
enum Answer {
    Play,
    Skip,
    Quit,
}

/// Play `stages` in order, each under its heading; with `pause`, ask before each.
fn play(
    stages: impl IntoIterator<Item = (&'static Lesson, &'static Stage)>,
    pause: bool,
    plays: Plays,
) -> Result<()> {
    // Pausing needs someone at the keyboard: with stdin a pipe or a file, never wait.
    let pause = pause && io::stdin().is_terminal();
    let watch = tr!("watch for", "注意看");
    for (index, (lesson, stage)) in stages.into_iter().enumerate() {
        if index > 0 {
            say::plain("");
        }
        // Headings are the runner's, not a side of a conversation: untagged, also with --lanes.
        let name = name(lesson, stage);
        let heading = format!("== {name} · {} ==", stage.section);
        say::plain(&heading.bold().to_string());
        say::hanging("  ", lang::pick(stage.idea));
        // Bold, not dim: a projector washes faint text out, and the whole room reads this.
        let watch = format!("   {watch}:").bold().to_string();
        say::hanging(&watch, lang::pick(stage.watch));
        // After the heading: the teacher can talk about the idea before the demo runs.
        match if pause { ask()? } else { Answer::Play } {
            Answer::Play => play_stage(lesson, stage, plays).map_err(|e| format!("{name}: {e}"))?,
            Answer::Skip => continue,
            Answer::Quit => break,
        }
    }
    Ok(())
}

/// Ask at a pause: Enter plays the stage, `s` skips it, `q` (or the end of input) quits.
fn ask() -> Result<Answer> {
    // A line is read, so a letter counts once Enter follows it: the prompt says so.
    let prompt = tr!(
        "   Enter: play it · s, Enter: skip · q, Enter: quit ",
        "   回车: 播放 · s 再回车: 跳过 · q 再回车: 退出 "
    );
    print!("{}", prompt.bold());
    io::stdout().flush()?;
    let mut answer = String::new();
    if io::stdin().lock().read_line(&mut answer)? == 0 {
        return Ok(Answer::Quit);
    }
    Ok(match answer.trim() {
        "s" | "S" => Answer::Skip,
        "q" | "Q" => Answer::Quit,
        _ => Answer::Play,
    })
}
