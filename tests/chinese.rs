//! 中文课堂: the whole course in Chinese. Every line the lessons print under `--lang zh` has a
//! Chinese form, the locale picks the same language as `--lang`, and English is unchanged.

mod common;
#[path = "common/wine.rs"]
mod wine;

use common::{Finished, run};

/// Does `text` hold a CJK character (the ideographs, their punctuation, full-width forms)?
fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c,
            '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}')
    })
}

/// What is left of a line once what needs no translation is taken out: byte literals
/// (`b'67abc'`), quoted text (the peer's words, file names), and code (`read(5)`,
/// `struct.pack('i', 15)`, `--port`, `127.0.0.1:PORT`, `0f 00 00 00`, numbers).
fn words_to_translate(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // A quoted run: "...", '...', b'...', `...`, (...) is dropped whole.
        let close = match c {
            '"' => Some('"'),
            '\'' => Some('\''),
            '`' => Some('`'),
            '(' => Some(')'),
            _ => None,
        };
        if let Some(close) = close {
            // `read(5)`, `struct.pack(...)`: a name right before `(` is code too.
            if c == '(' {
                while plain.ends_with(|c: char| c.is_alphanumeric() || c == '.' || c == '_') {
                    plain.pop();
                }
            }
            for c in chars.by_ref() {
                if c == close {
                    break;
                }
            }
            plain.push(' ');
            continue;
        }
        plain.push(c);
    }
    plain
        .split(|c: char| c.is_whitespace() || ",;:!?".contains(c))
        // Code and numbers: anything with a digit, a dot, a dash, an underscore or a slash.
        .filter(|word| {
            !word
                .chars()
                .any(|c| c.is_ascii_digit() || "._-/=<>[]{}|+*".contains(c))
        })
        .filter(|word| word.chars().filter(char::is_ascii_alphabetic).count() >= 3)
        .map(str::to_string)
        .collect()
}

/// Every tagged line of `output` that speaks English where it should speak Chinese.
fn untranslated(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|line| {
            let text = ["[server]", "[client]", "[note]", "错误:"]
                .iter()
                .find_map(|tag| line.trim_start().strip_prefix(tag))?;
            (!has_cjk(text) && !words_to_translate(text).is_empty()).then(|| line.to_string())
        })
        .collect()
}

#[test]
fn the_checker_tells_translated_lines_from_untranslated_ones() {
    assert!(untranslated("[server] 正在监听 127.0.0.1:PORT").is_empty());
    assert!(untranslated("[server] read(5) b'12345'").is_empty());
    assert!(untranslated("[note]   struct.pack('i', 15)  -> 0f 00 00 00").is_empty());
    assert_eq!(
        untranslated("[server] listening on 127.0.0.1:PORT"),
        ["[server] listening on 127.0.0.1:PORT"]
    );
    assert_eq!(untranslated("错误: could not connect").len(), 1);
}

/// The lines with timings (`0.02 s`, `45.1 MiB/s`) masked: `N.N`.
fn untimed(finished: &Finished) -> Vec<String> {
    finished
        .lines()
        .iter()
        .map(|line| {
            // Lesson 04's segment counts, and the verdict drawn from them, may change too.
            let line = match line
                .find("TCP segments")
                .or_else(|| line.find("TCP 报文段"))
            {
                Some(at) => &line[..at],
                None => line.as_str(),
            };
            // A transfer's time, and whether it was long enough to have a rate, change too.
            let line = [" bytes in ", "字节, 用时"]
                .iter()
                .find_map(|marker| line.find(marker).map(|at| &line[..at + marker.len()]))
                .unwrap_or(line);
            // Under Wine, lesson 03's aborting client may read as a clean close (see wine.rs).
            let left = line.find(" left: ").or_else(|| line.find(" 离开了: "));
            let line = match left {
                Some(at) if wine::reset_may_read_as_eof() => &line[..at],
                _ => line,
            };
            let mut out = String::new();
            let mut rest = line;
            while let Some(dot) = rest.find('.') {
                let (before, after) = rest.split_at(dot);
                let whole =
                    before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
                let fraction = after[1..].len()
                    - after[1..]
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .len();
                if whole > 0 && fraction > 0 {
                    out.push_str(&before[..before.len() - whole]);
                    out.push_str("N.N");
                    rest = &after[1 + fraction..];
                } else {
                    out.push_str(before);
                    out.push('.');
                    rest = &after[1..];
                }
            }
            out.push_str(rest);
            out
        })
        .collect()
}

