//! Errors that come from the OS, in the course's own words by their kind, with the OS's error
//! number in parentheses after them: `the connection is gone (os error 10057)`, never
//! `OS Error 10057 (FormatMessageW() returned error 317)`. And what a server does when `accept`
//! fails: [`accept_failed`].
//!
//! The OS's own text is left out where the kind has words here: it comes in the machine's
//! language, and Wine cannot always look it up. The number stays, for a search engine.

use std::io::{self, ErrorKind};
use std::thread;
use std::time::Duration;

use crate::{Error, Result, server, tr};

/// How long a server waits before it tries `accept` again when the system is out of file
/// descriptors, sockets or memory: long enough not to spin on an error that will not go away by
/// itself in microseconds, short enough that a waiting client hardly notices.
pub const EXHAUSTED_PAUSE: Duration = Duration::from_millis(500);

/// `e` in the course's words, with the OS's error number in parentheses when there is one, or
/// the OS's text when the course has no words for its kind. An error that did not come from
/// the OS (the course's own) is its own text.
pub fn words(e: &io::Error) -> String {
    let Some(own) = own_words(e) else {
        return e.to_string();
    };
    match e.raw_os_error() {
        Some(code) => format!("{own} (os error {code})"),
        None => own,
    }
}

/// The course's words for the kind of `e`, or `None` if it did not come from the OS.
fn own_words(e: &io::Error) -> Option<String> {
    if exhausted(e) {
        return Some(tr!(
            "the system is out of resources (open files, sockets or memory)",
            "系统资源用完了 (打开的文件, 套接字或内存)"
        ));
    }
    let words = match e.kind() {
        ErrorKind::ConnectionReset => tr!("the other side reset the connection", "对方重置了连接"),
        ErrorKind::ConnectionAborted => tr!("the connection was aborted", "连接被中止"),
        ErrorKind::NotConnected => tr!("the connection is gone", "连接已经不在了"),
        ErrorKind::ConnectionRefused => tr!(
            "nobody listens there (connection refused)",
            "那里没有人在监听 (连接被拒绝)"
        ),
        ErrorKind::BrokenPipe => tr!(
            "the other side had closed the connection (a broken pipe)",
            "对方已经关闭了连接 (broken pipe, 管道破裂)"
        ),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => tr!("no answer in time", "没有及时应答"),
        ErrorKind::NetworkDown | ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => {
            tr!("the network cannot reach it", "网络到不了那里")
        }
        ErrorKind::AddrInUse => tr!("the address is in use", "地址已被占用"),
        ErrorKind::AddrNotAvailable => tr!(
            "the address is not one of this machine's",
            "这个地址不属于本机"
        ),
        ErrorKind::PermissionDenied => tr!("this is not allowed here", "这里不允许这样做"),
        ErrorKind::NotFound => tr!("it does not exist", "它不存在"),
        ErrorKind::AlreadyExists => tr!("it exists already", "它已经存在"),
        ErrorKind::Interrupted => tr!("the call was interrupted", "调用被中断了"),
        ErrorKind::UnexpectedEof => tr!("the stream ended too early", "数据流提前结束了"),
        _ if e.raw_os_error().is_some() => {
            let os = e.to_string();
            tr!("the system said: {os}", "系统说: {os}")
        }
        _ => return None,
    };
    Some(words)
}

/// Out of file descriptors (EMFILE, ENFILE), buffers (ENOBUFS) or memory (ENOMEM): an error that
/// passes once something else lets go, not by trying again at once.
fn exhausted(e: &io::Error) -> bool {
    #[cfg(unix)]
    let codes = [libc::EMFILE, libc::ENFILE, libc::ENOBUFS, libc::ENOMEM];
    // Windows: WSAEMFILE (10024), WSAENOBUFS (10055).
    #[cfg(windows)]
    let codes = [10024, 10055];
    #[cfg(not(any(unix, windows)))]
    let codes: [i32; 0] = [];
    e.kind() == ErrorKind::OutOfMemory || e.raw_os_error().is_some_and(|c| codes.contains(&c))
}

/// What a failed `accept` means for a server that must outlive its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptFailure {
    /// One queued connection was lost before `accept` took it: a client that connected and
    /// reset at once. Windows documents WSAECONNRESET (10054) for it, BSD and macOS say
    /// ECONNABORTED, Wine WSAENOTCONN (10057); Linux's accept(2) asks to treat ENETDOWN, EPROTO,
    /// ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP and ENETUNREACH the same way.
    /// The listener is fine: accept the next.
    Transient,
    /// The system is out of resources: wait [`EXHAUSTED_PAUSE`], then accept again.
    Exhausted,
    /// The listener itself is broken: the server ends.
    Fatal,
}

/// Which [`AcceptFailure`] `e` is.
pub fn accept_failure(e: &io::Error) -> AcceptFailure {
    #[cfg(unix)]
    let lost: [i32; 5] = [
        libc::EPROTO,
        libc::ENOPROTOOPT,
        libc::EHOSTDOWN,
        libc::EOPNOTSUPP,
        // ENONET exists on Linux only; elsewhere this is EPROTO once more.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        libc::ENONET,
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        libc::EPROTO,
    ];
    #[cfg(not(unix))]
    let lost: [i32; 0] = [];
    let transient = matches!(
        e.kind(),
        ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::NotConnected
            | ErrorKind::Interrupted
            | ErrorKind::NetworkDown
            | ErrorKind::NetworkUnreachable
            | ErrorKind::HostUnreachable
    ) || e.raw_os_error().is_some_and(|c| lost.contains(&c));
    if transient {
        AcceptFailure::Transient
    } else if exhausted(e) {
        AcceptFailure::Exhausted
    } else {
        AcceptFailure::Fatal
    }
}

