//! What the file servers of lessons 06 and 07 offer each client: a file, checked before the
//! server listens (a mistake in `--file` is one line at once, not at the first client), the
//! header's name and description, `--rate` and `--timeout`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Result;
use crate::transfer::{disk, rate::Rate};

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
