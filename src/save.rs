//! Lesson 06 on disk: the file the server sends, checked before it is opened, and on the
//! client's side a partial file that gets its real name whole or not at all, and is never left
//! behind. None of it is the lesson's idea (that is the header); all of it is what a shared
//! folder, a slow network and Ctrl-C taught a classroom (issue 9):
//!
//! - The server opens only a regular file: opening a FIFO waits for a writer, reading a device
//!   may never end, and either would stop the server before it says a word.
//! - The client writes into `.NAME-XXXXXX.part`, created new with a random part: nobody can
//!   have put a link there beforehand, two transfers never share one, and the name stays within
//!   the 255 bytes a file system takes (a long `NAME` is shortened in it).
//! - The finished file takes its name without replacing anything, even a file that appeared
//!   while the bytes were arriving, unless `--force`; then a rename replaces the entry in
//!   `--out`, a link included, and never writes through a link to somewhere else.
//! - Ctrl-C and SIGTERM remove the partial file, say so in one line, and exit with 130.
//! - Time: a peer that moves no byte for `--timeout` seconds is given up on, in one line that
//!   says at which stage and how far the transfer got ([`no_header`], [`sent_all`],
//!   [`received_all`]): one stalled laptop cannot hang a client or stop the class's server.

use std::fs::{self, File};
use std::io::{self, ErrorKind, IsTerminal};
use std::net::TcpStream;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tempfile::NamedTempFile;

use crate::names::MAX_NAME_BYTES;
use crate::net::{self, Peer};
use crate::{Result, frame, say, tr};

/// How many random characters a partial file's name has: 62^6, about 57 billion names.
const RANDOM_CHARS: usize = 6;

/// The end of a partial file's name.
const PART_SUFFIX: &str = ".part";

/// The exit code after Ctrl-C or SIGTERM: 128 + SIGINT (2), what a shell reports for Ctrl-C.
pub const INTERRUPTED: i32 = 130;

/// The partial file being written, if any: what Ctrl-C must remove. A `static`, because the
/// signal handler runs on a thread of its own and can reach nothing else.
static PARTIAL: Mutex<Option<PathBuf>> = Mutex::new(None);

fn partial() -> MutexGuard<'static, Option<PathBuf>> {
    // A poisoned lock only means a thread panicked while holding it; the path is still whole.
    PARTIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

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

/// Did a read or a write wait its whole timeout? Unix says `WouldBlock` (EAGAIN), Windows
/// `TimedOut`.
pub fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// Why a transfer stopped, in words, when the peer stopped it: it moved no byte for `timeout`
/// ([`timed_out`]), or it reset or closed the connection ([`net::gone`]). `None` for an error
/// of our own (a disk full, the file gone).
pub fn stopped(e: &io::Error, peer: Peer, timeout: Duration) -> Option<String> {
    let secs = timeout.as_secs();
    match peer {
        _ if !timed_out(e) => net::gone(e, peer),
        Peer::Client => Some(tr!(
            "nothing moved for {secs} s (--timeout); dropping this client, to serve the next",
            "{secs} 秒内毫无进展 (--timeout); 断开这个客户端, 去服务下一个"
        )),
        Peer::Server | Peer::AnsweredServer => Some(tr!(
            "nothing came from the server for {secs} s (--timeout); giving up",
            "服务端 {secs} 秒内没有发来任何字节 (--timeout); 放弃"
        )),
    }
}

/// Why no header came, in words: `result` is what reading it gave instead (`Ok`: the server
/// closed first). A length that is negative or too big is refused. A timeout after a connect
/// that worked most likely means the server is busy: it serves one client at a time, and the
/// OS completed this connection and left it waiting in the listen queue (lesson 03's backlog).
pub fn no_header(result: io::Result<()>, timeout: Duration) -> crate::Error {
    let secs = timeout.as_secs();
    match result {
        Ok(()) => tr!(
            "the server closed the connection before sending a header",
            "服务端在发送报头之前就关闭了连接"
        ),
        Err(e) if e.kind() == ErrorKind::InvalidData => {
            tr!("refusing the header: {e}", "拒绝报头: {e}")
        }
        Err(e) if timed_out(&e) => tr!(
            "no header from the server within {secs} s: it may be busy with another client, or its queue of waiting connections full (lesson 03's backlog); try again later",
            "{secs} 秒内没有收到服务端的报头: 它可能正忙于另一个客户端, 或者它的等待队列已满 (第 03 课的 backlog, 半连接池); 请稍后再试"
        ),
        Err(e) => net::gone(&e, Peer::Server)
            .unwrap_or_else(|| tr!("the header did not arrive: {e}", "报头没有完整到达: {e}")),
    }
    .into()
}

