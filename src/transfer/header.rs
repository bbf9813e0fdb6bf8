//! What lesson 06 accepts from a peer's header: JSON of the expected shape, a size that is a
//! whole number of bytes, and a file name that every OS can save as a plain file.
//!
//! The material's client does `open(dict_data.get('file_name'), 'wb')`: a server that sends
//! `../../.bashrc` or `/etc/cron.d/x` writes there. And a name that one OS saves may be a path,
//! a device or an error on another: the class's laptops run Linux, macOS and Windows, so a name
//! is accepted only if every one of them can save it, as a plain file in the chosen folder.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::{Result, tr, words::text};

/// The longest name most file systems take (ext4, APFS, NTFS: 255), in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Characters Windows refuses in a file name (and `/`, `\`, which separate folders somewhere).
const FORBIDDEN: [char; 9] = ['<', '>', ':', '"', '|', '?', '*', '/', '\\'];

/// Names Windows keeps for devices, with or without an extension and with spaces before the
/// extension: `CON`, `nul.txt`, `CON .txt`, `CONIN$`. `COM` and `LPT` take a number after them,
/// [`PORT_NUMBERS`].
const DEVICES: [&str; 6] = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];

/// The numbers of the ports `COM` and `LPT`: Windows counts the superscripts ¹ ² ³ among them.
const PORT_NUMBERS: [char; 12] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '¹', '²', '³'];

/// One rule a name must pass: what is wrong with it, in one phrase, or `None`.
type Rule = fn(&str) -> Option<String>;

/// Every rule a peer's file name must pass, in the order they are tried; the first that fails
/// names the problem. The one list: [`check_file_name`] walks it, and a test covers each rule.
const RULES: [Rule; 10] = [
    empty,
    folder,
    absolute,
    drive,
    separator,
    control,
    windows_character,
    trailing_dot_or_space,
    device,
    too_long,
];

/// The header's JSON, `json.loads(dict_data_bytes)`, refused in one line if it is empty, not
/// UTF-8 text, or not JSON of the shape `T` (serde names the missing field or the wrong type).
pub fn from_json<T: DeserializeOwned>(json: &[u8]) -> Result<T> {
    let parsed = match std::str::from_utf8(json) {
        Ok("") => Err(tr!(
            "its length is 0, and an empty header is not JSON",
            "它的长度是 0, 空的报头不是 JSON"
        )),
        Ok(json) => serde_json::from_str(json).map_err(|e| {
            tr!(
                "it is not the JSON this lesson expects: {e}",
                "它不是本课期望的 JSON: {e}"
            )
        }),
        Err(e) => Err(tr!("it is not UTF-8 text ({e})", "它不是 UTF-8 文本 ({e})")),
    };
    // What came is shown too, as lesson 05 shows a broken frame: escaped, and at most
    // `SHOWN` bytes of it, so a lying peer can neither act on the screen nor fill it.
    let arrived = text::py_bytes_first(json, SHOWN);
    parsed.map_err(|why| match json.is_empty() {
        true => tr!("refusing the header: {why}", "拒绝报头: {why}").into(),
        false => tr!(
            "refusing the header: {why}; what arrived: {arrived}",
            "拒绝报头: {why}; 收到的是: {arrived}"
        )
        .into(),
    })
}

/// How many bytes of a refused header its error shows.
const SHOWN: usize = 48;

/// `file_size` as JSON may write it: any number. A size is a whole number of bytes, 0 or more;
/// say so, rather than serde's "invalid value: integer `-5`, expected u64".
/// For `#[serde(deserialize_with = "socket_lessons::transfer::header::whole_bytes")]`.
pub fn whole_bytes<'de, D: serde::Deserializer<'de>>(
    json: D,
) -> std::result::Result<u64, D::Error> {
    let n = serde_json::Number::deserialize(json)?;
    n.as_u64().ok_or_else(|| {
        serde::de::Error::custom(tr!(
            "file_size must be a whole number of bytes, 0 or more, not {n}",
            "file_size 必须是 0 或正整数个字节, 不能是 {n}"
        ))
    })
}

/// Accept `name` only if it is exactly one plain file name that Linux, macOS and Windows can
/// all save; else say why, in one line.
pub fn check_file_name(name: &str) -> Result<()> {
    let Some(problem) = problem(name) else {
        return Ok(());
    };
    let shown = text::quoted(name.as_bytes());
    Err(tr!(
        "refusing the file name {shown}: {problem}; the name a peer sends must be a plain file name",
        "拒绝文件名 {shown}: {problem}; 对方发来的名字必须是一个普通文件名"
    )
    .into())
}

/// What is wrong with `name`, if anything: the first rule it fails.
fn problem(name: &str) -> Option<String> {
    RULES.iter().find_map(|rule| rule(name))
}

fn empty(name: &str) -> Option<String> {
    name.is_empty().then(|| tr!("it is empty", "它是空的"))
}

fn folder(name: &str) -> Option<String> {
    (name == "." || name == "..").then(|| tr!("it names a folder", "它指向一个文件夹"))
}

fn absolute(name: &str) -> Option<String> {
    name.starts_with(['/', '\\'])
        .then(|| tr!("it is an absolute path", "它是绝对路径"))
}

fn drive(name: &str) -> Option<String> {
    let bytes = name.as_bytes();
    (bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic())
        .then(|| tr!("it starts with a drive (C:)", "它以盘符开头 (C:)"))
}

