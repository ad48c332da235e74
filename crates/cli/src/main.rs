//! `luoshi`: the command-line edge of Luoshi. Thin by design: it reads files, calls the
//! libraries and turns their typed errors into one-line messages and exit codes
//! (0 success, 1 a quality bar missed, 2 bad input or usage).

mod eval;
mod outline;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "luoshi",
    version,
    about = "Luoshi (落实): carry an education bureau's annual work plan from document to done"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Text,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
