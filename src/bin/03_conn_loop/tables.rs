//! Lesson 03's side shows, reached as `03_conn_loop backlog` and `03_conn_loop reuseaddr`: what
//! `listen(n)` really limits, with this lesson's own listener, and when a port can be bound
//! again. Their tables are `src/tools/shows/conn_tables.rs`.

use clap::Subcommand;
use socket_lessons::Result;
use socket_lessons::tools::shows::conn_tables;
use socket_lessons::words::cli::Addr;

#[derive(Subcommand)]
pub enum Table {
    /// A listener that never accepts: how many clients get through the handshake?
    Backlog {
        /// The number given to `listen`.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(i32).range(0..=1024))]
        backlog: i32,
        /// How many clients try to connect, one after another.
        #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=64))]
        clients: u16,
    },
    /// Rebind a port whose last connection is in TIME_WAIT, with and without SO_REUSEADDR.
    Reuseaddr,
}

impl Table {
    pub fn run(self) -> Result<()> {
        match self {
            // Lesson 03's own `bind`, with `listen(backlog)`, and a listener that never accepts.
            Table::Backlog { backlog, clients } => {
                let listener = super::bind(&Addr::ephemeral(), backlog)?;
                conn_tables::backlog(&listener, backlog, clients)
            }
            Table::Reuseaddr => conn_tables::reuseaddr(),
        }
    }
}
