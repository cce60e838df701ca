//! Validity periods and renewal windows as durations: `90d`, `24h`, `15m`, `1h30m`, and
//! renewal windows as a duration or a fraction of a certificate's lifetime (`1/3`).
//!
//! Pure functions: parsed from flags and inventory fields, tested as a table.

use time::Duration;

/// The shortest validity issued: five minutes. Certificates are backdated by five minutes
/// for peers whose clock is slow ([`crate::pki::ca::BACKDATE`]); a shorter lifetime would
/// be smaller than that tolerance, and no renewal loop (cron runs each minute at best)
/// could keep such a certificate fresh.
pub const MIN_VALIDITY: Duration = Duration::minutes(5);

/// The longest validity issued: 36,500 days (as `--days` always allowed).
pub const MAX_VALIDITY: Duration = Duration::days(36_500);

/// The default validity of a leaf: 365 days.
pub const DEFAULT_VALIDITY: Duration = Duration::days(365);

/// Parse a duration: one or more `<number><unit>` parts, units `d` (days), `h` (hours),
/// `m` (minutes), each at most once and from the largest down (`1d12h`, `1h30m`). No
/// bare numbers (is `90` days or minutes?), no seconds, no signs, no spaces.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let bad = |why: &str| format!("invalid duration {s:?}: {why} (e.g. 90d, 24h, 15m, 1h30m)");
    if s.is_empty() {
        return Err(bad("empty"));
    }
    let mut total = Duration::ZERO;
    let mut last_rank = usize::MAX;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad("expected a number"));
        }
        if digits > 9 {
            return Err(bad("number too large"));
        }
        let n: i64 = rest[..digits]
            .parse()
            .map_err(|_| bad("expected a number"))?;
        let unit = rest[digits..].chars().next();
        let (rank, part) = match unit {
            Some('d') => (2, Duration::days(n)),
            Some('h') => (1, Duration::hours(n)),
            Some('m') => (0, Duration::minutes(n)),
            None => return Err(bad("a unit is missing after the number")),
            Some(_) => return Err(bad("unknown unit (d, h or m)")),
        };
        if rank >= last_rank {
            return Err(bad("each unit once, largest first"));
        }
        last_rank = rank;
        total += part;
        rest = &rest[digits + 1..];
    }
    Ok(total)
}

/// Parse a validity period and check it is within [`MIN_VALIDITY`]..=[`MAX_VALIDITY`].
pub fn parse_validity(s: &str) -> std::result::Result<Duration, String> {
    let d = parse_duration(s)?;
    check_validity(d).map_err(|e| format!("{s:?}: {e}"))?;
    Ok(d)
}

/// Refuse a validity period shorter than five minutes or longer than 36,500 days.
pub fn check_validity(d: Duration) -> std::result::Result<(), String> {
    if d < MIN_VALIDITY {
        return Err(format!(
            "validity must be at least 5m (certificates are backdated 5 minutes for clock skew), not {}",
            format_duration(d)
        ));
    }
    if d > MAX_VALIDITY {
        return Err(format!(
            "validity must be at most 36500d, not {}",
            format_duration(d)
        ));
    }
    Ok(())
}

/// A duration the way [`parse_duration`] reads it: `90d`, `1h30m`, `0m`; seconds are
/// dropped, negative durations are written with a leading `-`.
pub fn format_duration(d: Duration) -> String {
    let mut out = String::new();
    if d.is_negative() {
        out.push('-');
    }
    let m = d.whole_minutes().unsigned_abs();
    let (days, hours, mins) = (m / 1440, m / 60 % 24, m % 60);
    for (n, u) in [(days, 'd'), (hours, 'h'), (mins, 'm')] {
        if n > 0 {
            out.push_str(&format!("{n}{u}"));
        }
    }
    if m == 0 {
        out.push_str("0m");
    }
    out
}

/// When to renew: a fixed window before the end of validity, or a fraction of the
/// certificate's lifetime before its end (`1/3`: in the last third).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewBefore {
    /// Renew when less than this is left.
    Window(Duration),
    /// Renew when less than `num/den` of the lifetime is left (0 < num < den).
    Fraction(u32, u32),
}

impl RenewBefore {
    /// The window for a certificate of `lifetime`.
    pub fn window(self, lifetime: Duration) -> Duration {
        match self {
            RenewBefore::Window(d) => d,
            RenewBefore::Fraction(n, d) => lifetime * i32::try_from(n).unwrap_or(0) / d,
        }
    }

    /// The default window: 30 days, but never more than a third of the lifetime (a
    /// 15-minute certificate renews in its last 5 minutes, not on every run).
    pub fn default_window(lifetime: Duration) -> Duration {
        Duration::days(30).min(lifetime / 3)
    }
}

impl std::fmt::Display for RenewBefore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenewBefore::Window(d) => f.write_str(&format_duration(*d)),
            RenewBefore::Fraction(n, d) => write!(f, "{n}/{d}"),
        }
    }
}

/// Parse a renewal window: a duration (`30d`, `8h`), a fraction of the lifetime (`1/3`,
/// `2/3`: strictly between 0 and 1), or a bare number of days (`30`, as `--renew-before`
/// always took).
pub fn parse_renew_before(s: &str) -> std::result::Result<RenewBefore, String> {
    if let Some((n, d)) = s.split_once('/') {
        let bad = || format!("invalid fraction {s:?}: expected N/D with 0 < N < D (e.g. 1/3)");
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        let d: u32 = d.trim().parse().map_err(|_| bad())?;
        if n == 0 || d == 0 || n >= d || d > 1000 {
            return Err(bad());
        }
        return Ok(RenewBefore::Fraction(n, d));
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let days: i64 = s
            .parse()
            .ok()
            .filter(|d| *d <= 36_500)
            .ok_or_else(|| format!("invalid renewal window {s:?}: at most 36500 days"))?;
        return Ok(RenewBefore::Window(Duration::days(days)));
    }
    let d = parse_duration(s)?;
    if d > MAX_VALIDITY {
        return Err(format!("invalid renewal window {s:?}: at most 36500d"));
    }
    Ok(RenewBefore::Window(d))
}

