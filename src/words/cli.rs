//! The command-line arguments every lesson shares: where the server listens, where the client
//! connects ([`Addr`]), and how the lesson speaks ([`Shared`]: `--lang`, `--lanes`). Each lesson
//! adds its own on top with `#[command(flatten)]`.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;

use clap::Args;

use crate::words::lang::Lang;
use crate::{Result, tr};

/// The port of the material (`server.bind(('127.0.0.1', 8080))`).
pub const DEFAULT_PORT: u16 = 8080;

/// The host of the material: loopback, so a lesson server is reachable from this machine only
/// until the teacher asks for `--host 0.0.0.0`.
pub const DEFAULT_HOST: &str = "127.0.0.1";

/// The key that ends the input at a terminal, `[english, chinese]` as every pair of the course
/// ([`crate::words::lang::pick`]), for the help, the prompts and the pages to name. A Windows
/// console sends Ctrl-D as the character U+0004, a line like any other; it ends the input with
/// Ctrl-Z at the start of a line, then Enter.
#[cfg(windows)]
pub const END_OF_INPUT: [&str; 2] = ["Ctrl-Z, then Enter", "Ctrl-Z 再按回车"];
/// The key that ends the input at a terminal: Ctrl-D, on Linux and macOS.
#[cfg(not(windows))]
pub const END_OF_INPUT: [&str; 2] = ["Ctrl-D", "Ctrl-D"];

/// How to run the program `lesson` (`01_basic`, `socket-lessons`) the way this one was run, for
/// a hint that must work as printed: `cargo run --bin 01_basic --` when this program lives in
/// a folder Cargo built (`cargo run`, `cargo test`: Cargo keeps a `.fingerprint` folder beside
/// what it builds), `cargo run --release --bin …` for a release build, and plain `01_basic` once
/// installed with `cargo install --path .`. The runner is `cargo run --`, Cargo's default.
pub fn program(lesson: &str) -> String {
    let exe = std::env::current_exe().ok();
    let folder = exe.as_deref().and_then(Path::parent);
    if !folder.is_some_and(|folder| folder.join(".fingerprint").is_dir()) {
        return lesson.to_string();
    }
    let release = folder
        .and_then(Path::file_name)
        .is_some_and(|name| name == "release");
    let profile = if release { " --release" } else { "" };
    match lesson {
        "socket-lessons" => format!("cargo run{profile} --"),
        _ => format!("cargo run{profile} --bin {lesson} --"),
    }
}

/// `text` with every command in it written the way this program was run ([`program`]): the
/// help texts say `cargo run --bin 01_basic -- server`, which a student who installed the
/// wheel types as `01_basic server`.
pub fn as_run_here(text: &str) -> String {
    as_run_by(text, program)
}

/// [`as_run_here`], with `program` saying how a program is run: `cargo run --bin NAME`, with
/// or without its ` --`, and `cargo run` (the runner, `socket-lessons`) become its forms; where
/// the forms carry no `--` (installed), `... -- client` becomes `... client` too.
fn as_run_by(text: &str, program: impl Fn(&str) -> String) -> String {
    let installed = !program("socket-lessons").ends_with(" --");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("cargo run") {
        out.push_str(&rest[..at]);
        rest = &rest[at + "cargo run".len()..];
        let name = match rest.strip_prefix(" --bin ") {
            Some(after) => {
                let end = after.find([' ', '`', ',', ')']).unwrap_or(after.len());
                rest = &after[end..];
                &after[..end]
            }
            None => "socket-lessons",
        };
        let form = program(name);
        match rest.strip_prefix(" --") {
            Some(after) if after.is_empty() || after.starts_with([' ', '`']) => {
                rest = after;
                out.push_str(&form);
            }
            _ => out.push_str(form.strip_suffix(" --").unwrap_or(&form)),
        }
    }
    out.push_str(rest);
    match installed {
        true => out.replace("... -- ", "... "),
        false => out,
    }
}

/// `--lang` and `--lanes`: on every lesson and the runner, before or after the subcommand.
#[derive(Args, Debug, Clone, Default)]
pub struct Shared {
    /// The language of every line the lesson prints: zh (中文) or en. Without it, LC_ALL,
    /// LC_MESSAGES or LANG decide (zh_CN.UTF-8 gives Chinese). 用 --lang zh 切换到中文。
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,