/// The server's side of a transfer of `size` bytes that moved `sent`: `None` if all went out,
/// else the words for why not, to print before serving the next client (the client stopped
/// taking bytes, left, or the file shrank meanwhile). An error of the server's own (its file
/// could not be read) is an `Err`, and ends the server.
pub fn sent_all(
    result: io::Result<()>,
    sent: u64,
    size: u64,
    timeout: Duration,
    path: &Path,
) -> Result<Option<String>> {
    let why = match result {
        Ok(()) if sent == size => return Ok(None),
        Ok(()) => tr!("the file shrank while it was sent", "文件在发送期间变小了"),
        Err(e) => match stopped(&e, Peer::Client, timeout) {
            Some(why) => why,
            None => {
                let shown = path.display();
                return Err(tr!("cannot send {shown}: {e}", "无法发送 {shown}: {e}").into());
            }
        },
    };
    Ok(Some(tr!(
        "after {sent} of {size} bytes: {why}",
        "已发送 {sent}/{size} 字节: {why}"
    )))
}

/// The client's side of a transfer of `size` bytes that moved `got`: `Ok` if all arrived, else
/// one line saying how far it got and why (the server went silent, reset the connection, or
/// closed it early; or writing the file failed).
pub fn received_all(result: io::Result<()>, got: u64, size: u64, timeout: Duration) -> Result<()> {
    match result {
        Ok(()) if got == size => Ok(()),
        // A read of 0 before `size` bytes: the server closed (or crashed) in the middle.
        Ok(()) => Err(tr!(
            "the connection closed early: received {got} of {size} bytes",
            "连接提前关闭了: 只收到 {got}/{size} 字节"
        )
        .into()),
        Err(e) => {
            let why = stopped(&e, Peer::Server, timeout).unwrap_or_else(|| e.to_string());
            Err(tr!(
                "the transfer failed after {got} of {size} bytes: {why}",
                "传输在收到 {got}/{size} 字节后失败: {why}"
            )
            .into())
        }
    }
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
    let shown = out.display();
    Err(tr!(
        "{name:?} already exists in {shown}: use --force to replace it",
        "{shown} 里已经有 {name:?}: 要替换它, 请加 --force"
    )
    .into())
}

/// The name a partial file for `name` gets, its random part shown as `??????`: what the lesson
/// prints, the same on every run.
pub fn part_pattern(name: &str) -> String {
    format!(
        "{}{}{PART_SUFFIX}",
        part_prefix(name),
        "?".repeat(RANDOM_CHARS)
    )
}

/// `.NAME-`, with `NAME` cut (at a character's edge) so that the whole partial name fits in
/// [`MAX_NAME_BYTES`]: a legal 255-byte name must not become an illegal 268-byte one.
fn part_prefix(name: &str) -> String {
    let room = MAX_NAME_BYTES - ".-".len() - RANDOM_CHARS - PART_SUFFIX.len();
    let mut end = name.len().min(room);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}-", &name[..end])
}

/// The file being received: written under a partial name in `--out`, renamed by
/// [`Partial::finish`], removed if dropped before that (an error, a lying peer) or on Ctrl-C.
pub struct Partial {
    /// `None` only once `finish` has taken it.
    file: Option<NamedTempFile>,
}

impl Partial {
    /// Create `.NAME-XXXXXX.part` in `out`: a new file (never one that is there, never through
    /// a link), and register it for Ctrl-C.
    pub fn create(out: &Path, name: &str) -> Result<Partial> {
        let prefix = part_prefix(name);
        let mut builder = tempfile::Builder::new();
        builder
            .prefix(&prefix)
            .suffix(PART_SUFFIX)
            .rand_bytes(RANDOM_CHARS);
        // Unix: the mode Python's open(name, 'wb') gives, 0666 less the umask; tempfile's own
        // 0600 is for secrets. Windows has no such mode bits.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let file = builder.tempfile_in(out).map_err(|e| {
            let (pattern, shown) = (part_pattern(name), out.display());
            tr!(
                "cannot create {pattern:?} in {shown}: {e}",
                "无法在 {shown} 里创建 {pattern:?}: {e}"
            )
        })?;
        *partial() = Some(file.path().to_path_buf());
        Ok(Partial { file: Some(file) })
    }

    /// The open file, to write the bytes into.
    pub fn file(&mut self) -> &mut File {
        // `file` is `Some` until `finish`, which consumes `self`.
        self.file.as_mut().expect("a partial file").as_file_mut()
    }

    /// Give the partial file its real name, `out/name`: without replacing anything unless
    /// `force`. On failure the partial file is removed.
    pub fn finish(mut self, out: &Path, name: &str, force: bool) -> Result<()> {
        let path = out.join(name);
        // Held across the rename: Ctrl-C now either removes the partial file before it, or
        // finds nothing to remove after it.
        let mut registered = partial();
        let file = self.file.take().expect("a partial file");
        let renamed = if force {
            // rename(2): replaces the entry `name` in `out`, a link itself rather than what it
            // points to; MoveFileEx with REPLACE_EXISTING on Windows.
            file.persist(&path).map(drop)
        } else {
            // link(2) then unlink, or renameat2(RENAME_NOREPLACE) (Linux), renamex_np(RENAME_EXCL)
            // (macOS), MoveFileEx without REPLACE_EXISTING (Windows): fails if `name` exists.
            file.persist_noclobber(&path).map(drop)
        };
        *registered = None;
        // On failure, the error holds the partial file; dropping it removes it.
        renamed.map_err(|e| match e.error.kind() {
            ErrorKind::AlreadyExists => {
                let shown = out.display();
                tr!(
                    "{name:?} appeared in {shown} while the file was arriving: kept it and removed what arrived; use --force to replace it",
                    "传输期间 {shown} 里出现了 {name:?}: 保留它, 删除了收到的内容; 要替换它, 请加 --force"
                )
                .into()
            }
            _ => {
                let error = &e.error;
                tr!(
                    "cannot rename the partial file to {name:?}: {error}",
                    "无法把临时文件改名为 {name:?}: {error}"
                )
                .into()
            }
        })
    }
}

