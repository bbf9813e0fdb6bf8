//! `--rate`: a transfer slowed down on purpose, so a class can watch it. Loopback moves a
//! gigabyte in half a second; at `--rate 1MiB` an 8 MiB file takes 8 seconds, long enough to
//! watch the progress bar, press Ctrl-C halfway, or see forty transfers share a link.
//!
//! No lesson's idea: a server that limits each client's speed sleeps between writes
//! ([`Paced`]), which changes nothing on the wire but the time between the bytes.

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;
use std::thread;
use std::time::{Duration, Instant};

/// Bytes per second, as `--rate` writes it: `2MiB`, `500KiB`, `1MB`, `65536`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate(pub u64);

/// The units `--rate` takes, and their bytes: binary (KiB = 1024) and decimal (kB = 1000).
const UNITS: [(&str, u64); 7] = [
    ("B", 1),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("KB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
];

impl FromStr for Rate {
    type Err = String;

    /// A number (`1.5` allowed), then a unit of `UNITS` (any case; none: bytes), more than 0.
    fn from_str(text: &str) -> Result<Rate, String> {
        let text = text.trim().trim_end_matches("/s");
        let at = text
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(text.len());
        let (number, unit) = (&text[..at], text[at..].trim());
        let per = match unit {
            "" => Some(1),
            _ => UNITS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(unit))
                .map(|&(_, bytes)| bytes),
        };
        let bytes = number
            .parse::<f64>()
            .ok()
            .zip(per)
            .map(|(n, per)| n * per as f64);
        match bytes {
            Some(bytes) if bytes >= 1.0 && bytes < u64::MAX as f64 => Ok(Rate(bytes as u64)),
            _ => Err(crate::tr!(
                "a rate is bytes per second, at least 1, with a unit such as 500KiB, 2MiB or 1MB",
                "速率是每秒字节数, 至少为 1, 可以带单位, 比如 500KiB, 2MiB 或 1MB"
            )),
        }
    }
}

impl fmt::Display for Rate {
    /// `1 MiB/s`, `500 KiB/s`, `1000 B/s`: the largest binary unit that divides it.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (name, per) = UNITS[..4]
            .iter()
            .rev()
            .find(|(_, per)| self.0.is_multiple_of(*per))
            .copied()
            .unwrap_or(("B", 1));
        write!(f, "{} {name}/s", self.0 / per)
    }
}

/// A writer that moves at most `rate` bytes per second: it sleeps after each write until the
/// bytes written so far are due. Each write is cut to a sixteenth of a second's worth, so the
/// bytes flow evenly instead of in bursts.
pub struct Paced<W> {
    inner: W,
    rate: Option<Rate>,
    start: Instant,
    written: u64,
}

impl<W: Write> Paced<W> {
    /// `None`: no limit, `inner` as it is.
    pub fn new(inner: W, rate: Option<Rate>) -> Paced<W> {
        let (start, written) = (Instant::now(), 0);
        Paced { inner, rate, start, written }
    }

    /// The writer inside.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The writer inside, to read from it too.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }
}

impl<W: Write> Write for Paced<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(Rate(rate)) = self.rate else {
            return self.inner.write(buf);
        };
        let most = usize::try_from(rate / 16).unwrap_or(usize::MAX).max(1);
        let n = self.inner.write(&buf[..buf.len().min(most)])?;
        self.written += n as u64;
        let due = self.start + Duration::from_secs_f64(self.written as f64 / rate as f64);
        let now = Instant::now();
        if due > now {
            thread::sleep(due - now);
        } else if now - due > Duration::from_secs(1) {
            // The peer was slow for a while: go on at the rate, without a burst to catch up.
            (self.start, self.written) = (now, 0);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_read_with_their_units() {
        for (text, bytes) in [
            ("2MiB", 2 << 20),
            ("500KiB", 500 << 10),
            ("500kib", 500 << 10),
            ("1MB", 1_000_000),
            ("1.5MiB", 3 << 19),
            ("65536", 65536),
            ("1MiB/s", 1 << 20),
        ] {
            assert_eq!(text.parse::<Rate>(), Ok(Rate(bytes)), "{text}");
        }
        for bad in ["", "0", "fast", "2XB", "-1MiB", "0.1"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
        assert_eq!(Rate(1 << 20).to_string(), "1 MiB/s");
        assert_eq!(Rate(1000).to_string(), "1000 B/s");
    }

    #[test]
    fn a_paced_writer_cuts_its_writes_and_counts_them_all() {
        let mut paced = Paced::new(Vec::new(), Some(Rate(1 << 20)));
        paced.write_all(&[7u8; 100_000]).unwrap();
        assert_eq!(paced.get_ref().len(), 100_000);
        let mut once = Paced::new(Vec::new(), Some(Rate(1 << 20)));
        assert_eq!(once.write(&[7u8; 100_000]).unwrap(), 65536);
    }
}
