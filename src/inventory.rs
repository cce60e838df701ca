//! The YAML inventory of a cluster: nodes, clients and probe targets with expectations.
//! Parsed with serde-saphyr (pure Rust, input budgets against hostile YAML); every problem is
//! reported with its line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::{Error, Result};
use crate::pki::keys::KeyType;
use crate::pki::names::{self, Host};
use crate::pki::store::CertKind;
use crate::pki::validity::{self, RenewBefore};
use crate::probe::expect::ProtocolExpect;

/// The inventory file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Cluster name (O of every subject); must match the CA's.
    pub cluster: Spanned<String>,
    /// SPIFFE trust domain [default: cluster name lowercased + ".local"].
    #[serde(default)]
    pub trust_domain: Option<Spanned<String>>,
    /// How to create the CA when the state directory has none.
    #[serde(default)]
    pub ca: CaSection,
    /// Defaults for every certificate.
    #[serde(default)]
    pub defaults: Defaults,
    /// Node certificates (server + client).
    #[serde(default)]
    pub nodes: Vec<Entry>,
    /// Client certificates.
    #[serde(default)]
    pub clients: Vec<Entry>,
    /// Probe targets and what they must show.
    #[serde(default)]
    pub probe: Vec<ProbeEntry>,
}

/// `ca:`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaSection {
    /// Create an intermediate.
    #[serde(default)]
    pub intermediate: bool,
    /// Root validity in days.
    #[serde(default)]
    pub days: Option<Spanned<u32>>,
    /// Encrypt the CA keys with a passphrase when creating the CA.
    #[serde(default)]
    pub encrypt_key: bool,
}

/// `defaults:`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Key algorithm.
    #[serde(default)]
    pub key_type: Option<KeyType>,
    /// Validity in days.
    #[serde(default)]
    pub days: Option<Spanned<u32>>,
    /// Validity as a duration (`90d`, `24h`, `15m`).
    #[serde(default)]
    pub valid_for: Option<Spanned<String>>,
    /// Renew certificates that expire within this many days.
    #[serde(default)]
    pub renew_before_days: Option<Spanned<u32>>,
    /// Renewal window: a duration (`30d`, `8h`) or a fraction of the lifetime (`1/3`).
    #[serde(default)]
    pub renew_before: Option<Spanned<String>>,
    /// Owner (name or uid) of the delivered files.
    #[serde(default)]
    pub owner: Option<Spanned<String>>,
    /// Group (name or gid) of the delivered files.
    #[serde(default)]
    pub group: Option<Spanned<String>>,
    /// Mode of the delivered certificate and bundle (octal string).
    #[serde(default)]
    pub mode: Option<Spanned<String>>,
    /// Mode of the delivered key (octal string) [0600, or `mode` without its bits above 0600].
    #[serde(default)]
    pub key_mode: Option<Spanned<String>>,
}

/// A node or a client.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// CN.
    pub name: Spanned<String>,
    /// OU and SPIFFE role.
    pub role: Spanned<String>,
    /// SANs (nodes only).
    #[serde(default)]
    pub hosts: Vec<Spanned<String>>,
    /// Output directory [default: DIR/certs/NAME].
    #[serde(default)]
    pub out: Option<PathBuf>,
    /// Validity in days.
    #[serde(default)]
    pub days: Option<Spanned<u32>>,
    /// Validity as a duration.
    #[serde(default)]
    pub valid_for: Option<Spanned<String>>,
    /// Renewal window of this certificate.
    #[serde(default)]
    pub renew_before: Option<Spanned<String>>,
    /// Key algorithm.
    #[serde(default)]
    pub key_type: Option<KeyType>,
    /// A CSR made on the node: its key is certified instead of one generated here.
    #[serde(default)]
    pub csr: Option<Spanned<String>>,
    /// Owner of the delivered files.
    #[serde(default)]
    pub owner: Option<Spanned<String>>,
    /// Group of the delivered files.
    #[serde(default)]
    pub group: Option<Spanned<String>>,
    /// Mode of the delivered certificate and bundle.
    #[serde(default)]
    pub mode: Option<Spanned<String>>,
    /// Mode of the delivered key.
    #[serde(default)]
    pub key_mode: Option<Spanned<String>>,
    /// Deliver the CA's `crl.pem` beside `ca.crt` [nodes: true, clients: false].
    #[serde(default)]
    pub crl: Option<bool>,
    /// A command run (`sh -c`) after this item's delivered files changed, with the changed
    /// files in SECCTL_CHANGED_FILES.
    #[serde(default)]
    pub reload: Option<Spanned<String>>,
}