/// Parse `check --within`: a duration as [`crate::ground::duration::parse_duration`] reads
/// it (`30d`, `3600s`, `2w`, a bare number of days), or a fraction of each certificate's
/// lifetime (`1/3`) as [`parse_renew_before`] takes it.
pub fn parse_within(s: &str) -> std::result::Result<RenewBefore, String> {
    if s.contains('/') {
        parse_renew_before(s)
    } else {
        crate::ground::duration::parse_duration(s).map(RenewBefore::Window)
    }
}

/// The lifetime a certificate was issued for: its validity less the backdating of
/// `notBefore` (so a `--valid-for 15m` certificate has a lifetime of 15 minutes).
pub fn lifetime(not_before: time::OffsetDateTime, not_after: time::OffsetDateTime) -> Duration {
    let l = not_after - not_before - crate::pki::ca::BACKDATE;
    if l < MIN_VALIDITY {
        // Issued by an older version without the backdate, or cut short by its CA.
        (not_after - not_before).max(MIN_VALIDITY)
    } else {
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_table() {
        let ok: &[(&str, Duration)] = &[
            ("15m", Duration::minutes(15)),
            ("5m", Duration::minutes(5)),
            ("24h", Duration::hours(24)),
            ("90d", Duration::days(90)),
            ("1h30m", Duration::minutes(90)),
            ("1d12h", Duration::hours(36)),
            ("2d3h4m", Duration::minutes(2 * 1440 + 3 * 60 + 4)),
            ("0m", Duration::ZERO),
            ("36500d", Duration::days(36_500)),
        ];
        for (s, want) in ok {
            assert_eq!(parse_duration(s).as_ref(), Ok(want), "{s}");
        }
        let bad: &[(&str, &str)] = &[
            ("", "empty"),
            ("90", "unit is missing"),
            ("d", "expected a number"),
            ("-5m", "expected a number"),
            ("1.5h", "unknown unit"),
            ("10s", "unknown unit"),
            ("1w", "unknown unit"),
            ("30m1h", "largest first"),
            ("1h1h", "largest first"),
            ("1h ", "expected a number"),
            ("1hé", "expected a number"),
            ("1é", "unknown unit"),
            (" 1h", "expected a number"),
            ("9999999999d", "too large"),
            ("1H", "unknown unit"),
        ];
        for (s, why) in bad {
            let e = parse_duration(s).expect_err(s);
            assert!(e.contains(why), "{s}: {e}");
        }
    }

    #[test]
    fn validity_bounds() {
        assert!(parse_validity("5m").is_ok());
        assert!(parse_validity("36500d").is_ok());
        assert!(parse_validity("4m").unwrap_err().contains("at least 5m"));
        assert!(parse_validity("0m").unwrap_err().contains("at least 5m"));
        assert!(parse_validity("36501d").unwrap_err().contains("at most"));
    }

    #[test]
    fn format_round_trips() {
        for s in ["15m", "24h", "1d", "90d", "1h30m", "1d12h", "2d3h4m", "0m"] {
            let d = parse_duration(s).unwrap();
            let f = format_duration(d);
            assert_eq!(parse_duration(&f).unwrap(), d, "{s} -> {f}");
        }
        assert_eq!(format_duration(Duration::hours(24)), "1d");
        assert_eq!(format_duration(Duration::minutes(-90)), "-1h30m");
    }

    #[test]
    fn renew_before_table() {
        let day = Duration::days(1);
        let cases: &[(&str, RenewBefore)] = &[
            ("30", RenewBefore::Window(Duration::days(30))),
            ("30d", RenewBefore::Window(Duration::days(30))),
            ("8h", RenewBefore::Window(Duration::hours(8))),
            ("1/3", RenewBefore::Fraction(1, 3)),
            ("2/3", RenewBefore::Fraction(2, 3)),
        ];
        for (s, want) in cases {
            assert_eq!(parse_renew_before(s).as_ref(), Ok(want), "{s}");
        }
        for s in ["0/3", "3/3", "4/3", "1/0", "a/b", "1/", "-1", "x", "36501"] {
            assert!(parse_renew_before(s).is_err(), "{s}");
        }
        assert_eq!(
            RenewBefore::Fraction(2, 3).window(Duration::days(90)),
            Duration::days(60)
        );
        assert_eq!(
            RenewBefore::Fraction(1, 3).window(Duration::minutes(15)),
            Duration::minutes(5)
        );
        assert_eq!(RenewBefore::Window(day).window(Duration::days(90)), day);
        assert_eq!(
            RenewBefore::default_window(Duration::days(365)),
            Duration::days(30)
        );
        assert_eq!(
            RenewBefore::default_window(Duration::minutes(15)),
            Duration::minutes(5)
        );
    }

    #[test]
    fn lifetime_drops_the_backdate() {
        let now = time::OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let nb = now - crate::pki::ca::BACKDATE;
        assert_eq!(
            lifetime(nb, now + Duration::minutes(15)),
            Duration::minutes(15)
        );
        assert_eq!(lifetime(nb, now + Duration::days(30)), Duration::days(30));
    }
}
