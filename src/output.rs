//! The one place that writes results: text tables or JSON on stdout, notes on stderr.
//! A closed stdout (`secctl cert list | head`) ends the command quietly.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ground::observe::{Observer, Waiting};

/// Output format of results on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human tables and key/value lists.
    Text,
    /// One stable JSON document.
    Json,
}

/// Writes results in the chosen format.
#[derive(Debug, Clone)]
pub struct Printer {
    format: Format,
    color: bool,
    width: Option<usize>,
}

/// The width tables and `key: value` lines must fit in: `SECCTL_WIDTH` when set (tests,
/// or a pager); on a terminal `COLUMNS`, else the terminal's width, else 80; not on a
/// terminal (a pipe, a file), no limit: nothing is cut for a script.
pub fn output_width() -> Option<usize> {
    let env = |k: &str| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
    };
    if let Some(n) = env("SECCTL_WIDTH") {
        return Some(n.max(20));
    }
    let out = io::stdout();
    if !out.is_terminal() {
        return None;
    }
    if let Some(n) = env("COLUMNS") {
        return Some(n.max(20));
    }
    match rustix::termios::tcgetwinsize(&out) {
        Ok(ws) if ws.ws_col > 0 => Some(usize::from(ws.ws_col).max(20)),
        _ => Some(80),
    }
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

/// stdout held back by [`hold`] (None: not holding).
static HELD: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// From now on keep what is printed on stdout until [`release`] (a writer on etcd prints
/// its result once its changes are on etcd).
pub fn hold() {
    *HELD.lock().unwrap_or_else(|p| p.into_inner()) = Some(String::new());
}

/// Stop holding stdout: print what was held when `print`, else drop it.
pub fn release(print: bool) -> Result<()> {
    let held = HELD.lock().unwrap_or_else(|p| p.into_inner()).take();
    match held {
        Some(s) if print && !s.is_empty() => write_out(&s),
        _ => Ok(()),
    }
}

