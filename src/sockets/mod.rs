//! Layer 3, sockets: the words and waits around the socket calls the lessons make themselves,
//! and the frames of lesson 05 once they are taught.

pub mod addrs;
pub mod frame;
pub mod net;
pub mod oserror;
pub mod receiving;
pub mod segments;
pub mod wait;
