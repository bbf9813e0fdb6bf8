//! Layer 5, transfer: what lessons 06 and 07 need around their header and copy loop: the header
//! a peer may send, the disk, the partial file, one deadline for a stalled peer, `--rate`.

pub mod conn;
pub mod deadline;
pub mod disk;
pub mod header;
pub mod offer;
pub mod partial;
pub mod rate;