/// Write `s` to stdout (held while a command's writes go back to etcd).
pub fn write_out(s: &str) -> Result<()> {
    if let Some(held) = HELD.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
        held.push_str(s);
        return Ok(());
    }
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
        Printer {
            format,
            color,
            width: output_width(),
        }
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

    /// Print a table with a header row; widths ignore colour codes. On a terminal the table
    /// fits its width (see [`output_width`]): the widest columns are narrowed, their cells
    /// wrapped at spaces and punctuation inside the column, and a word longer than its
    /// column (and than 12 characters) is cut with `…`; headers, short words and coloured
    /// status words are never cut.
    pub fn table(&self, headers: &[&str], rows: &[Vec<String>]) -> Result<()> {
        self.table_page(headers, rows, true)
    }

    /// One page of a long table (the header with the first page only): columns are sized
    /// to the headers and this page's rows, so the first lines of a long listing come out
    /// before the last rows are read.
    pub fn table_page(&self, headers: &[&str], rows: &[Vec<String>], header: bool) -> Result<()> {
        let mut w: Vec<usize> = headers.iter().map(|h| h.len()).collect();
        let mut mins: Vec<usize> = headers.iter().map(|h| h.len().max(4)).collect();
        for r in rows {
            for (i, c) in r.iter().enumerate() {
                w[i] = w[i].max(vis(c));
                if c.contains('\x1b') {
                    mins[i] = mins[i].max(vis(c));
                } else {
                    // Words up to 12 characters are never cut; a longer one may wrap at
                    // its punctuation (its longest piece stays whole up to 12).
                    let word = c
                        .split(' ')
                        .map(|x| match x.chars().count() {
                            n if n <= 12 => n,
                            _ => x
                                .split_inclusive([',', ';', '/', '-', ':'])
                                .map(|p| p.chars().count())
                                .max()
                                .unwrap_or(0)
                                .min(12),
                        })
                        .max()
                        .unwrap_or(0);
                    mins[i] = mins[i].max(word);
                }
            }
        }
        if let Some(limit) = self.width {
            fit_columns(&mut w, &mins, limit);
        }
        let mut out = String::new();
        let line = |cells: Vec<String>, out: &mut String| {
            let n = cells.len();
            let wrapped: Vec<Vec<String>> = cells
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    if vis(&c) <= w[i] || c.contains('\x1b') {
                        vec![c]
                    } else {
                        wrap_cell(&c, w[i])
                    }
                })
                .collect();
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
            for k in 0..height {
                let mut l = String::new();
                for (i, c) in wrapped.iter().enumerate() {
                    let c = c.get(k).map_or("", String::as_str);
                    l.push_str(c);
                    if i + 1 < n {
                        l.push_str(&" ".repeat(w[i].saturating_sub(vis(c)) + 2));
                    }
                }
                out.push_str(l.trim_end());
                out.push('\n');
            }
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
        if header {
            line(head, &mut out);
        }
        for r in rows {
            line(r.clone(), &mut out);
        }
        write_out(&out)
    }

    /// Print aligned `key: value` lines; on a terminal, long values wrap under themselves.
    pub fn kv(&self, pairs: &[(&str, String)]) -> Result<()> {
        let w = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let room = self.width.map(|l| l.saturating_sub(w + 2).max(16));
        let mut out = String::new();
        for (k, v) in pairs {
            let lines = match room {
                Some(r) if vis(v) > r && !v.contains('\x1b') => wrap_cell(v, r),
                _ => vec![v.clone()],
            };
            for (n, l) in lines.iter().enumerate() {
                let k = if n == 0 { *k } else { "" };
                out.push_str(format!("{k:<w$}  {l}").trim_end());
                out.push('\n');
            }
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

/// The binary's observer of library waits (the state lock): a note on stderr as [`note`],
/// and a [`Spinner`] while the wait lasts.
pub struct StderrObserver;

impl Observer for StderrObserver {
    fn note(&self, msg: &str) {
        note(msg);
    }

    fn wait(&self, msg: &str) -> Waiting {
        Waiting::shown(Box::new(Spinner::start(msg)))
    }
}

/// Visible width of a cell (colour codes do not count).
fn vis(s: &str) -> usize {
    strip_ansi(s).chars().count()
}

/// Narrow the widest columns, one character at a time, until the row fits in `limit`
/// (columns two spaces apart) or no column can narrow below its minimum.
fn fit_columns(w: &mut [usize], mins: &[usize], limit: usize) {
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
    while total(w) > limit {
        let Some(i) = (0..w.len())
            .filter(|&i| w[i] > mins[i])
            .max_by_key(|&i| (w[i], std::cmp::Reverse(i)))
        else {
            break;
        };
        w[i] -= 1;
    }
}

/// Break `s` into lines of at most `width` characters: after spaces and after `,` `;` `/`
/// `-` `:`; a piece still longer than `width` is cut and ends with `…`.
fn wrap_cell(s: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut pieces: Vec<String> = vec![];
    let mut cur = String::new();
    for c in s.chars() {
        cur.push(c);
        if matches!(c, ' ' | ',' | ';' | '/' | '-' | ':') {
            pieces.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        pieces.push(cur);
    }
    let len = |s: &str| s.chars().count();
    let mut lines: Vec<String> = vec![];
    let mut line = String::new();
    for p in pieces {
        if len(&line) + len(p.trim_end()) <= width {
            line.push_str(if line.is_empty() { p.trim_start() } else { &p });
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
        }
        let p = p.trim_start();
        if len(p.trim_end()) <= width {
            line = p.to_string();
        } else {
            let cut: String = p.chars().take(width - 1).collect();
            lines.push(format!("{cut}…"));
            line = String::new();
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
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

pub use crate::ground::timefmt::{file_stamp, fmt_time, rfc3339s, secs};

/// One log line on stderr (server logs with `-v`). The line quotes what peers sent (the
/// identity in a client certificate): it is escaped for the terminal, so a newline in an
/// OU cannot forge a second log line.
pub fn log_line(s: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", crate::term::escape(s));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_fits() {
        let l = wrap_cell("serverAuth, clientAuth, codeSigning", 12);
        assert_eq!(l, ["serverAuth,", "clientAuth,", "codeSigning"]);
        let l = wrap_cell("0123456789abcdef0123", 10);
        assert_eq!(l, ["012345678…"]);
        for l in wrap_cell("issued from the previous CA: renew it soon", 15) {
            assert!(l.chars().count() <= 15, "{l}");
        }
    }

    #[test]
    fn columns_narrow_widest_first() {
        let mut w = vec![30, 4, 40];
        fit_columns(&mut w, &[4, 4, 6], 50);
        assert_eq!(w.iter().sum::<usize>() + 4, 50);
        assert!(w[0] >= 4 && w[2] >= 6 && w[1] == 4);
    }
}
