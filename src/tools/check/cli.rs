//! The checker's command line: `check [LESSON ROLE] [--port N] [--host H] [--json] [--lang zh]
//! [-- COMMAND...]`, and its exit code: 0 all passed, 1 a check failed, 2 nothing could run.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use super::{Ctx, Side, report};
use crate::tools::class;
use crate::tools::lessons::LESSONS;
use crate::tr;
use crate::words::lang::Lang;

/// What `check` takes, for a runner that gives it a subcommand of its own.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The lesson whose exercise the program does (3 for 03_conn_loop); without it, list every check.
    pub lesson: Option<u8>,
    /// Which side the program is: `server` (the course connects to it) or `client`.
    pub role: Option<Side>,
    /// The port: the program's server listens there, or its client connects there. 0 lets the
    /// OS pick: a server must then print `127.0.0.1:PORT`.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The host: a server elsewhere (by default only this machine, 127.0.0.1, is ever used).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// One JSON object instead of the report: {lesson, role, checks, passed, failed}.
    #[arg(long)]
    pub json: bool,
    /// Play the checks again whenever a file of the program changes (the files the command
    /// names, else the folder's), until Ctrl-C.
    #[arg(long)]
    pub watch: bool,
    /// The language of the report: zh (中文) or en. Without it, the locale decides.
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Then send the result to the teacher's `class` at HOST or HOST:PORT (with --name).
    #[arg(long, value_name = "HOST[:PORT]", requires = "name")]
    pub send: Option<String>,
    /// Your name on the teacher's grid, for --send.
    #[arg(long, requires = "send")]
    pub name: Option<String>,
    /// The program to check and its arguments, after `--`: `-- python3 server.py {port}`.
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// Check your own program: the course plays the other side. `check` alone lists every check.
/// Examples: `check 6 client -- python3 client.py` (the course is the server and starts your
/// client), `check 5 server -- python3 server.py` (the course is the client), `check 3 server
/// --port 8080` (a server already running: the checks that need its output are skipped).
/// In the command, `{port}` becomes the port (also `PORT` in the environment) and, for a
/// lesson 6 server, `{file}` the file to send (also `FILE`).
// Parsed from the arguments after the runner's own name: `check` is the first.
#[derive(Parser, Debug)]
#[command(name = "socket-lessons check")]
struct Cli {
    #[command(flatten)]
    args: Args,
}

/// Parse the process's arguments (`check` is the first) and run.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if let Some(word) = forgotten_dashes(&args) {
        crate::words::lang::init(None);
        return usage(
            false,
            tr!(
                "{word:?} is not an option of check: put -- before your program's command, as in check 1 server -- python3 server.py",
                "{word:?} 不是 check 的选项: 请在程序的命令前加 --, 例如 check 1 server -- python3 server.py"
            ),
        );
    }
    run(crate::words::help::parse_from::<Cli>(args).args)
}

/// A third word before any `--` (`check 1 server python3 server.py`): the command, without the
/// `--` that tells it apart from the checker's own options.
fn forgotten_dashes(args: &[std::ffi::OsString]) -> Option<String> {
    // The options that take a value (`--port 8080`, `--send HOST`), from the parser itself, so
    // that a new option is never taken for the program's command.
    let command = <Cli as clap::CommandFactory>::command();
    let takes_value = |arg: &str| {
        command.get_arguments().any(|option| {
            option.get_action().takes_values()
                && option
                    .get_long()
                    .is_some_and(|long| arg.strip_prefix("--") == Some(long))
        })
    };
    let mut words = 0;
    let mut value_next = false;
    for arg in args.iter().skip(1).map(|a| a.to_string_lossy()) {
        if arg == "--" {
            return None;
        }
        if value_next {
            value_next = false;
        } else if takes_value(&arg) {
            value_next = true;
        } else if !arg.starts_with('-') {
            words += 1;
            if words > 2 {
                return Some(arg.into_owned());
            }
        }
    }
    None
}

