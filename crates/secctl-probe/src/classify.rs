//! The verdicts: a pure function from [`Observations`] to the rows of the matrix and the
//! summary. No sockets here; `tests/probe_table.rs` checks it case by case.

use super::config::Policy as Posture;
use super::observation::{
    Answer, Attempt, Denial, Fate, Handshake, IdentityObs, Observations, Refusal, ServiceObs,
    WebSocketObs, NO_ALPN, NO_VERDICT,
};
use super::report::{Outcome, PathIdentity, PathResult, Summary, Transport};
use super::row::Row;
use super::services;
use super::verdict::{ClientAuth, Encrypted, GivenCert, Mtls, ServerAuth};

const RUSTLS_CANNOT: &str = "secctl's TLS library (rustls) cannot answer a certificate request \
                             made after the handshake";

/// One identity's closes, read consistently across its connections. An identity refused at
/// its `tls` handshake, or whose fresh idle connection the server closed right after
/// admitting it (etcd's CRL check after Go's handshake), was refused: a close of any of its
/// connections before an answer is that refusal. An identity the `tls` handshake admitted
/// and nothing refused was not refused by a close right after another handshake: that close
/// is about the protocol offered there (a gRPC server closes an HTTP/1.1-only connection).
fn with_idle_refusals(o: &Observations) -> Observations {
    let mut o = o.clone();
    let closed_refusal = Fate::Refused(Refusal::ClosedAfterHandshake);
    for k in 0..3 {
        let Some(i) = (match k {
            0 => Some(&o.none),
            1 => Some(&o.throwaway),
            _ => o.given.as_ref(),
        }) else {
            continue;
        };
        let refusal = match (&i.tls.fate, &i.idle) {
            (Fate::Refused(r), _) => Some(Fate::Refused(r.clone())),
            (_, Some(Fate::Closed)) => Some(closed_refusal.clone()),
            (_, Some(Fate::Refused(a))) => Some(Fate::Refused(a.clone())),
            _ => None,
        };
        let admitted = i.tls.fate.handshake_completed();
        let fix = |f: &mut Fate| match &refusal {
            Some(r) if *f == Fate::Closed || *f == closed_refusal => *f = r.clone(),
            None if admitted && *f == closed_refusal => *f = Fate::Closed,
            _ => {}
        };
        let i = match k {
            0 => &mut o.none,
            1 => &mut o.throwaway,
            _ => o.given.as_mut().expect("checked above"),
        };
        if let Some(r) = &refusal {
            if i.tls.fate.handshake_completed() {
                i.tls.fate = r.clone();
            }
        }
        for a in i
            .https1
            .iter_mut()
            .chain(i.h2.iter_mut())
            .chain(std::iter::once(&mut i.grpcs))
        {
            fix(&mut a.fate);
        }
        for svc in o.services.iter_mut() {
            if let Ok((n, t, g)) = svc.tls.as_mut() {
                let a = match k {
                    0 => Some(n),
                    1 => Some(t),
                    _ => g.as_mut(),
                };
                if let Some(a) = a {
                    fix(&mut a.fate);
                }
            }
        }
        if let Some(Ok((n, t, g))) = o.websocket.as_mut().map(|w| w.tls.as_mut()) {
            let a = match k {
                0 => Some(n),
                1 => Some(t),
                _ => g.as_mut(),
            };
            if let Some(a) = a {
                fix(&mut a.fate);
            }
        }
    }
    o
}

/// The rows (http1, h2c, grpc, tls, https1, h2, grpcs, the services, ws, wss, nats,
/// nats-tls: the rows observed, in the order of [`Row::ALL`]) and the summary of one
/// target.
pub fn classify(o: &Observations) -> (Vec<Transport>, Summary) {
    let unreachable = all_unreachable(o);
    let mut rows = rows_of(&with_idle_refusals(o), unreachable);
    if let Some(view) = canary_view(o) {
        let canary = rows_of(&with_idle_refusals(&view), unreachable);
        for (r, c) in rows.iter_mut().zip(canary) {
            judge_canary(r, &c);
        }
    }
    let summary = summarize(&rows, unreachable);
    (rows, summary)
}

/// The observations as if the revoked canary were the given certificate: its verdict on
/// each row is then what the given certificate's would be (the same rules judge both).
fn canary_view(o: &Observations) -> Option<Observations> {
    let revoked = o.revoked.clone()?;
    let mut v = o.clone();
    v.given = Some(revoked);
    v.revoked = None;
    for s in &mut v.services {
        let canary = s.revoked.take();
        if let Ok((_, _, g)) = s.tls.as_mut() {
            *g = canary;
        }
    }
    if let Some(w) = v.websocket.as_mut() {
        let canary = w.revoked.take();
        if let Ok((_, _, g)) = w.tls.as_mut() {
            *g = canary;
        }
    }
    Some(v)
}

