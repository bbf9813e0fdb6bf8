//! Where the relay cuts one direction of the stream: the schedules of `--cut`, and the
//! [`Cutter`] that turns the bytes the relay read into the pieces it delivers.
//!
//! A cut is an offset in the direction's stream (byte 0 is the first the sender wrote), so a
//! schedule cuts the same bytes the same way whatever the sender's writes were, except
//! `boundary`, which is about those writes, and `whole`, which has no cut at all. Between two
//! cuts the relay holds the bytes; when the sender goes quiet or closes its side, what is held
//! goes out as it is (a sender waiting for an answer must not wait for a cut that never comes).

use std::fmt;

/// The largest piece `random:SEED` makes: small enough to cut inside a 4-byte length.
const RANDOM_MAX: u64 = 7;

/// How one direction is cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// No cut: everything the sender wrote until it went quiet or closed, in one write.
    Whole,
    /// A piece every N bytes (`1`: every byte alone).
    Every(u64),
    /// One byte before and one byte after each of the sender's writes, as the relay read them.
    Boundary,
    /// Pieces of 1 to 7 bytes, their sizes drawn from a generator seeded with SEED.
    Random(u64),
    /// Cuts at these offsets, and nowhere else.
    At(Vec<u64>),
}

/// A run's schedules: the bytes the server reads, and the bytes the client reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cuts {
    pub to_server: Schedule,
    pub to_client: Schedule,
}

impl Schedule {
    /// `whole`, `1`, `N`, `boundary`, `random:SEED`, `at:3,7,12`.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let bad = || {
            crate::tr!(
                "'{text}' is no cut: give whole, 1, N (a number), boundary, random:SEED or at:3,7,12",
                "'{text}' 不是一种切法: 请给出 whole, 1, N (一个数), boundary, random:SEED 或 at:3,7,12"
            )
        };
        let schedule = match text {
            "whole" => Schedule::Whole,
            "boundary" => Schedule::Boundary,
            _ => match text.split_once(':') {
                Some(("random", seed)) => Schedule::Random(seed.parse().map_err(|_| bad())?),
                Some(("at", list)) => {
                    let mut offsets: Vec<u64> = list
                        .split(',')
                        .map(|n| n.trim().parse().map_err(|_| bad()))
                        .collect::<Result<_, _>>()?;
                    offsets.sort_unstable();
                    offsets.dedup();
                    offsets.retain(|&n| n > 0);
                    Schedule::At(offsets)
                }
                _ => match text.parse() {
                    Ok(n) if n > 0 => Schedule::Every(n),
                    _ => return Err(bad()),
                },
            },
        };
        Ok(schedule)
    }

    /// Can a replay count on the same cuts? Not `boundary`: the sender's writes, as the relay
    /// reads them, depend on timing. (`whole` is the same by definition.)
    pub fn replays(&self) -> bool {
        *self != Schedule::Boundary
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Schedule::Whole => write!(f, "whole"),
            Schedule::Every(n) => write!(f, "{n}"),
            Schedule::Boundary => write!(f, "boundary"),
            Schedule::Random(seed) => write!(f, "random:{seed}"),
            Schedule::At(offsets) => {
                let list: Vec<String> = offsets.iter().map(u64::to_string).collect();
                write!(f, "at:{}", list.join(","))
            }
        }
    }
}

impl Cuts {
    /// `S` for both directions, or `S/T`: S for the bytes the server reads, T for the client's.
    pub fn parse(text: &str) -> Result<Cuts, String> {
        match text.split_once('/') {
            Some((server, client)) => Ok(Cuts {
                to_server: Schedule::parse(server)?,
                to_client: Schedule::parse(client)?,
            }),
            None => Schedule::parse(text).map(Cuts::both),
        }
    }

    /// The same schedule both ways.
    pub fn both(schedule: Schedule) -> Cuts {
        Cuts { to_server: schedule.clone(), to_client: schedule }
    }
}

