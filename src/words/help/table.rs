//! The Chinese forms of every help text, looked up by the English text (`super::chinese`).

/// Every lesson's help texts, English then Chinese (lesson 06's and 07's, and the end-of-input
/// key's, are in [`ZH_MORE`]).
pub(super) const ZH: &[(&str, &str)] = &[
    (
        "The language of every line the lesson prints: zh (中文) or en. Without it, LC_ALL, LC_MESSAGES or LANG decide (zh_CN.UTF-8 gives Chinese). 用 --lang zh 切换到中文。",
        "课程打印的每一行所用的语言: zh (中文) 或 en。不给时由 LC_ALL、LC_MESSAGES 或 LANG 决定 (zh_CN.UTF-8 就是中文)。Use --lang en for English.",
    ),
    (
        "socket-lessons: TCP sockets in runnable lessons, the material's and beyond. With no arguments, play every stage of the course in order; each lesson is also a program of its own: `cargo run --bin 01_basic -- --help`. To check your own program: `cargo run -- check`. In Chinese: `cargo run -- --lang zh` (中文)",
        "socket-lessons: 可以运行的 TCP 套接字课程, 跟着教材, 也走出教材。不带参数时按顺序播放课程的每一段; 每一课也是一个独立的程序: `cargo run --bin 01_basic -- --help`。检查你自己的程序: `cargo run -- check`。中文: `cargo run -- --lang zh`",
    ),
    (
        "Lessons to play: a number (3), several (3 5), a range (3-5); or `list` for the table",
        "要播放的课: 一个课号 (3), 几个课号 (3 5), 一个范围 (3-5); 或者 `list` 列出课程表",
    ),
    (
        "Wait before each stage, the first included (when stdin is a terminal): Enter plays it, s then Enter skips it, q then Enter quits",
        "每一段之前都暂停, 第一段也是 (标准输入是终端时): 回车播放, s 加回车跳过, q 加回车退出",
    ),
    (
        "Two lanes, for the projector: [server] lines on the left half of the terminal, [client] lines on the right, notes across both. Only on a terminal; a pipe gets plain lines",
        "两栏显示, 适合投影: [server] 的行在终端左半边, [client] 的行在右半边, 说明横跨两栏。只在终端上生效; 管道得到普通的行",
    ),
    (
        "Lesson 01: one send needs one recv. Run without arguments for the demo, or in two terminals: `cargo run --bin 01_basic -- server`, then `cargo run --bin 01_basic -- client`",
        "第 01 课: 一次 send 需要一次 recv。不带参数运行是演示; 也可以在两个终端里: 先 `cargo run --bin 01_basic -- server`, 再 `cargo run --bin 01_basic -- client`",
    ),
    (
        "Server and client in one process, on a port the OS picks (the default)",
        "服务端和客户端在同一个进程里, 端口由系统挑选 (默认)",
    ),
    (
        "Accept one client, read once, answer once, close",
        "接受一个客户端, 读一次, 回复一次, 关闭",
    ),
    (
        "Connect, send one message, read the answer once, close",
        "连接, 发送一条消息, 读一次回复, 关闭",
    ),
    (
        "Server: the address to listen on (0.0.0.0 = every network card, for a classroom). Client: the server to connect to (an IP address or a host name)",
        "服务端: 监听的地址 (0.0.0.0 = 所有网卡, 用于教室)。客户端: 要连接的服务端 (IP 地址或主机名)",
    ),
    (
        "The TCP port. A server given 0 lets the OS pick a free one and prints it",
        "TCP 端口。服务端给 0 时由系统挑选一个空闲端口, 并把它打印出来",
    ),
    ("The message to send", "要发送的消息"),
    (
        "Lesson 02: a loop of exchanges. Run without arguments for the demo, or in two terminals: `cargo run --bin 02_comm_loop -- server`, then `cargo run --bin 02_comm_loop -- client`",
        "第 02 课: 通信循环。不带参数运行是演示; 也可以在两个终端里: 先 `cargo run --bin 02_comm_loop -- server`, 再 `cargo run --bin 02_comm_loop -- client`",
    ),
    (
        "Server and client in one process, with scripted typing (the default)",
        "服务端和客户端在同一个进程里, 输入由脚本代劳 (默认)",
    ),
    (
        "Accept one client; print each message and answer with a line typed here",
        "接受一个客户端; 打印每条消息, 并用在这里输入的一行回复",
    ),
    (
        "The long-line trap: a line longer than the 1024-byte read, and the replies after it",
        "超长消息的陷阱: 一行比 1024 字节的读取还长, 以及它之后的回复",
    ),
    (
        "Lesson 03: an accept loop around the communication loop. Run without arguments for the demo, or in two terminals: `cargo run --bin 03_conn_loop -- server`, then `cargo run --bin 03_conn_loop -- client`",
        "第 03 课: 在通信循环外面套一层 accept 的链接循环。不带参数运行是演示; 也可以在两个终端里: 先 `cargo run --bin 03_conn_loop -- server`, 再 `cargo run --bin 03_conn_loop -- client`",
    ),
    (
        "Server and three clients in one process, with scripted typing (the default)",
        "服务端和三个客户端在同一个进程里, 输入由脚本代劳 (默认)",
    ),
    (
        "Serve clients one after another, forever (Ctrl-C ends). Answers with lines typed here",
        "一个接一个地服务客户端, 永不停止 (Ctrl-C 结束)。用在这里输入的行回复",
    ),
    (
        "A listener that never accepts: how many clients get through the handshake?",
        "一个从不 accept 的监听套接字: 有多少客户端能完成握手?",
    ),
    (
        "Rebind a port whose last connection is in TIME_WAIT, with and without SO_REUSEADDR",
        "重新绑定一个最后的连接还处于 TIME_WAIT 的端口, 设置与不设置 SO_REUSEADDR",
    ),
    (
        "The listen queue: how many finished connections may wait for `accept`",
        "监听队列: 最多有多少个完成握手的连接可以等待 `accept`",
    ),
    (
        "Leave with a reset (SO_LINGER 0) instead of a normal close: what the server sees when a client crashes on Windows",
        "用重置 (SO_LINGER 0) 代替正常关闭来离开: 就是 Windows 上客户端崩溃时服务端看到的情形",
    ),
    ("The number given to `listen`", "传给 `listen` 的数字"),
    (
        "How many clients try to connect, one after another",
        "有多少个客户端依次尝试连接",
    ),
    (
        "Lesson 04: sticky packets. Three writes; reads of 5 bytes return b'12345', b'67abc', b'dehhh'. Without arguments, the demo; two terminals: `cargo run --bin 04_sticky_demo -- server`, then `client`",
        "第 04 课: 黏包。三次发送, 每次读 5 字节, 读出 b'12345'、b'67abc'、b'dehhh'。不带参数运行是演示; 两个终端: 先 `cargo run --bin 04_sticky_demo -- server`, 再 `client`",
    ),
    (
        "Server and client in one process: reads of 5 bytes, of 1024, then 200 tiny writes",
        "服务端和客户端在同一个进程里: 每次读 5 字节, 再每次读 1024 字节, 然后是 200 次很小的发送",
    ),
    (
        "Accept one client, wait for its 17 bytes (200 with --tiny), then read them a chunk at a time",
        "接受一个客户端, 等它的 17 个字节 (--tiny 时是 200 个) 到齐, 然后一块一块地读",
    ),
    (
        "Connect, send 1234567, abcde and hhhhh in three writes, back to back, and close",
        "连接, 分三次背靠背发送 1234567、abcde 和 hhhhh, 然后关闭",
    ),
    (
        "Nagle's algorithm off for the client's writes (TCP_NODELAY); the server only reads",
        "客户端发送时关闭 Nagle 算法 (TCP_NODELAY); 服务端只读",
    ),
    (
        "The size of each read, in bytes: the material's recv(5), or 1024 with --tiny",
        "每次读取的字节数: 教材的 recv(5), --tiny 时是 1024",
    ),
    (
        "Expect the client's 200 one-byte writes (client --tiny)",
        "等待客户端的 200 次 1 字节发送 (client --tiny)",
    ),
    (
        "Send 200 writes of one byte each instead: the sender's cause of 黏包",
        "改为发送 200 次, 每次 1 字节: 黏包在发送方的原因",
    ),
    (
        "Lesson 05: a 4-byte length in front of each message gives the messages back whole. Without arguments, the demo; two terminals: `cargo run --bin 05_struct_pack -- server`, then `client`",
        "第 05 课: 每条消息前面加上 4 字节的长度, 消息就能完整地还原。不带参数是演示; 两个终端: 先 `cargo run --bin 05_struct_pack -- server`, 再 `client`",
    ),
    (
        "The struct demo, then server and client in one process, on a port the OS picks (the default)",
        "先是 struct 演示, 然后服务端和客户端在同一个进程里, 端口由系统挑选 (默认)",
    ),
    (
        "Accept one client; read its messages frame by frame until it closes",
        "接受一个客户端; 一帧一帧地读它的消息, 直到它关闭",
    ),
    (
        "Connect, send 1234567, abcde, hhhhh and 黏包问题 as four frames, back to back, and close",
        "连接, 把 1234567、abcde、hhhhh 和 黏包问题 作为四个帧背靠背发送, 然后关闭",
    ),
    (
        "The material's struct demo: a text's length packed into 4 bytes, and unpacked back",
        "教材的 struct 演示: 把文本的长度打包成 4 个字节, 再解包回来",
    ),
    (
        "Lesson 04 and lesson 05 side by side: the same messages, read raw and read framed",
        "第 04 课和第 05 课并排: 同样的消息, 直接读与按帧读",
    ),
    (
        "struct.pack('i', N) and struct.pack('!i', N): a number as 4 bytes",
        "struct.pack('i', N) 和 struct.pack('!i', N): 把一个数字变成 4 个字节",
    ),
    (
        "struct.unpack('i', ...) and struct.unpack('!i', ...): 4 bytes as a number",
        "struct.unpack('i', ...) 和 struct.unpack('!i', ...): 把 4 个字节变回一个数字",
    ),
    ("The texts to measure and pack", "要测量并打包的文本"),
    (
        "A whole number from -2147483648 to 2147483647",
        "一个从 -2147483648 到 2147483647 的整数",
    ),
    (
        "4 bytes as 8 hex digits, spaces allowed: 0f 00 00 00, or 0f000000",
        "4 个字节, 写成 8 个十六进制数字, 可以有空格: 0f 00 00 00 或 0f000000",
    ),
];