/// A row's verdict on the revoked canary, from the row the canary was judged on as the
/// given certificate: admitted where a certificate is demanded (the server let a revoked
/// certificate in), refused, or not established (null: not checked there, the row not
/// served, or a row that admits clients without a certificate, where getting in shows
/// nothing of revocation).
fn judge_canary(r: &mut Transport, canary: &Transport) {
    if r.transport.is_plaintext() {
        return;
    }
    // The canary's requests, as the given certificate's were recorded on its view.
    let mut paths = std::mem::take(&mut r.paths);
    paths.extend(
        canary
            .paths
            .iter()
            .filter(|p| p.identity == PathIdentity::Given)
            .map(|p| PathResult {
                identity: PathIdentity::Revoked,
                ..p.clone()
            }),
    );
    r.paths = by_path(paths);
    let verdict = match &canary.given_cert {
        Some(GivenCert::Accepted) if r.client_auth.demands_certificate() => Some(true),
        Some(GivenCert::Refused(_)) => Some(false),
        _ => None,
    };
    r.revoked_client_accepted = Some(verdict);
    match (&canary.given_cert, verdict) {
        (_, Some(true)) => r.detail.push_str(
            "; REVOKED canary admitted: the server does not enforce the CA's revocation list",
        ),
        (Some(GivenCert::Refused(why)), _) => r
            .detail
            .push_str(&format!("; revoked canary refused: {why}")),
        _ => {}
    }
}

/// The rows of one target (the given certificate judged as the given one).
fn rows_of(o: &Observations, unreachable: bool) -> Vec<Transport> {
    let mut rows = vec![
        plain_http(Row::Http1, &o.paths, &o.http1),
        plain_http(Row::H2c, &o.paths, &o.h2c),
        plain_grpc(&o.grpc),
        tls_row(o),
        tls_app(Row::Https1, o, |i| &i.https1),
        tls_app(Row::H2, o, |i| &i.h2),
        grpcs_row(o),
    ];
    for svc in &o.services {
        rows.push(service_plain_row(svc));
        rows.push(service_tls_row(svc));
    }
    if let Some(ws) = &o.websocket {
        rows.push(ws_plain_row(ws));
        rows.push(ws_tls_row(ws, throwaway_admitted(o)));
    }
    rows.sort_by_key(|r| r.transport);
    if let Some(g) = &o.greeting {
        spoke_first(&mut rows, g, o);
    }
    if unreachable {
        let why = match &o.none.tls.fate {
            Fate::Unreachable(w) => w.clone(),
            _ => "unreachable".into(),
        };
        for r in &mut rows {
            r.detail = format!("unreachable: {why}");
        }
    }
    rows
}

fn all_unreachable(o: &Observations) -> bool {
    let mut fates: Vec<&Fate> = vec![&o.grpc, &o.none.tls.fate, &o.throwaway.tls.fate];
    fates.extend(o.http1.iter());
    fates.extend(o.h2c.iter());
    fates.iter().all(|f| matches!(f, Fate::Unreachable(_)))
}

/// A port whose server spoke first (before any request, on a connection where nothing was
/// sent) speaks no protocol whose client speaks first: every such row is not served, and
/// says what the port said, whatever its exchange read from the greeting (a banner that
/// starts like a TLS alert or an HTTP status is neither). The rows of the protocols whose
/// server speaks first (NATS) keep their own verdicts.
fn spoke_first(rows: &mut [Transport], greeting: &str, o: &Observations) {
    let greeters: Vec<Row> = o
        .services
        .iter()
        .filter(|s| services::protocol(s.service).greets())
        .flat_map(|s| [s.service.row(), s.service.tls_row()])
        .collect();
    for r in rows.iter_mut().filter(|r| !greeters.contains(&r.transport)) {
        let what = match r.transport {
            Row::Http1 | Row::H2c | Row::Ws => "not HTTP",
            Row::Grpc => "not gRPC",
            Row::Postgres => "not PostgreSQL",
            Row::Redis => "not Redis",
            Row::Mqtt => "not MQTT",
            Row::Nats => "not NATS",
            _ => "no TLS from the first byte",
        };
        *r = Transport {
            detail: format!("the server speaks first (\"{greeting}\"): {what}"),
            ..row(r.transport)
        };
    }
}

/// The plaintext WebSocket row: served when the upgrade was taken (101 with the key's
/// accept); a refusal or any other status is not a WebSocket.
fn ws_plain_row(ws: &WebSocketObs) -> Transport {
    let mut r = row(Row::Ws);
    match &ws.plain {
        Err(why) => r.detail = why.clone(),
        Ok(f) => {
            r.served = content(f, false);
            if r.served {
                r.encrypted = Some(false);
            }
            r.detail = format!("GET {} (WebSocket upgrade): {}", ws.path, describe(f));
        }
    }
    r
}

/// The WebSocket row over TLS, from the identities as the other TLS rows: served when some
/// identity's upgrade was taken (a refusal to all shows HTTP, not a WebSocket).
fn ws_tls_row(ws: &WebSocketObs, throwaway_in: bool) -> Transport {
    let mut r = row(Row::Wss);
    let (n, t, g) = match &ws.tls {
        Err(why) => {
            r.detail = why.clone();
            return r;
        }
        Ok(x) => x,
    };
    let (auth, seen) = identities_server_auth(n, t, g.as_ref());
    let mut v = judge_path(n, t, g.as_ref(), None, false, throwaway_in);
    v.served = content(&n.fate, false)
        || content(&t.fate, false)
        || g.as_ref().is_some_and(|g| content(&g.fate, false));
    let mut text = format!(
        "GET {} (WebSocket upgrade): {}",
        ws.path,
        identity_fates(n, t, g.as_ref())
    );
    if v.policy == Policy::DeniedAll {
        text.push_str(" (denied with and without a certificate: not by client certificate)");
    }
    if let Some(m) = &v.mechanism {
        text.push_str(&format!(" ({m})"));
    }
    apply_verdicts(&mut r, &[(ws.path.clone(), v)], auth, seen, vec![text]);
    r
}

