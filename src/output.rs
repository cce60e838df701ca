//! The one place that writes results: text tables or JSON on stdout, notes on stderr.
//! A closed stdout (`secctl cert list | head`) ends the command quietly.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::cli::Format;
use crate::error::{Error, Result};

/// Writes results in the chosen format.
#[derive(Debug, Clone)]
pub struct Printer {
    format: Format,
    color: bool,
}

/// A cell colour for status words.
#[derive(Debug, Clone, Copy)]
pub enum Tone {
    /// No colour.
    Plain,
    /// Good (green).
    Good,
    /// Attention (yellow).
    Warn,
    /// Bad (red).
    Bad,
}

fn write_out(s: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("writing to stdout", e)),
    }
}

impl Printer {
    /// A printer for `format`; colour only on a terminal and without `NO_COLOR`.
    pub fn new(format: Format) -> Self {
        let color = io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var("TERM").map_or(true, |t| t != "dumb");
        Printer { format, color }
    }

    /// Whether JSON was asked for.
    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Print one JSON document.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let s = serde_json::to_string_pretty(value).map_err(Error::internal)?;
        write_out(&(s + "\n"))
    }

    /// Colour a word for a table cell.
    pub fn paint(&self, s: &str, tone: Tone) -> String {
        let code = match tone {
            Tone::Plain => return s.to_string(),
            Tone::Good => "32",
            Tone::Warn => "33",
            Tone::Bad => "31",
        };
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// Print a table with a header row; widths ignore colour codes.
    pub fn table(&self, headers: &[&str], rows: &[Vec<String>]) -> Result<()> {
        let vis = |s: &str| strip_ansi(s).chars().count();
        let mut w: Vec<usize> = headers.iter().map(|h| h.len()).collect();
        for r in rows {
            for (i, c) in r.iter().enumerate() {
                w[i] = w[i].max(vis(c));
            }
        }
        let mut out = String::new();
        let line = |cells: Vec<String>, out: &mut String| {
            let n = cells.len();
            for (i, c) in cells.into_iter().enumerate() {
                out.push_str(&c);
                if i + 1 < n {
                    out.push_str(&" ".repeat(w[i] - vis(&c) + 2));
                }
            }
            out.push('\n');
        };
        let head = headers
            .iter()
            .map(|h| {
                if self.color {
                    format!("\x1b[1m{h}\x1b[0m")
                } else {
                    h.to_string()
                }
            })
            .collect();
        line(head, &mut out);
        for r in rows {
            line(r.clone(), &mut out);
        }
        write_out(&out)
    }

    /// Print aligned `key: value` lines.
    pub fn kv(&self, pairs: &[(&str, String)]) -> Result<()> {
        let w = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut out = String::new();
        for (k, v) in pairs {
            out.push_str(&format!("{k:<w$}  {v}\n"));
        }
        write_out(&out)
    }

    /// Print a line of text on stdout.
    pub fn line(&self, s: &str) -> Result<()> {
        write_out(&format!("{s}\n"))
    }

    /// A note for people on stderr (never part of the result). Control characters are
    /// shown escaped: a note may quote a file or a peer.
    pub fn note(&self, s: &str) {
        note(s);
    }
}

/// A spinner on stderr while something slow runs (scrypt, a lock wait), shown only when
/// stderr is a terminal; cleared when dropped.
pub struct Spinner(indicatif::ProgressBar);

impl Spinner {
    /// Start a spinner with `msg` (nothing is shown off a terminal).
    pub fn start(msg: &str) -> Spinner {
        if !io::stderr().is_terminal() {
            return Spinner(indicatif::ProgressBar::hidden());
        }
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.set_message(msg.to_string());
        b.enable_steady_tick(std::time::Duration::from_millis(100));
        Spinner(b)
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// A note on stderr, as [`Printer::note`], for code that has no printer.
pub fn note(s: &str) {
    let _ = writeln!(
        io::stderr().lock(),
        "secctl: {}",
        crate::term::escape_controls(s)
    );
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            for d in it.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A time cut to whole seconds (certificates and CRLs carry seconds; so do records).
pub fn secs(t: time::OffsetDateTime) -> time::OffsetDateTime {
    t.replace_nanosecond(0).unwrap_or(t)
}

/// A time as RFC 3339 in UTC with whole seconds (`2026-12-24T18:55:42Z`), the one format
/// used in text and JSON output.
pub fn fmt_time(t: time::OffsetDateTime) -> String {
    let t = secs(t).to_offset(time::UtcOffset::UTC);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// A UTC time for a file or directory name (`20261224T185542Z`): readable, sorts in time
/// order, no colons.
pub fn file_stamp(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Serde for times in JSON: written as RFC 3339 with whole seconds (as [`fmt_time`]), read
/// as any RFC 3339 time (records written by older versions carry nanoseconds).
pub mod rfc3339s {
    use serde::{Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Write `t` with whole seconds.
    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::fmt_time(*t))
    }

    /// Read any RFC 3339 time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        time::serde::rfc3339::deserialize(d)
    }

    /// The same for `Option<OffsetDateTime>`.
    pub mod option {
        use serde::{Deserializer, Serializer};
        use time::OffsetDateTime;

        /// Write `t` with whole seconds, or null.
        pub fn serialize<S: Serializer>(
            t: &Option<OffsetDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_str(&crate::output::fmt_time(*t)),
                None => s.serialize_none(),
            }
        }

        /// Read any RFC 3339 time, or null.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<OffsetDateTime>, D::Error> {
            time::serde::rfc3339::option::deserialize(d)
        }
    }
}

/// One log line on stderr (server logs with `-v`). The line quotes what peers sent (the
/// identity in a client certificate): it is escaped for the terminal, so a newline in an
/// OU cannot forge a second log line.
pub fn log_line(s: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", crate::term::escape(s));
}