/// What a probe target must show.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// all, partial or none.
    #[serde(default)]
    pub encrypted: Option<String>,
    /// enforced, partial or none.
    #[serde(default)]
    pub mtls: Option<String>,
    /// HTTP (http1/h2c, https1/h2).
    #[serde(default)]
    pub http: Option<ProtocolExpect>,
    /// gRPC (grpc, grpcs).
    #[serde(default)]
    pub grpc: Option<ProtocolExpect>,
    /// PostgreSQL (postgres, postgres-tls).
    #[serde(default)]
    pub postgres: Option<ProtocolExpect>,
    /// Redis (redis, redis-tls).
    #[serde(default)]
    pub redis: Option<ProtocolExpect>,
    /// MQTT (mqtt, mqtt-tls).
    #[serde(default)]
    pub mqtt: Option<ProtocolExpect>,
    /// WebSocket (ws, wss).
    #[serde(default)]
    pub ws: Option<ProtocolExpect>,
    /// NATS (nats, nats-tls).
    #[serde(default)]
    pub nats: Option<ProtocolExpect>,
}

impl Expect {
    /// The per-protocol expectations given, by protocol name.
    pub fn protocols(&self) -> Vec<(&'static str, &ProtocolExpect)> {
        [
            ("http", &self.http),
            ("grpc", &self.grpc),
            ("postgres", &self.postgres),
            ("redis", &self.redis),
            ("mqtt", &self.mqtt),
            ("ws", &self.ws),
            ("nats", &self.nats),
        ]
        .into_iter()
        .filter_map(|(n, e)| e.as_ref().map(|e| (n, e)))
        .collect()
    }
}

/// A probe target.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeEntry {
    /// HOST:PORT.
    pub target: Spanned<String>,
    /// SNI name.
    #[serde(default)]
    pub servername: Option<String>,
    /// Probe as this client of the inventory (its certificate and key).
    #[serde(default, rename = "as")]
    pub as_client: Option<Spanned<String>>,
    /// Expectations.
    #[serde(default)]
    pub expect: Expect,
    /// Who may call what on this target (the policy schema of `probe --authz`): checked
    /// with the certificate of an inventory client or node of each role.
    #[serde(default)]
    pub authz: Vec<crate::pki::authz::RuleSpec>,
}

/// A validated certificate to provision.
#[derive(Debug, Clone)]
pub struct Item {
    /// CN.
    pub name: String,
    /// Node or client.
    pub kind: CertKind,
    /// Role.
    pub role: String,
    /// SANs.
    pub hosts: Vec<Host>,
    /// Output directory (None: the default), relative ones already joined to the
    /// inventory file's directory.
    pub out: Option<PathBuf>,
    /// Validity.
    pub valid_for: time::Duration,
    /// Renewal window (None: the inventory's, else the default).
    pub renew_before: Option<RenewBefore>,
    /// Key type (None: the CA's default).
    pub key_type: Option<KeyType>,
    /// The CSR whose key is certified (None: secctl generates the key).
    pub csr: Option<PathBuf>,
    /// Owner of the delivered files, as written (a name or a uid).
    pub owner: Option<String>,
    /// Group of the delivered files, as written (a name or a gid).
    pub group: Option<String>,
    /// Mode of the certificate and bundle.
    pub cert_mode: u32,
    /// Mode of the key.
    pub key_mode: u32,
    /// Deliver `crl.pem` beside `ca.crt`.
    pub crl: bool,
    /// The reload command run after its files changed.
    pub reload: Option<String>,
    /// Line of the item in the inventory.
    pub line: u64,
}