/// What the server's certificate showed over the attempts with each identity (none,
/// throwaway, given).
fn identities_server_auth<'a>(
    n: &'a Attempt,
    t: &'a Attempt,
    g: Option<&'a Attempt>,
) -> (ServerAuth, Option<&'a Handshake>) {
    let mut hss = vec![&n.hs, &t.hs];
    if let Some(g) = g {
        hss.push(&g.hs);
    }
    server_auth(&hss)
}

/// How each identity's attempt ended, in a detail: `none ..., throwaway ..., given ...`.
fn identity_fates(n: &Attempt, t: &Attempt, g: Option<&Attempt>) -> String {
    let mut fates = vec![
        format!("none {}", describe(&n.fate)),
        format!("throwaway {}", describe(&t.fate)),
    ];
    if let Some(g) = g {
        fates.push(format!("given {}", describe(&g.fate)));
    }
    fates.join(", ")
}

fn service_plain_row(svc: &ServiceObs) -> Transport {
    let mut r = row(svc.service.row());
    match &svc.plain {
        Err(why) => r.detail = why.clone(),
        Ok(f) => {
            if let Fate::Answer(a) = f {
                r.served = !matches!(a.denial, Denial::TlsRequired | Denial::Refused);
            }
            if r.served {
                r.encrypted = Some(false);
            }
            r.detail = describe(f);
        }
    }
    r
}

