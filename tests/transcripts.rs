//! Every transcript in `lessons/*.md` (a ```` ```console ```` block: `$ command`, then what it
//! prints) is run against the real programs and must match, so the text cannot drift from the
//! code. `[..]` in a transcript stands for what changes from run to run: ports, timings.

#[test]
fn the_lessons_transcripts_match_the_programs() {
    trycmd::TestCases::new().case("lessons/*.md");
}