/// Run the checks `args` asks for, print the report, and say how it went.
pub fn run(args: Args) -> ExitCode {
    // The output's set-up, as for a lesson: the language, colors, and lines wrapped to the
    // terminal's width (the list of checks).
    let shared = crate::words::cli::Shared { lang: args.lang, ..Default::default() };
    crate::output::say::init(&shared);
    let plain = !std::io::stdout().is_terminal()
        || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if plain || args.json {
        colored::control::set_override(false);
    }
    let checks = super::all();
    let Some(lesson) = args.lesson else {
        return emit(&report::list(&checks), ExitCode::SUCCESS);
    };
    let json = args.json;
    let Some(role) = args.role else {
        return usage(
            json,
            tr!(
                "say which side your program is: check {lesson} server, or check {lesson} client",
                "请说明你的程序是哪一端: check {lesson} server 或 check {lesson} client"
            ),
        );
    };
    let chosen: Vec<_> = checks
        .iter()
        .filter(|c| c.lesson == lesson && c.side == role)
        .collect();
    if chosen.is_empty() {
        let last = checks.iter().map(|c| c.lesson).max().unwrap_or_default();
        let side = role.word();
        let why = if checks.iter().any(|c| c.lesson == lesson) {
            tr!(
                "lesson {lesson} has no {side} to check: its exercise is the other side",
                "第 {lesson} 课没有要检查的{side}: 它的练习是另一端"
            )
        } else if LESSONS.iter().any(|l| l.number == usize::from(lesson)) {
            tr!(
                "lesson {lesson} has no checks: give a lesson from 1 to {last}",
                "第 {lesson} 课没有检查: 请给出 1 到 {last} 的课号"
            )
        } else {
            tr!(
                "there is no lesson {lesson}: give a lesson from 1 to {last}",
                "没有第 {lesson} 课: 请给出 1 到 {last} 的课号"
            )
        };
        return usage(json, why);
    }
    if role == Side::Client && args.command.is_empty() {
        return usage(
            json,
            tr!(
                "checking a client needs its command: check {lesson} client -- python3 client.py",
                "检查客户端需要给出启动它的命令: check {lesson} client -- python3 client.py"
            ),
        );
    }
    if let Some(why) = mistake_in(&args.command) {
        return usage(json, why);
    }
    if role == Side::Server
        && !args.command.is_empty()
        && args.port != 0
        && let Some(why) = port_taken(&args.host, args.port)
    {
        return usage(json, why);
    }
    if args.watch {
        return watch(lesson, role, &chosen, args);
    }
    if let Some(Err(why)) = args.name.as_deref().map(class::wire::check_name) {
        return usage(json, why);
    }
    let mut ctx = Ctx::new(args.command, args.host, args.port);
    match report::play(lesson, role, &chosen, &mut ctx) {
        Err(why) => usage(json, why),
        Ok(run) => {
            let text = if args.json {
                // A struct of strings and numbers always serializes.
                serde_json::to_string_pretty(&run).unwrap_or_default() + "\n"
            } else {
                report::print(&run)
            };
            // `--send`: the result as one frame to the teacher's class, and one line saying so.
            let sent = match (&args.send, &args.name) {
                (Some(to), Some(name)) => {
                    let json = serde_json::to_string(&run).unwrap_or_default();
                    Some(class::wire::send_result(to, name, &json).unwrap_or_else(|e| e))
                }
                _ => None,
            };
            let text = match sent {
                Some(line) if args.json => {
                    eprintln!("{line}");
                    text
                }
                Some(line) => format!("{text}{line}\n"),
                None => text,
            };
            let code = if run.failed > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
            emit(&text, code)
        }
    }
}

/// `--watch`: play, show, wait for a save, again, until Ctrl-C.
fn watch(lesson: u8, side: Side, chosen: &[&super::Check], args: Args) -> ExitCode {
    loop {
        let files = super::watch::watched(&args.command);
        let mut ctx = Ctx::new(args.command.clone(), args.host.clone(), args.port);
        let screen = match report::play(lesson, side, chosen, &mut ctx) {
            Ok(run) => super::watch::screen(&run, lesson, side, &report::print(&run), &files),
            Err(why) => format!("\x1b[2J\x1b[H{why}\n"),
        };
        drop(ctx);
        if emit(&screen, ExitCode::SUCCESS) != ExitCode::SUCCESS {
            return ExitCode::FAILURE;
        }
        super::watch::wait_for_change(&files, &args.command);
    }
}

/// Write the report; a reader that has gone (`check ... | head`) is a quiet end, as in any
/// Unix tool, on every OS.
fn emit(text: &str, code: ExitCode) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => usage(false, e.to_string()),
    }
}

/// One line on stderr, exit 2: nothing was checked. Under `--json`, also the one object a
/// script reads: `{"error": "..."}`.
fn usage(json: bool, why: String) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "error": why }));
    }
    crate::output::say::error(&why);
    ExitCode::from(2)
}

/// A mistake in the command seen before anything runs: a file it names that is not here (the
/// check runs from another folder than the program's), a program that is not installed.
fn mistake_in(command: &[String]) -> Option<String> {
    let (name, args) = command.split_first()?;
    let source = |arg: &str| {
        let ext = std::path::Path::new(arg)
            .extension()
            .and_then(|e| e.to_str());
        let exts = [
            "py", "js", "mjs", "cjs", "java", "jar", "class", "c", "rb", "go", "ts",
        ];
        !arg.starts_with('-') && !arg.contains('{') && ext.is_some_and(|e| exts.contains(&e))
    };
    if let Some(missing) = args
        .iter()
        .find(|a| source(a) && !std::path::Path::new(a).exists())
    {
        let here = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        return Some(tr!(
            "there is no file {missing:?} in {here}: run check from your program's folder, or give its path",
            "{here} 里没有文件 {missing:?}: 请在你的程序所在的文件夹里运行 check, 或者给出它的路径"
        ));
    }
    let found = |dir: &std::path::Path| {
        let path = dir.join(name);
        path.is_file() || cfg!(windows) && path.with_extension("exe").is_file()
    };
    let on_path = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| found(&dir)));
    let as_path = name.contains(['/', '\\']) && std::path::Path::new(name).exists();
    if !on_path && !as_path && !std::path::Path::new(name).is_file() {
        return Some(tr!(
            "there is no program {name:?}: is it installed, and on the PATH? (the command after -- starts with the program, as in python3 server.py)",
            "找不到程序 {name:?}: 它装好了吗, 在 PATH 里吗? (-- 之后的命令以程序开头, 例如 python3 server.py)"
        ));
    }
    None
}

/// Another program already listening on the port where the student's server should: every
/// check would talk to it instead. One line, before any check runs.
fn port_taken(host: &str, port: u16) -> Option<String> {
    use std::net::ToSocketAddrs;
    let addr = (host, port).to_socket_addrs().ok()?.next()?;
    std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(500)).ok()?;
    Some(tr!(
        "another program already listens on {addr}: stop it (a server from an earlier step?) or give another --port, so that the checks talk to your program",
        "已经有别的程序在 {addr} 上监听: 请先停掉它 (之前运行的服务端?) 或者用 --port 换一个端口, 这样检查才会连到你的程序"
    ))
}
