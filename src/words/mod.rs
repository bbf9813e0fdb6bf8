//! Layer 1, words: what the course says and in which language, before any socket is opened.
//! Nothing here prints a tagged line or opens a connection.

pub mod cli;
pub mod exit;
pub mod help;
pub mod lang;
pub mod text;