/// A validated inventory.
#[derive(Debug)]
pub struct Plan {
    /// Cluster name.
    pub cluster: String,
    /// Trust domain.
    pub trust_domain: String,
    /// Intermediate wanted when creating the CA.
    pub intermediate: bool,
    /// Root validity.
    pub ca_days: u32,
    /// Default key type.
    pub key_type: Option<KeyType>,
    /// Encrypt the CA keys when creating the CA.
    pub encrypt_key: bool,
    /// Renewal window (None: 30 days, at most a third of each certificate's lifetime).
    pub renew_before: Option<RenewBefore>,
    /// The inventory file's directory (relative `out:` are resolved against it).
    pub base: PathBuf,
    /// Certificates, in file order (nodes, then clients).
    pub items: Vec<Item>,
    /// Probe targets.
    pub probes: Vec<ProbeTarget>,
}

impl Plan {
    /// Where `item`'s files go: its `out:` (relative ones against the inventory file's
    /// directory), else `DIR/certs/NAME`; absolute.
    pub fn out_dir(&self, item: &Item, store: &crate::pki::store::Store) -> PathBuf {
        let d = item
            .out
            .clone()
            .unwrap_or_else(|| store.path("certs").join(&item.name));
        std::path::absolute(&d).unwrap_or(d)
    }
}

/// Largest inventory read (a hostile file must not exhaust memory).
const MAX_BYTES: u64 = 64 << 20;

/// Read and validate an inventory; every problem names the file and the line.
pub fn load(path: &Path) -> Result<Plan> {
    let meta = std::fs::metadata(path).map_err(|e| Error::read(path, e))?;
    if meta.is_dir() {
        return Err(Error::path(
            path,
            "is a directory, expected an inventory file",
        ));
    }
    if meta.len() > MAX_BYTES {
        return Err(Error::path(path, "larger than 64 MiB"));
    }
    let text = crate::pki::fsio::read_text(path)?;
    parse(path, &text)
}

/// Parse and validate inventory text; `path` names it in messages.
pub fn parse(path: &Path, text: &str) -> Result<Plan> {
    if text.trim().is_empty() {
        return Err(Error::path(path, "empty inventory"));
    }
    // The parser's budgets are sized to the input: every node and event costs at least a
    // byte of it, so a large fleet is accepted (100,000 nodes is about 6 MB) while an alias
    // bomb, whose expansion outgrows its own size, is still stopped.
    let (max_nodes, max_events) = yaml_budget(text.len());
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: max_nodes,
            max_events: max_events,
        },
    };
    let inv: Inventory = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let msg = e.to_string();
        let first = msg.lines().next().unwrap_or("invalid YAML").trim();
        let mut first = first.strip_prefix("error: ").unwrap_or(first).to_string();
        if first.contains("budget") {
            first = format!(
                "the YAML expands beyond its size (more than {max_nodes} nodes or {max_events} events for {} bytes: aliases?); {first}",
                text.len()
            );
        }
        match e.location() {
            Some(l) if !first.contains("line") => {
                Error::path(path, format!("line {}: {first}", l.line()))
            }
            _ => Error::path(path, first),
        }
    })?;
    validate(path, inv)
}

/// The YAML parser's node and event limits for an input of `len` bytes: never below the
/// parser's defaults (250,000 nodes, 1,000,000 events), else one node and two events per
/// byte of input.
pub fn yaml_budget(len: usize) -> (usize, usize) {
    (len.max(250_000), (2 * len).max(1_000_000))
}

fn at<T>(path: &Path, s: &Spanned<T>, msg: impl std::fmt::Display) -> Error {
    Error::path(path, format!("line {}: {msg}", s.referenced.line()))
}

fn validate(path: &Path, inv: Inventory) -> Result<Plan> {
    let cluster = inv.cluster.value.clone();
    let trust_domain = validate_names(path, &inv)?;
    validate_ca(path, &inv.ca)?;
    let defaults = validate_defaults(path, &inv.defaults)?;
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let base = std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf());
    let items = validate_entries(path, &inv, &defaults, &base)?;
    let probes = inv
        .probe
        .iter()
        .map(|p| validate_probe(path, &inv, p))
        .collect::<Result<Vec<_>>>()?;
    Ok(Plan {
        cluster,
        trust_domain,
        intermediate: inv.ca.intermediate,
        ca_days: inv.ca.days.as_ref().map_or(3650, |d| d.value),
        key_type: inv.defaults.key_type,
        encrypt_key: inv.ca.encrypt_key,
        renew_before: defaults.renew,
        base,
        items,
        probes,
    })
}

