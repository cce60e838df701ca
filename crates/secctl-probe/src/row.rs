//! The rows of the matrix: one per transport the probe tries, in the JSON contract's
//! order and spelling (`http1`, `postgres-tls`).

use serde::{Deserialize, Serialize};

/// A transport, a row of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Row {
    /// Plaintext HTTP/1.1.
    Http1,
    /// Plaintext HTTP/2 (prior knowledge).
    H2c,
    /// Plaintext gRPC.
    Grpc,
    /// The TLS handshake.
    Tls,
    /// HTTP/1.1 over TLS.
    Https1,
    /// HTTP/2 over TLS.
    H2,
    /// gRPC over TLS.
    Grpcs,
    /// Plaintext PostgreSQL.
    Postgres,
    /// PostgreSQL over TLS.
    PostgresTls,
    /// Plaintext Redis.
    Redis,
    /// Redis over TLS.
    RedisTls,
    /// Plaintext MQTT.
    Mqtt,
    /// MQTT over TLS.
    MqttTls,
    /// Plaintext WebSocket (an HTTP/1.1 upgrade answered 101).
    Ws,
    /// WebSocket over TLS.
    Wss,
    /// Plaintext NATS (the server speaks first).
    Nats,
    /// NATS over TLS (started on the same connection after the server's `INFO`).
    NatsTls,
}

impl Row {
    /// Every row, in the matrix's order.
    pub const ALL: [Row; 17] = [
        Row::Http1,
        Row::H2c,
        Row::Grpc,
        Row::Tls,
        Row::Https1,
        Row::H2,
        Row::Grpcs,
        Row::Postgres,
        Row::PostgresTls,
        Row::Redis,
        Row::RedisTls,
        Row::Mqtt,
        Row::MqttTls,
        Row::Ws,
        Row::Wss,
        Row::Nats,
        Row::NatsTls,
    ];

    /// How JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Row::Http1 => "http1",
            Row::H2c => "h2c",
            Row::Grpc => "grpc",
            Row::Tls => "tls",
            Row::Https1 => "https1",
            Row::H2 => "h2",
            Row::Grpcs => "grpcs",
            Row::Postgres => "postgres",
            Row::PostgresTls => "postgres-tls",
            Row::Redis => "redis",
            Row::RedisTls => "redis-tls",
            Row::Mqtt => "mqtt",
            Row::MqttTls => "mqtt-tls",
            Row::Ws => "ws",
            Row::Wss => "wss",
            Row::Nats => "nats",
            Row::NatsTls => "nats-tls",
        }
    }

    /// A plaintext transport (a served row is unencrypted content).
    pub fn is_plaintext(self) -> bool {
        matches!(
            self,
            Row::Http1
                | Row::H2c
                | Row::Grpc
                | Row::Postgres
                | Row::Redis
                | Row::Mqtt
                | Row::Ws
                | Row::Nats
        )
    }

    /// An application protocol over TLS (not the `tls` handshake row).
    pub fn is_tls_app(self) -> bool {
        !self.is_plaintext() && self != Row::Tls
    }
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Row {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
