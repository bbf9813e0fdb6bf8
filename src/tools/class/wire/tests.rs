use super::*;
use crate::sockets::frame::MAX_FRAME_LEN;

fn known() -> Vec<Known> {
    [
        "05.server.four-frames",
        "05.server.big-body",
        "06.client.header",
    ]
    .into_iter()
    .map(|id| Known { id: id.to_string(), page: "lessons/05_struct_pack.md" })
    .collect()
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut wire = Vec::new();
    send_frame(&mut wire, body).unwrap();
    wire
}

const GOOD: &str = r#"{"lesson":5,"role":"server","name":"s07","passed":1,"checks":[
    {"id":"05.server.four-frames","verdict":"PASS","expected":null,"got":null},
    {"id":"05.server.big-body","verdict":"FAIL","expected":"b'x'","got":{"bytes":4}}]}"#;

fn refused(wire: &[u8]) -> String {
    recv_result(&mut &wire[..], &known()).unwrap_err()
}

#[test]
fn a_good_result_comes_through_with_its_verdicts() {
    let sent = recv_result(&mut &frame(GOOD.as_bytes())[..], &known())
        .unwrap()
        .unwrap();
    assert_eq!(
        (sent.name.as_str(), sent.lesson, sent.role.as_str()),
        ("s07", 5, "server")
    );
    assert_eq!(sent.passed(), (1, 2));
    assert_eq!(sent.checks[1].expected, "b'x'");
    assert_eq!(sent.checks[1].got, r#"{"bytes":4}"#);
}

#[test]
fn lengths_that_lie_are_refused_before_anything_is_read() {
    assert_eq!(
        refused(b"\xff\xff\xff\x7f{}"),
        "a frame announced 2147483647 bytes, over the 65536-byte limit"
    );
    assert_eq!(
        refused(b"\x01\x00\x01\x00"),
        "a frame announced 65537 bytes, over the 65536-byte limit"
    );
    assert_eq!(
        refused(b"\xfe\xff\xff\xff"),
        "a frame announced a negative length (-2)"
    );
    assert_eq!(
        refused(b"GET / HTTP/1.1\r\n"),
        "a frame announced 542393671 bytes, over the 65536-byte limit"
    );
    assert_eq!(
        refused(b"\x10\x00\x00\x00{\"na"),
        "connection closed inside a frame: 4 of 16 bytes of its body arrived"
    );
    assert_eq!(recv_result(&mut &b""[..], &known()), Ok(None));
}

#[test]
fn junk_inside_a_good_frame_is_refused_in_words_without_a_control_byte() {
    let junk = refused(&frame(b"\x1b[2J\x07 hello"));
    assert!(
        junk.starts_with("not a result of `check --json`: "),
        "{junk}"
    );
    let name = format!(
        r#"{{"lesson":5,"role":"server","checks":[],"name":"{}"}}"#,
        "\\u001b[2J".repeat(1000)
    );
    let long = refused(&frame(name.as_bytes()));
    assert!(
        // Escaped, and cut to its two ends (words::text::preview): never 4000 bytes long.
        long.starts_with(r"the name '\x1b[2J\x1b[2J")
            && long.contains("' (4000 bytes) is not a name")
            && long.len() < 400,
        "{long}"
    );
    for why in [junk, long] {
        assert!(!why.contains(|c: char| c.is_control()), "{why:?}");
    }
}

#[test]
fn a_sender_that_stalls_inside_its_frame_is_dropped_at_the_deadline() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut slow = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    // Half a length, then nothing: the class must not wait for the rest.
    slow.write_all(b"\x10\x00").unwrap();
    let (sock, _) = listener.accept().unwrap();
    let until = Instant::now() + Duration::from_millis(100);
    let why = recv_result(&mut Deadline { sock: &sock, until }, &known()).unwrap_err();
    assert_eq!(why, "no whole result within 3 s: dropped");
}

#[test]
fn an_unknown_check_or_one_of_another_stage_is_refused() {
    let unknown = GOOD.replace("05.server.big-body", "05.server.x\\u001b");
    assert_eq!(
        refused(&frame(unknown.as_bytes())),
        r"unknown check id 05.server.x\x1b"
    );
    let other = GOOD.replace("05.server.big-body", "06.client.header");
    assert_eq!(
        refused(&frame(other.as_bytes())),
        "the check 06.client.header is not one of lesson 5 server's"
    );
    let verdict = GOOD.replace("\"FAIL\"", "\"PASSED\"");
    assert!(refused(&frame(verdict.as_bytes())).contains("is not PASS, FAIL or SKIP"));
}

#[test]
fn names_are_letters_and_digits_and_a_few_marks() {
    for good in ["s07", "王小明", "Anne-Marie O'Neil", "wang.xm_2"] {
        assert_eq!(check_name(good), Ok(()), "{good}");
    }
    for bad in ["", " s07", "=1+1", "s\t07", "a\u{200b}b", &"x".repeat(33)] {
        assert!(check_name(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_report_too_big_for_a_frame_loses_its_output_lines_first() {
    let line = "y".repeat(1000);
    let check = json!({"id":"05.server.big-body","verdict":"FAIL","expected":line,"got":line,"output":vec![line.clone(); 40]});
    let report = json!({"lesson":5,"role":"server","checks":vec![check; 10]}).to_string();
    assert!(report.len() > MAX_FRAME_LEN);
    let body = with_name(&report, "s07").unwrap();
    assert!(body.len() <= MAX_FRAME_LEN);
    let sent = parse(&body, &known()).unwrap();
    assert_eq!(sent.checks.len(), 10);
    assert_eq!(sent.checks[0].expected.chars().count(), MAX_TEXT_CHARS + 1);
}

#[test]
fn the_class_address_takes_a_port_or_the_default() {
    assert_eq!(class_addr("127.0.0.1").unwrap().port(), super::CLASS_PORT);
    assert_eq!(class_addr("127.0.0.1:9000").unwrap().port(), 9000);
    assert_eq!(class_addr("[::1]:9000").unwrap().port(), 9000);
    assert_eq!(class_addr("::1").unwrap().port(), super::CLASS_PORT);
    assert!(class_addr("localhost").is_ok());
}