/// `cluster` and `trust_domain`: the trust domain given, else derived from the cluster.
fn validate_names(path: &Path, inv: &Inventory) -> Result<String> {
    let cluster = &inv.cluster.value;
    names::check_cluster_name(cluster).map_err(|e| at(path, &inv.cluster, e))?;
    match &inv.trust_domain {
        Some(td) => {
            names::check_trust_domain(&td.value).map_err(|e| at(path, td, e))?;
            Ok(td.value.clone())
        }
        None => {
            let td = format!("{}.local", cluster.to_ascii_lowercase());
            names::check_trust_domain(&td).map_err(|_| {
                at(
                    path,
                    &inv.cluster,
                    "cannot derive a trust domain from the cluster name: set trust_domain",
                )
            })?;
            Ok(td)
        }
    }
}

fn days_ok(d: u32) -> bool {
    (1..=36500).contains(&d)
}

/// The `ca:` section.
fn validate_ca(path: &Path, ca: &CaSection) -> Result<()> {
    for (field, d) in [("ca.days", &ca.days)] {
        if let Some(d) = d.as_ref().filter(|d| !days_ok(d.value)) {
            return Err(at(
                path,
                d,
                format!("{field} must be 1 to 36500, not {}", d.value),
            ));
        }
    }
    Ok(())
}

/// A validity given as `days` or `valid_for` (`field` prefixes the names in messages).
fn validity_of(
    path: &Path,
    days: &Option<Spanned<u32>>,
    valid_for: &Option<Spanned<String>>,
    field: &str,
) -> Result<Option<time::Duration>> {
    match (days, valid_for) {
        (Some(d), Some(_)) => Err(at(
            path,
            d,
            format!("{field}days and {field}valid_for conflict: give one"),
        )),
        (Some(d), None) if !days_ok(d.value) => Err(at(
            path,
            d,
            format!("{field}days must be 1 to 36500, not {}", d.value),
        )),
        (Some(d), None) => Ok(Some(time::Duration::days(i64::from(d.value)))),
        (None, Some(v)) => validity::parse_validity(&v.value)
            .map(Some)
            .map_err(|e| at(path, v, format!("{field}valid_for: {e}"))),
        (None, None) => Ok(None),
    }
}

/// A renewal window given as `renew_before_days` or `renew_before`.
fn renew_of(
    path: &Path,
    days: Option<&Spanned<u32>>,
    rb: &Option<Spanned<String>>,
    field: &str,
) -> Result<Option<RenewBefore>> {
    match (days, rb) {
        (Some(d), Some(_)) => Err(at(
            path,
            d,
            format!("{field}renew_before_days and {field}renew_before conflict: give one"),
        )),
        (Some(d), None) if d.value > 36500 => Err(at(
            path,
            d,
            format!("{field}renew_before_days must be at most 36500"),
        )),
        (Some(d), None) => Ok(Some(RenewBefore::Window(time::Duration::days(i64::from(
            d.value,
        ))))),
        (None, Some(v)) => validity::parse_renew_before(&v.value)
            .map(Some)
            .map_err(|e| at(path, v, format!("{field}renew_before: {e}"))),
        (None, None) => Ok(None),
    }
}

/// A file mode, parsed and checked by `check`.
fn mode_of(
    path: &Path,
    m: &Option<Spanned<String>>,
    field: &str,
    check: fn(u32) -> std::result::Result<(), String>,
) -> Result<Option<u32>> {
    match m {
        None => Ok(None),
        Some(m) => {
            let v = crate::pki::delivery::parse_mode(&m.value)
                .and_then(|v| check(v).map(|_| v))
                .map_err(|e| at(path, m, format!("{field}: {e}")))?;
            Ok(Some(v))
        }
    }
}

