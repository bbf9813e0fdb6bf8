use super::*;

fn known() -> Vec<Known> {
    let ids = [
        "05.server.four-frames",
        "05.server.one-write",
        "05.server.big-body",
        "06.client.header",
    ];
    ids.into_iter()
        .map(|id| Known {
            id: id.to_string(),
            page: "lessons/05_struct_pack.md, \"Exercise\"",
        })
        .collect()
}

fn class(students: usize) -> Store {
    let mut store = Store::open(None).unwrap();
    let mut rows = Vec::new();
    for s in 1..=students {
        for (check, verdict) in [
            ("05.server.four-frames", "PASS"),
            (
                "05.server.one-write",
                if s % 3 == 0 { "FAIL" } else { "PASS" },
            ),
            (
                "05.server.big-body",
                if s % 2 == 0 { "FAIL" } else { "PASS" },
            ),
        ] {
            rows.push(Row {
                time: "2026-12-03T10:00:00Z".into(),
                name: format!("s{s:02}"),
                address: format!("10.0.0.{s}"),
                lesson: 5,
                role: "server".into(),
                check: check.into(),
                verdict: verdict.into(),
                expected: "b'0123456789'".into(),
                got: if verdict == "FAIL" {
                    "b'01234'".into()
                } else {
                    String::new()
                },
            });
        }
    }
    store.add(rows).unwrap();
    store
}

fn lines(store: &Store, width: usize, height: usize, page: usize) -> Vec<String> {
    colored::control::set_override(false);
    let known = known();
    let top = ["class on 0.0.0.0:8090".to_string()];
    draw(&Screen {
        store,
        known: &known,
        top: &top,
        events: &[],
        width,
        height,
        page,
    })
}

#[test]
fn forty_students_fit_80_columns_and_a_tall_terminal_shows_them_all() {
    let store = class(40);
    let grid = lines(&store, 80, 40, 0);
    assert!(
        grid.iter().all(|l| measure_text_width(l) <= 80),
        "{grid:#?}"
    );
    for s in 1..=40 {
        assert!(
            grid.iter().any(|l| l.contains(&format!("s{s:02} "))),
            "s{s:02}: {grid:#?}"
        );
    }
    assert!(
        grid.iter().any(|l| l.starts_with("s02         P P F ")),
        "{grid:#?}"
    );
    let text = grid.join("\n");
    assert!(
        text.contains("most failed: 3 05.server.big-body, by 20 of 40 students"),
        "{text}"
    );
    assert!(text.contains("  s02 expected: b'0123456789'"), "{text}");
    assert!(text.contains("  s02 got:      b'01234'"), "{text}");
    assert!(
        text.contains("L5 server: 1 four-frames  2 one-write  3 big-body"),
        "{text}"
    );
}

#[test]
fn wide_names_many_checks_and_two_machines_still_fit() {
    let ids: Vec<&'static str> = (0..20)
        .map(|i| &*Box::leak(format!("06.server.c{i:02}").into_boxed_str()))
        .collect();
    let known: Vec<Known> = ids
        .iter()
        .map(|&id| Known { id: id.to_string(), page: "p" })
        .collect();
    let mut store = Store::open(None).unwrap();
    let row = |name: &str, check: &str, address: &str| Row {
        time: String::new(),
        name: name.into(),
        address: address.into(),
        lesson: 6,
        role: "server".into(),
        check: check.into(),
        verdict: "PASS".into(),
        expected: String::new(),
        got: String::new(),
    };
    let mut rows: Vec<Row> = ids
        .iter()
        .map(|id| row("王小明王小明王小明", id, "10.0.0.1"))
        .collect();
    rows.push(row("王小明王小明王小明", ids[0], "10.0.0.2"));
    rows.push(row("s01", ids[19], "10.0.0.3"));
    store.add(rows).unwrap();
    colored::control::set_override(false);
    let grid = draw(&Screen {
        store: &store,
        known: &known,
        top: &[],
        events: &[],
        width: 80,
        height: 30,
        page: 0,
    });
    assert!(
        grid.iter().all(|l| measure_text_width(l) <= 80),
        "{grid:#?}"
    );
    // 20 checks: a letter a cell puts two students on a line; the tens above the units.
    let tens = format!("{}11111111112", " ".repeat(21));
    assert_eq!(grid[0], format!("{tens}{}{tens}", " ".repeat(3)));
    let units = format!("{}12345678901234567890", " ".repeat(12));
    assert_eq!(grid[1], format!("{units}   {units}"));
    let (none, all) = ("·".repeat(19), "P".repeat(20));
    assert_eq!(grid[2], format!("s01         {none}P   王小明王…!  {all}"));
    assert!(
        grid.iter()
            .any(|l| l.contains("one name, two machines: 王小明王小明王小明 (10.0.0.1, 10.0.0.2)")),
        "{grid:#?}"
    );
}

#[test]
fn a_short_terminal_shows_the_class_a_page_at_a_time() {
    let store = class(40);
    let first = lines(&store, 80, 15, 0);
    assert!(first.len() <= 15, "{first:#?}");
    let pages = first
        .last()
        .unwrap()
        .split(" · ")
        .nth(1)
        .unwrap()
        .to_string();
    let count: usize = pages.rsplit('/').next().unwrap().parse().unwrap();
    assert!(count > 1, "{pages}");
    let shown: BTreeSet<String> = (0..count)
        .flat_map(|page| lines(&store, 80, 15, page))
        .filter(|l| l.starts_with('s'))
        .flat_map(|l| {
            l.split_whitespace()
                .filter(|w| w.starts_with('s'))
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(shown.len(), 40, "{shown:?}");
}