impl Drop for Partial {
    /// Not finished: remove the file (`NamedTempFile`'s own drop), then forget it, under the
    /// lock, so that Ctrl-C meanwhile cannot find it forgotten but still there.
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut registered = partial();
            drop(file);
            *registered = None;
        }
    }
}

/// The client's end of the connection while it receives: dropped before [`Receiving::done`]
/// (the client refused the header or the name, gave up, or failed), it closes with a reset
/// (RST) instead of the clean close (FIN) that tells the server "I have it all".
///
/// The protocol has no message for "no, thank you": a client that refuses simply closes. A
/// clean close would then read, on the server, exactly like success. `SO_LINGER` 0 turns the
/// close into an abort, and the server's next read or write fails with "reset by peer".
pub struct Receiving {
    sock: TcpStream,
    done: bool,
}

impl Receiving {
    pub fn new(sock: TcpStream) -> Receiving {
        Receiving { sock, done: false }
    }

    /// Every byte is in and the file saved: the drop closes cleanly.
    pub fn done(mut self) {
        self.done = true;
    }
}

impl Deref for Receiving {
    type Target = TcpStream;
    fn deref(&self) -> &TcpStream {
        &self.sock
    }
}

impl DerefMut for Receiving {
    fn deref_mut(&mut self) -> &mut TcpStream {
        &mut self.sock
    }
}

impl Drop for Receiving {
    fn drop(&mut self) {
        if !self.done {
            // If the option cannot be set, the close is a clean one: nothing worse than before.
            let _ = socket2::SockRef::from(&self.sock).set_linger(Some(Duration::ZERO));
        }
    }
}

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP (Windows: Ctrl-C, Ctrl-Break, closing the console):
/// remove the partial file being written, say so in one line, exit with [`INTERRUPTED`].
///
/// Without this the process just ends, and a half-received `.part` file (gigabytes, maybe)
/// stays in `--out`. The `ctrlc` crate runs the handler on a thread of its own, not inside the
/// signal, so it may take a lock, remove a file and print. `kill -9` cannot be caught: then the
/// partial file stays, under a name that no later transfer will take or mistake for the file.
pub fn remove_partial_on_interrupt() -> Result<()> {
    ctrlc::set_handler(|| {
        // Held until the exit: the main thread cannot rename the file meanwhile.
        let registered = partial();
        let message = match registered.as_deref() {
            None => tr!(
                "interrupted; no file was written",
                "已中断; 没有写入任何文件"
            ),
            Some(part) => {
                let shown = format!("{:?}", part.file_name().unwrap_or_default());
                match fs::remove_file(part) {
                    Ok(()) => tr!(
                        "interrupted: removed the partial file {shown}, nothing was saved",
                        "已中断: 删除了临时文件 {shown}, 没有保存任何内容"
                    ),
                    Err(e) => tr!(
                        "interrupted: could not remove the partial file {shown}: {e}",
                        "已中断: 无法删除临时文件 {shown}: {e}"
                    ),
                }
            }
        };
        // On a terminal, the line starts below the progress bar or the `^C`.
        if io::stdout().is_terminal() {
            println!();
        }
        say::error(&message);
        std::process::exit(INTERRUPTED);
    })
    .map_err(|e| tr!("cannot catch Ctrl-C: {e}", "无法捕获 Ctrl-C: {e}").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_name_fits_whatever_the_name() {
        assert_eq!(part_pattern("notes.txt"), ".notes.txt-??????.part");
        for len in 240..=MAX_NAME_BYTES {
            assert!(
                part_pattern(&"x".repeat(len)).len() <= MAX_NAME_BYTES,
                "{len}"
            );
        }
        // 85 three-byte characters: the cut falls inside none of them.
        let chinese = "课".repeat(85);
        let pattern = part_pattern(&chinese);
        assert!(pattern.len() <= MAX_NAME_BYTES);
        assert!(pattern.starts_with(&format!(".{}-", "课".repeat(80))));
    }

    #[test]
    fn a_partial_file_is_new_and_gone_when_dropped() {
        let out = tempfile::tempdir().unwrap();
        let mut part = Partial::create(out.path(), "notes.txt").unwrap();
        let path = partial().clone().unwrap();
        assert!(path.starts_with(out.path()));
        io::Write::write_all(part.file(), b"half").unwrap();
        drop(part);
        assert!(!path.exists());
        assert_eq!(*partial(), None);
    }
}
