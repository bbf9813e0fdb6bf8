//! Lesson 06's demo folder: made in the system's temp folder, removed when the demo ends; and
//! the demo's last check, that the copy it received is the file it sent.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::{Result, note, tr};

/// A new folder `socket-lessons-NAME-XXXXXX` in the system's temp folder, removed when the
/// returned value is dropped: at the end of the demo, on an error as well.
///
/// The temp folder is shared by every user of the machine: `tempfile` picks a random name and
/// creates the folder new, so nobody can have planted a link there beforehand. A process killed
/// outright (`kill -9`) runs no more code and cannot clean up: its folder, a few KiB, stays
/// until the OS empties the temp folder.
pub fn folder(name: &str) -> Result<TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("socket-lessons-{name}-"))
        .tempdir()
        .map_err(|e| {
            tr!(
                "cannot create a scratch folder in the temp folder: {e}",
                "无法在系统临时文件夹里创建临时文件夹: {e}"
            )
            .into()
        })
}

/// Lesson 06's demo: a [`folder`] holding `file` with `content` (what the server sends) and an
/// empty folder `received` (where the client saves); the folder, and the paths of both.
pub fn with_file(name: &str, file: &str, content: &[u8]) -> Result<(TempDir, PathBuf, PathBuf)> {
    let scratch = folder(name)?;
    let (served, received) = (scratch.path().join(file), scratch.path().join("received"));
    fs::write(&served, content)?;
    fs::create_dir(&received)?;
    Ok((scratch, served, received))
}

/// The demo's last word: the file saved at `copy` holds exactly `original`, or an error.
pub fn same_bytes(copy: &Path, original: &[u8]) -> Result<()> {
    let copy = fs::read(copy)?;
    if copy != original {
        return Err(tr!(
            "the saved copy differs from the source",
            "保存的副本与源代码不同"
        )
        .into());
    }
    let n = copy.len();
    note!(
        "the saved copy is identical to the source, byte for byte ({n} bytes); removing the scratch folder",
        "保存的副本与源代码逐字节相同 ({n} 字节); 删除临时文件夹"
    );
    Ok(())
}
