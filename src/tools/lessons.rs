//! The one list of the course's lessons, as rustlings' `info.toml` is: each lesson's number, its
//! program, the tutorial's section, the classroom runner's stages with their arguments, and
//! whether `cargo run -- check` has checks for it. The runner (`cargo run`), `src/main.rs` and
//! the tests iterate it; the CI scripts and benches too, through `.ci/lessons.sh`, which reads
//! the rows' `binary` and `checks` lines here. A test holds both READMEs' tables of lessons to it.
//!
//! Adding lesson 08: its program (`src/bin/08_x.rs` and a `[[bin]]` in Cargo.toml), its two
//! pages (`lessons/08_x.md`, `lessons/zh/08_x.md`, and the link to them on 07's), its test
//! (`tests/lesson08.rs`), one row here, its `play` in `src/main.rs`, its row in each README, and
//! the Chinese of its `--help` (`src/words/help/table.rs`; `tests/chinese.rs` finds what is missing).

/// One lesson of the course.
pub struct Lesson {
    /// `3` for `03_conn_loop`.
    pub number: usize,
    /// The program, as `cargo run --bin` names it.
    pub binary: &'static str,
    /// The tutorial's section, as README.md (English) and README.zh.md (Chinese) name it. The
    /// tutorial is Chinese, so its titles are too, in both; the lesson beyond it says so.
    pub section: [&'static str; 2],
    /// What the classroom runner plays of it, in order.
    pub stages: &'static [Stage],
    /// Whether `cargo run -- check N` has checks for a student's own program of this lesson.
    pub checks: bool,
}

/// One stage of the classroom run: a lesson's demo, or one of its side shows.
pub struct Stage {
    /// The arguments that play this stage alone (empty: the lesson's demo).
    pub args: &'static str,
    /// The material's section title the runner's heading shows: the tutorial is Chinese, so the
    /// title is too, in both languages, for the class to find the page it follows.
    pub section: &'static str,
    /// The idea in one line, in English and in Chinese.
    pub idea: [&'static str; 2],
    /// What to watch for in the output, in English and in Chinese.
    pub watch: [&'static str; 2],
}

impl Lesson {
    /// The lesson whose program is `binary`.
    pub fn named(binary: &str) -> Option<&'static Lesson> {
        LESSONS.iter().find(|lesson| lesson.binary == binary)
    }

    /// The highest lesson number: the course's length.
    pub fn last() -> usize {
        LESSONS
            .iter()
            .map(|lesson| lesson.number)
            .max()
            .unwrap_or_default()
    }
}

/// The course, in the material's order.
pub const LESSONS: &[Lesson] = &[
    Lesson {
        number: 1,
        binary: "01_basic",
        section: [
            "socket套接字简介, 服务端与客户端首次交互",
            "socket套接字简介, 服务端与客户端首次交互",
        ],
        checks: true,
        stages: &[Stage {
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
        }],
    },
    Lesson {
        number: 2,
        binary: "02_comm_loop",
        section: ["通信循环", "通信循环"],
        checks: true,
        stages: &[
            Stage {
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
        ],
    },
    Lesson {
        number: 3,
        binary: "03_conn_loop",
        section: [
            "代码优化及链接循环, 半连接池",
            "代码优化及链接循环, 半连接池",
        ],
        checks: true,
        stages: &[
            Stage {
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
        ],
    },
    Lesson {
        number: 4,
        binary: "04_sticky_demo",
        section: ["黏包问题", "黏包问题"],
        checks: true,
        stages: &[Stage {
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
        }],
    },
    Lesson {
        number: 5,
        binary: "05_struct_pack",
        section: ["解决黏包问题", "解决黏包问题"],
        checks: true,
        stages: &[
            Stage {
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
            // Not the lesson's program: `between` (src/tools/between), with the lesson's pair.
            Stage {
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
        ],
    },
    Lesson {
        number: 6,
        binary: "06_final_file",
        section: ["最终方案", "最终方案"],
        checks: true,
        stages: &[Stage {
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
        }],
    },
    Lesson {
        number: 7,
        binary: "07_many_clients",
        section: [
            "beyond the material (Python: `socketserver.ThreadingTCPServer`)",
            "教材之外 (Python: `socketserver.ThreadingTCPServer`)",
        ],
        checks: true,
        stages: &[Stage {
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
        }],
    },
];
