//! The classroom runner: `cargo run` plays every stage of the course in the material's order,
//! each under a heading with the material's own section title (半连接池, 黏包问题, ...), its idea
//! in one line and what to watch for. `cargo run -- 3` plays one lesson's stages (`3 4`, `3-5`:
//! several), `cargo run -- list` prints the table, `--pause` waits before each stage (Enter plays,
//! `s` skips, `q` quits), and `--lang zh` speaks Chinese.
//!
//! The table and the playing are the library's `runner` module; this file hands it each lesson's
//! way in, its `play` (the lesson's own parser and `run`), for which it compiles the lesson files
//! in as modules.

use std::process::ExitCode;

use clap::Parser;
use socket_lessons::output::say;
use socket_lessons::tools::runner::{self, Play};

// Each lesson's own `main` is not called from here, hence `dead_code`. The list of lessons is
// `src/tools/lessons.rs`; the runner refuses to start if one of them has no `play` here.
#[allow(dead_code)]
#[path = "bin/01_basic.rs"]
mod basic;
#[allow(dead_code)]
#[path = "bin/02_comm_loop.rs"]
mod comm_loop;
#[allow(dead_code)]
#[path = "bin/03_conn_loop/main.rs"]
mod conn_loop;
#[allow(dead_code)]
#[path = "bin/06_final_file/main.rs"]
mod final_file;
#[allow(dead_code)]
#[path = "bin/07_many_clients/main.rs"]
mod many_clients;
#[allow(dead_code)]
#[path = "bin/04_sticky_demo/main.rs"]
mod sticky_demo;
#[allow(dead_code)]
#[path = "bin/05_struct_pack/main.rs"]
mod struct_pack;

/// Every lesson's way in, by the name `cargo run --bin` gives its program.
const PLAYS: &[(&str, Play)] = &[
    ("01_basic", basic::play),
    ("02_comm_loop", comm_loop::play),
    ("03_conn_loop", conn_loop::play),
    ("04_sticky_demo", sticky_demo::play),
    ("05_struct_pack", struct_pack::play),
    ("06_final_file", final_file::play),
    ("07_many_clients", many_clients::play),
];

/// socket-lessons: TCP sockets in runnable lessons, the material's and beyond. With
/// no arguments, play every stage of the course in order; each lesson is also a program of its
/// own: `cargo run --bin 01_basic -- --help`. To check your own program: `cargo run -- check`.
/// In Chinese: `cargo run -- --lang zh` (中文).
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Lessons to play: a number (3), several (3 5), a range (3-5); or `list` for the table.
    choice: Vec<String>,
    /// Wait before each stage, the first included (when stdin is a terminal): Enter plays it,
    /// s then Enter skips it, q then Enter quits.
    #[arg(long)]
    pause: bool,
    #[command(flatten)]
    shared: socket_lessons::words::cli::Shared,
}

fn main() -> ExitCode {
    // `cargo run -- check ...`: the checker has its own command line (src/tools/check/cli.rs).
    if std::env::args_os().nth(1).is_some_and(|arg| arg == "check") {
        return socket_lessons::tools::check::cli::main();
    }
    // `between`: the course between a student's client and server (src/tools/between);
    // `__lesson`, hidden: one lesson's side for it to play, this executable started again.
    match std::env::args_os().nth(1) {
        Some(arg) if arg == "between" => return socket_lessons::tools::between::main(PLAYS),
        Some(arg) if arg == "__lesson" => return socket_lessons::tools::between::lesson(PLAYS),
        _ => {}
    }
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(runner::run(&cli.choice, cli.pause, PLAYS))
}
