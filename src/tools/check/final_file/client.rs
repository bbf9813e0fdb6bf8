//! Lesson 06's exercise, the client: the checker plays the server, sends a header and a file in
//! every way a real or hostile server might, and looks at what the program saved where.

use std::io::Write;
use std::net::{Shutdown, TcpStream};

use crate::tools::check::judge::{frame, no_crash, shown};
use crate::tools::check::peer::{self, STEP};
use crate::tools::check::{Check, Ctx, Judged, Side, Stop, fail};
use crate::tr;

/// The file the checker sends: 100 000 bytes, not a multiple of the material's `recv(1024)`,
/// so bytes sent after it share the last read.
const SIZE: usize = 100_000;

/// The exercise: read the length and the header in a loop, exactly file_size bytes, an early
/// close an error.
const PAGE: [&str; 2] = [
    "lessons/06_final_file.md, \"Exercise\"",
    "lessons/zh/06_final_file.md, 「练习」",
];

/// Where the page explains why a peer's name is never a path.
const REFUSES: [&str; 2] = [
    "lessons/06_final_file.md, \"What the client refuses\"",
    "lessons/zh/06_final_file.md, 「客户端拒绝什么」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let client = Check::on(PAGE, 6, Side::Client, true);
    vec![
        client("whole-file", ["a header and a 100 000-byte file, the connection left open: stop at file_size", "报头和 100 000 字节的文件, 连接保持打开: 收到 file_size 个字节就停"], whole_file),
        client("trickled-header", ["the length and the header one byte per segment (TCP_NODELAY)", "长度和报头每个 TCP 段只有一个字节 (TCP_NODELAY)"], trickled_header),
        client("one-write", ["the length, the header and the file in one write", "长度、报头和文件放在一次写入里"], one_write),
        Check { page: REFUSES, ..client("escaping-name", ["file_name \"../escape.txt\": nothing may appear outside the folder", "file_name 为 \"../escape.txt\": 文件夹之外不能出现任何东西"], escaping_name) },
        Check { page: REFUSES, ..client("absolute-name", ["file_name an absolute path: nothing may appear outside the folder", "file_name 为绝对路径: 文件夹之外不能出现任何东西"], absolute_name) },
        client("early-close", ["the server closes after 1 000 of 100 000 bytes: the program must end with an error", "服务端在 100 000 字节中只发 1 000 字节就关闭: 程序必须报错结束"], early_close),
        client("extra-bytes", ["bytes past file_size, in the same write: the file keeps file_size bytes", "在同一次写入里多发 file_size 之后的字节: 文件仍然只有 file_size 个字节"], extra_bytes),
        client("empty-file", ["a file_size of 0: an empty file", "file_size 为 0: 一个空文件"], empty_file),
        client("chinese-name", ["file_name 报告.txt (the length counts its UTF-8 bytes)", "file_name 为 报告.txt (长度按 UTF-8 字节计算)"], chinese_name),
    ]
}

/// How the checker writes the header and the file.
#[derive(Clone, Copy, PartialEq)]
enum Way {
    /// The header in one write, the file in writes of 16 KiB, the connection left open: the
    /// client must stop at `file_size` bytes, not wait for the end.
    Open,
    /// The same, then the checker's close.
    Plain,
    /// The length and the header one byte per segment, then the file.
    Trickled,
    /// Everything in one write.
    OneWrite,
    /// The header, then the file and 26 bytes more in one write.
    Extra,
    /// The header, 1 000 bytes of the file, then a close.
    Early,
}

/// The header's bytes for `name` and `size`: JSON as UTF-8, unescaped, behind its length. Only
/// a Chinese name makes it other than ASCII: that is `chinese-name`'s check.
fn header(name: &str, size: usize) -> Vec<u8> {
    let json = serde_json::json!({"file_name": name, "file_desc": "sent by the checker", "file_size": size});
    frame(json.to_string().as_bytes())
}

fn body(size: usize) -> Vec<u8> {
    let mut bytes = super::sent::content(size);
    bytes.truncate(size);
    bytes
}

