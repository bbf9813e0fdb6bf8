//! The classroom runner's table and its ways to play it (`cargo run`, `src/main.rs`): every
//! stage of the course in the material's order, each under a heading with the material's own
//! section title, its idea in one line and what to watch for; `list`; a pause before each stage.
//!
//! One table drives it ([`STAGES`]): a stage is a lesson and its arguments, played through the
//! lesson's own parser and `run` (each lesson's `play`, which `src/main.rs` hands over), so what
//! the runner shows is exactly what `cargo run --bin NN_name -- ARGS` shows.

use std::io::{self, BufRead, IsTerminal, Write};

use colored::Colorize;

use crate::words::lang::{self, Lang};
use crate::{Result, output::say, tr, words::cli};

/// A lesson's way in: its `play`, given a command line.
pub type Play = fn(&[&str]) -> Result<()>;

/// Every lesson's program, by the name `cargo run --bin` gives it, and its way in.
pub type Lessons<'a> = &'a [(&'static str, Play)];

/// Play what the command line chose: every stage (`choices` empty), the stages of some lessons
/// (`3`, `3 5`, `3-5`), or the table (`list`); with `pause`, ask before each stage.
pub fn run(choices: &[String], pause: bool, lessons: Lessons) -> Result<()> {
    if choices.iter().any(|choice| choice == "list") {
        list();
        return Ok(());
    }
    let mut numbers = Vec::new();
    for choice in choices {
        numbers.extend(chosen(choice)?);
    }
    let stages = STAGES
        .iter()
        .filter(|stage| numbers.is_empty() || numbers.contains(&stage.number()));
    play(stages, pause, lessons)
}

/// One stage of the classroom run: a lesson's demo, or one of its tables.
pub struct Stage {
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

    /// Play this stage: the lesson's own `play`, given the stage's arguments as its command line.
    fn play(&self, lessons: Lessons) -> Result<()> {
        // A stage of `between` (src/tools/between): the relay tool, with the lesson's pair.
        if let Some(args) = self.args.strip_prefix("between") {
            return crate::tools::between::play(lessons, &format!("{}{args}", self.number()));
        }
        let play = lessons
            .iter()
            .find(|(lesson, _)| *lesson == self.lesson)
            .map(|(_, play)| play)
            .ok_or_else(|| format!("no lesson {} in the runner", self.lesson))?;
        let args: Vec<&str> = std::iter::once(self.lesson)
            .chain(self.args.split_whitespace())
            .collect();
        play(&args)
    }

    /// The command that plays this stage alone.
    fn command(&self) -> String {
        if let Some(args) = self.args.strip_prefix("between") {
            let runner = cli::program("socket-lessons");
            return format!("{runner} between {}{args}", self.number());
        }
        let program = cli::program(self.lesson);
        match self.args {
            "" => program.trim_end_matches(" --").to_string(),
            args => format!("{program} {args}"),
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
pub const STAGES: [Stage; 12] = [
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
    },
    Stage {
        lesson: "05_struct_pack",
        args: "between --compare",
        section: "解决黏包问题",
        idea: [
            "the course between lesson 05's client and server, cutting the stream six ways",
            "课程站在第 05 课的客户端和服务端之间, 用六种切法切开字节流",
        ],
        watch: [
            "the same lines under every cut; try it with your own pair: --server, --client",
            "每种切法下打印的行都一样; 换成你自己的程序试试: --server, --client",
        ],
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
    },
    Stage {
        lesson: "07_many_clients",
        args: "",
        section: "教材之外·多个客户端",
        idea: [
            "lesson 06's file server with a thread per client (Python: socketserver.ThreadingTCPServer)",
            "第 06 课的文件服务端, 每个客户端一个线程: 全班同时下载",
        ],
        watch: [
            "one at a time, each client waits for all before it; on threads nobody waits",
            "一次一个时, 每个客户端都要等前面所有人; 用线程时谁也不用等",
        ],
    },
];

/// `3`, `03` or `3-5`: lessons that exist, or one line saying what to give instead.
fn chosen(choice: &str) -> Result<Vec<usize>> {
    let last = STAGES.iter().map(Stage::number).max().unwrap_or_default();
    let number = |text: &str| {
        text.trim_start_matches('0')
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=last).contains(n))
    };
    let range = match choice.split_once('-') {
        Some((from, to)) => number(from).zip(number(to)).filter(|(from, to)| from <= to),
        None => number(choice).map(|n| (n, n)),
    };
    match range {
        Some((from, to)) => Ok((from..=to).collect()),
        None => Err(tr!(
            "there is no lesson {choice:?}: give lesson numbers from 1 to {last} (3, 3 5, 3-5), or `list`",
            "没有这一课 {choice:?}: 请给出 1 到 {last} 的课号 (3, 3 5, 3-5), 或者 `list`"
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
        say::plain(&heading.bold().to_string());
        say::hanging("   ", pick(stage.idea));
        say::hanging(&format!("    {watch}:"), pick(stage.watch));
        say::hanging(&format!("    {alone}:"), &stage.command());
    }
    say::plain("");
    let runner = cli::program("socket-lessons");
    say::plain(&tr!(
        "play one lesson's stages: {runner} 3 (several: 3 5, 3-5)    everything, pausing before each stage: {runner} --pause",
        "只播放一课: {runner} 3 (多课: 3 5, 3-5)    全部播放, 每段之前暂停: {runner} --pause"
    ));
}

/// What the teacher answered at a pause.
enum Answer {
    Play,
    Skip,
    Quit,
}

/// Play `stages` in order, each under its heading; with `pause`, ask before each.
fn play<'a>(
    stages: impl IntoIterator<Item = &'a Stage>,
    pause: bool,
    lessons: Lessons,
) -> Result<()> {
    // Pausing needs someone at the keyboard: with stdin a pipe or a file, never wait.
    let pause = pause && io::stdin().is_terminal();
    let watch = tr!("watch for", "注意看");
    for (index, stage) in stages.into_iter().enumerate() {
        if index > 0 {
            say::plain("");
        }
        // Headings are the runner's, not a side of a conversation: untagged, also with --lanes.
        let heading = format!("== {} · {} ==", stage.name(), stage.section);
        say::plain(&heading.bold().to_string());
        say::hanging("  ", pick(stage.idea));
        let watch = format!("   {watch}:").dimmed().to_string();
        say::hanging(&watch, &pick(stage.watch).dimmed().to_string());
        // After the heading: the teacher can talk about the idea before the demo runs.
        match if pause { ask()? } else { Answer::Play } {
            Answer::Play => stage
                .play(lessons)
                .map_err(|e| format!("{}: {e}", stage.name()))?,
            Answer::Skip => continue,
            Answer::Quit => break,
        }
    }
    Ok(())
}

/// Ask at a pause: Enter plays the stage, `s` skips it, `q` (or the end of input) quits.
fn ask() -> Result<Answer> {
    let prompt = tr!(
        "   Enter: play it · s: skip · q: quit ",
        "   回车: 播放 · s: 跳过 · q: 退出 "
    );
    print!("{}", prompt.dimmed());
    io::stdout().flush()?;
    let mut answer = String::new();
    if io::stdin().lock().read_line(&mut answer)? == 0 {
        return Ok(Answer::Quit);
    }
    Ok(match answer.trim() {
        "s" | "S" => Answer::Skip,
        "q" | "Q" => Answer::Quit,
        _ => Answer::Play,
    })
}
