//! Layer 6, tools around the lessons: the one list of lessons, the classroom runner, the checker
//! that grades a student's own program, `between` that re-cuts the stream between a student's
//! client and server, and the side shows that are no lesson's idea. Skip them on a first reading.

pub mod between;
pub mod check;
pub mod lessons;
pub mod runner;
pub mod shows;
