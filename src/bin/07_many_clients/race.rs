//! Lesson 07's demo: the same clients against lesson 06's loop, one at a time, then against this
//! lesson's threads, each client timed: when its header came, and when it had the whole file.

use std::fs;
use std::io::{self, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use socket_lessons::sockets::{frame, net, net::Peer};
use socket_lessons::tools::shows::{progress, scratch};
use socket_lessons::transfer::{conn::Conn, disk, offer::Offer, rate::Rate};
use socket_lessons::words::cli::Addr;
use socket_lessons::{Result, client, note};

use super::{CLASS_BACKLOG, Header, TIMEOUT, send_file};

/// The demo: this many clients ask at once for a file of `DEMO_SIZE` bytes, sent at `DEMO_RATE`
/// to each (a quarter of a second per client), first one at a time, then on threads.
const DEMO_CLIENTS: usize = 5;
const DEMO_SIZE: usize = 256 * 1024;
const DEMO_RATE: Rate = Rate(1024 * 1024);

/// The same clients, twice: against lesson 06's loop, one at a time, then against threads.
pub fn run() -> Result<()> {
    let scratch = scratch::folder("07")?;
    let path = scratch.path().join("class.bin");
    fs::write(&path, vec![b'x'; DEMO_SIZE])?;
    let offer = Offer::open(&path, "for everyone", Some(DEMO_RATE), TIMEOUT)?;
    let offer = Arc::new(offer);
    let (n, size) = (DEMO_CLIENTS, progress::bytes(DEMO_SIZE as u64));
    note!(
        "{n} clients ask at once for one file of {size}; the server sends it to each at {DEMO_RATE}",
        "{n} 个客户端同时请求同一个文件 ({size}); 服务端给每个客户端的速率是 {DEMO_RATE}"
    );
    let mut last = [0.0; 2];
    for threads in [false, true] {
        match threads {
            false => note!(
                "one client at a time: lesson 06's loop",
                "一次一个客户端: 第 06 课的循环"
            ),
            true => note!(
                "a thread per client: this lesson's loop",
                "每个客户端一个线程: 本课的循环"
            ),
        }
        let listener = net::listen(&Addr::ephemeral(), CLASS_BACKLOG)?;
        let addr = listener.local_addr()?;
        let offer = Arc::clone(&offer);
        let server = thread::spawn(move || serve_demo(listener, &offer, threads));
        let start = Instant::now();
        let students: Vec<_> = (0..n)
            .map(|_| thread::spawn(move || fetch(addr, start)))
            .collect();
        let mut times = Vec::new();
        for student in students {
            times.push(student.join().map_err(|_| "a demo client panicked")??);
        }
        server.join().map_err(|_| "the demo server panicked")??;
        times.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (k, (wait, done)) in times.iter().enumerate().map(|(k, t)| (k + 1, t)) {
            client!(
                "client {k}: waited {wait:.2} s for its header, had the whole file at {done:.2} s",
                "客户端 {k}: 等了 {wait:.2} 秒才收到报头, 在 {done:.2} 秒时收齐整个文件"
            );
        }
        last[threads as usize] = times.iter().map(|t| t.1).fold(0.0, f64::max);
    }
    let [one, many] = last;
    note!(
        "the last client had its file after {one:.2} s one at a time, {many:.2} s on threads",
        "最后一个客户端收齐文件: 一次一个用了 {one:.2} 秒, 多线程用了 {many:.2} 秒"
    );
    Ok(())
}

/// The demo's server, for `DEMO_CLIENTS` clients: lesson 06's loop (`send_file`, then the next
/// `accept`), or this lesson's (`accept`, a thread to `send_file`, at once the next `accept`).
fn serve_demo(listener: TcpListener, offer: &Arc<Offer>, threads: bool) -> Result<()> {
    let mut running = Vec::new();
    for _ in 0..DEMO_CLIENTS {
        // Python: sock, addr = server.accept()
        let (sock, _) = listener.accept()?;
        let (file, size) = disk::open_to_send(&offer.path)?;
        match threads {
            false => send_file(&sock, file, size, offer).map_err(|s| s.words(Peer::Client))?,
            true => {
                let offer = Arc::clone(offer);
                running.push(thread::spawn(move || send_file(&sock, file, size, &offer)));
            }
        }
    }
    for thread in running {
        thread
            .join()
            .map_err(|_| "a demo thread panicked")?
            .map_err(|s| s.words(Peer::Client))?;
    }
    Ok(())
}

/// One of the demo's students, lesson 06's client without the disk: connect, read the header,
/// read `file_size` bytes, close. Returns when, since `start`, the header came and the file.
fn fetch(addr: SocketAddr, start: Instant) -> Result<(f64, f64)> {
    let sock = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    let mut conn = Conn::new(&sock, TIMEOUT, None);
    let json = frame::recv_frame(&mut conn)?.ok_or("the demo server closed")?;
    let wait = start.elapsed().as_secs_f64();
    let header: Header = serde_json::from_slice(&json)?;
    let got = io::copy(&mut (&mut conn).take(header.file_size), &mut io::sink())?;
    if got < header.file_size {
        Err("the demo server closed early")?;
    }
    Ok((wait, start.elapsed().as_secs_f64()))
}
