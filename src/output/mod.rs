//! Layer 2, output: the tagged lines a lesson prints, and the two lanes they can be laid out in.

pub mod lanes;
pub mod say;