fn service_tls_row(svc: &ServiceObs) -> Transport {
    let mut r = row(svc.service.tls_row());
    let (n, t, g) = match &svc.tls {
        Err(why) => {
            r.detail = why.clone();
            return r;
        }
        Ok(x) => x,
    };
    let (auth, seen) = identities_server_auth(n, t, g.as_ref());
    let v = judge_path(n, t, g.as_ref(), None, false, false);
    let mut text = identity_fates(n, t, g.as_ref());
    if let Some(m) = &v.mechanism {
        text.push_str(&format!(" ({m})"));
    }
    if svc.tls_direct {
        text = format!("direct TLS (ALPN postgresql): {text}");
    }
    apply_verdicts(&mut r, &[("-".into(), v)], auth, seen, vec![text]);
    let spoke_tls = |a: &Attempt| a.hs.version.is_some() || matches!(a.fate, Fate::Refused(_));
    if svc.tls_direct {
        r.direct_tls = Some(
            r.served
                || [Some(n), Some(t), g.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(spoke_tls),
        );
    }
    if let Some(d) = &svc.direct {
        let ok = spoke_tls(d);
        r.direct_tls = Some(ok);
        let what = if ok { "spoken" } else { "not spoken" };
        r.detail.push_str(&format!(
            "; direct TLS (ALPN postgresql) {what}: none {}",
            describe(&d.fate)
        ));
    }
    r
}

/// The summary from every row, the `tls` row included (README, "Summary").
pub fn summarize(rows: &[Transport], unreachable: bool) -> Summary {
    let plaintext_content = rows
        .iter()
        .filter(|r| r.transport.is_plaintext())
        .any(|r| r.served && r.redirect.is_none());
    let tls = rows.iter().find(|r| r.transport == Row::Tls);
    let tls_served = tls.is_some_and(|r| r.served);
    // TLS application rows reached: answered with content, or a certificate demanded (at
    // the handshake or per request). A row refused to every identity alike is neither.
    let apps: Vec<&Transport> = rows
        .iter()
        .filter(|r| r.transport.is_tls_app())
        .filter(|r| r.reached())
        .collect();
    let judged: Vec<&Transport> = if !apps.is_empty() {
        apps
    } else {
        tls.filter(|r| r.served).into_iter().collect()
    };
    let encrypted = if unreachable {
        Encrypted::Unreachable
    } else {
        match (tls_served || !judged.is_empty(), plaintext_content) {
            (true, false) => Encrypted::All,
            (true, true) => Encrypted::Partial,
            (false, _) => Encrypted::None,
        }
    };
    // A client the CA revoked let in where a certificate is demanded: enforcement that
    // does not hold after a compromise.
    let untrusted = rows
        .iter()
        .any(|r| r.untrusted_client_accepted || r.revoked_client_accepted == Some(Some(true)));
    let enforced = judged
        .iter()
        .filter(|r| r.client_auth.demands_certificate() && r.open_paths.is_empty())
        .count();
    let some_enforcement = judged.iter().any(|r| r.client_auth.demands_certificate());
    let mtls = if judged.is_empty() {
        Mtls::None
    } else if untrusted {
        Mtls::Unverified
    } else if enforced == judged.len() && !plaintext_content {
        Mtls::Enforced
    } else if some_enforcement {
        Mtls::Partial
    } else if judged.iter().any(|r| r.client_auth == ClientAuth::Optional) {
        Mtls::Optional
    } else {
        Mtls::None
    };
    Summary { encrypted, mtls }
}

/// A row with nothing served, nothing seen.
pub fn row(name: Row) -> Transport {
    Transport {
        transport: name,
        served: false,
        encrypted: None,
        redirect: None,
        server_auth: ServerAuth::None,
        client_auth: ClientAuth::None,
        untrusted_client_accepted: false,
        revoked_client_accepted: None,
        given_cert: None,
        open_paths: vec![],
        tls_versions: vec![],
        cert_days_left: None,
        direct_tls: None,
        paths: vec![],
        detail: String::new(),
    }
}

/// Results grouped path by path (in the order each path first appears), each path's in
/// the order they were given (none, throwaway, given, revoked).
fn by_path(v: Vec<PathResult>) -> Vec<PathResult> {
    let mut order: Vec<String> = Vec::new();
    for p in &v {
        if !order.contains(&p.path) {
            order.push(p.path.clone());
        }
    }
    let mut out = Vec::with_capacity(v.len());
    for path in &order {
        out.extend(v.iter().filter(|p| &p.path == path).cloned());
    }
    out
}

/// The typed result of one request: how it ended, with what code, shown by what.
pub fn path_result(path: &str, identity: PathIdentity, f: &Fate) -> PathResult {
    let (status, grpc) = match f {
        Fate::Answer(a) => (Some(a.code), a.grpc),
        _ => (None, false),
    };
    let outcome = match f {
        Fate::Answer(a) if a.denial != Denial::None => Outcome::Refused,
        Fate::Answer(a) if !a.grpc && (300..400).contains(&a.code) && a.location.is_some() => {
            Outcome::Redirect
        }
        Fate::Answer(_) => Outcome::Answered,
        Fate::Refused(_) => Outcome::Refused,
        // Asked for a certificate: one without refused, one with it not presented (rustls
        // does not renegotiate).
        Fate::Renegotiation if identity == PathIdentity::None => Outcome::Refused,
        Fate::Renegotiation => Outcome::NotChecked,
        Fate::Closed | Fate::Silent(_) | Fate::Unanswered(_) | Fate::Other(_) => {
            Outcome::Unanswered
        }
        Fate::Unreachable(_)
        | Fate::NoTls(_)
        | Fate::NoCommonAlpn
        | Fate::Admitted(_)
        | Fate::NoVerdict => Outcome::NotChecked,
    };
    let evidence = match f {
        Fate::Refused(r) => r.text(),
        Fate::Answer(a) => a.text.clone(),
        f => describe(f),
    };
    PathResult {
        path: path.to_string(),
        identity,
        outcome,
        status,
        grpc,
        evidence,
    }
}

/// The path of the gRPC call every gRPC row makes.
pub const GRPC_HEALTH: &str = "/grpc.health.v1.Health/Check";

/// The TLS posture findings of a target's rows under `policy` (`--min-tls`,
/// `--warn-days`): versions accepted below the minimum, a server certificate that expires
/// within the window or has expired.
pub fn posture(rows: &[Transport], policy: &Posture) -> Vec<String> {
    let mut out = Vec::new();
    let Some(tls) = rows.iter().find(|r| r.transport == Row::Tls && r.served) else {
        return out;
    };
    let code = |v: &str| match v {
        "TLSv1.0" => 0x0301,
        "TLSv1.1" => 0x0302,
        "TLSv1.2" => 0x0303,
        "TLSv1.3" => 0x0304,
        _ => 0,
    };
    let min_name = match policy.min_tls {
        0x0301 => "1.0",
        0x0302 => "1.1",
        0x0303 => "1.2",
        _ => "1.3",
    };
    let low: Vec<&str> = tls
        .tls_versions
        .iter()
        .filter(|v| code(v) < policy.min_tls)
        .map(|v| v.as_str())
        .collect();
    if !low.is_empty() {
        out.push(format!(
            "accepts {} (below --min-tls {min_name})",
            low.join(", ")
        ));
    }
    match tls.cert_days_left {
        Some(d) if d < 0 => out.push(format!("server certificate expired {} days ago", -d)),
        Some(d) if d <= policy.warn_days => out.push(format!(
            "server certificate expires in {d} days (--warn-days {})",
            policy.warn_days
        )),
        _ => {}
    }
    out
}

/// What refused, in words, when an attempt ended in a refusal (an alert, a close right
/// after the handshake, an answer that refuses).
fn refusal(f: &Fate) -> Option<String> {
    match f {
        Fate::Refused(r) => Some(r.text()),
        Fate::Answer(a) => match a.denial {
            Denial::None => None,
            Denial::Identity => Some(a.text.clone()),
            Denial::TlsRequired => Some(format!("TLS required ({})", a.text)),
            Denial::Refused => Some(a.text.clone()),
        },
        _ => None,
    }
}

/// One wording for every way an attempt ended.
pub fn describe(f: &Fate) -> String {
    if let Some(r) = refusal(f) {
        return format!("refused: {r}");
    }
    match f {
        Fate::Unreachable(w) => format!("unreachable: {w}"),
        Fate::NoTls(w) => w.clone(),
        // Worded by `refusal` above, as is an answer that refuses.
        Fate::Refused(r) => format!("refused: {}", r.text()),
        Fate::NoCommonAlpn => NO_ALPN.into(),
        Fate::Admitted(_) | Fate::NoVerdict => "admitted".into(),
        Fate::Answer(a) => a.text.clone(),
        Fate::Renegotiation => "the server asked to renegotiate (TLS 1.2) for a certificate".into(),
        Fate::Closed => "closed without answering".into(),
        Fate::Other(w) => w.clone(),
        Fate::Silent(w) => w.clone(),
        Fate::Unanswered(w) => w.clone(),
    }
}

fn is_https_redirect(a: &Answer) -> Option<String> {
    match &a.location {
        Some(l)
            if (300..400).contains(&a.code) && l.to_ascii_lowercase().starts_with("https://") =>
        {
            Some(l.clone())
        }
        _ => None,
    }
}

fn plain_http(name: Row, paths: &[String], fates: &[Fate]) -> Transport {
    let mut r = row(name);
    let mut redirects = Vec::new();
    let mut content = false;
    let mut parts = Vec::new();
    for (p, f) in paths.iter().zip(fates) {
        if let Fate::Answer(a) = f {
            if !matches!(a.denial, Denial::TlsRequired | Denial::Refused) {
                r.served = true;
                match is_https_redirect(a) {
                    Some(l) => redirects.push(l),
                    None => content = true,
                }
            }
        }
        parts.push(if paths.len() > 1 {
            format!("{p}: {}", describe(f))
        } else {
            describe(f)
        });
        r.paths.push(path_result(p, PathIdentity::None, f));
    }
    if r.served {
        r.encrypted = Some(false);
        if !content {
            r.redirect = redirects.into_iter().next();
        }
    }
    r.detail = parts.join("; ");
    r
}

fn plain_grpc(f: &Fate) -> Transport {
    let mut r = row(Row::Grpc);
    if let Fate::Answer(a) = f {
        r.served = a.grpc;
        if r.served {
            r.encrypted = Some(false);
        }
    }
    r.detail = describe(f);
    r.paths = vec![path_result(GRPC_HEALTH, PathIdentity::None, f)];
    r
}

fn server_auth<'a>(hss: &[&'a Handshake]) -> (ServerAuth, Option<&'a Handshake>) {
    // The first handshake that saw the server's certificate decides; every attempt sees
    // the same certificate, so the order only matters for a server that changes it.
    match hss.iter().find(|h| h.server.trusted.is_some()) {
        Some(h) if h.server.trusted == Some(true) => (ServerAuth::Trusted, Some(h)),
        Some(h) => (ServerAuth::Untrusted, Some(h)),
        None => (ServerAuth::None, None),
    }
}

