//! The lesson pages as a reader moves through them: each opens with the material's section, a
//! link to its twin in the other language and to the lessons before and after, and every link
//! of every page leads to a file that exists.

use std::path::{Path, PathBuf};

fn pages(folder: &str) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("the pages' folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    pages
}

/// The targets of the page's Markdown links `[text](target)` that are files of this repository.
fn local_links(text: &str) -> Vec<&str> {
    text.match_indices("](")
        .filter_map(|(at, _)| text[at + 2..].split(')').next())
        .filter(|target| !target.contains("://") && !target.starts_with('#'))
        .map(|target| target.split('#').next().unwrap_or(target))
        .collect()
}

#[test]
fn every_page_opens_with_its_section_its_twin_and_its_neighbours() {
    for (folder, twin_folder, opening) in [
        ("lessons", "lessons/zh", "*The material's section: **"),
        ("lessons/zh", "lessons", "*教材章节: **"),
    ] {
        let pages = pages(folder);
        assert!(pages.len() >= 6, "{folder}: {pages:?}");
        for (i, page) in pages.iter().enumerate() {
            let text = std::fs::read_to_string(page).expect("the page reads");
            let header = text.lines().nth(2).unwrap_or_default();
            assert!(
                header.starts_with(opening),
                "{}: {header:?}",
                page.display()
            );
            let name = page.file_name().expect("a name").to_string_lossy();
            let twin = Path::new(twin_folder).join(&*name);
            assert!(
                twin.is_file(),
                "{} has no twin {}",
                page.display(),
                twin.display()
            );
            assert!(
                header.contains(&format!("{name})")),
                "{}: no link to its twin",
                page.display()
            );
            let neighbours = [i.checked_sub(1), Some(i + 1).filter(|&n| n < pages.len())];
            for neighbour in neighbours.into_iter().flatten() {
                let other = pages[neighbour]
                    .file_name()
                    .expect("a name")
                    .to_string_lossy();
                assert!(
                    header.contains(&format!("({other})")),
                    "{}: no link to {other}",
                    page.display()
                );
            }
        }
    }
}

#[test]
fn every_link_of_every_page_leads_to_a_file() {
    for page in [pages("lessons"), pages("lessons/zh")].concat() {
        let text = std::fs::read_to_string(&page).expect("the page reads");
        let folder = page.parent().expect("a folder");
        for target in local_links(&text) {
            assert!(
                folder.join(target).exists(),
                "{}: the link {target:?} leads nowhere",
                page.display()
            );
        }
    }
}

/// Both READMEs' tables of lessons are the one list (`src/tools/lessons.rs`): every lesson, in
/// order, with the tutorial's section as that language names it, and no lesson the list lacks.
#[test]
fn both_readmes_name_every_lesson_of_the_list() {
    use socket_lessons::tools::lessons::LESSONS;
    for (readme, lang) in [("README.md", 0), ("README.zh.md", 1)] {
        let text = std::fs::read_to_string(readme).expect("the README reads");
        let rows: Vec<(String, String)> = text
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            .filter_map(|rest| {
                let (binary, rest) = rest.split_once("` | ")?;
                let section = rest.split(" | ").next()?;
                Some((binary.to_string(), section.to_string()))
            })
            .collect();
        let expected: Vec<(String, String)> = LESSONS
            .iter()
            .map(|l| (l.binary.to_string(), l.section[lang].to_string()))
            .collect();
        assert_eq!(rows, expected, "{readme}'s table of lessons");
        let numbers: Vec<usize> = LESSONS.iter().map(|l| l.number).collect();
        assert_eq!(
            numbers,
            (1..=LESSONS.len()).collect::<Vec<_>>(),
            "numbered in order"
        );
        for lesson in LESSONS {
            assert!(lesson.binary.starts_with(&format!("{:02}_", lesson.number)));
            assert!(
                Path::new("lessons")
                    .join(format!("{}.md", lesson.binary))
                    .is_file()
                    && Path::new("lessons/zh")
                        .join(format!("{}.md", lesson.binary))
                        .is_file(),
                "{}: its two pages",
                lesson.binary
            );
        }
    }
}
