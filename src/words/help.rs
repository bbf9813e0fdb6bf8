//! `--help` in the language in use: under `--lang zh` (or a Chinese locale) every lesson's own
//! help texts, its subcommands' and its arguments', are shown in Chinese. What clap itself
//! writes stays English: its headings (`Usage`, `Options`), `Print help`, and its error messages
//! for a mistyped argument (README.zh.md says so).
//!
//! The English texts are the `///` lines of each lesson's command-line section, where a reader
//! of the code finds them; their Chinese forms are one table here, looked up by the English
//! text. `tests/chinese.rs` walks every lesson's `--help` and fails on a text with no Chinese.

use std::ffi::OsString;

use clap::builder::StyledStr;
use clap::{Command, Parser};

use crate::words::cli::{self, END_OF_INPUT};
use crate::words::lang::{self, Lang};

mod table;
use table::{ZH, ZH_MORE};

/// Parse the command line as `T`, with help texts in Chinese if Chinese is asked for: what each
/// lesson's `main` calls instead of `Cli::parse()`.
pub fn parse<T: Parser>() -> T {
    parse_from(std::env::args_os())
}

/// [`parse`], for the arguments `args` (the program's name first).
pub fn parse_from<T: Parser>(args: impl IntoIterator<Item = OsString>) -> T {
    let args: Vec<OsString> = args.into_iter().collect();
    let mut command = T::command();
    if asked_language(&args) == Lang::Zh {
        command = in_chinese(command);
    }
    // In a Cargo build folder's debug build the texts are already as typed here: no walk.
    if cli::program("socket-lessons") != "cargo run --" {
        command = as_run_here(command);
    }
    let matches = command.get_matches_from(args);
    T::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The language asked for before the command line is parsed: `--lang zh` or `--lang=zh` among
/// `args`, else the locale (as [`lang::init`] decides once the parse is done). An argument
/// that is not UTF-8 is read lossily here, and left to clap to judge.
fn asked_language(args: &[OsString]) -> Lang {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let given = args
        .iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.as_str() {
            "--lang" => args.get(i + 1).map(String::as_str),
            _ => arg.strip_prefix("--lang="),
        });
    match given {
        Some("zh") => Lang::Zh,
        Some(_) => Lang::En,
        None => lang::from_env(|name| std::env::var(name).ok()),
    }
}

/// `command`, its arguments and its subcommands, with every text the table knows in Chinese.
fn in_chinese(command: Command) -> Command {
    let about = command
        .get_about()
        .and_then(|about| chinese(&about.to_string()));
    let mut command = match about {
        Some(about) => command.about(about).long_about(None),
        None => command,
    };
    command = command.mut_args(
        |arg| match arg.get_help().and_then(|h| chinese(&h.to_string())) {
            Some(help) => arg.help(help).long_help(None),
            None => arg,
        },
    );
    command.mut_subcommands(in_chinese)
}

/// `command`'s texts with every `cargo run …` in them as this program was run: installed from
/// a wheel, `cargo run --bin 01_basic -- server` is `01_basic server` ([`cli::as_run_here`]).
fn as_run_here(mut command: Command) -> Command {
    let here = |text: Option<&StyledStr>| text.map(|t| cli::as_run_here(&t.to_string()));
    if let Some(about) = here(command.get_about()) {
        command = command.about(about);
    }
    if let Some(long_about) = here(command.get_long_about()) {
        command = command.long_about(long_about);
    }
    command = command.mut_args(|mut arg| {
        if let Some(help) = here(arg.get_help()) {
            arg = arg.help(help);
        }
        if let Some(long_help) = here(arg.get_long_help()) {
            arg = arg.long_help(long_help);
        }
        arg
    });
    command.mut_subcommands(as_run_here)
}

/// The Chinese form of one English help text, if the table has it. The end-of-input key is
/// this system's ([`END_OF_INPUT`]): the table writes it `{END_OF_INPUT}`.
pub fn chinese(english: &str) -> Option<String> {
    let [key_en, key_zh] = END_OF_INPUT;
    let key = english.replace(key_en, "{END_OF_INPUT}");
    ZH.iter()
        .chain(ZH_MORE)
        .find(|(en, _)| *en == key)
        .map(|(_, zh)| zh.replace("{END_OF_INPUT}", key_zh))
}