fn hs_text(h: &Handshake) -> String {
    let mut d = String::new();
    if let Some(v) = &h.version {
        d.push_str(v);
    }
    if let Some(c) = &h.cipher {
        d.push_str(&format!(" {c}"));
    }
    if let Some(a) = &h.alpn {
        d.push_str(&format!(" alpn={a}"));
    }
    d
}

fn server_text(h: Option<&Handshake>) -> String {
    let Some(h) = h else {
        return "no server certificate seen".into();
    };
    let mut d = match h.server.trusted {
        Some(true) => "server certificate trusted".to_string(),
        _ => format!("server certificate untrusted: {}", h.server.why),
    };
    if let Some(days) = h.server.days_left {
        if days < 0 {
            d.push_str(&format!(", expired {} days ago", -days));
        } else {
            d.push_str(&format!(", expires in {days} days"));
        }
    }
    d
}

fn identities(o: &Observations) -> Vec<(&'static str, &IdentityObs)> {
    let mut v = vec![("none", &o.none), ("throwaway", &o.throwaway)];
    if let Some(g) = &o.given {
        v.push(("given", g));
    }
    v
}

fn tls_row(o: &Observations) -> Transport {
    let mut r = row(Row::Tls);
    let ids = identities(o);
    // TLS is spoken when a handshake completed, a server refused an identity, or a server
    // presented its certificate (a handshake cut short after that is still TLS).
    let spoken = |a: &Attempt| {
        a.hs.version.is_some()
            || matches!(a.fate, Fate::Refused(_))
            || a.hs.server.trusted.is_some()
    };
    r.served = ids.iter().any(|(_, i)| spoken(&i.tls)) || o.tls12.as_ref().is_some_and(spoken);
    let mut hss: Vec<&Handshake> = ids.iter().map(|(_, i)| &i.tls.hs).collect();
    if let Some(t) = &o.tls12 {
        hss.push(&t.hs);
    }
    let (auth, seen) = server_auth(&hss);
    r.server_auth = auth;
    if !r.served {
        r.detail = describe(&o.none.tls.fate);
        return r;
    }
    r.encrypted = Some(true);
    let requested = ids.iter().any(|(_, i)| i.tls.hs.requested);
    let none_refused = matches!(o.none.tls.fate, Fate::Refused(_));
    // Admitted means let in with evidence of the server's verdict ([`Fate::Admitted`]
    // carries it): in TLS 1.3 a completed handshake followed by silence
    // ([`Fate::NoVerdict`]) says nothing about the client's certificate.
    let let_in = |a: &Attempt| matches!(a.fate, Fate::Admitted(_));
    r.untrusted_client_accepted = none_refused && let_in(&o.throwaway.tls);
    // `required` only when the handshake refuses none *and* the throwaway: a server that
    // demands a certificate and lets any in does not verify it.
    r.client_auth = if none_refused && !r.untrusted_client_accepted {
        ClientAuth::Required
    } else if requested || none_refused {
        ClientAuth::Optional
    } else {
        ClientAuth::None
    };
    r.given_cert = o.given.as_ref().map(|g| match &g.tls.fate {
        Fate::Admitted(_) => GivenCert::Accepted,
        Fate::NoVerdict => GivenCert::NotChecked(NO_VERDICT.to_string()),
        f => match refusal(f) {
            Some(why) if matches!(f, Fate::Refused(_)) => GivenCert::Refused(why),
            _ => GivenCert::NotChecked(describe(f)),
        },
    });
    let main = ids
        .iter()
        .map(|(_, i)| &i.tls.hs)
        .find(|h| h.version.is_some());
    let mut versions = Vec::new();
    if let Some(v) = main.and_then(|h| h.version.clone()) {
        versions.push(v);
    }
    if let Some(t) = &o.tls12 {
        if spoken(t) && !versions.iter().any(|v| v == "TLSv1.2") {
            versions.push("TLSv1.2".into());
        }
    }
    let mut legacy_text = Vec::new();
    for l in o.legacy.iter().rev() {
        if l.accepted == Some(true) {
            versions.push(l.version.clone());
        }
        legacy_text.push(l.detail.clone());
    }
    r.tls_versions = versions.clone();
    r.cert_days_left = seen.and_then(|h| h.server.days_left);
    let mut d = main.map(hs_text).unwrap_or_default();
    if let Some(g) = main.and_then(|h| h.group.as_deref()) {
        d.push_str(&format!(" group={g}"));
    }
    if !versions.is_empty() {
        d.push_str(&format!("; versions {}", versions.join(", ")));
    }
    if !legacy_text.is_empty() {
        d.push_str(&format!(" ({})", legacy_text.join(", ")));
    }
    d.push_str(&format!(
        "; client certificate {}",
        if requested {
            "requested"
        } else {
            "not requested"
        }
    ));
    let fates: Vec<String> = ids
        .iter()
        .map(|(n, i)| match i.tls.fate {
            Fate::Admitted(by) => format!("{n}: admitted ({})", by.text()),
            Fate::NoVerdict => format!("{n}: admitted ({NO_VERDICT})"),
            ref f => format!("{n}: {}", describe(f)),
        })
        .collect();
    d.push_str(&format!("; {}", fates.join(", ")));
    if r.untrusted_client_accepted {
        d.push_str("; a certificate from an unknown CA is let in");
    }
    let answered = |i: &IdentityObs| {
        i.https1
            .iter()
            .chain(i.h2.iter())
            .chain(std::iter::once(&i.grpcs))
            .any(|a| matches!(a.fate, Fate::Answer(_)))
    };
    let admitted_any = ids.iter().any(|(_, i)| i.tls.fate.handshake_completed());
    if admitted_any && !ids.iter().any(|(_, i)| answered(i)) {
        d.push_str("; application protocol not HTTP (no HTTP or gRPC answer over TLS)");
    }
    d.push_str(&format!("; {}", server_text(seen)));
    r.detail = d.trim_start_matches("; ").to_string();
    r
}

