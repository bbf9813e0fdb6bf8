//! The classroom runner: `cargo run` plays every stage of the course in the material's order,
//! each under a heading with the material's own section title (半连接池, 黏包问题, ...), its idea
//! in one line and what to watch for. `cargo run -- 3` plays one lesson's stages, `cargo run --
//! list` prints the table, `--pause` waits for Enter before each stage (for the projector), and
//! `--lang zh` speaks Chinese.
//!
//! Each lesson is still its own program in `src/bin/`; the runner compiles the same files in as
//! modules and calls their `demo` (and lesson 03's tables, lesson 05's compare view), so what it
//! shows is exactly what `cargo run --bin NN_name` shows.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use colored::Colorize;
use socket_lessons::extras::compare;
use socket_lessons::lang::{self, Lang};
use socket_lessons::{Result, net, say, tr};

// Each lesson's own `main` is not called from here, hence `dead_code`.
#[allow(dead_code)]
#[path = "bin/01_basic.rs"]
mod basic;
#[allow(dead_code)]
#[path = "bin/02_comm_loop.rs"]
mod comm_loop;
#[allow(dead_code)]
#[path = "bin/03_conn_loop.rs"]
mod conn_loop;
#[allow(dead_code)]
#[path = "bin/06_final_file.rs"]
mod final_file;
#[allow(dead_code)]
#[path = "bin/04_sticky_demo.rs"]
mod sticky_demo;
#[allow(dead_code)]
#[path = "bin/05_struct_pack.rs"]
mod struct_pack;

