//! Times as secctl writes them: RFC 3339 in UTC with whole seconds in text and JSON
//! ([`fmt_time`], [`rfc3339s`] for serde), and a stamp for file names ([`file_stamp`]).

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
                Some(t) => s.serialize_str(&crate::ground::timefmt::fmt_time(*t)),
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
