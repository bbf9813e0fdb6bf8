//! Lesson 07's `--max-clients`: at most that many clients served at once, as places in std's
//! channel (a semaphore): a thread takes one to serve a client and gives it back when it ends.

use std::sync::mpsc;

use socket_lessons::{Result, server};

/// The places not taken, and the way back for each one.
pub struct Places {
    free: mpsc::Receiver<()>,
    give_back: mpsc::SyncSender<()>,
    max: u16,
    said: bool,
}

impl Places {
    /// `max` places, all free.
    pub fn new(max: u16) -> Result<Places> {
        let (give_back, free) = mpsc::sync_channel(max.into());
        for _ in 0..max {
            give_back.send(())?;
        }
        Ok(Places { free, give_back, max, said: false })
    }

    /// A free place, waiting for one if all are taken (said once, the first time).
    pub fn take(&mut self) -> Result<Place> {
        if self.free.try_recv().is_err() {
            if !std::mem::replace(&mut self.said, true) {
                let max = self.max;
                server!(
                    "{max} clients at once, the most --max-clients allows: the next ones wait in the listen queue until one is done",
                    "同时已有 {max} 个客户端, 是 --max-clients 的上限: 后来的在监听队列里等, 直到有一个结束"
                );
            }
            self.free.recv()?;
        }
        Ok(Place(self.give_back.clone()))
    }
}

/// A client's place among the `--max-clients`: dropped, it goes back in the channel.
pub struct Place(mpsc::SyncSender<()>);

impl Drop for Place {
    fn drop(&mut self) {
        let _ = self.0.send(()); // Room for it is certain: it came out of the channel.
    }
}