impl fmt::Display for Cuts {
    /// As `--cut` takes it back: `1`, or `at:3,7/whole`.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.to_server == self.to_client {
            write!(f, "{}", self.to_server)
        } else {
            write!(f, "{}/{}", self.to_server, self.to_client)
        }
    }
}

/// One direction's cutting: bytes in as the relay reads them ([`Cutter::push`]), pieces out as
/// they are complete; [`Cutter::flush`] when the sender is quiet or has closed.
pub struct Cutter {
    schedule: Schedule,
    /// The bytes read and not yet delivered, and the stream offset of the first of them.
    held: Vec<u8>,
    held_from: u64,
    /// `boundary`'s cuts so far, from the reads seen; `random`'s cuts drawn so far.
    cuts: Vec<u64>,
    /// `random`'s generator, and the last cut it drew.
    seed: u64,
    /// Every cut made, in order: what `at:` replays.
    pub made: Vec<u64>,
}

impl Cutter {
    pub fn new(schedule: Schedule) -> Cutter {
        let seed = match schedule {
            Schedule::Random(seed) => seed,
            _ => 0,
        };
        Cutter {
            schedule,
            held: Vec::new(),
            held_from: 0,
            cuts: Vec::new(),
            seed,
            made: Vec::new(),
        }
    }

    /// The relay read `bytes`: the pieces that are now complete, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
        let start = self.held_from + self.held.len() as u64;
        let end = start + bytes.len() as u64;
        if self.schedule == Schedule::Boundary {
            // One after the read's start, one before its end and one after it: with the
            // previous read's `end - 1`, that is one byte either side of every boundary.
            for cut in [start + 1, end.saturating_sub(1), end + 1] {
                if cut > 0 && !self.cuts.contains(&cut) {
                    self.cuts.push(cut);
                }
            }
            self.cuts.sort_unstable();
        }
        self.held.extend_from_slice(bytes);
        let mut pieces = Vec::new();
        while let Some(cut) = self.next_cut(self.held_from).filter(|&cut| cut <= end) {
            let len = (cut - self.held_from) as usize;
            pieces.push(self.held.drain(..len).collect());
            self.held_from = cut;
            self.made.push(cut);
        }
        pieces
    }

    /// The sender went quiet or closed: what is held goes out as one piece (none if nothing is).
    pub fn flush(&mut self) -> Option<Vec<u8>> {
        if self.held.is_empty() {
            return None;
        }
        self.held_from += self.held.len() as u64;
        // Not the end of the stream if more comes later: then it is a cut like any other.
        self.made.push(self.held_from);
        Some(std::mem::take(&mut self.held))
    }

    /// The cuts made before the stream's end: `at:` replays them; none at all is `whole`.
    pub fn replay(&self, total: u64) -> Schedule {
        let cuts: Vec<u64> = self.made.iter().copied().filter(|&c| c < total).collect();
        match cuts.is_empty() {
            true => Schedule::Whole,
            false => Schedule::At(cuts),
        }
    }

    /// The first cut after `offset`, if the schedule has one.
    fn next_cut(&mut self, offset: u64) -> Option<u64> {
        match &self.schedule {
            Schedule::Whole => None,
            Schedule::Every(n) => Some((offset / n + 1) * n),
            Schedule::Boundary | Schedule::At(_) => {
                let cuts = match &self.schedule {
                    Schedule::At(offsets) => offsets,
                    _ => &self.cuts,
                };
                cuts.iter().copied().find(|&cut| cut > offset)
            }
            Schedule::Random(_) => {
                while self.cuts.last().is_none_or(|&last| last <= offset) {
                    let last = self.cuts.last().copied().unwrap_or(0);
                    self.cuts
                        .push(last + 1 + splitmix(&mut self.seed) % RANDOM_MAX);
                }
                self.cuts.last().copied()
            }
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): one step of a small generator that is the same on
/// every machine, so `random:SEED` cuts the same bytes the same way everywhere.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests;
