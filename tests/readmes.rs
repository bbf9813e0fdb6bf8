//! README.zh.md says what README.md says: the same sections in the same order, the same lessons
//! in the lesson table (every lesson page's), the same commands in the code blocks. Structure,
//! not wording: a section added to both, each in its own language, keeps this test passing; a
//! section, a lesson or a command added to one only fails it.

use std::path::Path;

/// The text of `name`, in the crate's folder.
fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// The lines outside code blocks, and the code blocks, each as its lines.
fn split(text: &str) -> (Vec<&str>, Vec<Vec<&str>>) {
    let (mut prose, mut blocks) = (Vec::new(), Vec::new());
    let mut block: Option<Vec<&str>> = None;
    for line in text.lines() {
        match (&mut block, line.starts_with("```")) {
            (None, true) => block = Some(Vec::new()),
            (Some(_), true) => blocks.extend(block.take()),
            (Some(lines), false) => lines.push(line),
            (None, false) => prose.push(line),
        }
    }
    (prose, blocks)
}

/// The level of every heading, in order: `#` is 1, `##` 2.
fn heading_levels(prose: &[&str]) -> Vec<usize> {
    prose
        .iter()
        .filter(|line| line.starts_with('#'))
        .map(|line| line.chars().take_while(|&c| c == '#').count())
        .collect()
}

/// The lessons of the lesson table: the first cell of each row, `` `01_basic` ``.
fn lessons(prose: &[&str]) -> Vec<String> {
    prose
        .iter()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`'))
        .map(|(lesson, _)| lesson.to_string())
        .filter(|lesson| lesson.len() > 3 && lesson[..2].bytes().all(|b| b.is_ascii_digit()))
        .collect()
}

/// A code block's commands, as a reader of either README types them: without the comment after
/// `#` (in the README's language), without `--lang zh` (the Chinese README asks for Chinese),
/// spaces collapsed, and a `--` left with nothing after it dropped.
fn commands(block: &[&str]) -> Vec<String> {
    block
        .iter()
        .map(|line| {
            let command = line.split(" #").next().unwrap_or_default();
            let words: Vec<&str> = command.split_whitespace().collect();
            let mut words: Vec<&str> = words
                .iter()
                .enumerate()
                .filter(|&(i, word)| {
                    let lang_zh = (*word == "--lang" && words.get(i + 1) == Some(&"zh"))
                        || (*word == "zh" && i > 0 && words[i - 1] == "--lang");
                    !lang_zh
                })
                .map(|(_, word)| *word)
                .collect();
            if words.last() == Some(&"--") {
                words.pop();
            }
            words.join(" ")
        })
        .collect()
}

#[test]
fn the_two_readmes_have_the_same_sections_lessons_and_commands() {
    let (english, chinese) = (read("README.md"), read("README.zh.md"));
    let ((en_prose, en_blocks), (zh_prose, zh_blocks)) = (split(&english), split(&chinese));

    let (en_levels, zh_levels) = (heading_levels(&en_prose), heading_levels(&zh_prose));
    assert!(en_levels.len() > 5, "{en_levels:?}");
    assert_eq!(
        en_levels, zh_levels,
        "README.md and README.zh.md have other sections"
    );

    let en_lessons = lessons(&en_prose);
    assert_eq!(en_lessons, lessons(&zh_prose), "the lesson tables differ");
    // Every lesson with a page is in the table, in order.
    let mut pages: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"))
            .expect("lessons/")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter_map(|name| name.strip_suffix(".md").map(str::to_string))
            .collect();
    pages.sort();
    assert_eq!(en_lessons, pages, "the README's lessons are not the pages'");

    let en_commands: Vec<_> = en_blocks.iter().map(|block| commands(block)).collect();
    let zh_commands: Vec<_> = zh_blocks.iter().map(|block| commands(block)).collect();
    assert_eq!(en_commands, zh_commands, "the code blocks differ");
}

#[test]
fn a_command_reads_the_same_in_both_languages() {
    assert_eq!(
        commands(&[
            "cargo run -- check 6 client --lang zh -- python3 client.py    # 课程扮演服务端"
        ]),
        ["cargo run -- check 6 client -- python3 client.py"]
    );
    assert_eq!(
        commands(&["cargo run --bin 03_conn_loop -- --lang zh"]),
        ["cargo run --bin 03_conn_loop"]
    );
}
