//! What to issue: the name, kind, role, hosts, validity and key type of a leaf
//! certificate ([`LeafSpec`]), and the SPIFFE id it carries.

use time::Duration;

use crate::error::{Error, Result};
use crate::pki::keys::KeyType;
use crate::pki::names::{self, Host};
use crate::pki::store::CertKind;

/// What to issue.
#[derive(Debug, Clone)]
pub struct LeafSpec {
    /// CN and last SPIFFE segment.
    pub name: String,
    /// Node (server + client) or client.
    pub kind: CertKind,
    /// OU and SPIFFE role segment.
    pub role: String,
    /// SANs (nodes only).
    pub hosts: Vec<Host>,
    /// Requested validity (capped at the issuer's end of validity), at least 5 minutes.
    pub valid_for: Duration,
    /// Key algorithm.
    pub key_type: KeyType,
}

impl LeafSpec {
    /// Check names and hosts before anything is generated.
    pub fn validate(&self) -> Result<()> {
        names::check_name(self.kind.as_str(), &self.name)?;
        names::check_role(&self.role)?;
        if self.kind == CertKind::Node && self.hosts.is_empty() {
            return Err(Error::Usage(format!(
                "node {:?} needs at least one --host (DNS name or IP address)",
                self.name
            )));
        }
        crate::pki::validity::check_validity(self.valid_for).map_err(Error::Usage)?;
        Ok(())
    }
}

/// SPIFFE id of an identity.
pub fn spiffe_id(trust_domain: &str, role: &str, name: &str) -> String {
    format!("spiffe://{trust_domain}/{role}/{name}")
}