/// `let Some((sock, addr)) = listener.accept().or_next()? else { continue };`: lesson 03's
/// accept loop, where a failed `accept` is not the end: [`accept_failed`] says why in one line,
/// and `None` tells the loop to accept the next client; only a listener that broke is an error.
pub trait OrNext<T> {
    /// The accepted client, `None` for one that could not be taken, or the listener's error.
    fn or_next(self) -> Result<Option<T>>;
}

impl<T> OrNext<T> for io::Result<T> {
    fn or_next(self) -> Result<Option<T>> {
        match self {
            Ok(accepted) => Ok(Some(accepted)),
            Err(e) => accept_failed(e.into()).map(|()| None),
        }
    }
}

/// A server's answer to a failed `accept`, in one line: `Ok` to accept again (at once for a
/// lost connection, after [`EXHAUSTED_PAUSE`] when the system is out of resources), or the
/// error that ends the server, in words.
///
/// ```text
/// Err(e) => {
///     oserror::accept_failed(e)?;
///     continue;
/// }
/// ```
pub fn accept_failed(error: Error) -> Result<()> {
    let Some(e) = error.downcast_ref::<io::Error>() else {
        return Err(error);
    };
    let words = words(e);
    match accept_failure(e) {
        AcceptFailure::Transient => {
            server!(
                "a client was gone before accept took it ({words}); waiting for the next one",
                "一个客户端在 accept 接受它之前就不在了 ({words}); 等待下一个"
            );
            Ok(())
        }
        AcceptFailure::Exhausted => {
            let ms = EXHAUSTED_PAUSE.as_millis();
            server!(
                "cannot accept a client now: {words}; trying again in {ms} ms",
                "现在无法接受客户端: {words}; {ms} 毫秒后再试"
            );
            thread::sleep(EXHAUSTED_PAUSE);
            Ok(())
        }
        AcceptFailure::Fatal => Err(tr!(
            "the listener failed: {words}; the server ends",
            "监听套接字出错: {words}; 服务端结束"
        )
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(code: i32) -> io::Error {
        io::Error::from_raw_os_error(code)
    }

    #[test]
    fn a_lost_connection_is_transient_on_every_os() {
        for kind in [
            ErrorKind::ConnectionReset,
            ErrorKind::ConnectionAborted,
            ErrorKind::NotConnected,
            ErrorKind::Interrupted,
        ] {
            let e = io::Error::from(kind);
            assert_eq!(accept_failure(&e), AcceptFailure::Transient, "{kind:?}");
            assert!(accept_failed(e.into()).is_ok(), "{kind:?}");
        }
        #[cfg(unix)]
        for code in [libc::ECONNABORTED, libc::ECONNRESET, libc::EPROTO] {
            assert_eq!(
                accept_failure(&os(code)),
                AcceptFailure::Transient,
                "{code}"
            );
        }
        // WSAECONNRESET and WSAENOTCONN, as Windows and Wine give them.
        #[cfg(windows)]
        for code in [10054, 10053, 10057] {
            assert_eq!(
                accept_failure(&os(code)),
                AcceptFailure::Transient,
                "{code}"
            );
        }
    }

    #[test]
    fn running_out_of_descriptors_waits_then_goes_on() {
        #[cfg(unix)]
        let codes = [libc::EMFILE, libc::ENFILE, libc::ENOBUFS, libc::ENOMEM];
        #[cfg(windows)]
        let codes = [10024, 10055];
        for code in codes {
            assert_eq!(
                accept_failure(&os(code)),
                AcceptFailure::Exhausted,
                "{code}"
            );
            assert!(words(&os(code)).starts_with("the system is out of resources"));
        }
        assert!(accept_failed(os(codes[0]).into()).is_ok());
    }

    #[test]
    fn anything_else_ends_the_server_in_one_line() {
        for e in [
            io::Error::from(ErrorKind::InvalidInput),
            io::Error::from(ErrorKind::PermissionDenied),
            #[cfg(unix)]
            os(libc::EBADF),
            #[cfg(windows)]
            os(10038), // WSAENOTSOCK
        ] {
            assert_eq!(accept_failure(&e), AcceptFailure::Fatal, "{e:?}");
            let line = accept_failed(e.into()).unwrap_err().to_string();
            assert!(line.starts_with("the listener failed: "), "{line}");
            assert!(line.ends_with("; the server ends"), "{line}");
            assert_eq!(line.lines().count(), 1, "{line}");
        }
        let not_io: Error = "not an OS error".into();
        assert_eq!(
            accept_failed(not_io).unwrap_err().to_string(),
            "not an OS error"
        );
    }

    #[test]
    fn the_os_number_follows_the_words_in_parentheses() {
        #[cfg(unix)]
        let (reset, code) = (os(libc::ECONNRESET), libc::ECONNRESET);
        #[cfg(windows)]
        let (reset, code) = (os(10054), 10054);
        assert_eq!(
            words(&reset),
            format!("the other side reset the connection (os error {code})")
        );
        // Not from the OS: no number, and the kind's words alone.
        let refused = io::Error::from(ErrorKind::ConnectionRefused);
        assert_eq!(words(&refused), "nobody listens there (connection refused)");
        // The course's own error keeps its own text.
        let own = io::Error::other("a frame announced 7 bytes");
        assert_eq!(words(&own), "a frame announced 7 bytes");
    }
}
