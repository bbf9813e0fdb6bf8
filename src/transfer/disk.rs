//! Lesson 06 on disk: the file the server sends, checked before it is opened, and the folder
//! the client saves into. None of it is the lesson's idea (that is the header); all of it is
//! what a shared folder taught a classroom (issue 9):
//!
//! - The server opens only a regular file: opening a FIFO waits for a writer, reading a device
//!   may never end, and either would stop the server before it says a word.
//! - The client saves only into a folder that exists, and refuses at once a name that is taken
//!   there, unless `--force`.
//!
//! The partial file and Ctrl-C are in [`partial`](crate::transfer::partial); time, in
//! [`deadline`](crate::transfer::deadline).

use std::fs::{self, File};
use std::io::{self, ErrorKind};
use std::path::Path;

use crate::{Result, sockets::frame, tr, words::text};

/// The server's file, opened for one client: a regular file (checked before opening, and
/// again on what was opened), and its size now. Called for every client: the file may have
/// changed since the last one.
pub fn open_to_send(path: &Path) -> Result<(File, u64)> {
    let shown = path.display();
    let refuse = |why: String| tr!("cannot send {shown}: {why}", "无法发送 {shown}: {why}");
    let meta = fs::metadata(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => refuse(tr!("there is no such file", "没有这个文件")),
        _ => refuse(e.to_string()),
    })?;
    regular(&meta).map_err(refuse)?;
    let file = open_without_waiting(path).map_err(|e| refuse(e.to_string()))?;
    // Between the look and the open, the name may have been given to something else.
    let meta = file.metadata()?;
    regular(&meta).map_err(refuse)?;
    Ok((file, meta.len()))
}

/// The header's `file_name` for `path`, once `path` is found to be a file that can be sent:
/// its last part, never the folders it came from. JSON carries text, so it must be UTF-8.
pub fn name_to_send(path: &Path) -> Result<String> {
    open_to_send(path)?;
    let shown = path.display();
    let name = path.file_name().and_then(|name| name.to_str());
    name.map(str::to_string).ok_or_else(|| {
        tr!(
            "cannot send {shown}: JSON can only carry a name that is UTF-8 text",
            "无法发送 {shown}: JSON 只能携带 UTF-8 文本的名字"
        )
        .into()
    })
}

/// The server's own error while sending `path` (it could not be read): this ends the server.
pub fn cannot_send(path: &Path, e: io::Error) -> crate::Error {
    let shown = path.display();
    tr!("cannot send {shown}: {e}", "无法发送 {shown}: {e}").into()
}

/// The longest header an offer can make, `len` bytes, must fit in one frame.
pub fn check_header_len(len: usize) -> Result<()> {
    let max = frame::MAX_FRAME_LEN;
    if len <= max {
        return Ok(());
    }
    Err(tr!(
        "the header would be {len} bytes, over the {max}-byte limit: shorten --desc",
        "报头会有 {len} 字节, 超过 {max} 字节的上限: 请缩短 --desc"
    )
    .into())
}

/// Why this is not a file to send, if it is not a regular file.
fn regular(meta: &fs::Metadata) -> std::result::Result<(), String> {
    if meta.is_dir() {
        Err(tr!("it is a folder, not a file", "它是文件夹, 不是文件"))
    } else if !meta.is_file() {
        Err(tr!(
            "it is not a regular file (a FIFO, a device?), and reading it could wait forever",
            "它不是普通文件 (FIFO 管道? 设备?), 读取它可能永远等下去"
        ))
    } else {
        Ok(())
    }
}

/// Unix: `O_NONBLOCK`, so that a FIFO put in the file's place after the check does not block
/// the open (it then fails the second check); on a regular file the flag changes nothing.
#[cfg(unix)]
fn open_without_waiting(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Windows: pipes live under `\\.\pipe\`, not among the files; a path that passed the check
/// opens at once.
#[cfg(not(unix))]
fn open_without_waiting(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// `--out` must be a folder that exists: one line if it is missing or a file.
pub fn check_out(out: &Path) -> Result<()> {
    let shown = out.display();
    match fs::metadata(out) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(tr!(
            "cannot save into {shown}: it is a file, not a folder (choose a folder with --out)",
            "无法保存到 {shown}: 它是文件, 不是文件夹 (用 --out 选一个文件夹)"
        )
        .into()),
        Err(e) if e.kind() == ErrorKind::NotFound => Err(tr!(
            "cannot save into {shown}: there is no such folder (create it, or choose another with --out)",
            "无法保存到 {shown}: 没有这个文件夹 (先创建它, 或者用 --out 选另一个)"
        )
        .into()),
        Err(e) => Err(tr!("cannot save into {shown}: {e}", "无法保存到 {shown}: {e}").into()),
    }
}

/// Refuse at once, before any byte of the file arrives, if `name` is taken in `out` (by a
/// file, a folder or a link, even one that points nowhere) and `--force` was not given.
pub fn check_free(out: &Path, name: &str, force: bool) -> Result<()> {
    if force || fs::symlink_metadata(out.join(name)).is_err() {
        return Ok(());
    }
    let (shown, quoted) = (out.display(), text::quoted(name.as_bytes()));
    Err(tr!(
        "{quoted} already exists in {shown}: use --force to replace it",
        "{shown} 里已经有 {quoted}: 要替换它, 请加 --force"
    )
    .into())
}
