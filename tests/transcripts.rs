//! Every transcript in `lessons/*.md` and `lessons/zh/*.md` (a ```` ```console ```` block:
//! `$ command`, then what it prints) is run against the real programs and must match, so the
//! text cannot drift from the code. `[..]` in a transcript stands for what changes from run to
//! run: ports, timings.
//!
//! The English pages run in English whatever the machine's locale (`LC_ALL=C`); the Chinese
//! pages ask for Chinese on their command lines (`--lang zh`), as a reader would.

//!
//! The transcripts are Linux's. Lesson 03's pages show Linux's `backlog` and `reuseaddr` tables,
//! which macOS and Windows fill in otherwise (the pages say so): there those two pages are
//! skipped, and `tests/lesson03.rs` checks each system's own tables.

#[test]
fn the_lessons_transcripts_match_the_programs() {
    let cases = trycmd::TestCases::new();
    cases
        .env("LC_ALL", "C")
        .case("lessons/*.md")
        .case("lessons/zh/*.md");
    if cfg!(not(target_os = "linux")) {
        cases
            .skip("lessons/03_conn_loop.md")
            .skip("lessons/zh/03_conn_loop.md");
    }
}
