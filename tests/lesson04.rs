//! Lesson 04: the same sticky reads every run, in the demo, as two processes, with the material's
//! Python programs on either side, and with other read sizes; the TCP segment counts beside them
//! (present and consistent on Linux, "not counted" where the system keeps none); the sender's
//! cause, 200 one-byte writes, with Nagle on and off.

mod common;
#[path = "common/wine.rs"]
mod wine;

use std::process::Command;

use common::{Live, run};

/// The material's own programs, transcribed (see the comments at their top).
const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/sticky_server.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/sticky_client.py");

/// What the client of lesson 04 prints once connected, every run: all of it before it writes.
const CLIENT_SENDS: [&str; 4] = [
    "[client] 3 writes back to back (Nagle's algorithm on), then closing my side:",
    "[client]   write 1: 7 bytes b'1234567'",
    "[client]   write 2: 5 bytes b'abcde'",
    "[client]   write 3: 5 bytes b'hhhhh'",
];

/// The client's last line, its segment count masked (see [`masked`]).
const CLIENT_COUNT: &str = "[client] TCP segments that carried my 3 writes: [..]";

const CANONICAL: &str = "[note]   one read may return part of a message, one whole message, or several messages; TCP is a byte stream with no message boundaries";

/// A segment count changes from run to run (and is "not counted" where the system keeps none):
/// every line that shows one is cut after its `: ` and ends in `[..]`, as in the transcripts.
fn masked(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|line| match line.find("TCP segments") {
            Some(at) => {
                let colon = at + line[at..].find(": ").expect("a count after the colon");
                format!("{}: [..]", &line[..colon])
            }
            None => line.clone(),
        })
        .collect()
}

