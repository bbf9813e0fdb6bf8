//! `check --watch`: play the stage's checks again whenever a file of the program changes, as
//! rustlings' watch loop does: clear the screen, the first failure on top with its page, the
//! report, and a line that says what it waits for.
//!
//! It polls (the size and the modification time of each file, twice a second) instead of
//! asking the OS for file events: polling sees a save in WSL's /mnt/c, in a network folder
//! and in a container's mounted folder, where events often never arrive, and it needs no crate.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::Side;
use super::report::Report;
use crate::tr;
use crate::words::lang::pick;

/// How often the files are looked at: a save shows within half a second.
const POLL: Duration = Duration::from_millis(500);

/// What is watched: the files the command names that exist here, else the folder's files.
pub fn watched(command: &[String]) -> Vec<PathBuf> {
    let named: Vec<PathBuf> = command
        .iter()
        .map(PathBuf::from)
        .filter(|path| path.is_file())
        .filter(|path| !is_program(path))
        .collect();
    if !named.is_empty() {
        return named;
    }
    std::fs::read_dir(".")
        .map(|dir| {
            dir.flatten()
                .map(|entry| entry.path())
                .filter(|path| path.is_file())
                .collect()
        })
        .unwrap_or_default()
}

/// An interpreter or a compiler named by path (`/usr/bin/python3`) is no file of the student's.
fn is_program(path: &Path) -> bool {
    path.is_absolute() && path.starts_with("/usr")
}

/// The size and modification time of each file: a change in any is a save.
fn stamps(files: &[PathBuf]) -> Vec<Option<(u64, SystemTime)>> {
    files
        .iter()
        .map(|file| {
            let meta = std::fs::metadata(file).ok()?;
            Some((meta.len(), meta.modified().ok()?))
        })
        .collect()
}

/// Wait until a file of `files` changes (also: a new or removed file, for a watched folder).
pub fn wait_for_change(files: &[PathBuf], command: &[String]) {
    let before = stamps(files);
    loop {
        std::thread::sleep(POLL);
        let now_files = watched(command);
        if now_files != files || stamps(files) != before {
            return;
        }
    }
}

/// The screen for one round: the first failure on top with its page, the report, then what it
/// waits for.
pub fn screen(run: &Report, lesson: u8, side: Side, report: &str, files: &[PathBuf]) -> String {
    // Clear the screen and go to its top, as `clear` does.
    let mut out = String::from("\x1b[2J\x1b[H");
    match run.checks.iter().find(|c| c.verdict == "FAIL") {
        Some(first) => {
            let page = first.hint.clone().unwrap_or_default();
            out += &tr!(
                "first to fix: {} ({})\n  see {page}\n\n",
                "先修这一项: {} ({})\n  参见 {page}\n\n",
                first.id,
                first.did
            );
        }
        None => {
            out += &tr!(
                "every check of lesson {lesson} passes\n\n",
                "第 {lesson} 课的检查全部通过\n\n"
            );
        }
    }
    out += report;
    let names: Vec<String> = files
        .iter()
        .map(|f| f.display().to_string())
        .take(4)
        .collect();
    let more = if files.len() > 4 { " ..." } else { "" };
    let side = pick(match side {
        Side::Server => ["server", "服务端"],
        Side::Client => ["client", "客户端"],
    });
    out += &tr!(
        "\nwatching {}{more}: the lesson {lesson} {side} checks run again when you save (Ctrl-C to stop)\n",
        "\n正在监视 {}{more}: 保存后会重新运行第 {lesson} 课{side}的检查 (按 Ctrl-C 停止)\n",
        names.join(", ")
    );
    out
}