    /// Two lanes, for the projector: [server] lines on the left half of the terminal, [client]
    /// lines on the right, notes across both. Only on a terminal; a pipe gets plain lines.
    #[allow(rustdoc::broken_intra_doc_links)] // `[server]` is the lines' own tag, not a link
    #[arg(long, global = true)]
    pub lanes: bool,
}

/// `--host` and `--port`, for the server (where to listen) and the client (where to connect).
#[derive(Args, Debug, Clone)]
pub struct Addr {
    /// Server: the address to listen on (0.0.0.0 = every network card, for a classroom).
    /// Client: the server to connect to (an IP address or a host name).
    #[arg(long, default_value = DEFAULT_HOST)]
    pub host: String,

    /// The TCP port. A server given 0 lets the OS pick a free one and prints it.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
}

impl Addr {
    /// Loopback on a port the OS picks: what every `demo` listens on, so that a demo never
    /// collides with a lesson server that is already running.
    pub fn ephemeral() -> Addr {
        Addr { host: DEFAULT_HOST.to_string(), port: 0 }
    }

    /// The first socket address `--host`/`--port` name (a host name may resolve to several).
    pub fn resolve(&self) -> Result<SocketAddr> {
        let Addr { host, port } = self;
        // `--host 127.0.0.1:8080`: the port belongs in `--port`. (An IPv6 address has colons of
        // its own, so only a host with a single colon, or `[v6]:port`, is taken for this.)
        let with_port = match host.rsplit_once(':') {
            Some((name, digits))
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
            {
                let name = name.trim_start_matches('[').trim_end_matches(']');
                (!name.contains(':') || host.starts_with('[')).then_some((name, digits))
            }
            _ => None,
        };
        if let Some((name, digits)) = with_port {
            return Err(tr!(
                "'{host}' has a port in it: give the host and the port apart, --host {name} --port {digits}",
                "'{host}' 里带了端口: 请把主机和端口分开写, --host {name} --port {digits}"
            )
            .into());
        }
        let mut addrs = (host.as_str(), *port).to_socket_addrs().map_err(|e| {
            tr!(
                "cannot use host '{host}': {e} (try --host 127.0.0.1)",
                "无法使用主机 '{host}': {e} (试试 --host 127.0.0.1)"
            )
        })?;
        addrs.next().ok_or_else(|| {
            tr!(
                "host '{host}' has no address (try --host 127.0.0.1)",
                "主机 '{host}' 没有地址 (试试 --host 127.0.0.1)"
            )
            .into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(host: &str) -> Result<SocketAddr> {
        let host = host.to_string();
        Addr { host, port: DEFAULT_PORT }.resolve()
    }

    /// Cargo's forms stay as written; installed, each command is the program's own name.
    #[test]
    fn help_texts_name_commands_as_this_program_was_run() {
        let text = "`cargo run --bin 04_sticky_demo -- server`, then `... -- client`; \
                    `cargo run --bin 01_basic`, `cargo run -- check`, `cargo run`.";
        let cargo = |name: &str| match name {
            "socket-lessons" => "cargo run --".to_string(),
            _ => format!("cargo run --bin {name} --"),
        };
        assert_eq!(as_run_by(text, cargo), text);
        let release = |name: &str| cargo(name).replace("cargo run", "cargo run --release");
        assert_eq!(
            as_run_by("`cargo run --bin 01_basic -- --help`", release),
            "`cargo run --release --bin 01_basic -- --help`"
        );
        assert_eq!(
            as_run_by(text, str::to_string),
            "`04_sticky_demo server`, then `... client`; `01_basic`, `socket-lessons check`, \
             `socket-lessons`."
        );
    }

    #[test]
    fn a_port_in_the_host_is_sent_to_port() {
        let error = with("127.0.0.1:8080").unwrap_err().to_string();
        assert_eq!(
            error,
            "'127.0.0.1:8080' has a port in it: give the host and the port apart, --host 127.0.0.1 --port 8080"
        );
        let v6 = with("[::1]:9000").unwrap_err().to_string();
        assert!(v6.ends_with("--host ::1 --port 9000"), "{v6}");
        // An IPv6 address alone is a host, colons and all.
        assert_eq!(with("::1").unwrap().port(), DEFAULT_PORT);
        assert_eq!(with("localhost").unwrap().port(), DEFAULT_PORT);
    }
}
