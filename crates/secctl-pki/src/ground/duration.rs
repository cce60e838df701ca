//! Durations as the command line writes them for `check --within` and `--crl-within`:
//! `30d`, `12h`, `1d12h`; a bare number is days.

use time::Duration;

/// Parse a duration: a number followed by a unit, `s`, `m`, `h`, `d` or `w`, or several
/// (`1d12h`); a bare number is days (as `cert list --expiring-within`).
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let bad = || {
        format!("invalid duration {s:?}: give a number and a unit, e.g. 30d, 12h, 90m, 3600s, 2w (a bare number is days)")
    };
    let t = s.trim();
    if t.is_empty() {
        return Err(bad());
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        let n: i64 = t.parse().map_err(|_| bad())?;
        return checked(n.checked_mul(86_400), s);
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(bad()),
        };
        if num.is_empty() {
            return Err(bad());
        }
        let n: i64 = num.parse().map_err(|_| bad())?;
        num.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    if !num.is_empty() {
        return Err(bad());
    }
    checked(Some(total), s)
}

fn checked(secs: Option<i64>, s: &str) -> std::result::Result<Duration, String> {
    // A century is the most any certificate here lives.
    match secs {
        Some(v) if v <= 36_500 * 86_400 => Ok(Duration::seconds(v)),
        _ => Err(format!("invalid duration {s:?}: at most 36500 days")),
    }
}

/// A duration as the shortest exact text (`30d`, `12h`, `90m`, `45s`).
pub fn fmt_duration(d: Duration) -> String {
    let s = d.whole_seconds();
    for (unit, n) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if s != 0 && s % n == 0 {
            return format!("{}{unit}", s / n);
        }
    }
    format!("{s}s")
}
