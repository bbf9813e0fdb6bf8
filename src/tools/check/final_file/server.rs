//! Lesson 06's exercise, the server: `[i32 little-endian: header length][header JSON with
//! file_name, file_desc, file_size][exactly file_size bytes]`, then the end. The checker reads
//! it ([`super::sent`]); here are the checks that judge it.

use serde_json::Value;

use super::sent::{SLOW_SIZE, Sent, read_sent, start_with_file};
use crate::tools::check::judge::shown;
use crate::tools::check::peer::{self, Ending};
use crate::tools::check::{Check, Ctx, Judged, Side, Stop, fail};
use crate::tr;

/// The served file's size for the fast checks.
const SIZE: usize = 1 << 20;

const PAGE: [&str; 2] = [
    "lessons/06_final_file.md, \"Exercise\"",
    "lessons/zh/06_final_file.md, 「练习」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let server = Check::on(PAGE, 6, Side::Server, false);
    vec![
        server("header", ["a 4-byte length, then that many bytes of JSON with file_name, file_desc, file_size", "4 个字节的长度, 然后是这么多字节的 JSON, 含 file_name、file_desc、file_size"], header),
        Check { needs_command: true, ..server("file-size", ["file_size is the size of the file given as {file}", "file_size 等于以 {file} 给出的文件的大小"], file_size) },
        Check { needs_command: true, ..server("exact-length", ["exactly file_size bytes after the header, then the end", "报头之后恰好 file_size 个字节, 然后结束"], exact_length) },
        Check { needs_command: true, ..server("same-bytes", ["the same bytes as the file", "与文件完全相同的字节"], same_bytes) },
        Check { needs_command: true, ..server("slow-reader", ["an 8 MiB file read 256 KiB every 20 ms: every byte still arrives", "8 MiB 的文件, 每 20 毫秒只读 256 KiB: 每一个字节仍然都到达"], slow_reader) },
    ]
}

/// Start the server with the file, connect, read the header, then the rest (`slow`: a piece at a
/// time with a pause).
fn fetch(ctx: &mut Ctx, slow: bool) -> Result<Sent, Stop> {
    let (file, dir) = start_with_file(ctx, if slow { SLOW_SIZE } else { SIZE })?;
    let mut sock = ctx.connect()?;
    if slow {
        // A modest receive buffer: the server's sends fill it and must wait for the reader.
        let _ = socket2::SockRef::from(&*sock).set_recv_buffer_size(64 * 1024);
    }
    let mut sent = read_sent(&mut sock, file, slow)?;
    sent._dir = dir;
    Ok(sent)
}

fn size_of(sent: &Sent) -> usize {
    sent.json
        .get("file_size")
        .and_then(Value::as_u64)
        .unwrap_or_default() as usize
}

fn header(ctx: &mut Ctx) -> Judged {
    fetch(ctx, false).map(drop)
}

fn file_size(ctx: &mut Ctx) -> Judged {
    let sent = fetch(ctx, false)?;
    match size_of(&sent) {
        size if size == sent.file.len() => Ok(()),
        size => Err(fail(
            format!("file_size {}", sent.file.len()),
            format!("file_size {size}"),
        )),
    }
}

pub fn exact(sent: &Sent) -> Judged {
    let (size, got) = (size_of(sent), sent.body.len());
    if let Some(end) = sent.short {
        return Err(fail(
            tr!("{size} bytes after the header", "报头之后 {size} 个字节"),
            tr!(
                "{got} bytes, then {}",
                "{got} 个字节, 然后{}",
                peer::said(end)
            ),
        ));
    }
    if !sent.extra.is_empty() {
        return Err(fail(
            tr!(
                "nothing after the file's {size} bytes",
                "文件的 {size} 个字节之后不再有任何字节"
            ),
            tr!("then {}", "之后又收到 {}", shown(&sent.extra)),
        ));
    }
    if sent.after != Ending::Closed {
        return Err(fail(
            tr!(
                "the file's {size} bytes, then the end: the server closes (at the latest once the client has)",
                "文件的 {size} 个字节, 然后结束: 服务端关闭连接 (最迟在客户端关闭之后)"
            ),
            tr!(
                "{}s after the client's close: {}",
                "客户端关闭 {} 秒后: {}",
                peer::STEP.as_secs(),
                peer::said(sent.after)
            ),
        ));
    }
    Ok(())
}

fn exact_length(ctx: &mut Ctx) -> Judged {
    exact(&fetch(ctx, false)?)
}

fn same_bytes(ctx: &mut Ctx) -> Judged {
    let sent = fetch(ctx, false)?;
    match sent.body.iter().zip(&sent.file).position(|(a, b)| a != b) {
        Some(at) => Err(fail(
            tr!(
                "the file's bytes; at byte {at}: {}",
                "文件的字节; 第 {at} 个字节起: {}",
                shown(&sent.file[at..(at + 16).min(sent.file.len())])
            ),
            shown(&sent.body[at..(at + 16).min(sent.body.len())]),
        )),
        None if sent.body.len() != sent.file.len() => Err(fail(
            tr!("{} bytes", "{} 个字节", sent.file.len()),
            tr!("{} bytes", "{} 个字节", sent.body.len()),
        )),
        None => Ok(()),
    }
}

/// Every byte arrives however slowly it is read (what comes after is `exact-length`'s business,
/// whether they are the file's is `same-bytes`').
fn slow_reader(ctx: &mut Ctx) -> Judged {
    let sent = fetch(ctx, true)?;
    match sent.short {
        Some(end) => {
            let (size, got) = (size_of(&sent), sent.body.len());
            Err(fail(
                tr!(
                    "all {size} bytes, read slowly",
                    "慢慢读, 也收到全部 {size} 个字节"
                ),
                tr!(
                    "{got} bytes, then {}",
                    "{got} 个字节, 然后{}",
                    peer::said(end)
                ),
            ))
        }
        None => Ok(()),
    }
}
