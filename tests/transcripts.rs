//! Every transcript in `lessons/*.md` and `lessons/zh/*.md` (a ```` ```console ```` block:
//! `$ command`, then what it prints) is run against the real programs and must match, so the
//! text cannot drift from the code. `[..]` in a transcript stands for what changes from run to
//! run: ports, timings.
//!
//! The English pages run in English whatever the machine's locale (`LC_ALL=C`); the Chinese
//! pages ask for Chinese on their command lines (`--lang zh`), as a reader would.

#[test]
fn the_lessons_transcripts_match_the_programs() {
    trycmd::TestCases::new()
        .env("LC_ALL", "C")
        .case("lessons/*.md")
        .case("lessons/zh/*.md");
}