/// The number a segment-count line shows (`None`: "not counted on this system").
#[cfg(target_os = "linux")]
fn count_in(line: &str) -> Option<u64> {
    let at = line.find("TCP segments")?;
    let rest = &line[at..];
    let after = &rest[rest.find(": ")? + 2..];
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The server's lines from its wait to its last note, for reads of `chunk` bytes of `total`.
fn server_lines(chunk: usize, total: usize, pieces: &[&str]) -> Vec<String> {
    let mut lines = vec![format!(
        "[server] waited until all {total} bytes were in the socket (a lesson trick, see the source); now read({chunk}) until the client closes"
    )];
    for piece in pieces {
        // b'...' around the bytes; a long read shows its first 20 bytes, then `...`.
        let n = if piece.ends_with("...") {
            total
        } else {
            piece.len() - 3
        };
        lines.push(format!(
            "[server] read({chunk}) returned {n} bytes: {piece}"
        ));
    }
    lines.push(format!(
        "[server] read({chunk}) returned 0 bytes: b'' (the client has closed)"
    ));
    lines.push(format!(
        "[server] TCP segments that brought the {total} bytes: [..]"
    ));
    let reads = if pieces.len() == 1 { "read" } else { "reads" };
    lines.push(format!(
        "[note]   {total} bytes came in {} {reads}; nothing in them says where one of the client's writes ended",
        pieces.len()
    ));
    lines.push(CANONICAL.to_string());
    lines
}

/// The server's lines for the material's 17 bytes.
fn server_reads(chunk: usize, pieces: &[&str]) -> Vec<String> {
    server_lines(chunk, 17, pieces)
}

/// One round of the demo: the client connects and says all it will do, then the server reads,
/// then the client, once the server has closed, gives its count.
fn demo_round(chunk: usize, pieces: &[&str]) -> Vec<String> {
    let mut lines = vec![
        "[client] connecting to 127.0.0.1:PORT".to_string(),
        "[server] accepted a client from 127.0.0.1:PORT".to_string(),
    ];
    lines.extend(CLIENT_SENDS.map(String::from));
    lines.extend(server_reads(chunk, pieces));
    lines.push(CLIENT_COUNT.to_string());
    lines
}

/// The demo's third round: 200 one-byte writes, Nagle on or off.
fn tiny_round(nagle: &str) -> Vec<String> {
    let mut lines = vec![
        "[client] connecting to 127.0.0.1:PORT".to_string(),
        "[server] accepted a client from 127.0.0.1:PORT".to_string(),
        format!(
            "[client] 200 writes back to back (Nagle's algorithm {nagle}), then closing my side:"
        ),
        "[client]   1 byte per write, b'0' to b'9' over and over: 200 bytes in all".to_string(),
    ];
    lines.extend(server_lines(1024, 200, &["b'01234567890123456789'..."]));
    lines.push("[client] TCP segments that carried my 200 writes: [..]".to_string());
    lines
}

/// Everything the demo prints, counts masked.
fn demo_lines(nagle: &str) -> Vec<String> {
    let mut expected = vec!["[server] listening on 127.0.0.1:PORT".to_string()];
    expected.extend(demo_round(
        5,
        &["b'12345'", "b'67abc'", "b'dehhh'", "b'hh'"],
    ));
    expected.push(
        "[note]   the same three writes again; this time the server reads 1024 bytes at a time:"
            .to_string(),
    );
    expected.extend(demo_round(1024, &["b'1234567abcdehhhhh'"]));
    expected.push("[note]   the sender's cause: 200 writes of 1 byte each; the server waits for all 200 bytes, then reads:".to_string());
    expected.extend(tiny_round(nagle));
    expected.push("[note]   neither Nagle off (--nodelay) nor a sleep between writes puts the boundaries back: only a frame does (lesson 05)".to_string());
    expected
}

#[test]
fn the_demo_shows_the_material_reads_then_one_glued_read_then_tiny_writes() {
    let demo = run(bin!("04_sticky_demo"), "");
    demo.assert_success();
    // Nagle's algorithm is on unless asked: the material never turns it off.
    assert_eq!(masked(&demo.lines()), demo_lines("on"));
}

#[test]
fn nodelay_turns_nagle_off_and_changes_nothing_else() {
    let demo = run(bin!("04_sticky_demo", "--nodelay"), "");
    demo.assert_success();
    let expected: Vec<String> = demo_lines("off")
        .into_iter()
        .map(|line| line.replace("(Nagle's algorithm on)", "(Nagle's algorithm off)"))
        .collect();
    assert_eq!(masked(&demo.lines()), expected);
    assert_eq!(
        demo.stdout.matches("(Nagle's algorithm off)").count(),
        3,
        "{}",
        demo.stdout
    );
}

/// The counts of each round of a demo: (segments the server saw, segments the client sent,
/// reads), one triple per round.
#[cfg(target_os = "linux")]
fn rounds(stdout: &str) -> Vec<(Option<u64>, Option<u64>, u64)> {
    let lines: Vec<&str> = stdout.lines().collect();
    let server = lines
        .iter()
        .filter(|l| l.starts_with("[server] TCP segments"));
    let client = lines
        .iter()
        .filter(|l| l.starts_with("[client] TCP segments"));
    let reads = lines.iter().filter_map(|l| {
        let rest = l.split(" bytes came in ").nth(1)?;
        rest.split(' ').next()?.parse::<u64>().ok()
    });
    server
        .zip(client)
        .zip(reads)
        .map(|((s, c), r)| (count_in(s), count_in(c), r))
        .collect()
}

/// Linux counts segments (TCP_INFO): every count is there and agrees with the rest, and the
/// sender's round shows fewer segments than writes. On loopback nothing is lost, so what the
/// client sent is what the server received.
#[cfg(target_os = "linux")]
#[test]
fn on_linux_the_counts_are_present_and_consistent() {
    for args in [&[][..], &["--nodelay"][..]] {
        let mut command = bin!("04_sticky_demo");
        command.args(args);
        let demo = run(command, "");
        demo.assert_success();
        let rounds = rounds(&demo.stdout);
        assert_eq!(rounds.len(), 3, "{}", demo.stdout);
        for (i, &(arrived, sent, reads)) in rounds.iter().enumerate() {
            let (arrived, sent) = (arrived.unwrap(), sent.unwrap());
            let bytes = if i < 2 { 17 } else { 200 };
            assert!((1..=bytes).contains(&arrived), "round {i}: {}", demo.stdout);
            assert_eq!(arrived, sent, "round {i}: {}", demo.stdout);
            assert!(reads >= 1, "round {i}: {}", demo.stdout);
        }
        // The server waited for all 200 bytes: one read takes them.
        let (_, tiny_sent, tiny_reads) = rounds[2];
        assert_eq!(tiny_reads, 1, "{}", demo.stdout);
        assert!(tiny_sent.unwrap() < 200, "{}", demo.stdout);
        assert!(
            demo.stdout.contains("carried my 200 writes: ")
                && demo.stdout.contains(", fewer than my 200 writes: "),
            "{}",
            demo.stdout
        );
    }
}

/// Where the system keeps no count, each side says so in its one line and the lesson goes on.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
#[test]
fn elsewhere_the_lesson_runs_without_counts() {
    let demo = run(bin!("04_sticky_demo"), "");
    demo.assert_success();
    assert_eq!(
        demo.stdout.matches("not counted on this system").count(),
        6,
        "{}",
        demo.stdout
    );
}

#[test]
fn in_chinese_every_line_has_chinese_words_or_only_bytes() {
    let demo = run(bin!("04_sticky_demo", "--lang", "zh"), "");
    demo.assert_success();
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    for line in demo.stdout.lines() {
        let text = line.split_once(' ').map_or("", |(_, text)| text);
        assert!(text.chars().any(cjk), "no Chinese in {line:?}");
    }
    assert!(
        demo.stdout
            .contains("[server] read(5) 返回 5 字节: b'67abc'")
    );
}

/// Start our server with `args`, run our client against it, return the server's lines.
fn two_processes(args: &[&str]) -> Vec<String> {
    let mut command = bin!("04_sticky_demo", "server", "--port", "0");
    command.args(args);
    let mut server = Live::server(command);
    let client = run(
        bin!("04_sticky_demo", "client", "--port", server.port()),
        "",
    );
    client.assert_success();
    assert_eq!(client.lines()[0], "[client] connecting to 127.0.0.1:PORT");
    assert_eq!(client.lines()[1..5], CLIENT_SENDS);
    assert_eq!(masked(&client.lines()[5..]), [CLIENT_COUNT]);
    server.expect_line("the client has closed");
    let finished = server.finish();
    finished.assert_success();
    let lines = finished.lines();
    assert_eq!(lines[1], "[server] accepted a client from 127.0.0.1:PORT");
    // The listening line, then what the server read.
    masked(&[&lines[..1], &lines[2..]].concat())
}

#[test]
fn two_processes_read_the_material_literals() {
    let lines = two_processes(&[]);
    assert_eq!(lines[0], "[server] listening on 127.0.0.1:PORT");
    assert_eq!(
        lines[1..],
        server_reads(5, &["b'12345'", "b'67abc'", "b'dehhh'", "b'hh'"])
    );
}

#[test]
fn a_buffer_bigger_than_everything_takes_all_three_messages_in_one_read() {
    let lines = two_processes(&["--chunk", "1024"]);
    assert_eq!(lines[1..], server_reads(1024, &["b'1234567abcdehhhhh'"]));
}

#[test]
fn a_smaller_buffer_cuts_elsewhere() {
    let lines = two_processes(&["--chunk", "3"]);
    let pieces = ["b'123'", "b'456'", "b'7ab'", "b'cde'", "b'hhh'", "b'hh'"];
    assert_eq!(lines[1..], server_reads(3, &pieces));
}

#[test]
fn two_processes_show_the_senders_cause() {
    let mut server = Live::server(bin!("04_sticky_demo", "server", "--tiny", "--port", "0"));
    let client = run(
        bin!(
            "04_sticky_demo",
            "client",
            "--tiny",
            "--nodelay",
            "--port",
            server.port()
        ),
        "",
    );
    client.assert_success();
    assert_eq!(
        masked(&client.lines()[1..]),
        [
            "[client] 200 writes back to back (Nagle's algorithm off), then closing my side:",
            "[client]   1 byte per write, b'0' to b'9' over and over: 200 bytes in all",
            "[client] TCP segments that carried my 200 writes: [..]",
        ]
    );
    server.expect_line("the client has closed");
    let lines = server.finish().lines();
    assert_eq!(
        masked(&lines[2..]),
        server_lines(1024, 200, &["b'01234567890123456789'..."])
    );
}

#[test]
fn a_chunk_of_zero_or_not_a_number_is_refused() {
    for (chunk, why) in [
        ("0", "a read takes 1 to 65536 bytes, not 0"),
        ("65537", "a read takes 1 to 65536 bytes, not 65537"),
        ("five", "'five' is not a number of bytes"),
    ] {
        let server = run(bin!("04_sticky_demo", "server", "--chunk", chunk), "");
        assert!(!server.status.success(), "{server:#?}");
        assert!(server.stdout.is_empty(), "{server:#?}");
        let first = server.stderr.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("error: invalid value '{chunk}' for '--chunk <BYTES>': {why}")
        );
    }
}

