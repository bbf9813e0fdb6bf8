//! The board: the one thread that owns the class's results. Each result a sender's thread
//! hands over is put in the store and on disk, then answered; the grid is drawn again (on a
//! terminal), or the result is one line (anywhere else).

use std::io::Write;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use colored::Colorize;

use super::grid;
use super::store::{self, Row, Store};
use super::wire::{Known, Submission};
use crate::output::say;
use crate::tr;

/// The most names the class keeps: a class of 40 with room to spare. A flood of made-up names
/// stops here instead of growing the grid and the memory without end.
pub const MAX_STUDENTS: usize = 200;

/// How long a page of the grid stays before the next (a class taller than the terminal).
const PAGE_TIME: Duration = Duration::from_secs(5);

/// The grid is drawn again at most this often, however fast results come.
const DRAW_EVERY: Duration = Duration::from_millis(200);

/// What a sender's thread tells the board.
pub enum Notice {
    /// A result that passed every check of [`wire`](super::wire); the board answers on `saved`.
    Result {
        from: IpAddr,
        sent: Submission,
        saved: mpsc::Sender<std::result::Result<String, String>>,
    },
    /// One line for the teacher: a refusal, a drop.
    Line(String),
}

/// The one owner of the results: it saves them, then shows them.
pub struct Board {
    store: Store,
    known: Arc<Vec<Known>>,
    top: Vec<String>,
    /// On a terminal, the last lines for the teacher (refusals), shown under the grid.
    lines: Vec<String>,
    terminal: bool,
}

impl Board {
    pub fn new(store: Store, known: Arc<Vec<Known>>, top: Vec<String>, terminal: bool) -> Board {
        Board { store, known, top, lines: Vec::new(), terminal }
    }

    /// Take the senders' events until none can come any more. On a terminal, the grid is drawn
    /// again after them (at most every `DRAW_EVERY`) and its page turns every `PAGE_TIME`.
    pub fn run(mut self, events: Receiver<Notice>) {
        let (mut page, mut turned, mut drawn) = (0, Instant::now(), None::<Instant>);
        let mut dirty = true;
        loop {
            let wait = match drawn {
                Some(at) if dirty => DRAW_EVERY.saturating_sub(at.elapsed()),
                _ if dirty => Duration::ZERO,
                _ => PAGE_TIME.saturating_sub(turned.elapsed()),
            };
            match events.recv_timeout(wait) {
                Ok(event) => {
                    self.take(event);
                    dirty = true;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if turned.elapsed() >= PAGE_TIME {
                (page, turned, dirty) = (page + 1, Instant::now(), true);
            }
            if self.terminal && dirty && drawn.is_none_or(|at| at.elapsed() >= DRAW_EVERY) {
                self.draw(page);
                (drawn, dirty) = (Some(Instant::now()), false);
            }
            dirty &= self.terminal;
        }
    }

    fn take(&mut self, event: Notice) {
        match event {
            Notice::Line(line) => self.say(line),
            Notice::Result { from, sent, saved } => {
                let outcome = self.save(from, &sent);
                let _ = saved.send(outcome);
            }
        }
    }

    /// Put a result in the store and on disk; the line for the student's screen.
    fn save(&mut self, from: IpAddr, sent: &Submission) -> std::result::Result<String, String> {
        let name = &sent.name;
        if !self.store.knows(name) && self.store.students() >= MAX_STUDENTS {
            return Err(tr!(
                "the class already has {MAX_STUDENTS} names: is someone sending made-up ones?",
                "课堂里已经有 {MAX_STUDENTS} 个名字了: 有人在发编造的名字吗?"
            ));
        }
        let time = store::now();
        let address = from.to_string();
        let rows = sent
            .checks
            .iter()
            .map(|mark| Row {
                time: time.clone(),
                name: name.clone(),
                address: address.clone(),
                lesson: sent.lesson,
                role: sent.role.clone(),
                check: mark.id.clone(),
                verdict: mark.verdict.clone(),
                expected: mark.expected.clone(),
                got: mark.got.clone(),
            })
            .collect();
        let twice = self
            .store
            .rows()
            .any(|r| &r.name == name && r.address != address);
        let written = self.store.add(rows);
        let line = sent.line();
        self.say(format!(
            "{line} ({})",
            tr!("from {address}", "来自 {address}")
        ));
        if twice {
            self.say(tr!(
                "! {name} has now sent from two machines: see the address column of the CSV",
                "! {name} 已经从两台机器发送过了: 见 CSV 的地址一列"
            ));
        }
        match written {
            Ok(()) => Ok(line),
            Err(e) => {
                let why = crate::sockets::oserror::words(&e);
                self.say(tr!("cannot write the CSV: {why}", "无法写入 CSV: {why}"));
                Err(tr!(
                    "the class could not save it on the teacher's disk",
                    "课堂没能把它存到老师的磁盘上"
                ))
            }
        }
    }

    /// A line for the teacher: printed as it is off a terminal, kept under the grid on one.
    fn say(&mut self, line: String) {
        if self.terminal {
            self.lines.push(line);
            let old = self.lines.len().saturating_sub(2);
            self.lines.drain(..old);
        } else {
            say::plain(&line);
        }
    }

    /// The grid, drawn over the last one: the cursor home, each line cleared to its end, the
    /// rest of the screen cleared (less flicker than clearing the whole screen first).
    fn draw(&self, page: usize) {
        let (height, width) = console::Term::stdout()
            .size_checked()
            .map_or((24, 80), |(rows, columns)| {
                (usize::from(rows), usize::from(columns))
            });
        let events: Vec<String> = self.lines.iter().map(|l| l.dimmed().to_string()).collect();
        let screen = grid::Screen {
            store: &self.store,
            known: &self.known,
            top: &self.top,
            events: &events,
            width,
            height,
            page,
        };
        // No line break after the last line: on the terminal's last row it would scroll the
        // whole grid up by one.
        let lines = grid::draw(&screen).join("\x1b[K\r\n");
        let text = format!("\x1b[H{lines}\x1b[K\x1b[J");
        crate::words::exit::or_quietly_on_closed_pipe(|| {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()
        });
    }
}
