//! `luoshi`: the command-line edge of Luoshi. Thin by design: it reads files, calls the
//! libraries and turns their typed errors into one-line messages and exit codes
//! (0 success, 1 a quality bar missed, 2 bad input or usage).

mod demo;
mod eval;
mod outline;
mod service;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use service::{Location, UnitCommand, UserCommand};

#[derive(Parser)]
#[command(
    name = "luoshi",
    version,
    about = "Luoshi (落实): carry an education bureau's annual work plan from document to done"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    location: Location,
}

#[derive(Subcommand)]
enum Command {
    /// Read a plan (.docx, .pdf, .html or text) and print its structure.
    Parse {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Refuse files larger than this many megabytes.
        #[arg(long, default_value_t = 50)]
        max_mb: u64,
    },
    /// Parse every document in DOCS and score it against the gold file of the same name in GOLD.
    Eval {
        #[arg(long)]
        docs: PathBuf,
        #[arg(long)]
        gold: PathBuf,
        /// Quality bars, e.g. tasks=0.99,units=0.98,titles=1; exit 1 when one is missed.
        #[arg(long, value_parser = eval::parse_bars)]
        min_f1: Option<eval::Bars>,
        /// How many of the worst documents to list.
        #[arg(long, default_value_t = 5)]
        worst: usize,
    },
    /// Serve the tracking service (JSON API under /api/v1).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Mark session cookies Secure (when a proxy terminates HTTPS in front).
        #[arg(long)]
        secure_cookies: bool,
        /// Take client addresses from X-Forwarded-For (only behind a trusted proxy).
        #[arg(long)]
        trust_proxy: bool,
    },
    /// Fill a fresh data directory with a demo bureau (users printed with passwords) and serve it.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
    },
    /// Read a plan document and store it as a draft plan; prints its id and a summary.
    Import {
        file: PathBuf,
        /// Publish at once (refused while unit names are unmatched).
        #[arg(long)]
        publish: bool,
        #[arg(long)]
        organization: Option<String>,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage units (科室、中心、直属单位、学校).
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
    },
    /// API tokens for scripts.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a plan's file: decomposition, ledger, units (.xlsx); bulletin, notice, summary (.docx).
    Export {
        kind: String,
        /// xlsx or docx (each file has its format; given only as a check).
        #[arg(long)]
        format: Option<String>,
        #[arg(long)]
        out: PathBuf,
        /// Plan id (may be left out when there is one plan).
        #[arg(long)]
        plan: Option<i64>,
        /// Period of a bulletin, e.g. 2026-06 (default: the latest one due).
        #[arg(long)]
        period: Option<String>,
        /// Notice id for a 督办单 (default: the latest).
        #[arg(long)]
        notice: Option<i64>,
        #[arg(long)]
        organization: Option<String>,
    },
    /// Consistent online copy of the SQLite database (PostgreSQL: use pg_dump).
    Backup {
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the SQLite database with a backup (stop the server first).
    Restore { file: PathBuf },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for USER and print it once.
    Create {
        user: String,
        #[arg(long, default_value = "script")]
        name: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Text,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let location = cli.location;
    match cli.command {
        Command::Parse {
            file,
            format,
            max_mb,
        } => parse(&file, format, max_mb),
        Command::Eval {
            docs,
            gold,
            min_f1,
            worst,
        } => match eval::run(&docs, &gold, min_f1.as_ref(), worst) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(error) => {
                eprintln!("luoshi eval: {error:#}");
                ExitCode::from(2)
            }
        },
        Command::Serve {
            addr,
            secure_cookies,
            trust_proxy,
        } => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info".into()),
                )
                .init();
            run(
                "serve",
                service::serve(&location, addr, secure_cookies, trust_proxy, None),
            )
        }
        Command::Demo { addr } => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "warn".into()),
                )
                .init();
            run("demo", demo::run(&location, addr))
        }
        Command::Import {
            file,
            publish,
            organization,
        } => run(
            "import",
            service::import(&location, &file, publish, organization.as_deref()),
        ),
        Command::User { command } => run("user", service::user(&location, command)),
        Command::Unit { command } => run("unit", service::unit(&location, command)),
        Command::Token {
            command: TokenCommand::Create { user, name },
        } => run("token", service::token(&location, &user, &name)),
        Command::Export {
            kind,
            format,
            out,
            plan,
            period,
            notice,
            organization,
        } => run(
            "export",
            service::export(
                &location,
                service::ExportRequest {
                    kind: &kind,
                    format: format.as_deref(),
                    out: &out,
                    plan,
                    period: period.as_deref(),
                    notice,
                    organization: organization.as_deref(),
                },
            ),
        ),
        Command::Backup { to } => run("backup", service::backup(&location, &to)),
        Command::Restore { file } => run("restore", service::restore(&location, &file)),
    }
}

/// Runs an async command; errors become one line on stderr and exit code 2.
fn run(name: &str, command: impl std::future::Future<Output = anyhow::Result<()>>) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("luoshi {name}: cannot start: {error}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("luoshi {name}: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn parse(file: &PathBuf, format: Format, max_mb: u64) -> ExitCode {
    let name = file.display().to_string();
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("luoshi parse: {name}: {error}");
            return ExitCode::from(2);
        }
    };
    let options = luoshi_plandoc::Options {
        max_bytes: max_mb * 1024 * 1024,
    };
    let parsed = match luoshi_plandoc::parse_with(&name, &bytes, &options) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("luoshi parse: {error}");
            return ExitCode::from(2);
        }
    };
    let output = match format {
        Format::Json => serde_json::to_string_pretty(&parsed).expect("plans serialize"),
        Format::Text => outline::render(&parsed),
    };
    println!("{output}");
    ExitCode::SUCCESS
}