#[test]
fn our_server_reads_the_material_literals_from_the_python_client() {
    if !common::peer_available("python3") {
        return;
    }
    let mut server = Live::server(bin!("04_sticky_demo", "server", "--port", "0"));
    let mut python = Command::new("python3");
    python.args([PY_CLIENT, &server.port()]);
    let client = run(python, "");
    client.assert_success();
    server.expect_line("the client has closed");
    let lines = server.finish().lines();
    assert_eq!(
        masked(&lines[2..]),
        server_reads(5, &["b'12345'", "b'67abc'", "b'dehhh'", "b'hh'"])
    );
}

/// The material's Python server reads as soon as it has accepted, so its timing, not ours,
/// decides where its reads cut. Measured here: an idle machine gives the material's three
/// literals in 100 of 100 runs; with two or three busy loops beside it, 1 run in 15 to 1 in 4
/// reads `b'67'` alone, before `abcde` has arrived. So every run must hold the bytes we sent, in order, and
/// one of a few runs must be exactly the material's literals.
#[test]
fn our_client_gives_the_python_server_the_material_literals() {
    if !common::peer_available("python3") {
        return;
    }
    const TRIES: usize = 5;
    let literals = ["b'12345'", "b'67abc'", "b'dehhh'"];
    let mut runs = Vec::new();
    for _ in 0..TRIES {
        let reads = python_server_reads();
        let bytes: String = reads.iter().map(|read| &read[2..read.len() - 1]).collect();
        assert!(
            reads.len() == 3 && reads[0] == "b'12345'" && "1234567abcdehhhhh".starts_with(&bytes),
            "not the bytes we sent, in order: {reads:?}"
        );
        if reads == literals {
            return;
        }
        runs.push(reads);
    }
    panic!("{TRIES} runs, none with the material's literals: {runs:#?}");
}

