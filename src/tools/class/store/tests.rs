use super::*;

fn row(name: &str, check: &str, verdict: &str, got: &str) -> Row {
    Row {
        time: utc(1_796_300_000),
        name: name.into(),
        address: "192.168.1.37".into(),
        lesson: 5,
        role: "server".into(),
        check: check.into(),
        verdict: verdict.into(),
        expected: "b'1234567', then b'abcde'".into(),
        got: got.into(),
    }
}

#[test]
fn the_time_is_utc_in_iso_8601() {
    assert_eq!(utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(utc(1_796_300_000), "2026-12-03T12:13:20Z");
}

#[test]
fn rows_come_back_as_they_were_written() {
    let rows = vec![
        row("s07", "05.server.big-body", "FAIL", "nothing, \"at all\""),
        row("王小明", "05.server.four-frames", "PASS", ""),
        row("O'Neil", "05.server.x", "SKIP", " spaces around "),
    ];
    let text = to_csv(&rows);
    assert!(text.starts_with(&format!("{HEADER}\n")));
    assert!(text.contains(",\"nothing, \"\"at all\"\"\"\n"), "{text}");
    assert_eq!(from_csv(&text).unwrap(), rows);
}

#[test]
fn no_control_byte_reaches_the_file_and_no_formula_runs() {
    let rows = [row(
        "s\x1b[2J",
        "05.server.x",
        "FAIL",
        "a\nb\r\x07\u{200b}=1",
    )];
    let text = to_csv(&rows);
    assert!(
        text.lines().all(|l| !l.contains(char::is_control)),
        "{text:?}"
    );
    assert!(text.contains(r"s\x1b[2J"), "{text}");
    assert!(text.ends_with(",a\\nb\\r\\x07\\u200b=1\n"), "{text}");
    let formula = [row("s1", "05.server.x", "FAIL", "=HYPERLINK(\"x\")")];
    assert!(to_csv(&formula).contains(",\"'=HYPERLINK(\"\"x\"\")\"\n"));
    // Read back and written again, a cleaned file stays the same.
    let again = to_csv(&from_csv(&text).unwrap());
    assert_eq!(again, text);
}

#[test]
fn a_file_that_is_not_a_class_csv_is_left_alone() {
    let error = from_csv("Dear diary,\ntoday\n").unwrap_err();
    assert!(error.starts_with("not a class's CSV"), "{error}");
    let short = from_csv(&format!("{HEADER}\na,b,c\n")).unwrap_err();
    assert_eq!(short, "line 2 has 3 fields, not 9");
    assert_eq!(from_csv("").unwrap(), Vec::new());
}

#[test]
fn a_store_reads_its_file_back_and_a_later_verdict_replaces_the_earlier() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("class.csv");
    let mut store = Store::open(Some(path.clone())).unwrap();
    store
        .add(vec![
            row("s07", "05.server.big-body", "FAIL", "x"),
            row("s08", "05.server.big-body", "PASS", ""),
        ])
        .unwrap();
    let mut later = row("s07", "05.server.big-body", "PASS", "");
    later.time = utc(1_796_300_060);
    store.add(vec![later.clone()]).unwrap();
    let again = Store::open(Some(path.clone())).unwrap();
    let rows: Vec<&Row> = again.rows().collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], &later);
    assert_eq!(again.students(), 2);
    assert!(again.knows("s08") && !again.knows("s0"));
    // Only the CSV is in the folder: the temp file was renamed over it.
    let names: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}
