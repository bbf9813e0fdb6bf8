//! `cargo run -- between LESSON [--server CMD] [--client CMD] [--cut SCHEDULE]... [--compare]`:
//! the course between the student's own client and server, re-cutting the stream each way, so
//! the same bytes arrive cut differently and the student sees whether their framing holds.
//!
//! The layers: [`cut`], the schedules and where they cut; [`relay`], one run of the pair with
//! the relay between; [`view`], a run drawn in two lanes; [`compare`], what the receiving
//! program printed under one cut against another. A side left out is played by the course's own
//! program of that lesson: this same executable, started again with `__lesson` ([`lesson`]).

pub mod compare;
pub mod cut;
pub mod relay;
pub mod view;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use self::cut::Cuts;
use self::relay::End;
use crate::output::say;
use crate::tools::runner::Plays;
use crate::tr;
use crate::words::lang::{self, Lang};

/// What `--compare` runs when no `--cut` is given: the stream whole, byte by byte, around each
/// write, and three seeded random cuttings.
const DEFAULT_COMPARE: [&str; 6] = ["whole", "1", "boundary", "random:1", "random:2", "random:3"];

/// The one cut of a view without `--cut`: every byte alone, the harshest.
const DEFAULT_VIEW: &str = "1";

/// Put the course between your client and your server: it relays both ways and cuts each
/// direction where --cut says, so you see whether your reads put the messages back together.
/// In a command, {port} (and $PORT) is the port: where your server must listen, where your
/// client must connect. A side you leave out is played by the course's own program.
/// Examples: `between 4 --server "python3 server.py {port}" --cut 1`,
/// `between 5 --server "python3 server.py" --client "python3 client.py" --compare`.
#[derive(Parser, Debug)]
#[command(name = "socket-lessons between")]
pub struct Cli {
    /// The lesson whose programs these are: 1 to 6.
    #[arg(value_parser = clap::value_parser!(u8).range(1..=6))]
    pub lesson: u8,
    /// Your server's command, in quotes: it must listen on {port} (or $PORT).
    #[arg(long, value_name = "CMD")]
    pub server: Option<String>,
    /// Your client's command, in quotes: it must connect to {port} (or $PORT).
    #[arg(long, value_name = "CMD")]
    pub client: Option<String>,
    /// The port your server listens on, if it cannot be told ({port}, $PORT): the material's
    /// programs listen on 8080. Without it, a free port the OS picks for each run.
    #[arg(long)]
    pub port: Option<u16>,
    /// How to cut: whole, 1, N, boundary, random:SEED or at:3,7,12; both directions, or
    /// S/T: S for the bytes the server reads, T for the client's. Repeat it to run each.
    #[arg(long = "cut", value_name = "SCHEDULE", value_parser = Cuts::parse)]
    pub cuts: Vec<Cuts>,
    /// Run once per cut and compare what your programs printed (the course's, if you give
    /// none): exit 0 when it is the same every time, 1 when not.
    #[arg(long)]
    pub compare: bool,
    /// The language: zh (中文) or en. Without it, the locale decides.
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

/// `cargo run -- between ...`: parse the process's arguments (`between` is the first) and run.
pub fn main(plays: Plays) -> ExitCode {
    let cli: Cli = crate::words::help::parse_from(std::env::args_os().skip(1));
    lang::init(cli.lang);
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        colored::control::set_override(false);
    }
    match run(&cli, plays) {
        Ok(code) => ExitCode::from(code),
        Err(why) => {
            say::error(&why);
            ExitCode::from(2)
        }
    }
}

/// The hidden way in that plays the course's side: `socket-lessons __lesson 05_struct_pack
/// server --port N`, the lesson's own parser and `run`, as the classroom runner plays it.
pub fn lesson(plays: Plays) -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(2)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let chinese = args.windows(2).any(|pair| pair == ["--lang", "zh"]);
    lang::init(Some(if chinese { Lang::Zh } else { Lang::En }));
    let Some((_, play)) = args
        .first()
        .and_then(|name| plays.iter().find(|(lesson, _)| lesson == name))
    else {
        say::error(&tr!("no such lesson", "没有这一课"));
        return ExitCode::from(2);
    };
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    crate::report(play(&words))
}

