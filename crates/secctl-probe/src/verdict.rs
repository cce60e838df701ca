//! The verdicts of the probe matrix as types. serde spells each one exactly as the JSON
//! contract does (`"per-request"`, `"refused: alert unknown_ca"`), so no code compares the
//! strings: the rows carry these enums and the printers read them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The chain the server presented, against the trust bundle (`server_auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerAuth {
    /// Verified against the bundle.
    Trusted,
    /// Presented, not verified (or no bundle to verify it with).
    Untrusted,
    /// No certificate seen.
    None,
}

/// Who the server demands a certificate from (`client_auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientAuth {
    /// The handshake refuses a client without a (trusted) certificate.
    Required,
    /// The handshake admits everybody, the request is refused without a certificate.
    PerRequest,
    /// A certificate is asked for and never demanded.
    Optional,
    /// No certificate asked for.
    None,
}

/// What happened to the operator's `--cert` (`given_cert`): the verdict, and in words
/// why (the text after `refused: ` / `not checked: ` in JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GivenCert {
    /// A request made with it got an application answer that is not a refusal (or, on the
    /// `tls` row, the server showed it let the certificate in).
    Accepted,
    /// Refused: the alert, the close or the status that refused it.
    Refused(String),
    /// The check could not be made: why.
    NotChecked(String),
}

/// Whether every transport is encrypted (`summary.encrypted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encrypted {
    /// TLS is served and no plaintext content.
    All,
    /// TLS and plaintext content.
    Partial,
    /// No TLS.
    None,
    /// Nothing answered.
    Unreachable,
}

/// How mutual TLS is enforced over the target (`summary.mtls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mtls {
    /// Every served transport refuses no certificate and the throwaway one.
    Enforced,
    /// Some transports enforce it.
    Partial,
    /// Requested, never enforced.
    Optional,
    /// A certificate from an unknown CA is let in.
    Unverified,
    /// Never requested (or nothing over TLS).
    None,
}

impl ServerAuth {
    /// How JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ServerAuth::Trusted => "trusted",
            ServerAuth::Untrusted => "untrusted",
            ServerAuth::None => "none",
        }
    }
}

impl ClientAuth {
    /// How JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuth::Required => "required",
            ClientAuth::PerRequest => "per-request",
            ClientAuth::Optional => "optional",
            ClientAuth::None => "none",
        }
    }

    /// A client without a valid certificate is kept out (in the handshake or per request).
    pub fn demands_certificate(self) -> bool {
        matches!(self, ClientAuth::Required | ClientAuth::PerRequest)
    }
}

impl Encrypted {
    /// How JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Encrypted::All => "all",
            Encrypted::Partial => "partial",
            Encrypted::None => "none",
            Encrypted::Unreachable => "unreachable",
        }
    }
}

impl Mtls {
    /// How JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mtls::Enforced => "enforced",
            Mtls::Partial => "partial",
            Mtls::Optional => "optional",
            Mtls::Unverified => "unverified",
            Mtls::None => "none",
        }
    }
}

macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
display_as_str!(ServerAuth, ClientAuth, Encrypted, Mtls);

const REFUSED: &str = "refused: ";
const NOT_CHECKED: &str = "not checked: ";

impl GivenCert {
    /// The same verdict, its reason naming the path it was seen on (` (on /secure)`).
    pub fn on(self, path: &str) -> GivenCert {
        match self {
            GivenCert::Accepted => GivenCert::Accepted,
            GivenCert::Refused(w) => GivenCert::Refused(format!("{w} (on {path})")),
            GivenCert::NotChecked(w) => GivenCert::NotChecked(format!("{w} (on {path})")),
        }
    }

    /// Whether it is [`GivenCert::Accepted`].
    pub fn is_accepted(&self) -> bool {
        matches!(self, GivenCert::Accepted)
    }

    /// Whether it is [`GivenCert::Refused`].
    pub fn is_refused(&self) -> bool {
        matches!(self, GivenCert::Refused(_))
    }

    /// The verdict alone: `accepted`, `refused`, `not checked`.
    pub fn word(&self) -> &'static str {
        match self {
            GivenCert::Accepted => "accepted",
            GivenCert::Refused(_) => "refused",
            GivenCert::NotChecked(_) => "not checked",
        }
    }
}

impl std::fmt::Display for GivenCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GivenCert::Accepted => f.write_str("accepted"),
            GivenCert::Refused(w) => write!(f, "{REFUSED}{w}"),
            GivenCert::NotChecked(w) => write!(f, "{NOT_CHECKED}{w}"),
        }
    }
}

impl Serialize for GivenCert {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for GivenCert {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == "accepted" {
            Ok(GivenCert::Accepted)
        } else if let Some(w) = s.strip_prefix(REFUSED) {
            Ok(GivenCert::Refused(w.to_string()))
        } else if let Some(w) = s.strip_prefix(NOT_CHECKED) {
            Ok(GivenCert::NotChecked(w.to_string()))
        } else {
            Err(serde::de::Error::custom(format!(
                "given_cert {s:?}: expected accepted, refused: ... or not checked: ..."
            )))
        }
    }
}
