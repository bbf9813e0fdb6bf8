//! Lesson 06's partial file: the client writes into `.NAME-XXXXXX.part`, which gets its real
//! name whole or not at all, and is never left behind.
//!
//! - Created new with a random part: nobody can have put a link there beforehand, two
//!   transfers never share one, and the name stays within the 255 bytes a file system takes (a
//!   long `NAME` is shortened in it).
//! - The finished file takes its name without replacing anything, even a file that appeared
//!   while the bytes were arriving, unless `--force`; then a rename replaces the entry in
//!   `--out`, a link included, and never writes through a link to somewhere else.
//! - Ctrl-C and SIGTERM remove the partial file, say so in one line, and exit with 130.

use std::fs::{self, File};
use std::io::{self, ErrorKind, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tempfile::NamedTempFile;

use crate::transfer::header::MAX_NAME_BYTES;
use crate::{Result, output::say, tr, words::exit, words::text};

/// How many random characters a partial file's name has: 62^6, about 57 billion names.
const RANDOM_CHARS: usize = 6;

/// The end of a partial file's name.
const PART_SUFFIX: &str = ".part";

/// The partial file being written, if any: what Ctrl-C must remove. A `static`, because the
/// signal handler runs on a thread of its own and can reach nothing else.
static PARTIAL: Mutex<Option<PathBuf>> = Mutex::new(None);

fn partial() -> MutexGuard<'static, Option<PathBuf>> {
    // A poisoned lock only means a thread panicked while holding it; the path is still whole.
    PARTIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
            let (pattern, shown) = (text::quoted(part_pattern(name).as_bytes()), out.display());
            tr!(
                "cannot create {pattern} in {shown}: {e}",
                "无法在 {shown} 里创建 {pattern}: {e}"
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
                let (shown, quoted) = (out.display(), text::quoted(name.as_bytes()));
                tr!(
                    "{quoted} appeared in {shown} while the file was arriving: kept it and removed what arrived; use --force to replace it",
                    "传输期间 {shown} 里出现了 {quoted}: 保留它, 删除了收到的内容; 要替换它, 请加 --force"
                )
                .into()
            }
            _ => {
                let (error, quoted) = (&e.error, text::quoted(name.as_bytes()));
                tr!(
                    "cannot rename the partial file to {quoted}: {error}",
                    "无法把临时文件改名为 {quoted}: {error}"
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

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP (Windows: Ctrl-C, Ctrl-Break, closing the console):
/// remove the partial file being written, say so in one line, and end ([`exit::on_interrupt`]).
///
/// Without this the process just ends, and a half-received `.part` file (gigabytes, maybe)
/// stays in `--out`. The handler runs on a thread of its own, not inside the signal
/// ([`exit::on_interrupt`] says how), so it may take a lock, remove a file and print. `kill -9`
/// cannot be caught: then the partial file stays, under a name that no later transfer will take
/// or mistake for the file.
pub fn remove_partial_on_interrupt() -> Result<()> {
    exit::on_interrupt(|| {
        // Held until the exit: the main thread cannot rename the file meanwhile.
        let registered = partial();
        let message = match registered.as_deref() {
            None => tr!(
                "interrupted; no file was written",
                "已中断; 没有写入任何文件"
            ),
            Some(part) => {
                let name = part.file_name().unwrap_or_default().to_string_lossy();
                let shown = text::quoted(name.as_bytes());
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