fn separator(name: &str) -> Option<String> {
    name.contains(['/', '\\'])
        .then(|| tr!("it contains a path separator", "它含有路径分隔符"))
}

fn control(name: &str) -> Option<String> {
    let c = name.chars().find(|c| c.is_control())?;
    let c = text::quoted(c.encode_utf8(&mut [0; 4]).as_bytes());
    Some(tr!(
        "it contains the control character {c}",
        "它含有控制字符 {c}"
    ))
}

fn windows_character(name: &str) -> Option<String> {
    let c = name.chars().find(|c| FORBIDDEN.contains(c))?;
    let c = text::quoted(c.encode_utf8(&mut [0; 4]).as_bytes());
    Some(tr!(
        "Windows cannot save a name with {c} in it",
        "Windows 无法保存含有 {c} 的名字"
    ))
}

fn trailing_dot_or_space(name: &str) -> Option<String> {
    name.ends_with(['.', ' ']).then(|| {
        tr!(
            "it ends with a dot or a space, which Windows drops",
            "它以点或空格结尾, Windows 会把它们去掉"
        )
    })
}

/// Windows looks at the name up to its first dot, without the spaces at its end: `CON .txt` is
/// the console, as `CON.txt` and `CON` are.
fn device(name: &str) -> Option<String> {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let stem = stem.to_ascii_uppercase();
    let port = ["COM", "LPT"].iter().any(|port| {
        let mut number = stem.strip_prefix(port).unwrap_or_default().chars();
        number.next().is_some_and(|n| PORT_NUMBERS.contains(&n)) && number.next().is_none()
    });
    (DEVICES.contains(&stem.as_str()) || port).then(|| {
        tr!(
            "Windows keeps that name for a device",
            "Windows 把这个名字留给了设备"
        )
    })
}

fn too_long(name: &str) -> Option<String> {
    let len = name.len();
    (len > MAX_NAME_BYTES).then(|| {
        tr!(
            "it is {len} bytes long, over the {MAX_NAME_BYTES} bytes file systems take",
            "它有 {len} 字节, 超过文件系统允许的 {MAX_NAME_BYTES} 字节"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_in_any_script_are_accepted() {
        for name in [
            "notes.txt",
            "课程 笔记 notes.txt",
            ".hidden",
            "a.b.c",
            "CONSOLE.txt",
            "COM10",
        ] {
            assert!(check_file_name(name).is_ok(), "{name}");
        }
        assert!(check_file_name(&"x".repeat(MAX_NAME_BYTES)).is_ok());
    }

    /// `rule` refuses every name of `refused`, in one line, and passes every name of `kept`.
    fn check(rule: Rule, refused: &[&str], kept: &[&str]) {
        for name in refused {
            assert!(rule(name).is_some(), "{name:?} passes this rule");
            let error = check_file_name(name).unwrap_err().to_string();
            assert!(
                error.starts_with("refusing the file name"),
                "{name:?}: {error}"
            );
            assert_eq!(error.lines().count(), 1, "{name:?}: {error}");
            assert!(!error.chars().any(|c| c.is_control()), "{name:?}: {error}");
        }
        for name in kept {
            assert_eq!(rule(name), None, "{name:?}");
        }
    }

    #[test]
    fn rule_empty() {
        check(empty, &[""], &["x"]);
    }

    #[test]
    fn rule_folder() {
        check(folder, &[".", ".."], &["...x", ".hidden"]);
    }

    #[test]
    fn rule_absolute() {
        check(absolute, &["/etc/passwd", "\\\\server\\share"], &["a/b"]);
    }

    #[test]
    fn rule_drive() {
        check(drive, &["C:x", "c:\\x", "a:b"], &["1:x", "ab:"]);
    }

    #[test]
    fn rule_separator() {
        check(separator, &["../x", "a/b", "a\\b"], &["a.b"]);
    }

    #[test]
    fn rule_control() {
        check(control, &["a\0b", "a\x1bb", "a\nb", "a\u{85}b"], &["a b"]);
    }

    #[test]
    fn rule_windows_character() {
        check(
            windows_character,
            &["a<b", "a>b", "a|b", "a?b", "a*b", "a\"b", "ab:"],
            &["a$b", "a#b"],
        );
    }

    #[test]
    fn rule_trailing_dot_or_space() {
        check(
            trailing_dot_or_space,
            &["x.", "x ", "x.txt "],
            &[".x", " x"],
        );
    }

    #[test]
    fn rule_device() {
        check(
            device,
            &[
                "CON",
                "con",
                "PRN",
                "aux.txt",
                "NUL.tar.gz",
                "CON .txt",
                "nul .txt",
                "CONIN$",
                "conout$.log",
                "COM1",
                "lpt9.log",
                "COM¹",
                "com².txt",
                "LPT³",
                "lpt¹ .x",
            ],
            &[
                "CONSOLE.txt",
                "COM10",
                "COM0",
                "COM⁴",
                "LPT",
                " CON",
                "CON_",
                "CONIN",
            ],
        );
    }

    #[test]
    fn rule_too_long() {
        let longest = "x".repeat(MAX_NAME_BYTES);
        let wide = "课".repeat(MAX_NAME_BYTES / 3 + 1);
        check(too_long, &[&format!("{longest}x"), &wide], &[&longest]);
    }
}
