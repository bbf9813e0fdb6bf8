//! `cargo bench --bench transfer`: lesson 06's real server and client (release build) send a
//! file over loopback, beside a plain `std::io::copy` pair (file → socket → file, in this
//! process) sending the same file in the same run. Prints MiB/s for both, their ratio, and the
//! peak memory of the lesson's two processes.
//!
//! The targets of issue #4: the lesson within 1.3× of the plain copy's time, and each of its
//! processes under 8 MiB of peak memory whatever the file size.
//!
//! - `cargo bench --bench transfer` sends 1 GiB, best of 3 rounds each, after a warm-up.
//! - `TRANSFER_MIB=64 TRANSFER_ROUNDS=1 cargo bench --bench transfer` for a quick run.
//! - `TRANSFER_DIR=/dev/shm cargo bench --bench transfer` keeps the files in memory (tmpfs), so
//!   that the disk's write-back does not blur the comparison; the default is the temp folder.
//!
//! It measures with Linux's `/proc` (peak memory) and `wait4` (CPU time), so it runs on Linux;
//! elsewhere it builds, and says so when run.

#[cfg(target_os = "linux")]
fn main() -> linux::Result<()> {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("benches/transfer measures with Linux's /proc and wait4: run it on Linux");
}

#[cfg(target_os = "linux")]
mod linux {
    use std::fs::{self, File};
    use std::io::{self, BufRead, BufReader, Write};
    use std::net::{TcpListener, TcpStream};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::sync::mpsc;
    use std::thread;
    use std::time::{Duration, Instant};

    /// The lesson's binary, built by Cargo in the bench's profile (release) for this bench.
    const LESSON: &str = env!("CARGO_BIN_EXE_06_final_file");

    /// The targets of issue #4.
    const MAX_RATIO: f64 = 1.3;
    const MAX_PEAK_MIB: f64 = 8.0;

    const MIB: u64 = 1024 * 1024;

    pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

    pub fn main() -> Result<()> {
        let mib = env_number("TRANSFER_MIB", 1024)?;
        let rounds = env_number("TRANSFER_ROUNDS", 3)?.max(1);
        let scratch = match std::env::var_os("TRANSFER_DIR") {
            Some(dir) => tempfile::tempdir_in(dir)?,
            None => tempfile::tempdir()?,
        };
        let source = scratch.path().join("source.bin");
        write_test_file(&source, mib)?;
        let size = mib * MIB;
        println!(
            "transfer: {mib} MiB over loopback, files in {}, best of {rounds} rounds each",
            scratch.path().display()
        );

        let mut lesson_best = Duration::MAX;
        let mut plain_best = Duration::MAX;
        let (mut lesson_cpu, mut plain_cpu) = (Duration::MAX, Duration::MAX);
        let (mut server_peak, mut client_peak) = (0, 0);
        // Round 0 warms up (the page cache, memory the machine has not touched yet) and does not
        // count. The order alternates, so neither side always runs on the other's leftovers.
        for round in 0..=rounds {
            for side in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
                let label = if round == 0 {
                    "warm-up".to_string()
                } else {
                    format!("round {round}")
                };
                if side == 0 {
                    let run = lesson_round(scratch.path(), &source, size)?;
                    println!(
                        "  {label}: lesson {:>7.1} MiB/s, CPU {:.2} s (peak RSS server {}, client {})",
                        mib_per_s(size, run.time),
                        run.cpu.as_secs_f64(),
                        show_kib(run.server_peak_kib),
                        show_kib(run.client_peak_kib),
                    );
                    server_peak = server_peak.max(run.server_peak_kib);
                    client_peak = client_peak.max(run.client_peak_kib);
                    if round > 0 {
                        lesson_best = lesson_best.min(run.time);
                        lesson_cpu = lesson_cpu.min(run.cpu);
                    }
                } else {
                    let copy = scratch.path().join("plain.bin");
                    let (time, cpu) = plain_transfer(&source, &copy)?;
                    check_size(&copy, size)?;
                    fs::remove_file(&copy)?;
                    println!(
                        "  {label}: plain  {:>7.1} MiB/s, CPU {:.2} s",
                        mib_per_s(size, time),
                        cpu.as_secs_f64()
                    );
                    if round > 0 {
                        plain_best = plain_best.min(time);
                        plain_cpu = plain_cpu.min(cpu);
                    }
                }
            }
        }

