//! Lesson 06's demo folder: made in the system's temp folder, removed when the demo ends.

use tempfile::TempDir;

use crate::Result;

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
        .map_err(|e| format!("cannot create a scratch folder in the temp folder: {e}").into())
}
