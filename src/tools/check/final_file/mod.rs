//! Lesson 06's exercise (src/bin/06_final_file.rs): `[i32 little-endian: header length][header
//! JSON][file bytes]`. The server's checks read what it sends ([`sent`]) and judge it
//! ([`server`]); the client's play a real or hostile server and look at what it saved
//! ([`client`]).

pub mod client;
pub mod sent;
pub mod server;

use super::Check;

pub fn checks() -> Vec<Check> {
    let mut checks = server::checks();
    checks.extend(client::checks());
    checks
}
