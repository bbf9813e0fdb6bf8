use super::crash::report;
use super::*;

#[test]
fn a_server_s_port_is_read_from_its_listening_line() {
    assert_eq!(printed_port("listening on 127.0.0.1:40707\n"), Some(40707));
    assert_eq!(printed_port("[server] 正在监听 127.0.0.1:8080"), Some(8080));
    assert_eq!(printed_port("listening on [::1]:5000"), Some(5000));
    assert_eq!(printed_port("bound to 127.0.0.1:0"), None);
    assert_eq!(printed_port("('127.0.0.1', 41662)"), None);
}

#[test]
fn a_crash_is_named_by_the_last_line_of_its_runtime_s_report() {
    let lines = |text: &str| text.lines().map(str::to_string).collect::<Vec<_>>();
    let python = "Traceback (most recent call last):\n('127.0.0.1', 4)\n  File \"s.py\"\n    x\nTypeError: a bytes-like object is required";
    assert_eq!(
        report(&lines(python)).as_deref(),
        Some("TypeError: a bytes-like object is required")
    );
    let java = "listening\nException in thread \"main\" java.lang.NegativeArraySizeException: -1\n\tat A.main(A.java:9)";
    assert!(report(&lines(java)).is_some_and(|l| l.contains("NegativeArraySizeException")));
    let node = "/x.js:24\n    console.log(last.length)\n\nTypeError: Cannot read properties of undefined\n    at Socket.<anonymous> (/x.js:24:5)\n    at Socket.emit (node:events:519:28)";
    assert_eq!(
        report(&lines(node)).as_deref(),
        Some("TypeError: Cannot read properties of undefined")
    );
    assert_eq!(report(&lines("收到:hello\nthe client closed")), None);
}

#[test]
fn port_and_file_are_put_in_the_command() {
    let command = [
        "prog".to_string(),
        "--port".into(),
        "{port}".into(),
        "{file}".into(),
    ];
    let expanded = expand(&command, 9000, Some(Path::new("/tmp/报告.txt")));
    assert_eq!(expanded, ["prog", "--port", "9000", "/tmp/报告.txt"]);
}