/// The help texts of lessons 06 and 07, the prompts' end-of-input key and the checker's,
/// English then Chinese.
pub(super) const ZH_MORE: &[(&str, &str)] = &[
    (
        "Check your own program: the course plays the other side. `check` alone lists every check. Examples: `check 6 client -- python3 client.py` (the course is the server and starts your client), `check 5 server -- python3 server.py` (the course is the client), `check 3 server --port 8080` (a server already running: the checks that need its output are skipped). In the command, `{port}` becomes the port (also `PORT` in the environment) and, for a lesson 6 server, `{file}` the file to send (also `FILE`)",
        "检查你自己的程序: 课程扮演另一方。只写 `check` 时列出所有检查。例子: `check 6 client -- python3 client.py` (课程当服务端, 并启动你的客户端), `check 5 server -- python3 server.py` (课程当客户端), `check 3 server --port 8080` (一个已经在运行的服务端: 需要它输出的检查会被跳过)。命令里的 `{port}` 会换成端口 (环境变量 `PORT` 里也有), 检查第 6 课服务端时 `{file}` 换成要发送的文件 (也在 `FILE` 里)",
    ),
    (
        "The lesson whose exercise the program does (3 for 03_conn_loop); without it, list every check",
        "程序完成的是哪一课的练习 (03_conn_loop 就是 3); 不给时列出所有检查",
    ),
    (
        "Play the checks again whenever a file of the program changes (the files the command names, else the folder's), until Ctrl-C",
        "每当程序的文件改变 (命令里提到的文件, 没有的话就是文件夹里的文件) 就重新运行检查, 直到按 Ctrl-C",
    ),
    (
        "Which side the program is: `server` (the course connects to it) or `client`",
        "程序是哪一方: `server` (课程去连接它) 或 `client`",
    ),
    (
        "Then send the result to the teacher's `class` at HOST or HOST:PORT (with --name)",
        "然后把结果发给老师的 `class`, 地址是 HOST 或 HOST:PORT (与 --name 一起用)",
    ),
    (
        "Your name on the teacher's grid, for --send",
        "你在老师的表格上的名字, 与 --send 一起用",
    ),
    (
        "The program to check and its arguments, after `--`: `-- python3 server.py {port}`",
        "要检查的程序和它的参数, 写在 `--` 之后: `-- python3 server.py {port}`",
    ),
    (
        "The port: the program's server listens there, or its client connects there. 0 lets the OS pick: a server must then print `127.0.0.1:PORT`",
        "端口: 程序的服务端在这里监听, 或者程序的客户端连接这里。0 让系统挑选: 这时服务端必须打印 `127.0.0.1:PORT`",
    ),
    (
        "The host: a server elsewhere (by default only this machine, 127.0.0.1, is ever used)",
        "主机: 别处的服务端 (默认只会用本机 127.0.0.1)",
    ),
    (
        "One JSON object instead of the report: {lesson, role, checks, passed, failed}",
        "用一个 JSON 对象代替报告: {lesson, role, checks, passed, failed}",
    ),
    (
        "The language of the report: zh (中文) or en. Without it, the locale decides",
        "报告的语言: zh (中文) 或 en。不给时由系统语言决定",
    ),
    (
        "Connect, receive one file, save it in the --out folder under the name the header gives",
        "连接, 接收一个文件, 以报头给出的文件名保存到 --out 文件夹",
    ),
    (
        "The header's file_desc: a line about the file",
        "报头里的 file_desc: 关于这个文件的一句话",
    ),
    (
        "Lesson 06: a file behind a JSON header behind a length. Two terminals (else the demo): `cargo run --bin 06_final_file -- server --file PATH`, then `... -- client`",
        "第 06 课: 文件前面是 JSON 报头, 报头前面是长度。两个终端 (否则是演示): 先 `cargo run --bin 06_final_file -- server --file PATH`, 再 `... -- client`",
    ),
    (
        "Seconds without a byte moving: then the client gives up, the server drops that client",
        "多少秒内一个字节都没有动: 之后客户端放弃, 服务端断开这个客户端",
    ),
    (
        "Send at most this many bytes per second (2MiB, 500KiB, 1MB): slow enough to watch",
        "每秒最多发送这么多字节 (2MiB、500KiB、1MB): 慢到能看清",
    ),
    (
        "The file to send (without it: this program itself, as the material sends its own)",
        "要发送的文件 (不给时: 发送这个程序本身, 就像教材发送它自己的脚本)",
    ),
    (
        "How many clients at once, at most: the next waits in the listen queue",
        "最多同时服务多少个客户端: 再来的在监听队列里等",
    ),
    (
        "Lesson 07: lesson 06's file server, each client on a thread of its own. Two terminals (else the demo): `cargo run --bin 07_many_clients -- server --file PATH`, then lesson 06's client",
        "第 07 课: 第 06 课的文件服务端, 每个客户端一个线程。两个终端 (否则是演示): 先 `cargo run --bin 07_many_clients -- server --file PATH`, 再用第 06 课的客户端",
    ),
    (
        "Seconds without a byte moving (however big each write): then the server drops that client; the others never notice",
        "多少秒内一个字节都没有动 (不管每次写多大): 之后服务端断开这个客户端; 其他客户端毫无察觉",
    ),
    (
        "Send each client at most this many bytes per second (2MiB, 500KiB, 1MB)",
        "给每个客户端每秒最多发送这么多字节 (2MiB、500KiB、1MB)",
    ),
    (
        "Send one file to every client that connects, each on a thread of its own (Ctrl-C ends)",
        "给每个连上来的客户端发送同一个文件, 每个客户端一个线程 (Ctrl-C 结束)",
    ),
    (
        "The same clients against one-at-a-time and against threads, with their times",
        "同样的客户端, 分别对着一次一个的服务端和多线程的服务端, 并给出各自的时间",
    ),
    (
        "Connect; send each line typed here and print the reply. {END_OF_INPUT} ends.",
        "连接; 把在这里输入的每一行发出去, 打印回复。{END_OF_INPUT} 结束",
    ),
    (
        "Connect; send each non-empty line typed here and print the reply. {END_OF_INPUT} ends.",
        "连接; 把在这里输入的每个非空行发出去, 打印回复。{END_OF_INPUT} 结束",
    ),
    (
        "Server and client in one process: the lesson sends its own source (the default)",
        "服务端和客户端在同一个进程里: 课程发送它自己的源代码 (默认)",
    ),
    (
        "Send one file to each client in turn, forever (Ctrl-C ends), or to one with --once",
        "依次给每个客户端发送一个文件, 永不停止 (Ctrl-C 结束); 用 --once 时只发给一个",
    ),
    ("Serve one client, then end", "服务一个客户端, 然后结束"),
    ("The folder to save the file in", "保存文件的文件夹"),
    (
        "Replace a file of the same name in --out (a link is replaced, never followed)",
        "替换 --out 里同名的文件 (链接会被替换, 但绝不会被跟随)",
    ),
    // `socket-lessons between` (src/tools/between).
    (
        "Put the course between your client and your server: it relays both ways and cuts each direction where --cut says, so you see whether your reads put the messages back together. In a command, {port} (and $PORT) is the port: where your server must listen, where your client must connect. A side you leave out is played by the course's own program. Examples: `between 4 --server \"python3 server.py {port}\" --cut 1`, `between 5 --server \"python3 server.py\" --client \"python3 client.py\" --compare`",
        "让课程站到你的客户端和服务端之间: 它双向转发, 并按 --cut 指定的位置切开每个方向, 让你看清你的读取能不能把消息重新拼好。命令里的 {port} (以及 $PORT) 是端口: 你的服务端要在那里监听, 你的客户端要连到那里。你没有给出的一端由课程自己的程序扮演。例子: `between 4 --server \"python3 server.py {port}\" --cut 1`, `between 5 --server \"python3 server.py\" --client \"python3 client.py\" --compare`",
    ),
    (
        "The lesson whose programs these are: 1 to 6",
        "这两个程序属于哪一课: 1 到 6",
    ),
    (
        "Your server's command, in quotes: it must listen on {port} (or $PORT)",
        "你的服务端的命令, 放在引号里: 它必须在 {port} (或 $PORT) 上监听",
    ),
    (
        "Your client's command, in quotes: it must connect to {port} (or $PORT)",
        "你的客户端的命令, 放在引号里: 它必须连接 {port} (或 $PORT)",
    ),
    (
        "The port your server listens on, if it cannot be told ({port}, $PORT): the material's programs listen on 8080. Without it, a free port the OS picks for each run",
        "你的服务端监听的端口, 用于没法告诉它端口的程序 ({port}, $PORT): 教程的程序监听 8080。不给时, 每次运行由系统挑一个空闲端口",
    ),
    (
        "How to cut: whole, 1, N, boundary, random:SEED or at:3,7,12; both directions, or S/T: S for the bytes the server reads, T for the client's. Repeat it to run each",
        "怎样切: whole, 1, N, boundary, random:SEED 或 at:3,7,12; 两个方向都这样切, 或者写成 S/T: S 用于服务端读到的字节, T 用于客户端的。可以重复给出, 每种运行一次",
    ),
    (
        "Run once per cut and compare what your programs printed (the course's, if you give none): exit 0 when it is the same every time, 1 when not",
        "每种切法运行一次, 比较你的程序打印的内容 (都没给时比较课程自己的): 每次都一样时退出码 0, 否则 1",
    ),
];