fn assert_all_chinese(finished: &Finished, what: &str) {
    let missing = untranslated(&finished.stdout);
    assert!(
        missing.is_empty(),
        "{what}: lines with no Chinese form under --lang zh:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_whole_classroom_run_speaks_chinese() {
    let all = run(bin!("socket-lessons", "--lang", "zh"), "");
    all.assert_success();
    assert_all_chinese(&all, "cargo run -- --lang zh");
    // The run shows something of every lesson: it is not empty, nor English under a flag.
    assert!(all.stdout.lines().count() > 100, "{}", all.stdout);
    let list = run(bin!("socket-lessons", "list", "--lang", "zh"), "");
    list.assert_success();
    for title in [
        "通信循环",
        "半连接池",
        "黏包问题",
        "解决黏包问题",
        "最终方案",
    ] {
        assert!(
            list.stdout.contains(title),
            "{title} missing: {}",
            list.stdout
        );
    }
}

#[test]
fn a_chinese_locale_picks_chinese_and_english_is_unchanged() {
    let flag = run(bin!("socket-lessons", "--lang", "zh"), "");
    let mut locale = bin!("socket-lessons");
    // `run` sets LC_ALL=C; a Chinese locale must be asked for the way a Mac's terminal does.
    locale.env_remove("LC_ALL");
    let by_locale = common::run_with_env(locale, &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(untimed(&by_locale), untimed(&flag));

    let default = run(bin!("socket-lessons"), "");
    let english = run(bin!("socket-lessons", "--lang", "en"), "");
    assert_eq!(untimed(&english), untimed(&default));
}

#[test]
fn errors_and_hints_speak_chinese_too() {
    // A port with no server: every client's one-line error, in Chinese.
    let refused = common::RefusedPort::new();
    let port = refused.port.to_string();
    // Every lesson of the list with a client of its own (07's is 06's).
    let lessons = socket_lessons::tools::lessons::LESSONS.iter();
    let with_client = lessons.filter(|lesson| lesson.binary != "07_many_clients");
    for lesson in with_client {
        let mut client = common::program(lesson.binary);
        client.args(["--lang", "zh", "client", "--port", &port]);
        let finished = run(client, "");
        let error = finished.assert_one_line_error_in("错误: ");
        assert!(untranslated(&error).is_empty(), "{error}");
        assert!(error.contains("无法连接"), "{error}");
        assert_all_chinese(&finished, &error);
    }
}

/// What clap itself writes in a help text; it stays English (README.zh.md says so).
const CLAPS_OWN: [&str; 3] = [
    "Print help",
    "Print version",
    "Print this message or the help of the given subcommand(s)",
];

/// The lesson's own texts in a `--help`: the first line, each subcommand's line, each option's
/// help (long form: on the lines under the option), without clap's headings, the usage, the
/// option names, `[default: …]` and the possible values.
fn help_texts(help: &str) -> (Vec<String>, Vec<String>) {
    let (mut texts, mut subcommands) = (Vec::new(), Vec::new());
    let mut section = "";
    for (i, line) in help.lines().enumerate() {
        let trimmed = line.trim();
        if i == 0 {
            texts.push(trimmed.to_string());
        } else if !line.starts_with(' ') && trimmed.ends_with(':') {
            section = trimmed;
        } else if section == "Commands:" {
            if let Some((name, text)) = trimmed.split_once(char::is_whitespace) {
                subcommands.push(name.to_string());
                texts.push(text.trim().to_string());
            }
        } else if line.starts_with(&" ".repeat(10))
            && !trimmed.starts_with('[')
            && !trimmed.starts_with("- ")
            && trimmed != "Possible values:"
        {
            texts.push(trimmed.to_string());
        }
    }
    texts.retain(|text| !text.is_empty() && !CLAPS_OWN.iter().any(|own| text.starts_with(own)));
    subcommands.retain(|name| name != "help");
    (texts, subcommands)
}

#[test]
fn under_lang_zh_every_help_text_of_every_lesson_is_chinese() {
    // The runner, then every lesson of the one list (`src/tools/lessons.rs`).
    let lessons = socket_lessons::tools::lessons::LESSONS.iter();
    let programs = std::iter::once("socket-lessons").chain(lessons.map(|lesson| lesson.binary));
    let mut untranslated = Vec::new();
    let mut checked = 0;
    for program in programs {
        let dir = std::path::Path::new(env!("CARGO_BIN_EXE_01_basic"))
            .parent()
            .unwrap();
        let path = dir.join(format!("{program}{}", std::env::consts::EXE_SUFFIX));
        let help = |args: &[&str]| {
            let mut command = std::process::Command::new(&path);
            command.args(args).args(["--help", "--lang", "zh"]);
            let finished = run(command, "");
            finished.assert_success();
            finished.stdout
        };
        let (texts, subcommands) = help_texts(&help(&[]));
        let mut all = texts;
        for subcommand in subcommands {
            all.extend(help_texts(&help(&[&subcommand])).0);
        }
        checked += all.len();
        untranslated.extend(
            all.into_iter()
                .filter(|text| !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
                .map(|text| format!("{program}: {text}")),
        );
    }
    // The checker's own command line, `socket-lessons check`.
    let mut check = bin!("socket-lessons", "check", "--help", "--lang", "zh");
    check.env("LC_ALL", "C");
    let finished = run(check, "");
    finished.assert_success();
    let (texts, _) = help_texts(&finished.stdout);
    checked += texts.len();
    untranslated.extend(
        texts
            .into_iter()
            .filter(|text| !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
            .map(|text| format!("socket-lessons check: {text}")),
    );
    assert!(checked > 50, "only {checked} help texts seen");
    assert!(untranslated.is_empty(), "{untranslated:#?}");
}