/// The server's policy on one path of one transport, from the three identities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// The handshake refuses none and the throwaway (or, with nothing else to tell, the
    /// server answers the given certificate and nothing without one).
    Required,
    /// The handshake admits none and the throwaway, the request refuses both, and the
    /// given certificate is answered or was not there to tell.
    PerRequest,
    /// A certificate is requested and a client without one is answered.
    Optional,
    /// Nothing without a certificate, and the throwaway (from an unknown CA) let in: any
    /// certificate does, none is verified.
    AnyCertificate,
    /// No certificate requested, a client without one answered.
    None,
    /// Refused with the same status with and without the given certificate (or, none ever
    /// requested, with and without the throwaway): the certificate decides nothing seen.
    DeniedAll,
    NotServed,
}

/// An application answer that is content (not a refusal); for gRPC, a gRPC answer.
fn content(f: &Fate, grpc: bool) -> bool {
    matches!(f, Fate::Answer(a) if a.denial == Denial::None && (!grpc || a.grpc))
}

fn denied(f: &Fate) -> bool {
    matches!(f, Fate::Answer(a) if a.denial == Denial::Identity) || *f == Fate::Renegotiation
}

/// Both refused by the application with the same code (HTTP status, or grpc-status).
fn same_refusal(a: &Fate, b: &Fate) -> bool {
    match (a, b) {
        (Fate::Answer(x), Fate::Answer(y)) => {
            x.denial == Denial::Identity
                && y.denial == Denial::Identity
                && (x.code, x.grpc) == (y.code, y.grpc)
        }
        _ => false,
    }
}

fn refused_tls(f: &Fate) -> bool {
    matches!(f, Fate::Refused(_))
}

struct PathVerdict {
    policy: Policy,
    served: bool,
    /// A CertificateRequest was seen on this path's handshakes.
    requested: bool,
    untrusted: bool,
    given: Option<GivenCert>,
    mechanism: Option<String>,
}

/// How a path refused to every identity alike reads.
const DENIED_ALL: &str = "denied with and without a certificate: not by client certificate";
const DENIED_ALL_GIVEN: &str = "refused with and without the given certificate alike: the \
                                certificate decides nothing seen, not per-request";

/// The `tls` handshake showed it let the throwaway in ([`Fate::Admitted`]: evidence, not
/// silence).
fn throwaway_admitted(o: &Observations) -> bool {
    matches!(o.throwaway.tls.fate, Fate::Admitted(_))
}

