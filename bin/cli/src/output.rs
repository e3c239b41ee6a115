//! Printing for people (aligned tables, key/value blocks) and scripts
//! (`--json`), progress bars, and confirmation prompts.

use std::io::{BufRead, Write};

use indicatif::{ProgressBar, ProgressStyle};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{CliError, Context};

/// Prints rows under headers, each column as wide as its widest cell.
pub fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let text: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        println!("{}", text.join("  ").trim_end());
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
}

/// Prints `key  value` lines, keys aligned.
pub fn print_fields(fields: &[(&str, String)]) {
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, value) in fields {
        println!("{key:<width$}  {value}");
    }
}

/// Prints one JSON document.
pub fn print_json(value: &serde_json::Value) {
    // A Value always serializes.
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// A timestamp as RFC 3339 (UTC).
pub fn timestamp(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

/// What a progress bar counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Records.
    Records,
    /// Bytes of a file.
    Bytes,
}

/// A progress bar of `len` units, hidden unless on a terminal without
/// `--json`.
pub fn progress(ctx: &Context, len: u64, unit: Unit, message: &'static str) -> ProgressBar {
    if !ctx.show_progress() {
        return ProgressBar::hidden();
    }
    let counts = match unit {
        Unit::Records => "{human_pos}/{human_len}",
        Unit::Bytes => "{bytes}/{total_bytes}",
    };
    let template = format!("{{msg:10}} [{{bar:40}}] {counts} ({{elapsed}} so far, {{eta}} left)");
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

/// Asks `question` on stderr and reads the answer from stdin; only `y` or
/// `yes` (any case) agree. `--yes` skips the question.
pub fn confirm(question: &str, yes: bool) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(CliError::new("aborted: nothing was changed")),
    }
}