/// Start the client, send it `name` and a file of `size` bytes the `way` asked, and wait for
/// it to end; return the file's bytes.
fn send(ctx: &mut Ctx, name: &str, size: usize, way: Way) -> Result<Vec<u8>, Stop> {
    ctx.start_client("")?;
    let mut sock = ctx.accept()?;
    let (head, file) = (header(name, size), body(size));
    let written = write(&mut sock, &head, &file, way);
    match way {
        Way::Open => {}
        Way::Early => drop(sock.shutdown(Shutdown::Both)),
        _ => drop(sock.shutdown(Shutdown::Write)),
    }
    let program = ctx.program()?;
    let status = program.wait_exit(STEP);
    // A client that refused early may have reset the connection: our writes then failed.
    if let Err(e) = written
        && status.is_none_or(|s| s.success())
    {
        return Err(fail(
            tr!("the client reads the whole file", "客户端读完整个文件"),
            tr!("sending failed: {e}", "发送失败: {e}"),
        ));
    }
    if way == Way::Open && status.is_none() {
        let secs = STEP.as_secs();
        return Err(fail(
            tr!(
                "the program ends once file_size bytes are in",
                "收齐 file_size 个字节后程序结束"
            ),
            tr!(
                "still running after {secs}s with the connection open: does it wait for the end instead of counting file_size?",
                "连接仍开着, {secs} 秒后程序仍在运行: 它是在等连接结束, 而不是数到 file_size 吗?"
            ),
        ));
    }
    drop(sock);
    Ok(file)
}

fn write(sock: &mut TcpStream, head: &[u8], file: &[u8], way: Way) -> std::io::Result<()> {
    match way {
        Way::Open | Way::Plain | Way::Trickled => {
            if way == Way::Trickled {
                peer::trickle(sock, head)?;
            } else {
                sock.write_all(head)?;
                // A pause: the header arrives alone, as one-write's is the check of the merged case.
                std::thread::sleep(peer::GAP);
            }
            file.chunks(16 * 1024)
                .try_for_each(|chunk| sock.write_all(chunk))
        }
        Way::OneWrite => sock.write_all(&[head, file].concat()),
        Way::Extra => {
            sock.write_all(head)?;
            std::thread::sleep(peer::GAP);
            sock.write_all(&[file, b"EXTRA BYTES PAST file_size"].concat())
        }
        Way::Early => sock.write_all(&[head, &file[..1000]].concat()),
    }
}

/// The program ended well, and saved `name` in its folder with exactly `file`'s bytes.
fn saved(ctx: &mut Ctx, name: &str, file: &[u8]) -> Judged {
    let program = ctx.program()?;
    match program.wait_exit(STEP) {
        None => {
            return Err(fail(
                tr!(
                    "the program ends once file_size bytes are in",
                    "收齐 file_size 个字节后程序结束"
                ),
                tr!(
                    "still running after {}s (does it wait for the connection to close?)",
                    "{} 秒后仍在运行 (它在等连接关闭吗?)",
                    STEP.as_secs()
                ),
            ));
        }
        Some(status) if !status.success() => {
            let got = match program.crash() {
                Some(line) => tr!("the program crashed: {line}", "程序崩溃了: {line}"),
                None => tr!("it ended with {status}", "程序以 {status} 结束"),
            };
            return Err(fail(
                tr!(
                    "{name:?} saved whole, exit status 0",
                    "完整保存 {name:?}, 退出码 0"
                ),
                got,
            ));
        }
        Some(_) => {}
    }
    let path = program.work().join(name);
    let got = std::fs::read(&path).map_err(|e| {
        fail(
            tr!(
                "the file {name:?} in the folder it runs in",
                "运行目录里的文件 {name:?}"
            ),
            tr!("{e}", "{e}"),
        )
    })?;
    if got != file {
        let at = got
            .iter()
            .zip(file)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(file.len()));
        return Err(fail(
            tr!(
                "{} bytes, the ones sent",
                "{} 个字节, 与发送的相同",
                file.len()
            ),
            tr!(
                "{} bytes, differing from byte {at}: {}",
                "{} 个字节, 从第 {at} 个字节起不同: {}",
                got.len(),
                shown(&got[at.min(got.len())..])
            ),
        ));
    }
    no_crash(ctx)
}

