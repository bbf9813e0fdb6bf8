//! The classroom runner: `cargo run` plays the six lessons' demos in order, each under a heading
//! with its one-line idea. `cargo run -- 4` plays one lesson, `cargo run -- list` prints the
//! table, and `--pause` waits for Enter between lessons (for the projector).
//!
//! Each lesson is still its own program in `src/bin/`; the runner compiles the same files in as
//! modules and calls their `demo`, so what it shows is exactly what `cargo run --bin NN_name`
//! shows.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use colored::Colorize;
use socket_lessons::{Result, say};

// Each lesson's own `main` is not called from here, hence `dead_code`.
#[allow(dead_code)]
#[path = "bin/01_basic.rs"]
mod basic;
#[allow(dead_code)]
#[path = "bin/02_comm_loop.rs"]
mod comm_loop;
#[allow(dead_code)]
#[path = "bin/03_conn_loop.rs"]
mod conn_loop;
#[allow(dead_code)]
#[path = "bin/06_final_file.rs"]
mod final_file;
#[allow(dead_code)]
#[path = "bin/04_sticky_demo.rs"]
mod sticky_demo;
#[allow(dead_code)]
#[path = "bin/05_struct_pack.rs"]
mod struct_pack;

/// One lesson: its binary, its idea in one line, what to watch for, and its demo.
struct Lesson {
    name: &'static str,
    idea: &'static str,
    watch: &'static str,
    demo: fn() -> Result<()>,
}

/// The course, in order. README.md's table says the same.
const LESSONS: [Lesson; 6] = [
    Lesson {
        name: "01_basic",
        idea: "one recv on one side needs one send on the other",
        watch: "the client speaks first, the server listens first",
        demo: basic::demo,
    },
    Lesson {
        name: "02_comm_loop",
        idea: "the exchange in a loop, lines typed at a prompt",
        watch: "an empty line sends nothing, and both sides wait",
        demo: comm_loop::demo,
    },
    Lesson {
        name: "03_conn_loop",
        idea: "an accept loop: the server outlives its clients",
        watch: "a clean leave reads 0 bytes (FIN); an abort is a reset (RST)",
        demo: conn_loop::demo,
    },
    Lesson {
        name: "04_sticky_demo",
        idea: "TCP is a byte stream: messages merge and split (黏包)",
        watch: "three writes, read(5) three times: b'12345' b'67abc' b'dehhh'",
        demo: sticky_demo::demo,
    },
    Lesson {
        name: "05_struct_pack",
        idea: "a 4-byte length in front of each message puts the boundaries back",
        watch: "0f 00 00 00 for 15, then 1234567, abcde, hhhhh read whole",
        demo: struct_pack::demo,
    },
    Lesson {
        name: "06_final_file",
        idea: "a file behind a JSON header behind a 4-byte length",
        watch: "the header, then exactly file_size bytes, saved under its name only when whole",
        demo: final_file::demo,
    },
];

/// socket-lessons: TCP sockets in six runnable lessons. With no arguments, play every
/// lesson's demo in order; each lesson is also a program of its own:
/// `cargo run --bin 01_basic -- --help`.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// A lesson number (1 to 6) to play just that lesson, or `list` for the table.
    #[arg(value_parser = parse_choice)]
    choice: Option<Choice>,
    /// Wait for Enter before each lesson (when stdin is a terminal).
    #[arg(long)]
    pause: bool,
    #[command(flatten)]
    shared: socket_lessons::cli::Shared,
}

#[derive(Clone, Copy)]
enum Choice {
    List,
    Lesson(usize),
}

fn parse_choice(text: &str) -> std::result::Result<Choice, String> {
    if text == "list" {
        return Ok(Choice::List);
    }
    match text.trim_start_matches('0').parse::<usize>() {
        Ok(number) if (1..=LESSONS.len()).contains(&number) => Ok(Choice::Lesson(number)),
        _ => Err(format!(
            "expected a lesson number from 1 to {} or `list`",
            LESSONS.len()
        )),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    say::init(&cli.shared);
    socket_lessons::report(match cli.choice {
        Some(Choice::List) => {
            list();
            Ok(())
        }
        Some(Choice::Lesson(number)) => play(&LESSONS[number - 1..number], false),
        None => play(&LESSONS, cli.pause),
    })
}

/// The table of lessons.
fn list() {
    for lesson in &LESSONS {
        println!("{:<16}{}", lesson.name.bold(), lesson.idea);
        println!("{:<16}watch for: {}", "", lesson.watch);
    }
    println!();
    println!(
        "play one: cargo run -- 4    run one yourself: cargo run --bin 04_sticky_demo -- --help"
    );
}

/// Play the demos of `lessons`, each under its heading.
fn play(lessons: &[Lesson], pause: bool) -> Result<()> {
    // Pausing needs someone at the keyboard: with stdin a pipe or a file, never wait.
    let pause = pause && io::stdin().is_terminal();
    for (index, lesson) in lessons.iter().enumerate() {
        if index > 0 {
            println!();
            if pause {
                print!("{}", "press Enter for the next lesson ".dimmed());
                io::stdout().flush()?;
                io::stdin().lock().read_line(&mut String::new())?;
            }
        }
        let heading = format!("== {}: {} ==", lesson.name, lesson.idea);
        println!("{}", heading.bold());
        println!("{}", format!("   watch for: {}", lesson.watch).dimmed());
        (lesson.demo)().map_err(|e| format!("{}: {e}", lesson.name))?;
    }
    Ok(())
}
