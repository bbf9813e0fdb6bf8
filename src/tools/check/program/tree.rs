//! The student's program and every process it starts, ended together: its process group on
//! Unix (killpg; Windows holds them in a job object, [`super::job`]), the groups still running
//! for Ctrl-C to end, and the descendants `between` ends by their parent ids.

use std::sync::Mutex;

/// The process groups of the programs running (their first processes' ids): what Ctrl-C must
/// end before the checker does.
fn running() -> std::sync::MutexGuard<'static, Vec<u32>> {
    static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Note the program `id` (the first process of its group) as running, so that Ctrl-C ends it
/// too: in a process group of its own, the terminal's Ctrl-C does not reach it. The handler is
/// set once per checker (or `between`); a handler set before is kept.
pub(super) fn track(id: u32) {
    running().push(id);
    static HANDLER: std::sync::Once = std::sync::Once::new();
    HANDLER.call_once(|| drop(crate::words::exit::on_interrupt(end_running)));
}

/// The program `id` is being ended by the checker: no longer Ctrl-C's to end.
pub(super) fn forget(id: u32) {
    running().retain(|&running| running != id);
}

/// End the programs running, with everything they started: the checker is interrupted.
/// (Windows: each job object ends with the checker, as it is made to.)
pub fn end_running() {
    let groups = std::mem::take(&mut *running());
    #[cfg(unix)]
    for group in groups {
        end_group(group);
    }
    #[cfg(not(unix))]
    drop(groups);
}

/// Unix: end the process group `group`, the program started with `process_group(0)` and all
/// it started. The group's id is the program's; a group whose processes have all ended is
/// gone, and killpg then fails harmlessly.
#[cfg(unix)]
pub(super) fn end_group(group: u32) {
    if let Ok(group) = libc::pid_t::try_from(group) {
        // SAFETY: killpg takes two integers and touches no memory of ours.
        unsafe { libc::killpg(group, libc::SIGKILL) };
    }
}

/// End every process started by `pid`, its children and theirs, before `pid` itself is ended
/// (once it is gone, its children no longer name it as their parent). Windows: `taskkill /T`,
/// which ends the whole tree. Elsewhere: the tree read from `ps -A -o pid=,ppid=` (POSIX, the
/// same on Linux and macOS), each descendant sent SIGKILL. A program that started nothing
/// loses nothing here.
pub fn end_descendants(pid: u32) {
    #[cfg(windows)]
    {
        let _ = std::process::Command::new("taskkill")
            .args(["/T", "/F", "/PID", &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
    #[cfg(unix)]
    {
        let Ok(ps) = std::process::Command::new("ps")
            .args(["-A", "-o", "pid=,ppid="])
            .stderr(std::process::Stdio::null())
            .output()
        else {
            return;
        };
        let pairs: Vec<(u32, u32)> = String::from_utf8_lossy(&ps.stdout)
            .lines()
            .filter_map(|line| {
                let mut numbers = line.split_whitespace().map(str::parse::<u32>);
                Some((numbers.next()?.ok()?, numbers.next()?.ok()?))
            })
            .collect();
        let mut tree = vec![pid];
        let mut i = 0;
        while let Some(&parent) = tree.get(i) {
            tree.extend(
                pairs
                    .iter()
                    .filter(|(_, p)| *p == parent)
                    .map(|(child, _)| *child),
            );
            i += 1;
        }
        for &child in &tree[1..] {
            // SAFETY: kill(2) only sends a signal; a pid that has already gone is an error
            // returned, not undefined behaviour.
            if let Ok(child) = libc::pid_t::try_from(child) {
                unsafe { libc::kill(child, libc::SIGKILL) };
            }
        }
    }
}