fn whole_file(ctx: &mut Ctx) -> Judged {
    let file = send(ctx, "lesson6.bin", SIZE, Way::Open)?;
    saved(ctx, "lesson6.bin", &file)
}

fn trickled_header(ctx: &mut Ctx) -> Judged {
    let file = send(ctx, "lesson6.bin", SIZE, Way::Trickled)?;
    saved(ctx, "lesson6.bin", &file)
}

fn one_write(ctx: &mut Ctx) -> Judged {
    let file = send(ctx, "lesson6.bin", SIZE, Way::OneWrite)?;
    saved(ctx, "lesson6.bin", &file)
}

fn extra_bytes(ctx: &mut Ctx) -> Judged {
    let file = send(ctx, "lesson6.bin", SIZE, Way::Extra)?;
    saved(ctx, "lesson6.bin", &file)
}

fn empty_file(ctx: &mut Ctx) -> Judged {
    let file = send(ctx, "empty.txt", 0, Way::Plain)?;
    saved(ctx, "empty.txt", &file)
}

fn chinese_name(ctx: &mut Ctx) -> Judged {
    let file = send(ctx, "报告.txt", SIZE, Way::Plain)?;
    saved(ctx, "报告.txt", &file)
}

/// After a hostile name: the folder around the program's must hold its folder and nothing else.
fn nothing_outside(ctx: &mut Ctx) -> Judged {
    let program = ctx.program()?;
    let entries: Vec<String> = std::fs::read_dir(program.root())
        .map(|dir| {
            dir.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let outside: Vec<&String> = entries.iter().filter(|name| *name != "work").collect();
    if let Some(name) = outside.first() {
        let shown = crate::tools::check::program::escaped(name);
        return Err(fail(
            tr!(
                "nothing written outside the folder it runs in",
                "运行目录之外不写任何东西"
            ),
            tr!(
                "{shown:?} appeared beside that folder: the name from the peer was used as a path",
                "{shown:?} 出现在运行目录旁边: 对方给的名字被当成了路径"
            ),
        ));
    }
    Ok(())
}

fn escaping_name(ctx: &mut Ctx) -> Judged {
    send(ctx, "../escape.txt", SIZE, Way::Plain)?;
    nothing_outside(ctx)
}

fn absolute_name(ctx: &mut Ctx) -> Judged {
    // The folder around the program's, known only once it runs: start it, then name a file there.
    ctx.start_client("")?;
    let target = ctx.program()?.root().join("absolute.txt");
    let mut sock = ctx.accept()?;
    let name = target.display().to_string();
    let _ = write(&mut sock, &header(&name, SIZE), &body(SIZE), Way::Plain);
    ctx.program()?.wait_exit(STEP);
    drop(sock);
    nothing_outside(ctx)
}

fn early_close(ctx: &mut Ctx) -> Judged {
    send(ctx, "lesson6.bin", SIZE, Way::Early)?;
    let program = ctx.program()?;
    match program.wait_exit(peer::STEP) {
        None => Err(fail(
            tr!(
                "the program ends with an error: the server closed after 1 000 of 100 000 bytes",
                "程序报错结束: 服务端只发了 100 000 字节中的 1 000 字节就关闭了"
            ),
            tr!(
                "still running after {}s: recv returns b'' at the end, and a loop on recv_size never ends",
                "{} 秒后仍在运行: 连接结束后 recv 返回 b'', 按 recv_size 判断的循环永远不会结束",
                STEP.as_secs()
            ),
        )),
        Some(status) if status.success() => Err(fail(
            tr!(
                "a non-zero exit: the file is not whole",
                "非零退出码: 文件不完整"
            ),
            tr!(
                "exit status 0, as if the file were whole",
                "退出码为 0, 好像文件是完整的"
            ),
        )),
        Some(_) => Ok(()),
    }
}