/// The `defaults:` section, validated.
struct ItemDefaults {
    validity: time::Duration,
    renew: Option<RenewBefore>,
    mode: Option<u32>,
    key_mode: Option<u32>,
    key_type: Option<KeyType>,
    owner: Option<String>,
    group: Option<String>,
}

fn validate_defaults(path: &Path, d: &Defaults) -> Result<ItemDefaults> {
    use crate::pki::delivery::{check_cert_mode, check_key_mode};
    let validity = validity_of(path, &d.days, &d.valid_for, "defaults.")?
        .unwrap_or(validity::DEFAULT_VALIDITY);
    let renew = renew_of(
        path,
        d.renew_before_days.as_ref(),
        &d.renew_before,
        "defaults.",
    )?;
    let mode = mode_of(path, &d.mode, "defaults.mode", check_cert_mode)?;
    let key_mode = mode_of(path, &d.key_mode, "defaults.key_mode", check_key_mode)?;
    Ok(ItemDefaults {
        validity,
        renew,
        mode,
        key_mode,
        key_type: d.key_type,
        owner: text(&d.owner),
        group: text(&d.group),
    })
}

fn text(v: &Option<Spanned<String>>) -> Option<String> {
    v.as_ref().map(|s| s.value.clone())
}

/// The `nodes:` and `clients:` sections, in file order; names unique across both.
fn validate_entries(
    path: &Path,
    inv: &Inventory,
    defaults: &ItemDefaults,
    base: &Path,
) -> Result<Vec<Item>> {
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut items = Vec::new();
    for (kind, list) in [
        (CertKind::Node, &inv.nodes),
        (CertKind::Client, &inv.clients),
    ] {
        for e in list {
            items.push(validate_entry(path, kind, e, defaults, base, &mut seen)?);
        }
    }
    Ok(items)
}

/// One node or client.
fn validate_entry(
    path: &Path,
    kind: CertKind,
    e: &Entry,
    defaults: &ItemDefaults,
    base: &Path,
    seen: &mut HashMap<String, u64>,
) -> Result<Item> {
    let line = e.name.referenced.line();
    let hosts = entry_identity(path, kind, e, line, seen)?;
    let (valid_for, renew_before) = entry_lifetime(path, kind, e, defaults)?;
    entry_key_source(path, kind, e, defaults)?;
    let (cert_mode, key_mode) = entry_modes(path, e, defaults)?;
    if let Some(r) = &e.reload {
        if r.value.trim().is_empty() {
            return Err(at(path, r, format!("{}: reload is empty", e.name.value)));
        }
        if r.value.contains('\0') {
            return Err(at(
                path,
                r,
                format!("{}: reload contains a NUL byte", e.name.value),
            ));
        }
    }
    Ok(Item {
        name: e.name.value.clone(),
        kind,
        role: e.role.value.clone(),
        hosts,
        out: e.out.as_ref().map(|o| base.join(o)),
        valid_for,
        renew_before,
        key_type: e.key_type.or(defaults.key_type),
        csr: e.csr.as_ref().map(|c| base.join(&c.value)),
        owner: text(&e.owner).or(defaults.owner.clone()),
        group: text(&e.group).or(defaults.group.clone()),
        cert_mode,
        key_mode,
        crl: e.crl.unwrap_or(kind == CertKind::Node),
        reload: text(&e.reload),
        line,
    })
}

/// An entry's name, role and hosts (nodes have hosts, clients none).
fn entry_identity(
    path: &Path,
    kind: CertKind,
    e: &Entry,
    line: u64,
    seen: &mut HashMap<String, u64>,
) -> Result<Vec<Host>> {
    names::check_name(kind.as_str(), &e.name.value).map_err(|x| at(path, &e.name, x))?;
    if e.role.value.is_empty() {
        return Err(at(
            path,
            &e.name,
            format!("{} {:?}: missing role", kind.as_str(), e.name.value),
        ));
    }
    names::check_role(&e.role.value).map_err(|x| at(path, &e.role, x))?;
    crate::pki::canary::check_not_reserved(&e.name.value, &e.role.value)
        .map_err(|x| at(path, &e.name, x))?;
    if let Some(prev) = seen.insert(e.name.value.clone(), line) {
        return Err(at(
            path,
            &e.name,
            format!("duplicate name {:?} (first at line {prev})", e.name.value),
        ));
    }
    let mut hosts = Vec::new();
    for h in &e.hosts {
        hosts.push(names::parse_host(&h.value).map_err(|x| at(path, h, x))?);
    }
    if kind == CertKind::Node && hosts.is_empty() {
        return Err(at(
            path,
            &e.name,
            format!("node {:?}: no hosts", e.name.value),
        ));
    }
    if kind == CertKind::Client && !hosts.is_empty() {
        return Err(at(
            path,
            &e.name,
            format!("client {:?}: clients have no hosts", e.name.value),
        ));
    }
    Ok(hosts)
}

