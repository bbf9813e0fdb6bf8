//! One direction of the relay: what one program writes, read, cut by the direction's
//! schedule, and delivered to the other a piece at a time, each piece written down.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::Instant;

use super::event::{End, Log, What};
use super::{GAP, MAX_PIECES, QUIET};
use crate::tools::between::cut::{Cutter, Schedule};

/// One direction: read from `from`, cut, deliver to `to` (the side `dest`). Returns the cuts
/// it made as an `at:` schedule, when its own schedule would not replay them.
pub(super) fn pump(
    mut from: &TcpStream,
    mut to: &TcpStream,
    dest: End,
    schedule: Schedule,
    log: &Log,
) -> Option<Schedule> {
    let replays = schedule.replays();
    let mut cutter = Cutter::new(schedule);
    // Nagle off: each piece leaves in a segment of its own, now.
    let _ = to.set_nodelay(true);
    // A read that waits [`QUIET`] and gets nothing: the sender has gone quiet.
    let _ = from.set_read_timeout(Some(QUIET));
    let mut last: Option<Instant> = None;
    let (mut pieces, mut total) = (0, 0u64);
    let mut buf = [0u8; 16 * 1024];
    let mut deliver = |ready: Vec<Vec<u8>>, pieces: &mut usize| -> io::Result<()> {
        for (i, piece) in ready.iter().enumerate() {
            if let Some(last) = last {
                thread::sleep(GAP.saturating_sub(last.elapsed()));
            }
            if log.stopping() {
                return Err(ErrorKind::Interrupted.into());
            }
            log.add(What::Piece { to: dest, bytes: piece.clone() });
            to.write_all(piece).inspect_err(|_| {
                let left = ready[i..].iter().map(Vec::len).sum();
                log.add(What::Undelivered { to: dest, bytes: left });
            })?;
            last = Some(Instant::now());
            *pieces += 1;
        }
        Ok(())
    };
    let sender = dest.other();
    let delivered = loop {
        if log.stopping() {
            break Ok(());
        }
        let ready = match from.read(&mut buf) {
            Ok(0) => {
                log.add(What::Closed { by: sender });
                let rest = cutter.flush().into_iter().collect();
                break deliver(rest, &mut pieces).map(|()| {
                    // The sender's close, passed on: the reader's next read returns 0.
                    let _ = to.shutdown(Shutdown::Write);
                });
            }
            Ok(n) => {
                total += n as u64;
                log.add(What::Wrote { by: sender, bytes: buf[..n].to_vec() });
                if pieces >= MAX_PIECES {
                    if pieces == MAX_PIECES {
                        log.add(What::Uncut { to: dest });
                    }
                    let mut rest: Vec<Vec<u8>> = cutter.flush().into_iter().collect();
                    rest.push(buf[..n].to_vec());
                    rest
                } else {
                    cutter.push(&buf[..n])
                }
            }
            // Quiet: on Unix a timed-out read is `WouldBlock`, on Windows `TimedOut`.
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                cutter.flush().into_iter().collect()
            }
            Err(e) => {
                log.add(What::Broke { by: sender, why: crate::sockets::oserror::words(&e) });
                let rest = cutter.flush().into_iter().collect();
                let _ = deliver(rest, &mut pieces);
                let _ = to.shutdown(Shutdown::Write);
                break Ok(());
            }
        };
        if let Err(e) = deliver(ready, &mut pieces) {
            break Err(e);
        }
    };
    if delivered.is_err() {
        // The reader has gone: tell the sender, as a direct connection would.
        let _ = from.shutdown(Shutdown::Both);
    }
    (!replays).then(|| cutter.replay(total))
}