/// `throwaway_in`: the `tls` handshake admitted the throwaway (a row whose handshakes
/// refuse none but let it in is not `required`, whatever its request then met).
fn judge_path(
    n: &Attempt,
    t: &Attempt,
    g: Option<&Attempt>,
    reneg: Option<&Attempt>,
    grpc: bool,
    throwaway_in: bool,
) -> PathVerdict {
    // Served: some identity got content. A refusal is not content.
    let served = content(&n.fate, grpc)
        || content(&t.fate, grpc)
        || g.is_some_and(|g| content(&g.fate, grpc));
    let requested = n.hs.requested || t.hs.requested || g.is_some_and(|g| g.hs.requested);
    let renegotiates =
        n.fate == Fate::Renegotiation || reneg.is_some_and(|r| r.fate == Fate::Renegotiation);
    let given_content = g.is_some_and(|g| content(&g.fate, grpc));
    let mut mechanism = None;
    let throwaway_in = throwaway_in && !refused_tls(&t.fate);
    let policy = if refused_tls(&n.fate) {
        if content(&t.fate, grpc) {
            Policy::AnyCertificate
        } else if throwaway_in {
            // Demanded, and any certificate does at the handshake; nothing answered here.
            Policy::NotServed
        } else {
            Policy::Required
        }
    } else if denied(&n.fate) {
        if content(&t.fate, grpc) {
            Policy::AnyCertificate
        } else if renegotiates {
            mechanism = Some(if n.fate == Fate::Renegotiation {
                "asks for a certificate by TLS 1.2 renegotiation".to_string()
            } else {
                format!(
                    "refuses every identity over {}, and asks for a certificate by \
                     renegotiation over TLS 1.2: a certificate requested after the handshake \
                     (TLS 1.3 post-handshake authentication)",
                    n.hs.version.as_deref().unwrap_or("TLS")
                )
            });
            Policy::PerRequest
        } else if given_content {
            Policy::PerRequest
        } else if g.is_some_and(|g| same_refusal(&n.fate, &g.fate)) {
            // The identities' requests differ only by the certificate: the same refusal
            // (the same status) with the given one as without is not the certificate's
            // doing. A different refusal (nginx: 403 without, 400 for a bad certificate)
            // shows the certificate judged.
            mechanism = Some(if requested {
                DENIED_ALL_GIVEN.to_string()
            } else {
                DENIED_ALL.to_string()
            });
            Policy::DeniedAll
        } else if requested {
            // No given certificate answered or refused alike (none given, or the TLS layer
            // refused it): refused without a certificate and with an untrusted one, where
            // a certificate is requested.
            Policy::PerRequest
        } else {
            mechanism = Some(DENIED_ALL.to_string());
            Policy::DeniedAll
        }
    } else if content(&n.fate, grpc) {
        if requested {
            Policy::Optional
        } else {
            Policy::None
        }
    } else if given_content && !grpc && !matches!(n.fate, Fate::Unanswered(_)) {
        // Nothing without a certificate, an answer with one: the server refuses the
        // absence of a certificate its own way (a close, a timeout).
        mechanism = Some(format!("without a certificate: {}", describe(&n.fate)));
        if content(&t.fate, grpc) {
            Policy::AnyCertificate
        } else {
            Policy::Required
        }
    } else {
        Policy::NotServed
    };
    let untrusted = policy == Policy::AnyCertificate;
    let given = g.map(|g| {
        if content(&g.fate, grpc) {
            GivenCert::Accepted
        } else if renegotiates && denied(&g.fate) {
            GivenCert::NotChecked(RUSTLS_CANNOT.to_string())
        } else {
            match (&g.fate, refusal(&g.fate)) {
                (Fate::Refused(_), Some(why)) => GivenCert::Refused(why),
                (Fate::Answer(a), Some(why)) if a.denial == Denial::Identity => {
                    GivenCert::Refused(why)
                }
                (f, _) => GivenCert::NotChecked(describe(f)),
            }
        }
    });
    PathVerdict {
        policy,
        served,
        requested,
        untrusted,
        given,
        mechanism,
    }
}

/// The typed results of one path's attempts, identity by identity.
fn path_results(path: &str, n: &Attempt, t: &Attempt, g: Option<&Attempt>) -> Vec<PathResult> {
    let mut v = vec![
        path_result(path, PathIdentity::None, &n.fate),
        path_result(path, PathIdentity::Throwaway, &t.fate),
    ];
    if let Some(g) = g {
        v.push(path_result(path, PathIdentity::Given, &g.fate));
    }
    v
}

