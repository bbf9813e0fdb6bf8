//! Lesson 06's client on disk, to read second: the lines about the file the header announced,
//! and the partial file that gets its real name only once every byte is in
//! (`src/transfer/partial.rs`: created new with a random name, removed on failure or Ctrl-C).

use std::fs::File;
use std::path::PathBuf;
use std::time::Instant;

use socket_lessons::tools::shows::progress;
use socket_lessons::transfer::{disk, partial, partial::Partial};
use socket_lessons::{Result, client, words::text::quoted};

/// The client's `--out` and `--force`: where to save the file, and whether to replace one there.
#[derive(clap::Args)]
pub struct Folder {
    /// The folder to save the file in.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// Replace a file of the same name in --out (a link is replaced, never followed).
    #[arg(long)]
    pub force: bool,
}

/// A file being saved: where, under which name, since when.
pub struct Saving {
    part: Partial,
    out: PathBuf,
    name: String,
    force: bool,
    size: u64,
    start: Instant,
}

impl Saving {
    /// Print what the header says (quoted and escaped as Python's `repr()` does: nothing a peer
    /// sends acts on our terminal), check the name is free in `out`, and open the partial file.
    pub fn start(to: &Folder, name: &str, desc: &str, size: u64) -> Result<Saving> {
        let (out, force) = (&to.out, to.force);
        let (shown, n) = (quoted(name.as_bytes()), progress::bytes(size));
        client!("file name: {shown}", "文件名: {shown}");
        let desc = quoted(desc.as_bytes());
        client!("description: {desc}", "简介: {desc}");
        client!("size: {n}", "大小: {n}");
        disk::check_free(out, name, force)?;
        let part = Partial::create(out, name)?;
        let pattern = quoted(partial::part_pattern(name).as_bytes());
        client!(
            "writing {pattern} (?????? is random): it gets its real name only once all {n} are in",
            "正在写入 {pattern} (?????? 是随机字符): 收齐全部 {n}后才改成真正的名字"
        );
        let (out, name, start) = (out.to_path_buf(), name.to_string(), Instant::now());
        Ok(Saving { part, out, name, force, size, start })
    }

    /// The partial file, to write the bytes into.
    pub fn file(&mut self) -> &mut File {
        self.part.file()
    }

    /// Every byte is in: give the file its name, and say how fast it came.
    pub fn finish(self) -> Result<()> {
        // (A program that must survive a power cut would `sync_all` the file before the rename.)
        self.part.finish(&self.out, &self.name, self.force)?;
        let rate = progress::rate(self.size, self.start.elapsed());
        client!("received {rate}", "收到 {rate}");
        let pattern = quoted(partial::part_pattern(&self.name).as_bytes());
        let shown = quoted(self.name.as_bytes());
        client!(
            "renamed {pattern} to {shown}",
            "把 {pattern} 改名为 {shown}"
        );
        Ok(())
    }
}
