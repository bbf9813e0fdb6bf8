//! What the two programs print, written down line by line as it comes, control characters
//! escaped; a program that floods its output ends the run.

use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use super::event::{End, Log, What};
use super::{FLOOD, lock};
use crate::tools::check::program::{self, Program};
use crate::tr;

/// The program's output as lines, control characters escaped; a last line without its newline
/// counts too (the run is over when this is called on the whole output).
pub(super) fn lines(output: &str) -> Vec<String> {
    output.lines().map(program::escaped).collect()
}

/// Log each line `side` prints as it comes, until the run stops; a flood ends the run.
pub(super) fn watch(side: End, program: &Mutex<Program>, log: &Log) {
    // The output up to the end of the last line logged.
    let mut logged = 0;
    while !log.stopping() {
        let output = {
            let program = lock(program);
            // Wake at a new whole line, or look again soon: the lock is not held long.
            let new_line = |out: &str| out.get(logged..).is_some_and(|rest| rest.contains('\n'));
            let asked = Instant::now();
            if !program.wait_output(Duration::from_millis(50), new_line)
                && asked.elapsed() < Duration::from_millis(10)
            {
                // Its output has ended (the pipes closed): nothing to wait on, so no hurry.
                drop(program);
                thread::sleep(Duration::from_millis(20));
                continue;
            }
            program.output()
        };
        if output.len() > FLOOD {
            log.end(tr!(
                "ended: the {} printed more than {} KiB (a loop that prints?)",
                "已结束: {}输出超过了 {} KiB (是不是在循环里打印?)",
                side.name(),
                FLOOD / 1024
            ));
            return;
        }
        // Only whole lines: the last one may still be on its way.
        let end = output.rfind('\n').map_or(0, |at| at + 1);
        for line in lines(output.get(logged..end).unwrap_or_default()) {
            log.add(What::Printed { by: side, line });
        }
        logged = logged.max(end);
    }
}
