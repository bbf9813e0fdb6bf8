//! Lesson 06's demo: the lesson sends its own source to itself, as the material does, and the
//! client's copy is checked byte for byte against the original.

use std::time::Duration;

use socket_lessons::sockets::net;
use socket_lessons::tools::shows::scratch;
use socket_lessons::transfer::offer::Offer;
use socket_lessons::words::cli::Addr;
use socket_lessons::{Result, demo, note};

use super::saving::Folder;
use super::{run_client, serve};

/// The lesson's own file, built in (so the demo works from any folder): the material sends its
/// own. Its `file_desc` is Chinese on purpose: the header's length counts UTF-8 bytes.
const SOURCE: &str = include_str!("main.rs");
const SOURCE_NAME: &str = "06_final_file.rs";
const DEMO_DESC: &str = "本课的源代码 (this lesson's own source)";

/// `--timeout` in the demo: long enough for a crowded Wi-Fi, short enough for a waiting class.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The lesson sends its own source to itself.
pub fn run() -> Result<()> {
    let (_scratch, served, received) = scratch::with_file("06", SOURCE_NAME, SOURCE.as_bytes())?;
    note!(
        "the server sends this lesson's source; the client saves it in a scratch folder",
        "服务端发送本课的源代码; 客户端把它保存到一个临时文件夹里"
    );
    let offer = Offer::open(&served, DEMO_DESC, None, TIMEOUT)?;
    let listener = net::listen(&Addr::ephemeral(), net::BACKLOG)?; // lesson 03's listen(5)
    demo::run(
        listener,
        move |listener| serve(listener, &offer, Some(1)),
        |addr| {
            run_client(
                addr,
                &Folder { out: received.clone(), force: false },
                TIMEOUT,
            )
        },
    )?;
    scratch::same_bytes(&received.join(SOURCE_NAME), SOURCE.as_bytes())
}
