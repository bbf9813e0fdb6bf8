//! One `check L ROLE --port PORT --json -- COMMAND` run, to its end, and what it said: what
//! tests/check.rs and tests/check_languages.rs share (each has `mod check_run;`, beside its
//! `mod common;`).
//!
//! The checker's own waits have deadlines; [`RUN_DEADLINE`] around the whole run only turns a
//! hang into a failure instead of blocking.

#![allow(dead_code)] // Each test file uses its own part of this module.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::Value;

/// Far above a stage's few seconds: only turns a hang into a failure.
pub const RUN_DEADLINE: Duration = Duration::from_secs(300);

/// What one `check` run said.
pub struct Run {
    pub code: Option<i32>,
    pub json: Value,
    pub stderr: String,
}

impl Run {
    /// The ids of the checks with this verdict (`PASS`, `FAIL`, `SKIP`); a run without a
    /// checks array fails the test, showing what the checker said.
    pub fn with(&self, verdict: &str) -> BTreeSet<String> {
        self.json["checks"]
            .as_array()
            .unwrap_or_else(|| panic!("no checks array: {}\n{}", self.json, self.stderr))
            .iter()
            .filter(|c| c["verdict"] == verdict)
            .map(|c| c["id"].as_str().expect("an id").to_string())
            .collect()
    }

    pub fn failed(&self) -> BTreeSet<String> {
        self.with("FAIL")
    }

    pub fn skipped(&self) -> BTreeSet<String> {
        self.with("SKIP")
    }

    /// The verdict of check `id`, as JSON (null if it did not run).
    pub fn failure(&self, id: &str) -> &Value {
        self.json["checks"]
            .as_array()
            .and_then(|checks| checks.iter().find(|c| c["id"] == id))
            .unwrap_or(&Value::Null)
    }
}

/// The checker Cargo built, in English; the test file says first what it tests (the suite is
/// quiet for a minute and more).
pub fn checker() -> Command {
    crate::common::announce();
    let mut command = Command::new(env!("CARGO_BIN_EXE_socket-lessons"));
    command.env("LC_ALL", "C");
    command
}

/// Run `check lesson role --port PORT --json -- program...` to the end, with `env` set for the
/// checker and so for the program.
pub fn check_with(
    env: &[(&str, &Path)],
    port: u16,
    lesson: u8,
    role: &str,
    program: &[String],
) -> Run {
    let mut command = checker();
    command
        .envs(env.iter().copied())
        .args([
            "check",
            &lesson.to_string(),
            role,
            "--port",
            &port.to_string(),
            "--json",
            "--",
        ])
        .args(program)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().expect("the checker starts");
    let (done, wait) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let output = wait
        .recv_timeout(RUN_DEADLINE)
        .expect("the check run ends")
        .expect("its output");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    Run {
        code: output.status.code(),
        json,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub fn ids(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Assert the run's failures are exactly `failing`, the exit code says so, and nothing was
/// skipped (Windows may skip).
pub fn judged(run: &Run, failing: &[&str], what: &str) {
    assert_eq!(
        run.failed(),
        ids(failing),
        "{what}: {:#}\n{}",
        run.json,
        run.stderr
    );
    let code = if failing.is_empty() { 0 } else { 1 };
    assert_eq!(
        run.code,
        Some(code),
        "{what}: {:#}\n{}",
        run.json,
        run.stderr
    );
    assert!(
        run.skipped().is_empty() || cfg!(windows),
        "{what}: {:#}",
        run.json
    );
}