/// An entry's validity and renewal window (the window shorter than the validity).
fn entry_lifetime(
    path: &Path,
    kind: CertKind,
    e: &Entry,
    defaults: &ItemDefaults,
) -> Result<(time::Duration, Option<RenewBefore>)> {
    let valid_for = validity_of(path, &e.days, &e.valid_for, "")?.unwrap_or(defaults.validity);
    let renew_before = renew_of(path, None, &e.renew_before, "")?.or(defaults.renew);
    if let Some(RenewBefore::Window(w)) = renew_before {
        if w >= valid_for {
            let s = e.renew_before.as_ref().unwrap_or(&e.name);
            return Err(at(
                path,
                s,
                format!(
                    "{} {:?}: renew_before {} is not shorter than its validity {} (it would be renewed on every run)",
                    kind.as_str(),
                    e.name.value,
                    validity::format_duration(w),
                    validity::format_duration(valid_for)
                ),
            ));
        }
    }
    Ok((valid_for, renew_before))
}

/// An entry's key: a CSR's (no key_type then), or one secctl makes (not plain `rsa`).
fn entry_key_source(path: &Path, kind: CertKind, e: &Entry, defaults: &ItemDefaults) -> Result<()> {
    if let Some(c) = &e.csr {
        if e.key_type.is_some() {
            return Err(at(
                path,
                c,
                format!(
                    "{} {:?}: key_type and csr exclude each other (the key is the CSR's)",
                    kind.as_str(),
                    e.name.value
                ),
            ));
        }
    } else if e.key_type.or(defaults.key_type) == Some(KeyType::Rsa) {
        return Err(at(
            path,
            &e.name,
            format!("{} {:?}: key_type rsa is an RSA key made on the node: give csr: with its CSR (or key_type rsa-2048, rsa-3072 or rsa-4096 to have secctl make one)", kind.as_str(), e.name.value),
        ));
    }
    Ok(())
}

/// An entry's certificate and key modes (the key readable by its owner).
fn entry_modes(path: &Path, e: &Entry, defaults: &ItemDefaults) -> Result<(u32, u32)> {
    use crate::pki::delivery::{check_cert_mode, check_key_mode};
    let cert_mode = mode_of(path, &e.mode, "mode", check_cert_mode)?
        .or(defaults.mode)
        .unwrap_or(crate::pki::fsio::PUBLIC_MODE);
    let key_mode = mode_of(path, &e.key_mode, "key_mode", check_key_mode)?
        .or(defaults.key_mode)
        .unwrap_or(cert_mode & crate::pki::fsio::SECRET_MODE);
    if key_mode & 0o400 == 0 {
        return Err(at(
            path,
            e.mode.as_ref().unwrap_or(&e.name),
            format!("mode {cert_mode:04o} leaves the key unreadable by its owner: give key_mode"),
        ));
    }
    Ok((cert_mode, key_mode))
}

/// A validated probe target.
#[derive(Debug, Clone)]
pub struct ProbeTarget {
    /// HOST:PORT.
    pub target: crate::probe::Target,
    /// SNI name.
    pub servername: Option<String>,
    /// The client or node whose certificate the probe presents.
    pub as_client: Option<String>,
    /// Expectations.
    pub expect: Expect,
    /// The authorization rules to check.
    pub authz: Option<AuthzCheck>,
}