/// One stage of the classroom run: a lesson's demo, or one of its tables.
struct Stage {
    /// The lesson's program, as `cargo run --bin` names it.
    lesson: &'static str,
    /// The arguments that play this stage alone (empty: the lesson's demo).
    args: &'static str,
    /// The material's section title: the tutorial is Chinese, so the title is too, in both
    /// languages, for the class to find the page it follows.
    section: &'static str,
    /// The idea in one line, in English and in Chinese.
    idea: [&'static str; 2],
    /// What to watch for in the output, in English and in Chinese.
    watch: [&'static str; 2],
    play: fn() -> Result<()>,
}

impl Stage {
    /// The lesson's number: `03_conn_loop` is lesson 3.
    fn number(&self) -> usize {
        self.lesson[..2].parse().unwrap_or_default()
    }

    /// `03_conn_loop backlog`: the program and, for a table, its subcommand.
    fn name(&self) -> String {
        match self.args.split(' ').next() {
            Some(part) if !part.is_empty() => format!("{} {part}", self.lesson),
            _ => self.lesson.to_string(),
        }
    }

    /// The command that plays this stage alone.
    fn command(&self) -> String {
        match self.args {
            "" => format!("cargo run --bin {}", self.lesson),
            args => format!("cargo run --bin {} -- {args}", self.lesson),
        }
    }
}

/// `[english, chinese]` in the language in use.
fn pick(text: [&'static str; 2]) -> &'static str {
    match lang::current() {
        Lang::En => text[0],
        Lang::Zh => text[1],
    }
}

/// The course, in the material's order. README.md's table says the same, lesson by lesson.
const STAGES: [Stage; 10] = [
    Stage {
        lesson: "01_basic",
        args: "",
        section: "socket套接字简介",
        idea: [
            "one recv on one side needs one send on the other",
            "一边 recv, 另一边就必须 send: 两边不能相同",
        ],
        watch: [
            "the client speaks first, the server listens first",
            "客户端先说话, 服务端先监听",
        ],
        play: basic::demo,
    },
    Stage {
        lesson: "02_comm_loop",
        args: "",
        section: "通信循环",
        idea: [
            "the exchange in a loop, lines typed at a prompt",
            "把收发放进循环, 消息在提示符后输入",
        ],
        watch: [
            "an empty line sends nothing, and both sides wait",
            "空行什么也不发送, 于是两边都在等",
        ],
        play: comm_loop::demo,
    },
    Stage {
        lesson: "02_comm_loop",
        args: "longline",
        section: "通信循环",
        idea: [
            "a message longer than the 1024-byte read comes in two pieces",
            "比 1024 字节的读取更长的消息会分成两段到达",
        ],
        watch: [
            "from then on, every reply answers the message before",
            "从那以后, 每一个回复都在回答上一条消息",
        ],
        play: comm_loop::longline_demo,
    },
    Stage {
        lesson: "03_conn_loop",
        args: "",
        section: "代码优化及链接循环",
        idea: [
            "an accept loop: the server outlives its clients",
            "链接循环: 客户端走了, 服务端回到 accept 等下一个",
        ],
        watch: [
            "a clean leave reads 0 bytes (FIN); an abort is a reset (RST)",
            "正常离开时读到 0 字节 (FIN); 异常中止是重置 (RST)",
        ],
        play: conn_loop::demo,
    },
    Stage {
        lesson: "03_conn_loop",
        args: "reuseaddr",
        section: "代码优化及链接循环",
        idea: [
            "restarting a server: \"address in use\" and SO_REUSEADDR",
            "反复重启服务端: address in use 与 SO_REUSEADDR",
        ],
        watch: [
            "which of the four combinations may bind the port again at once, on this OS",
            "四种组合中哪些能立刻重新绑定端口 (以本机的系统为准)",
        ],
        play: conn_loop::reuseaddr_demo,
    },
    Stage {
        lesson: "03_conn_loop",
        args: "backlog --backlog 5 --clients 8",
        section: "半连接池",
        idea: [
            "listen(5): a queue of connections waiting for accept()",
            "listen(5): 等待 accept() 的连接在这里排队",
        ],
        watch: [
            "how many of 8 clients get in while the server never calls accept()",
            "服务端从不调用 accept() 时, 8 个客户端中有几个能连上",
        ],
        play: backlog,
    },
    Stage {
        lesson: "04_sticky_demo",
        args: "",
        section: "黏包问题",
        idea: [
            "TCP is a byte stream: messages merge and split (黏包)",
            "TCP 是字节流: 消息会粘在一起, 也会被切开 (黏包)",
        ],
        watch: [
            "the reader's cause: read(5) gives b'12345' b'67abc' b'dehhh'; the sender's: small writes merged",
            "接收方的原因: read(5) 读出 b'12345' b'67abc' b'dehhh'; 发送方的原因: 多次小的发送被合并",
        ],
        play: sticky_demo::demo,
    },
    Stage {
        lesson: "05_struct_pack",
        args: "",
        section: "解决黏包问题",
        idea: [
            "a 4-byte length in front of each message puts the boundaries back",
            "每条消息前加上 4 个字节的长度, 消息的边界就回来了",
        ],
        watch: [
            "0f 00 00 00 for 15, then 1234567, abcde, hhhhh read whole",
            "15 打包成 0f 00 00 00; 1234567、abcde、hhhhh 都被完整读出",
        ],
        play: struct_pack::demo,
    },
    Stage {
        lesson: "05_struct_pack",
        args: "compare",
        section: "解决黏包问题",
        idea: [
            "lesson 04 and lesson 05 side by side: the same bytes, read raw and read framed",
            "第 04 课与第 05 课并排: 同样的字节, 直接读与按帧读",
        ],
        watch: [
            "read(5) cuts the bytes into pieces; recv_frame gives back the 3 messages",
            "read(5) 把字节切成几段; recv_frame 还原出那 3 条消息",
        ],
        play: compare_view,
    },
    Stage {
        lesson: "06_final_file",
        args: "",
        section: "最终方案",
        idea: [
            "a file behind a JSON header behind a 4-byte length",
            "文件前面是 JSON 报头, 报头前面是 4 个字节的长度",
        ],
        watch: [
            "the header, then exactly file_size bytes, saved under its name only when whole",
            "先是报头, 再是恰好 file_size 个字节; 只有收完整了才以原名保存",
        ],
        play: final_file::demo,
    },
];

/// Lesson 03's half-connection pool with the material's `listen(5)`, and 8 clients: a few more
/// than the queue holds, so the table shows where this OS's queue ends (the stage's `args`).
fn backlog() -> Result<()> {
    conn_loop::backlog_demo(net::BACKLOG, 8)
}

/// Lesson 05's compare view, as `05_struct_pack compare` plays it.
fn compare_view() -> Result<()> {
    compare::show(&struct_pack::MESSAGES, struct_pack::CHUNK)
}

/// socket-lessons: TCP sockets in six runnable lessons. With no arguments, play every stage of
/// the course in order; each lesson is also a program of its own:
/// `cargo run --bin 01_basic -- --help`. In Chinese: `cargo run -- --lang zh` (中文).
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// A lesson number (1 to 6) to play just that lesson's stages, or `list` for the table.
    choice: Option<String>,
    /// Wait for Enter before each stage, the first included (when stdin is a terminal).
    #[arg(long)]
    pause: bool,
    #[command(flatten)]
    shared: socket_lessons::cli::Shared,
}

fn main() -> ExitCode {
    // `cargo run -- check ...`: the checker has its own command line (src/check/cli.rs).
    if std::env::args_os().nth(1).is_some_and(|arg| arg == "check") {
        return socket_lessons::check::cli::main();
    }
    let cli = Cli::parse();
    say::init(&cli.shared);
    socket_lessons::report(match cli.choice.as_deref() {
        None => play(&STAGES, cli.pause),
        Some("list") => {
            list();
            Ok(())
        }
        Some(choice) => lesson(choice).and_then(|number| {
            let stages: Vec<&Stage> = STAGES.iter().filter(|s| s.number() == number).collect();
            play(stages, cli.pause)
        }),
    })
}

/// `3` or `03`: a lesson that exists, or one line saying what to give instead.
fn lesson(choice: &str) -> Result<usize> {
    let last = STAGES.iter().map(Stage::number).max().unwrap_or_default();
    match choice.trim_start_matches('0').parse::<usize>() {
        Ok(number) if (1..=last).contains(&number) => Ok(number),
        _ => Err(tr!(
            "there is no lesson {choice:?}: give a lesson number from 1 to {last}, or `list`",
            "没有这一课 {choice:?}: 请给出 1 到 {last} 的课号, 或者 `list`"
        )
        .into()),
    }
}

/// The table of stages: number, the material's section, the idea, what to watch, the command.
fn list() {
    let watch = tr!("watch for", "注意看");
    let alone = tr!("run alone", "单独运行");
    for stage in &STAGES {
        // The name first and padded: it is ASCII, so the section titles line up in any font.
        let heading = format!(
            "{:02}  {:<26}{}",
            stage.number(),
            stage.name(),
            stage.section
        );
        println!("{}", heading.bold());
        println!("    {}", pick(stage.idea));
        println!("    {watch}: {}", pick(stage.watch));
        println!("    {alone}: {}", stage.command());
    }
    println!();
    println!(
        "{}",
        tr!(
            "play one lesson's stages: cargo run -- 3    everything, pausing before each stage: cargo run -- --pause",
            "只播放一课: cargo run -- 3    全部播放, 每段之前暂停: cargo run -- --pause"
        )
    );
}

/// Play `stages` in order, each under its heading; with `pause`, wait for Enter before each.
fn play<'a>(stages: impl IntoIterator<Item = &'a Stage>, pause: bool) -> Result<()> {
    // Pausing needs someone at the keyboard: with stdin a pipe or a file, never wait.
    let pause = pause && io::stdin().is_terminal();
    let watch = tr!("watch for", "注意看");
    for (index, stage) in stages.into_iter().enumerate() {
        if index > 0 {
            println!();
        }
        // Headings are the runner's, not a side of a conversation: untagged, also with --lanes.
        let heading = format!("== {} · {} ==", stage.name(), stage.section);
        println!("{}", heading.bold());
        println!("   {}", pick(stage.idea));
        println!("{}", format!("   {watch}: {}", pick(stage.watch)).dimmed());
        if pause {
            // After the heading: the teacher can talk about the idea before the demo runs.
            let prompt = tr!("   press Enter to play it ", "   按回车键开始 ");
            print!("{}", prompt.dimmed());
            io::stdout().flush()?;
            io::stdin().lock().read_line(&mut String::new())?;
        }
        (stage.play)().map_err(|e| format!("{}: {e}", stage.name()))?;
    }
    Ok(())
}
