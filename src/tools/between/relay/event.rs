//! What the relay writes down as the run goes: which end did it ([`End`]), what happened
//! ([`What`]), and when ([`Event`]); the [`Log`] they are written to, from every thread.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::tr;

/// The two programs, by the role they play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Server,
    Client,
}

impl End {
    pub fn other(self) -> End {
        match self {
            End::Server => End::Client,
            End::Client => End::Server,
        }
    }

    /// `[server]`, `[client]`: how the side's printed lines are tagged.
    pub fn tag(self) -> &'static str {
        match self {
            End::Server => "[server]",
            End::Client => "[client]",
        }
    }

    /// `server`, `客户端`: the side's name in the language in use.
    pub fn name(self) -> String {
        match self {
            End::Server => tr!("server", "服务端"),
            End::Client => tr!("client", "客户端"),
        }
    }
}

/// What the relay saw, and when.
#[derive(Debug, Clone)]
pub enum What {
    /// It read these bytes from `by`: one of `by`'s writes, or several, or part of one.
    Wrote { by: End, bytes: Vec<u8> },
    /// It delivered this piece to `to`, in one write.
    Piece { to: End, bytes: Vec<u8> },
    /// `by` closed its sending side (a read of 0 bytes); passed on.
    Closed { by: End },
    /// Reading from `by` failed (a reset); its peer is told with a close.
    Broke { by: End, why: String },
    /// `to` had gone: this many bytes could not be delivered.
    Undelivered { to: End, bytes: usize },
    /// [`MAX_PIECES`](super::MAX_PIECES) reached: from here on, the bytes to `to` pass as read.
    Uncut { to: End },
    /// A line the program printed.
    Printed { by: End, line: String },
    /// The program still ran after the connection was over: ended.
    StillRunning { side: End },
}

/// One thing that happened, `at` its time since the run began.
#[derive(Debug, Clone)]
pub struct Event {
    pub at: Duration,
    pub what: What,
}

/// The run's log: events in the order they were written, times from one start.
pub(super) struct Log {
    pub(super) start: Instant,
    pub(super) events: Mutex<Vec<Event>>,
    /// Set when the run must end now: the deadline, a flood, a stuck pair.
    pub(super) stop: AtomicBool,
    pub(super) stopped: Mutex<Option<String>>,
}

impl Log {
    pub(super) fn add(&self, what: What) {
        let at = self.start.elapsed();
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Event { at, what });
    }

    /// The time of the last event: when something last moved.
    pub(super) fn last(&self) -> Duration {
        let events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        events.last().map_or(Duration::ZERO, |e| e.at)
    }

    pub(super) fn end(&self, why: String) {
        let mut stopped = self.stopped.lock().unwrap_or_else(|e| e.into_inner());
        stopped.get_or_insert(why);
        self.stop.store(true, Ordering::Relaxed);
    }

    pub(super) fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}