fn tls_app(name: Row, o: &Observations, pick: fn(&IdentityObs) -> &Vec<Attempt>) -> Transport {
    let mut r = row(name);
    let ids = identities(o);
    let mut hss: Vec<&Handshake> = Vec::new();
    for (_, i) in &ids {
        hss.extend(pick(i).iter().map(|a| &a.hs));
    }
    let (auth, seen) = server_auth(&hss);
    let mut verdicts = Vec::new();
    let mut parts = Vec::new();
    let mut results = Vec::new();
    for (k, path) in o.paths.iter().enumerate() {
        let at = |i: &IdentityObs| pick(i).get(k).cloned();
        let (Some(n), Some(t)) = (at(&o.none), at(&o.throwaway)) else {
            continue;
        };
        let g = o.given.as_ref().and_then(at);
        let reneg = o
            .renegotiation
            .iter()
            .find(|(p, _)| *p == k)
            .map(|(_, a)| a);
        let v = judge_path(&n, &t, g.as_ref(), reneg, false, throwaway_admitted(o));
        let mut fates = vec![
            format!("none {}", describe(&n.fate)),
            format!("throwaway {}", describe(&t.fate)),
        ];
        if let Some(g) = &g {
            fates.push(format!("given {}", describe(&g.fate)));
        }
        let mut text = format!("GET {path}: {}", fates.join(", "));
        if let Some(m) = &v.mechanism {
            text.push_str(&format!(" ({m})"));
        }
        parts.push(text);
        results.extend(path_results(path, &n, &t, g.as_ref()));
        verdicts.push((path.clone(), v));
    }
    apply_verdicts(&mut r, &verdicts, auth, seen, parts);
    r.paths = results;
    r
}

fn grpcs_row(o: &Observations) -> Transport {
    let mut r = row(Row::Grpcs);
    let ids = identities(o);
    let hss: Vec<&Handshake> = ids.iter().map(|(_, i)| &i.grpcs.hs).collect();
    let (auth, seen) = server_auth(&hss);
    let g = o.given.as_ref().map(|g| &g.grpcs);
    let v = judge_path(
        &o.none.grpcs,
        &o.throwaway.grpcs,
        g,
        None,
        true,
        throwaway_admitted(o),
    );
    let mut fates = vec![
        format!("none {}", describe(&o.none.grpcs.fate)),
        format!("throwaway {}", describe(&o.throwaway.grpcs.fate)),
    ];
    if let Some(g) = g {
        fates.push(format!("given {}", describe(&g.fate)));
    }
    let mut text = format!("Health/Check: {}", fates.join(", "));
    if let Some(m) = &v.mechanism {
        text.push_str(&format!(" ({m})"));
    }
    apply_verdicts(&mut r, &[("grpc".into(), v)], auth, seen, vec![text]);
    r.paths = path_results(GRPC_HEALTH, &o.none.grpcs, &o.throwaway.grpcs, g);
    r
}

fn apply_verdicts(
    r: &mut Transport,
    verdicts: &[(String, PathVerdict)],
    auth: ServerAuth,
    seen: Option<&Handshake>,
    parts: Vec<String>,
) {
    r.served = verdicts.iter().any(|(_, v)| v.served);
    let has = |p: Policy| verdicts.iter().any(|(_, v)| v.policy == p);
    // The server's certificate, whenever one was presented (`none`: none seen).
    r.server_auth = auth;
    if r.served {
        r.encrypted = Some(true);
    }
    // `required` and `per-request` need the throwaway kept out too; a certificate request
    // seen makes a row at least `optional`, whatever else it showed.
    r.client_auth = if has(Policy::Required) {
        ClientAuth::Required
    } else if has(Policy::PerRequest) {
        ClientAuth::PerRequest
    } else if has(Policy::Optional)
        || has(Policy::AnyCertificate)
        || verdicts.iter().any(|(_, v)| v.requested)
    {
        ClientAuth::Optional
    } else {
        ClientAuth::None
    };
    if r.client_auth == ClientAuth::PerRequest {
        r.open_paths = verdicts
            .iter()
            .filter(|(_, v)| matches!(v.policy, Policy::Optional | Policy::None))
            .map(|(p, _)| p.clone())
            .collect();
    }
    r.untrusted_client_accepted = verdicts.iter().any(|(_, v)| v.untrusted);
    // The given certificate: refused anywhere beats not checked beats accepted.
    let givens: Vec<(&String, &GivenCert)> = verdicts
        .iter()
        .filter_map(|(p, v)| v.given.as_ref().map(|g| (p, g)))
        .collect();
    let many = verdicts.len() > 1;
    let with_path = |p: &str, g: &GivenCert| {
        if many {
            g.clone().on(p)
        } else {
            g.clone()
        }
    };
    let refused = givens.iter().find(|(_, g)| g.is_refused());
    // On a row nothing answered, only a refusal says something about the certificate.
    r.given_cert = if givens.is_empty() || !r.served {
        refused.map(|(p, g)| with_path(p, g))
    } else if let Some((p, g)) = refused {
        Some(with_path(p, g))
    } else if let Some((p, g)) = givens
        .iter()
        .find(|(_, g)| matches!(g, GivenCert::NotChecked(_)))
    {
        Some(with_path(p, g))
    } else {
        Some(GivenCert::Accepted)
    };
    let mut d = seen.map(hs_text).unwrap_or_default();
    for p in parts {
        if !d.is_empty() {
            d.push_str("; ");
        }
        d.push_str(&p);
    }
    if !r.open_paths.is_empty() {
        d.push_str(&format!(
            "; open without a certificate: {}",
            r.open_paths.join(", ")
        ));
    }
    if r.untrusted_client_accepted {
        d.push_str("; a certificate from an unknown CA is let in");
    }
    if seen.is_some() {
        d.push_str(&format!("; {}", server_text(seen)));
    }
    r.detail = d;
}

/// Refused by an application answer (HTTP 401/403, a certificate page, grpc 16/7).
pub fn denied_by_status(f: &Fate) -> bool {
    matches!(f, Fate::Answer(a) if a.denial == Denial::Identity)
}
