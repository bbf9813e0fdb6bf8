//! Tools around the lessons that are no lesson's idea: tables, calculators, progress bars and
//! scratch folders: the side shows. A student can skip this folder; each lesson says where it calls into it.
//!
//! - [`conn_tables`]: lesson 03's `backlog` and `reuseaddr` tables.
//! - [`longline`]: lesson 02's long-line trap, replayed step by step.
//! - [`compare`]: lesson 05's projector view, lesson 04's raw reads beside lesson 05's frames.
//! - [`pack`]: lesson 05's `struct.pack`/`unpack` calculator and its struct demo.
//! - [`progress`]: lesson 06's progress bar and its `bytes in seconds (MiB/s)` line.
//! - [`tap`]: lesson 05's reader that keeps a copy of the bytes it passes on, and `.showing`, a
//!   broken frame's error with those bytes.
//! - [`scratch`]: lesson 06's demo folder, removed when the demo ends.

pub mod compare;
pub mod conn_tables;
pub mod longline;
pub mod pack;
pub mod progress;
pub mod scratch;
pub mod tap;