/// A probe entry's authorization rules and who calls.
#[derive(Debug, Clone)]
pub struct AuthzCheck {
    /// The rules.
    pub policy: crate::pki::authz::Policy,
    /// For each role of the inventory, the client or node of that role whose certificate
    /// calls as it: (role, name, whether the policy names the role).
    pub holders: Vec<(String, String, bool)>,
}

/// One `probe:` entry: its target, its expectations and the client it probes as.
fn validate_probe(path: &Path, inv: &Inventory, p: &ProbeEntry) -> Result<ProbeTarget> {
    let t = crate::probe::parse_target(&p.target.value).map_err(|e| at(path, &p.target, e))?;
    validate_expect(path, p)?;
    let as_client = match &p.as_client {
        Some(c) => {
            if !inv
                .clients
                .iter()
                .chain(inv.nodes.iter())
                .any(|e| e.name.value == c.value)
            {
                return Err(at(
                    path,
                    c,
                    format!(
                        "`as: {}` is not a client or node of this inventory",
                        c.value
                    ),
                ));
            }
            Some(c.value.clone())
        }
        None => None,
    };
    Ok(ProbeTarget {
        target: t,
        servername: p.servername.clone(),
        as_client,
        expect: p.expect.clone(),
        authz: validate_authz(path, inv, p)?,
    })
}

/// A probe entry's `authz:` rules, and for each role of the inventory the first client
/// (else node) that holds it. A role the rules name that nobody holds is an error.
fn validate_authz(path: &Path, inv: &Inventory, p: &ProbeEntry) -> Result<Option<AuthzCheck>> {
    if p.authz.is_empty() {
        return Ok(None);
    }
    let policy = crate::pki::authz::validate(&p.authz)
        .map_err(|(line, msg)| Error::path(path, format!("line {line}: {msg}")))?;
    let mut holders = Vec::new();
    for role in policy.roles() {
        let holder = inv
            .clients
            .iter()
            .chain(inv.nodes.iter())
            .find(|e| e.role.value == role)
            .ok_or_else(|| {
                Error::path(
                    path,
                    format!(
                        "line {}: role {role:?} is held by no client or node of this inventory",
                        policy.line_of_role(&role)
                    ),
                )
            })?;
        holders.push((role, holder.name.value.clone(), true));
    }
    // Every other role of the inventory is called too: the policy denies it everywhere.
    for e in inv.clients.iter().chain(inv.nodes.iter()) {
        if !holders.iter().any(|(r, _, _)| r == &e.role.value) {
            holders.push((e.role.value.clone(), e.name.value.clone(), false));
        }
    }
    Ok(Some(AuthzCheck { policy, holders }))
}

/// A probe entry's `expect:` values.
fn validate_expect(path: &Path, p: &ProbeEntry) -> Result<()> {
    for (field, v, allowed) in [
        (
            "encrypted",
            &p.expect.encrypted,
            &["all", "partial", "none", "unreachable"][..],
        ),
        (
            "mtls",
            &p.expect.mtls,
            &["enforced", "partial", "optional", "unverified", "none"][..],
        ),
    ] {
        if let Some(v) = v {
            if !allowed.contains(&v.as_str()) {
                return Err(at(
                    path,
                    &p.target,
                    format!("expect.{field} must be one of {}", allowed.join(", ")),
                ));
            }
        }
    }
    for (proto, e) in p.expect.protocols() {
        use crate::probe::expect::{CLIENT_CERT_VALUES, TLS_VALUES};
        for (field, v, allowed) in [
            ("tls", &e.tls, &TLS_VALUES[..]),
            ("client_cert", &e.client_cert, &CLIENT_CERT_VALUES[..]),
        ] {
            if let Some(v) = v {
                if !allowed.contains(&v.as_str()) {
                    return Err(at(
                        path,
                        &p.target,
                        format!(
                            "expect.{proto}.{field} must be one of {}",
                            allowed.join(", ")
                        ),
                    ));
                }
            }
        }
        if e.tls.is_none() && e.client_cert.is_none() {
            return Err(at(
                path,
                &p.target,
                format!("expect.{proto} states nothing (give tls: and/or client_cert:)"),
            ));
        }
    }
    Ok(())
}