/// Run the material's Python server, our client against it, and return what the server printed
/// after its `listening on` line.
fn python_server_reads() -> Vec<String> {
    let mut python = Command::new("python3");
    python.args([PY_SERVER, "0"]);
    let server = Live::server(python);
    let client = run(
        bin!("04_sticky_demo", "client", "--port", server.port()),
        "",
    );
    client.assert_success();
    let finished = server.finish();
    finished.assert_success();
    finished.lines()[1..].to_vec()
}

#[test]
fn a_client_without_a_server_is_told_how_to_start_one() {
    let refused = common::RefusedPort::new();
    let port = refused.port;
    let client = run(
        bin!("04_sticky_demo", "client", "--port", port.to_string()),
        "",
    );
    assert_eq!(
        client.assert_one_line_error(),
        format!(
            "error: could not connect to 127.0.0.1:{port} — start the server first: cargo run --bin 04_sticky_demo -- server --port {port}"
        )
    );
}

#[test]
fn help_says_what_the_lesson_shows() {
    let help = run(bin!("04_sticky_demo", "--help"), "");
    help.assert_success();
    assert!(help.stdout.contains("b'67abc'"), "{}", help.stdout);
    assert!(
        help.stdout.contains("04_sticky_demo -- server"),
        "{}",
        help.stdout
    );
}

/// A client that aborts (SO_LINGER 0, then close: RST) before sending anything: the server ends
/// with one line that says who reset the connection, in English and in Chinese.
#[test]
fn a_client_that_resets_gets_words_not_an_os_error() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    for (lang, words) in [
        ("en", "error: the client reset the connection"),
        ("zh", "错误: 客户端重置了连接"),
    ] {
        let mut command = bin!("04_sticky_demo", "--lang", lang, "server", "--port", "0");
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        // Its first line ends in the address it listens on, in either language.
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        stdout.read_line(&mut first).expect("the listening line");
        let addr: std::net::SocketAddr = first.trim().rsplit(' ').next().unwrap().parse().unwrap();
        let client = std::net::TcpStream::connect(addr).expect("connect");
        // Reset only once the server has accepted: a reset before that fails the `accept`
        // itself on Windows, which is another test's subject (lesson 03).
        let mut accepted = String::new();
        stdout.read_line(&mut accepted).expect("the accepted line");
        assert!(
            accepted.contains(addr.ip().to_string().as_str()),
            "{accepted}"
        );
        socket2::SockRef::from(&client)
            .set_linger(Some(std::time::Duration::ZERO))
            .expect("SO_LINGER 0");
        drop(client);
        child.stdout = Some(stdout.into_inner());
        let finished = common::wait(child);
        if wine::read_eof_for_reset(finished.status.success()) {
            continue;
        }
        assert!(!finished.status.success(), "{finished:#?}");
        assert!(finished.stderr.starts_with(words), "{finished:#?}");
        assert_eq!(finished.stderr.lines().count(), 1, "{finished:#?}");
    }
}

/// One byte is "1 byte", and one read is "1 read": a client (like `nc`) that sends a single
/// byte and closes. The server waits its whole time limit for 17 bytes first (3 s).
#[test]
fn one_byte_and_one_read_are_singular() {
    use std::io::Write;
    let mut server = Live::server(bin!("04_sticky_demo", "server", "--port", "0"));
    let mut client = std::net::TcpStream::connect(server.addr).expect("connect");
    client.write_all(b"x").expect("one byte");
    client.shutdown(std::net::Shutdown::Write).expect("FIN");
    server.expect_line("the client has closed");
    let lines = masked(&server.finish().lines());
    assert_eq!(
        lines[2..],
        [
            "[server] 1 of 17 bytes arrived within 3s (a lesson trick waits for 17, see the source); reading what comes",
            "[server] read(5) returned 1 byte: b'x'",
            "[server] read(5) returned 0 bytes: b'' (the client has closed)",
            "[server] TCP segments that brought the 1 byte: [..]",
            "[note]   1 byte came in 1 read; nothing in them says where one of the client's writes ended",
            CANONICAL,
        ]
    );
}
