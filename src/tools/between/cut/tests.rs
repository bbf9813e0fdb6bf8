use super::*;

/// Lesson 05's frame of `1234567890`: `[i32 little-endian: 10][10 bytes]`, 14 bytes.
const FRAME: &[u8; 14] = b"\x0a\x00\x00\x001234567890";

/// Every way a sender's 14 bytes can reach the relay: as 1 to 14 reads, each split given
/// by a bit (2^13 ways).
fn every_split() -> impl Iterator<Item = Vec<&'static [u8]>> {
    (0u32..1 << 13).map(|bits| {
        let mut reads = Vec::new();
        let mut from = 0;
        for at in 1..14 {
            if bits & (1 << (at - 1)) != 0 {
                reads.push(&FRAME[from..at]);
                from = at;
            }
        }
        reads.push(&FRAME[from..]);
        reads
    })
}

/// The pieces `schedule` makes of `reads`, the sender closing after the last.
fn cut(schedule: &Schedule, reads: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut cutter = Cutter::new(schedule.clone());
    let mut pieces: Vec<Vec<u8>> = reads.iter().flat_map(|read| cutter.push(read)).collect();
    pieces.extend(cutter.flush());
    pieces
}

fn sizes(pieces: &[Vec<u8>]) -> Vec<usize> {
    pieces.iter().map(Vec::len).collect()
}

#[test]
fn schedules_read_as_written_and_back() {
    for text in [
        "whole",
        "1",
        "5",
        "boundary",
        "random:7",
        "at:3,7,12",
        "1/whole",
    ] {
        assert_eq!(Cuts::parse(text).expect(text).to_string(), text);
    }
    assert_eq!(
        Schedule::parse("at:12,3,3,0").unwrap(),
        Schedule::At(vec![3, 12])
    );
    for bad in [
        "", "0", "-1", "halves", "random:", "random:x", "at:3,x", "whole/",
    ] {
        assert!(Cuts::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn whole_is_one_piece_however_the_bytes_came() {
    for reads in every_split() {
        assert_eq!(cut(&Schedule::Whole, &reads), [FRAME.to_vec()]);
    }
}

#[test]
fn every_n_cuts_at_multiples_of_n_however_the_bytes_came() {
    for reads in every_split() {
        let ones = cut(&Schedule::Every(1), &reads);
        assert_eq!(ones, FRAME.iter().map(|&b| vec![b]).collect::<Vec<_>>());
        assert_eq!(sizes(&cut(&Schedule::Every(4), &reads)), [4, 4, 4, 2]);
        assert_eq!(sizes(&cut(&Schedule::Every(14), &reads)), [14]);
        assert_eq!(sizes(&cut(&Schedule::Every(100), &reads)), [14]);
    }
}

#[test]
fn at_cuts_there_and_nowhere_else() {
    let at = Schedule::At(vec![3, 7, 12, 40]);
    for reads in every_split() {
        let pieces = cut(&at, &reads);
        assert_eq!(pieces[0], b"\x0a\x00\x00");
        assert_eq!(pieces[1], b"\x00123");
        assert_eq!(sizes(&pieces), [3, 4, 5, 2]);
    }
}

#[test]
fn random_is_the_same_for_one_seed_and_differs_between_seeds() {
    let first = cut(&Schedule::Random(1), &[FRAME]);
    for reads in every_split() {
        assert_eq!(cut(&Schedule::Random(1), &reads), first);
    }
    assert!(
        sizes(&first).iter().all(|&n| (1..=7).contains(&n)),
        "{first:?}"
    );
    assert_eq!(first.concat(), FRAME);
    let others: Vec<_> = (2..6)
        .map(|seed| sizes(&cut(&Schedule::Random(seed), &[FRAME])))
        .collect();
    assert!(
        others.iter().any(|other| *other != sizes(&first)),
        "{others:?}"
    );
}

#[test]
fn boundary_cuts_one_byte_either_side_of_every_read() {
    for reads in every_split() {
        let pieces = cut(&Schedule::Boundary, &reads);
        assert_eq!(pieces.concat(), FRAME);
        // The read boundaries, the stream's start and end included.
        let mut bounds = vec![0u64];
        for read in &reads {
            bounds.push(bounds.last().unwrap() + read.len() as u64);
        }
        let mut expected: Vec<u64> = bounds
            .iter()
            .flat_map(|&b| [b.wrapping_sub(1), b + 1])
            .filter(|&c| c > 0 && c < 14)
            .collect();
        expected.sort_unstable();
        expected.dedup();
        let mut made = Vec::new();
        let mut at = 0;
        for piece in &pieces[..pieces.len() - 1] {
            at += piece.len() as u64;
            made.push(at);
        }
        assert_eq!(made, expected, "reads {reads:?}");
    }
    // The header and the body written apart: 1, 2+1, 1+4 ... around the two writes.
    let pieces = cut(&Schedule::Boundary, &[&FRAME[..4], &FRAME[4..]]);
    assert_eq!(sizes(&pieces), [1, 2, 2, 8, 1]);
}

#[test]
fn what_is_held_goes_out_when_the_sender_goes_quiet() {
    // A request of 5 bytes, then silence (the sender waits for an answer): cut at 4, the
    // last byte held until the quiet, then the next request goes on with the same cuts.
    let mut cutter = Cutter::new(Schedule::Every(4));
    assert_eq!(cutter.push(b"hello"), [b"hell".to_vec()]);
    assert_eq!(cutter.flush(), Some(b"o".to_vec()));
    assert_eq!(cutter.flush(), None);
    assert_eq!(cutter.push(b"abc"), [b"abc".to_vec()]);
    assert_eq!(cutter.made, [4, 5, 8]);
    assert_eq!(cutter.replay(8), Schedule::At(vec![4, 5]));
    assert_eq!(Cutter::new(Schedule::Boundary).replay(0), Schedule::Whole);
}