/// The classroom runner's way in (a stage of `src/tools/runner.rs`): `args` as on the command
/// line after `between`; a difference or a run that could not end is an error.
pub fn play(plays: Plays, args: &str) -> crate::Result<()> {
    let words = std::iter::once("between").chain(args.split_whitespace());
    let cli = <Cli as Parser>::try_parse_from(words)?;
    match run(&cli, plays)? {
        0 => Ok(()),
        _ => Err(tr!("the outputs differ", "输出不同").into()),
    }
}

/// Run the pair under each cut: the view of each, or with `--compare` the verdict; the exit
/// code (0 the same, 1 a difference, 2 a run ended early). `Err` is one line for an exit of 2:
/// nothing could be compared.
pub fn run(cli: &Cli, plays: Plays) -> Result<u8, String> {
    let server = command(cli.server.as_deref(), cli.lesson, End::Server, plays)?;
    let client = command(cli.client.as_deref(), cli.lesson, End::Client, plays)?;
    let defaults: &[&str] = if cli.compare {
        &DEFAULT_COMPARE
    } else {
        &[DEFAULT_VIEW]
    };
    let cuts: Vec<Cuts> = match cli.cuts.is_empty() {
        true => defaults
            .iter()
            .filter_map(|text| Cuts::parse(text).ok())
            .collect(),
        false => cli.cuts.clone(),
    };
    let width = view::width();
    if !cli.compare {
        let mut code = 0;
        for cut in &cuts {
            let run = relay::run(&server, &client, cut, cli.port)?;
            say::plain(&view::draw(&run, cut, width));
            if run.stopped.is_some() {
                code = 2;
            }
        }
        return Ok(code);
    }
    // Judged: the programs the student gave; with none, the course's own pair.
    let mut judged: Vec<End> = [(End::Server, &cli.server), (End::Client, &cli.client)]
        .into_iter()
        .filter_map(|(side, given)| given.as_ref().map(|_| side))
        .collect();
    if judged.is_empty() {
        judged = vec![End::Server, End::Client];
    }
    let mut first: Option<(Cuts, Vec<String>)> = None;
    for cut in &cuts {
        let run = relay::run(&server, &client, cut, cli.port)?;
        if let Some(why) = &run.stopped {
            say::plain(&view::draw(&run, cut, width));
            return Err(tr!("--cut {cut}: {why}", "--cut {cut}: {why}"));
        }
        let printed = compare::printed(&run, &judged);
        let Some((base_cut, base)) = &first else {
            first = Some((cut.clone(), printed));
            continue;
        };
        if let Some(at) = compare::first_difference(base, &printed) {
            let titles = [format!("--cut {base_cut}"), format!("--cut {cut}")];
            let who = names(&judged);
            say::plain(&tr!(
                "what the {who} printed differs: under --cut {base_cut} and --cut {cut}, from line {}:",
                "{who}的输出不同: --cut {base_cut} 与 --cut {cut}, 从第 {} 行起:",
                at + 1
            ));
            say::plain(&compare::side_by_side(
                [&titles[0], &titles[1]],
                base,
                &printed,
                at,
                width,
            ));
            // The command on a line of its own, whole, to be copied: never wrapped.
            say::plain(&tr!("replay it:", "重放这一次:"));
            say::plain(&format!("  {}", replay_line(cli, base_cut, &run.replay)));
            return Ok(1);
        }
    }
    let n = cuts.len();
    let who = names(&judged);
    say::plain(&tr!(
        "your framing holds under {n} cuts: {who} printed the same each time",
        "你的分帧经得住 {n} 种切法: {who}每次打印的行都一样"
    ));
    Ok(0)
}

/// `server`, `server and client`: the judged sides, named.
fn names(judged: &[End]) -> String {
    let names: Vec<String> = judged.iter().map(|side| side.name()).collect();
    names.join(&tr!(" and ", "和"))
}