        let ratio = lesson_best.as_secs_f64() / plain_best.as_secs_f64();
        println!(
            "lesson 06:  {:.1} MiB/s ({:.2} s; CPU {:.2} s)",
            mib_per_s(size, lesson_best),
            lesson_best.as_secs_f64(),
            lesson_cpu.as_secs_f64()
        );
        println!(
            "plain copy: {:.1} MiB/s ({:.2} s; CPU {:.2} s)",
            mib_per_s(size, plain_best),
            plain_best.as_secs_f64(),
            plain_cpu.as_secs_f64()
        );
        println!(
            "ratio:      the lesson takes {ratio:.2}× the plain copy's time (target ≤ {MAX_RATIO})"
        );
        println!(
            "peak RSS:   server {}, client {} (target < {MAX_PEAK_MIB} MiB each)",
            show_kib(server_peak),
            show_kib(client_peak)
        );
        let peak_mib = server_peak.max(client_peak) as f64 / 1024.0;
        let met = ratio <= MAX_RATIO && peak_mib < MAX_PEAK_MIB;
        println!("targets:    {}", if met { "met" } else { "NOT met" });
        Ok(())
    }

    /// A positive whole number from the environment, or `default`.
    fn env_number(name: &str, default: u64) -> Result<u64> {
        match std::env::var(name) {
            Ok(value) => Ok(value
                .parse()
                .map_err(|_| format!("{name}={value:?} is not a whole number"))?),
            Err(_) => Ok(default),
        }
    }

    /// `mib` MiB of bytes that are not all zero, written 1 MiB at a time (the file is not sparse:
    /// reading a hole costs the kernel less than reading data, and would flatter both sides).
    fn write_test_file(path: &Path, mib: u64) -> io::Result<()> {
        let block: Vec<u8> = (0..MIB).map(|i| (i * 31 % 251) as u8).collect();
        let mut file = File::create(path)?;
        for _ in 0..mib {
            file.write_all(&block)?;
        }
        file.sync_all()
    }

    fn check_size(path: &Path, size: u64) -> Result<()> {
        let got = fs::metadata(path)?.len();
        if got != size {
            return Err(format!("{} has {got} bytes, not {size}", path.display()).into());
        }
        Ok(())
    }

    /// One transfer by the lesson into a fresh folder, checked and removed.
    fn lesson_round(scratch: &Path, source: &Path, size: u64) -> Result<LessonRun> {
        let out = scratch.join("lesson");
        fs::create_dir(&out)?;
        let run = lesson_transfer(source, &out)?;
        check_size(&out.join("source.bin"), size)?;
        fs::remove_dir_all(&out)?;
        Ok(run)
    }

    struct LessonRun {
        time: Duration,
        cpu: Duration,
        server_peak_kib: u64,
        client_peak_kib: u64,
    }

    /// The lesson's server (`--once`) and client as two processes; the time is the client's, from
    /// its start to its end, so it includes starting a process and connecting (a millisecond).
    fn lesson_transfer(source: &Path, out: &Path) -> Result<LessonRun> {
        let mut server = Command::new(LESSON)
            .args(["server", "--port", "0", "--once", "--file"])
            .arg(source)
            .stdout(Stdio::piped())
            .spawn()?;
        let port = server_port(&mut server)?;
        let server = watch(server);

        let start = Instant::now();
        let client = Command::new(LESSON)
            .args(["client", "--port", &port, "--out"])
            .arg(out)
            .stdout(Stdio::null())
            .spawn()?;
        let client = watch(client)
            .join()
            .map_err(|_| "the watching thread panicked")??;
        let server = server
            .join()
            .map_err(|_| "the watching thread panicked")??;
        Ok(LessonRun {
            time: client.ended - start,
            cpu: client.cpu + server.cpu,
            server_peak_kib: server.peak_kib,
            client_peak_kib: client.peak_kib,
        })
    }

    /// Read the server's `listening on 127.0.0.1:PORT` line; the rest of its output is read on a
    /// thread, so the server never blocks on (or dies of) a full or closed pipe.
    fn server_port(server: &mut Child) -> Result<String> {
        let stdout = server.stdout.take().ok_or("the server's stdout is piped")?;
        let (send, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(|line| line.ok()) {
                let _ = send.send(line);
            }
        });
        let first = lines.recv_timeout(Duration::from_secs(20))?;
        let port = first
            .rsplit(':')
            .next()
            .filter(|_| first.contains("listening on"))
            .ok_or_else(|| format!("no port in the server's first line {first:?}"))?;
        Ok(port.to_string())
    }

    /// How a watched process ended.
    struct Ended {
        ended: Instant,
        /// Its peak resident memory (RSS), in KiB.
        peak_kib: u64,
        /// The CPU time it used, in the kernel and out of it.
        cpu: Duration,
    }

    /// User plus system time: what a transfer costs the machine, which a busy machine blurs less
    /// than the wall-clock time.
    fn cpu_time(usage: &libc::rusage) -> Duration {
        let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        time(usage.ru_utime) + time(usage.ru_stime)
    }

    /// The CPU time this process has used so far, all its threads together.
    fn own_cpu_time() -> Duration {
        // SAFETY: rusage is plain data, for which all zeros is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: the pointer is to a live local; RUSAGE_SELF cannot be refused.
        unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
        cpu_time(&usage)
    }

    /// Wait on a thread for `child` to end, and measure its peak memory on the way.
    ///
    /// The figure is `VmHWM` ("high water mark") of `/proc/PID/status`, read every millisecond
    /// while the process runs: the peak of this process's own memory, which only grows, so the last
    /// reading before the end is the peak (the buffers are allocated at the start of a transfer).
    /// `wait4`'s `ru_maxrss` would be simpler but cannot be trusted here: a child started by
    /// `posix_spawn` (vfork) begins with its parent's peak, so it reports max(parent, child).
    fn watch(child: Child) -> thread::JoinHandle<Result<Ended>> {
        thread::spawn(move || {
            let pid = child.id() as libc::pid_t;
            let mut peak_kib = 0;
            loop {
                let mut status = 0;
                // SAFETY: rusage is plain data, for which all zeros is a valid value.
                let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
                // SAFETY: the pointers are to live locals; the pid is our own child, not yet waited
                // for, and only this thread waits for it. WNOHANG: return 0 at once if it runs.
                let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
                if done < 0 {
                    return Err(io::Error::last_os_error().into());
                }
                if done == pid {
                    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
                        return Err(format!("{LESSON} ended with status {status:#x}").into());
                    }
                    return Ok(Ended { ended: Instant::now(), peak_kib, cpu: cpu_time(&usage) });
                }
                peak_kib = peak_kib.max(vm_hwm_kib(pid).unwrap_or(0));
                thread::sleep(Duration::from_millis(1));
            }
        })
    }

    /// `VmHWM:     3448 kB` from `/proc/PID/status`, or `None` once the process has let go of its
    /// memory (it is ending).
    fn vm_hwm_kib(pid: libc::pid_t) -> Option<u64> {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// The baseline: `io::copy` from the file into a socket on a thread, `io::copy` from the socket
    /// into a new file here. Timed from connect to the last byte written; returns that time and the
    /// CPU time both threads used.
    fn plain_transfer(source: &Path, copy: &Path) -> Result<(Duration, Duration)> {
        let cpu_before = own_cpu_time();
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let source: PathBuf = source.to_path_buf();
        let start = Instant::now();
        let sender = thread::spawn(move || -> io::Result<u64> {
            let (mut sock, _) = listener.accept()?;
            io::copy(&mut File::open(source)?, &mut sock)
        });
        let mut sock = TcpStream::connect(addr)?;
        io::copy(&mut sock, &mut File::create(copy)?)?;
        let time = start.elapsed();
        sender.join().map_err(|_| "the sending thread panicked")??;
        Ok((time, own_cpu_time() - cpu_before))
    }

    fn mib_per_s(bytes: u64, time: Duration) -> f64 {
        bytes as f64 / MIB as f64 / time.as_secs_f64()
    }

    fn show_kib(kib: u64) -> String {
        format!("{:.1} MiB", kib as f64 / 1024.0)
    }
}
