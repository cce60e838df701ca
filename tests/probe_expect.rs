//! `probe --inventory` expectations per protocol, as data: a target's rows in, the
//! differences out (`secctl::probe::expect::differences`), one row per case met in the field.
//! The real servers behind them: tests/interop_servers.rs
//! (`plaintext_services_and_inventory_expectations`).

use secctl::probe::classify::{row, summarize};
use secctl::probe::expect::{differences, ProtocolExpect};
use secctl::probe::{ClientAuth, TargetReport, Transport};

/// A row: (transport, served, client_auth, untrusted client accepted).
type R = (&'static str, bool, &'static str, bool);

fn report(rows: &[R]) -> TargetReport {
    let transports: Vec<Transport> = secctl::probe::TRANSPORTS
        .iter()
        .map(|n| {
            let mut t = row(*n);
            if let Some((_, served, auth, untrusted)) = rows.iter().find(|r| *n == r.0) {
                t.served = *served;
                t.encrypted = served.then(|| !n.is_plaintext());
                t.client_auth = match *auth {
                    "required" => ClientAuth::Required,
                    "per-request" => ClientAuth::PerRequest,
                    "optional" => ClientAuth::Optional,
                    _ => ClientAuth::None,
                };
                t.untrusted_client_accepted = *untrusted;
            }
            t
        })
        .collect();
    let summary = summarize(&transports, false);
    TargetReport {
        target: "10.0.0.5:6379".into(),
        transports,
        summary,
        differences: None,
        warnings: vec![],
        authz: None,
    }
}

fn expect(tls: Option<&str>, client_cert: Option<&str>) -> ProtocolExpect {
    ProtocolExpect {
        tls: tls.map(str::to_string),
        client_cert: client_cert.map(str::to_string),
    }
}

struct Case {
    name: &'static str,
    rows: &'static [R],
    proto: &'static str,
    tls: Option<&'static str>,
    client_cert: Option<&'static str>,
    want: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "redis tls-auth-clients yes, probed as a client it accepts",
        rows: &[("tls", true, "required", false), ("redis-tls", true, "required", false)],
        proto: "redis",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &[],
    },
    Case {
        name: "redis tls-auth-clients yes, probed without a certificate (every identity refused)",
        rows: &[("tls", true, "required", false), ("redis-tls", false, "required", false)],
        proto: "redis",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &[],
    },
    Case {
        name: "redis tls-auth-clients optional",
        rows: &[("tls", true, "optional", false), ("redis-tls", true, "optional", false)],
        proto: "redis",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &["redis: client_cert is optional on redis-tls, expected required"],
    },
    Case {
        name: "redis plaintext port",
        rows: &[("redis", true, "none", false)],
        proto: "redis",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &["redis: not served over TLS, expected TLS required"],
    },
    Case {
        name: "redis plaintext port, only a client certificate expected",
        rows: &[("redis", true, "none", false)],
        proto: "redis",
        tls: None,
        client_cert: Some("required"),
        want: &["redis: not served over TLS, expected client_cert required"],
    },
    Case {
        name: "PostgreSQL accepting plaintext and TLS (host + hostssl)",
        rows: &[("postgres", true, "none", false), ("postgres-tls", true, "optional", false)],
        proto: "postgres",
        tls: Some("required"),
        client_cert: None,
        want: &["postgres: plaintext served (postgres), expected TLS required"],
    },
    Case {
        name: "PostgreSQL accepting plaintext and TLS, TLS optional expected",
        rows: &[("postgres", true, "none", false), ("postgres-tls", true, "optional", false)],
        proto: "postgres",
        tls: Some("optional"),
        client_cert: Some("optional"),
        want: &[],
    },
    Case {
        name: "PostgreSQL hostssl clientcert=verify-ca (refusal in the protocol: per-request)",
        rows: &[("postgres", false, "none", false), ("postgres-tls", true, "per-request", false)],
        proto: "postgres",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &[],
    },
    Case {
        name: "mosquitto require_certificate with an untrusted certificate let in",
        rows: &[("tls", true, "required", true), ("mqtt-tls", true, "required", true)],
        proto: "mqtt",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &["mqtt: an untrusted client certificate is accepted on mqtt-tls, expected client_cert required"],
    },
    Case {
        name: "mosquitto without client certificates, none expected",
        rows: &[("tls", true, "none", false), ("mqtt-tls", true, "none", false)],
        proto: "mqtt",
        tls: Some("required"),
        client_cert: Some("none"),
        want: &[],
    },
    Case {
        name: "plaintext MQTT expected, the port speaks only TLS",
        rows: &[("tls", true, "none", false), ("mqtt-tls", true, "none", false)],
        proto: "mqtt",
        tls: Some("none"),
        client_cert: None,
        want: &["mqtt: not served in plaintext, expected TLS none"],
    },
    Case {
        name: "nginx per-location: https1 and h2 both per-request",
        rows: &[
            ("tls", true, "none", false),
            ("https1", true, "per-request", false),
            ("h2", true, "per-request", false),
        ],
        proto: "http",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &[],
    },
    Case {
        name: "HTTP over TLS and a plaintext h2c answer on the same port",
        rows: &[("h2c", true, "none", false), ("h2", true, "required", false)],
        proto: "http",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &["http: plaintext served (h2c), expected TLS required"],
    },
    Case {
        name: "gRPC over TLS without client certificates where one is required",
        rows: &[("tls", true, "none", false), ("grpcs", true, "none", false)],
        proto: "grpc",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &["grpc: client_cert is none on grpcs, expected required"],
    },
    Case {
        name: "nats-server with tls { verify: true }: INFO tls_required, nats refused",
        rows: &[("nats", false, "none", false), ("nats-tls", true, "required", false)],
        proto: "nats",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &[],
    },
    Case {
        name: "EdgeX's message bus on a plaintext nats-server where TLS is required",
        rows: &[("nats", true, "none", false)],
        proto: "nats",
        tls: Some("required"),
        client_cert: None,
        want: &["nats: not served over TLS, expected TLS required"],
    },
    Case {
        name: "nats-server tls {} without verify, a client certificate expected",
        rows: &[("nats", false, "none", false), ("nats-tls", true, "none", false)],
        proto: "nats",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &["nats: client_cert is none on nats-tls, expected required"],
    },
    Case {
        name: "a WebSocket stream in plaintext beside wss",
        rows: &[
            ("ws", true, "none", false),
            ("wss", true, "required", false),
            ("https1", true, "required", false),
        ],
        proto: "ws",
        tls: Some("required"),
        client_cert: Some("required"),
        want: &["ws: plaintext served (ws), expected TLS required"],
    },
    Case {
        name: "an unknown protocol name (the inventory parser refuses it before this)",
        rows: &[],
        proto: "smtp",
        tls: Some("required"),
        client_cert: None,
        want: &["smtp: not a protocol secctl checks"],
    },
];

#[test]
fn expectations_table() {
    let mut bad = Vec::new();
    for c in CASES {
        let got = differences(&report(c.rows), c.proto, &expect(c.tls, c.client_cert));
        if got != c.want {
            bad.push(format!("{}: got {got:?}, want {:?}", c.name, c.want));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
