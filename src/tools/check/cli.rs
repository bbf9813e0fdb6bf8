//! The checker's command line: `check [LESSON ROLE] [--port N] [--host H] [--json] [--lang zh]
//! [-- COMMAND...]`, and its exit code: 0 all passed, 1 a check failed, 2 nothing could run.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use super::{Ctx, Role, report};
use crate::tr;
use crate::words::lang::Lang;

/// What `check` takes, for a runner that gives it a subcommand of its own.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The lesson (1 to 6) whose exercise the program does; without it, list every check.
    pub lesson: Option<u8>,
    /// Which side the program is: `server` (the course connects to it) or `client`.
    pub role: Option<Role>,
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
    /// The language of the report: zh (中文) or en. Without it, the locale decides.
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
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
    run(crate::words::help::parse_from::<Cli>(std::env::args_os().skip(1)).args)
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
    let Some(role) = args.role else {
        return usage(tr!(
            "say which side your program is: check {lesson} server, or check {lesson} client",
            "请说明你的程序是哪一端: check {lesson} server 或 check {lesson} client"
        ));
    };
    let chosen: Vec<_> = checks
        .iter()
        .filter(|c| c.lesson() == lesson && c.role() == role)
        .collect();
    if chosen.is_empty() {
        return usage(tr!(
            "there is no lesson {lesson}: give a lesson from 1 to 6",
            "没有第 {lesson} 课: 请给出 1 到 6 的课号"
        ));
    }
    if role == Role::Client && args.command.is_empty() {
        return usage(tr!(
            "checking a client needs its command: check {lesson} client -- python3 client.py",
            "检查客户端需要给出启动它的命令: check {lesson} client -- python3 client.py"
        ));
    }
    let mut ctx = Ctx::new(args.command, args.host, args.port);
    match report::play(lesson, role, &chosen, &mut ctx) {
        Err(why) => usage(why),
        Ok(run) => {
            let text = if args.json {
                // A struct of strings and numbers always serializes.
                serde_json::to_string_pretty(&run).unwrap_or_default() + "\n"
            } else {
                report::print(&run)
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
        Err(e) => usage(e.to_string()),
    }
}

/// One line on stderr, exit 2: nothing was checked.
fn usage(why: String) -> ExitCode {
    crate::output::say::error(&why);
    ExitCode::from(2)
}
