//! What the file servers of lessons 06 and 07 offer each client: a file, checked before the
//! server listens (a mistake in `--file` is one line at once, not at the first client), the
//! header's name and description, `--rate` and `--timeout`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Result;
use crate::transfer::{disk, rate::Rate};

/// The file servers' command line (lessons 06 and 07): what to send, and how fast.
#[derive(clap::Args)]
pub struct Serving {
    /// The file to send (without it: this program itself, as the material sends its own).
    #[arg(long)]
    file: Option<PathBuf>,
    /// The header's file_desc: a line about the file.
    #[arg(long)]
    desc: Option<String>,
    /// Send at most this many bytes per second (2MiB, 500KiB, 1MB): slow enough to watch.
    #[arg(long)]
    rate: Option<Rate>,
}

impl Serving {
    /// The offer these arguments make, checked; `lesson` (`06_final_file`) names the default
    /// description, `sent by lesson 06`.
    pub fn offer(self, lesson: &str, timeout: Duration) -> Result<Offer> {
        // Without --file, this very program: the material's server sends its own script.
        let file = self.file.map_or_else(std::env::current_exe, Ok)?;
        let number = lesson.get(..2).unwrap_or(lesson);
        let desc = self
            .desc
            .unwrap_or_else(|| format!("sent by lesson {number}"));
        Offer::open(&file, &desc, self.rate, timeout)
    }
}

pub struct Offer {
    /// The file, opened again for each client (it may change between two).
    pub path: PathBuf,
    /// The header's `file_name`: the file's own name, checked as a client checks it.
    pub name: String,
    /// The header's `file_desc`.
    pub desc: String,
    pub rate: Option<Rate>,
    pub timeout: Duration,
}

impl Offer {
    /// Check the file's name, and that the longest header it can have fits in one frame: the
    /// lessons' header is these three keys, and the largest size has the most digits.
    pub fn open(path: &Path, desc: &str, rate: Option<Rate>, timeout: Duration) -> Result<Offer> {
        let name = disk::name_to_send(path)?;
        let longest = serde_json::json!({
            "file_name": name, "file_desc": desc, "file_size": u64::MAX
        });
        disk::check_header_len(serde_json::to_vec(&longest)?.len())?;
        let (path, desc) = (path.to_path_buf(), desc.to_string());
        Ok(Offer { path, name, desc, rate, timeout })
    }
}