/// The command that runs the same comparison again under the two cuts that differed.
fn replay_line(cli: &Cli, base: &Cuts, cut: &Cuts) -> String {
    let mut words = vec![
        crate::words::cli::program("socket-lessons"),
        "between".to_string(),
        cli.lesson.to_string(),
    ];
    for (flag, given) in [("--server", &cli.server), ("--client", &cli.client)] {
        if let Some(command) = given {
            words.push(format!("{flag} \"{command}\""));
        }
    }
    if let Some(port) = cli.port {
        words.push(format!("--port {port}"));
    }
    words.push(format!("--compare --cut {base} --cut {cut}"));
    if lang::current() == Lang::Zh {
        words.push("--lang zh".to_string());
    }
    words.join(" ")
}

/// The command of one side: the student's, split into words, or the course's own program of
/// the lesson, this executable started again.
fn command(
    given: Option<&str>,
    lesson: u8,
    side: End,
    plays: Plays,
) -> Result<Vec<String>, String> {
    if let Some(given) = given {
        let words = split(given);
        if words.is_empty() {
            return Err(tr!(
                "the {} command is empty",
                "{}的命令是空的",
                side.name()
            ));
        }
        return Ok(words);
    }
    let prefix = format!("{lesson:02}_");
    let name = plays
        .iter()
        .map(|(name, _)| *name)
        .find(|name| name.starts_with(&prefix))
        .ok_or_else(|| tr!("there is no lesson {lesson}", "没有第 {lesson} 课"))?;
    let role = match side {
        End::Server => "server",
        End::Client => "client",
    };
    // Lessons 02 and 03's clients send what is typed at a terminal: nothing types here.
    if side == End::Client && matches!(lesson, 2 | 3) {
        return Err(tr!(
            "lesson {lesson}'s client sends what you type, and nobody types here: give your own with --client",
            "第 {lesson} 课的客户端发送你打字输入的内容, 这里没人打字: 请用 --client 给出你自己的客户端"
        ));
    }
    let exe: OsString = std::env::current_exe()
        .map_err(|e| tr!("cannot find this program: {e}", "找不到本程序: {e}"))?
        .into();
    let mut words = vec![
        exe.to_string_lossy().into_owned(),
        "__lesson".to_string(),
        name.to_string(),
        role.to_string(),
        "--port".to_string(),
        "{port}".to_string(),
    ];
    // Lesson 06's server serves one client, then ends, as the material's does.
    if side == End::Server && lesson == 6 {
        words.push("--once".to_string());
    }
    if lang::current() == Lang::Zh {
        words.extend(["--lang".to_string(), "zh".to_string()]);
    }
    Ok(words)
}

/// A command as one string, split into words as a shell would at its simplest: at spaces,
/// with "double" or 'single' quotes keeping a word whole. No backslash escapes: a Windows path
/// keeps its backslashes.
pub fn split(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quote, mut started) = (None, false);
    for c in command.chars() {
        match (quote, c) {
            (None, '"' | '\'') => (quote, started) = (Some(c), true),
            (Some(q), _) if c == q => quote = None,
            (None, _) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            _ => (word, started) = (word + c.encode_utf8(&mut [0; 4]), true),
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::between::cut::Schedule;

    #[test]
    fn a_command_splits_at_spaces_and_quotes_keep_a_word_whole() {
        assert_eq!(
            split("python3 server.py {port}"),
            ["python3", "server.py", "{port}"]
        );
        assert_eq!(
            split(r#"python "C:\my files\s.py" --name 'a b' """#),
            ["python", r"C:\my files\s.py", "--name", "a b", ""]
        );
        assert!(split("   ").is_empty());
    }

    #[test]
    fn the_default_cuts_all_parse() {
        for text in DEFAULT_COMPARE.iter().chain([&DEFAULT_VIEW]) {
            assert!(Cuts::parse(text).is_ok(), "{text}");
        }
        assert_eq!(
            Cuts::parse("boundary").map(|c| c.to_server),
            Ok(Schedule::Boundary)
        );
    }
}
