//! What lesson 06 accepts from a peer's header: JSON of the expected shape, a size that is a
//! whole number of bytes, and a file name that every OS can save as a plain file.
//!
//! The material's client does `open(dict_data.get('file_name'), 'wb')`: a server that sends
//! `../../.bashrc` or `/etc/cron.d/x` writes there. And a name that one OS saves may be a path,
//! a device or an error on another: the class's laptops run Linux, macOS and Windows, so a name
//! is accepted only if every one of them can save it, as a plain file in the chosen folder.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::{Result, tr};

/// The longest name most file systems take (ext4, APFS, NTFS: 255), in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Characters Windows refuses in a file name (and `/`, `\`, which separate folders somewhere).
const FORBIDDEN: [char; 9] = ['<', '>', ':', '"', '|', '?', '*', '/', '\\'];

/// Names Windows keeps for devices, with or without an extension: `CON`, `nul.txt`, `COM1.log`.
const DEVICES: [&str; 4] = ["CON", "PRN", "AUX", "NUL"];

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
    parsed.map_err(|why| tr!("refusing the header: {why}", "拒绝报头: {why}").into())
}

/// `file_size` as JSON may write it: any number. A size is a whole number of bytes, 0 or more;
/// say so, rather than serde's "invalid value: integer `-5`, expected u64".
/// For `#[serde(deserialize_with = "socket_lessons::names::whole_bytes")]`.
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
    let shown = format!("{name:?}");
    Err(tr!(
        "refusing the file name {shown}: {problem}; the name a peer sends must be a plain file name",
        "拒绝文件名 {shown}: {problem}; 对方发来的名字必须是一个普通文件名"
    )
    .into())
}

/// What is wrong with `name`, if anything.
fn problem(name: &str) -> Option<String> {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    let numbered_device = ["COM", "LPT"].iter().any(|device| {
        stem.strip_prefix(device)
            .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit() && n != "0")
    });
    let problem = if name.is_empty() {
        tr!("it is empty", "它是空的")
    } else if name == "." || name == ".." {
        tr!("it names a folder", "它指向一个文件夹")
    } else if name.starts_with(['/', '\\']) {
        tr!("it is an absolute path", "它是绝对路径")
    } else if name.len() >= 2
        && name.as_bytes()[1] == b':'
        && name.as_bytes()[0].is_ascii_alphabetic()
    {
        tr!("it starts with a drive (C:)", "它以盘符开头 (C:)")
    } else if name.contains(['/', '\\']) {
        tr!("it contains a path separator", "它含有路径分隔符")
    } else if let Some(c) = name.chars().find(|c| c.is_control()) {
        let c = format!("{c:?}");
        tr!(
            "it contains the control character {c}",
            "它含有控制字符 {c}"
        )
    } else if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(c)) {
        tr!(
            "Windows cannot save a name with {c:?} in it",
            "Windows 无法保存含有 {c:?} 的名字"
        )
    } else if name.ends_with(['.', ' ']) {
        tr!(
            "it ends with a dot or a space, which Windows drops",
            "它以点或空格结尾, Windows 会把它们去掉"
        )
    } else if DEVICES.contains(&stem.as_str()) || numbered_device {
        tr!(
            "Windows keeps that name for a device",
            "Windows 把这个名字留给了设备"
        )
    } else if name.len() > MAX_NAME_BYTES {
        let len = name.len();
        tr!(
            "it is {len} bytes long, over the {MAX_NAME_BYTES} bytes file systems take",
            "它有 {len} 字节, 超过文件系统允许的 {MAX_NAME_BYTES} 字节"
        )
    } else {
        return None;
    };
    Some(problem)
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

    #[test]
    fn paths_devices_and_what_windows_refuses_are_refused() {
        let refused = [
            "",
            ".",
            "..",
            "/etc/passwd",
            "\\\\server\\share",
            "../x",
            "a/b",
            "a\\b",
            "C:x",
            "c:\\x",
            "a:b",
            "x.",
            "x ",
            "a<b",
            "a|b",
            "a?b",
            "a*b",
            "a\"b",
            "a\0b",
            "a\x1bb",
            "a\nb",
            "CON",
            "con",
            "aux.txt",
            "NUL.tar.gz",
            "COM1",
            "lpt9.log",
            "PRN",
        ];
        for name in refused {
            let error = check_file_name(name).unwrap_err().to_string();
            assert!(
                error.starts_with("refusing the file name"),
                "{name:?}: {error}"
            );
            assert_eq!(error.lines().count(), 1, "{name:?}: {error}");
            assert!(!error.chars().any(|c| c.is_control()), "{name:?}: {error}");
        }
        assert!(check_file_name(&"x".repeat(MAX_NAME_BYTES + 1)).is_err());
    }
}
