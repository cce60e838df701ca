
use builtin;
use str;

set edit:completion:arg-completer[secctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'secctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'secctl'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ca 'Create and inspect the certificate authority'
            cand cert 'Issue and inspect node and client certificates'
            cand revoke 'Revoke certificates (by name, serial or file) and publish a new CRL'
            cand crl 'Publish `crl.pem`: one CRL per trusted CA, signed by the issuing CA'
            cand verify 'Verify a certificate file, or a live server''s (HOST:PORT): chain, validity, usage, CRL, host, role'
            cand serve 'Run a reference single-port node: TLS (HTTP/1.1, HTTP/2, gRPC) and a plaintext redirect'
            cand probe 'Classify every transport of one or more ports: encrypted? who is authenticated?'
            cand demo 'The whole product in seconds: temporary CA, certificates, serve on loopback, probe it'
            cand apply 'Provision a whole cluster from a YAML inventory: issue what is missing, renew what expires'
            cand key 'Split a secret file into K-of-N Shamir shares, or combine shares back'
            cand backup 'Backups of the state directory that need K of N custodians to restore'
            cand store 'Check the state directory''s parts against each other (records, index, CRL, delivered files)'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Write man pages (one per subcommand) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;ca'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a root CA (and optionally an issuing intermediate) in the state directory'
            cand show 'Show the CA: subject, key type, validity, fingerprints, key encryption'
            cand rotate 'Make a new CA; the trust bundle keeps the old one until it expires'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;ca;init'= {
            cand --name 'Cluster name: the O of every certificate subject'
            cand --trust-domain 'SPIFFE trust domain of the URI SANs [default: the cluster name, lowercased, + ".local"]'
            cand --key-type 'Key algorithm of the CA (and default for issued certificates)'
            cand --days 'Validity of the root in days'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --intermediate 'Also create an intermediate CA that signs everything afterwards'
            cand --encrypt-key 'Protect the CA key(s) with a passphrase (age, scrypt); implied by --passphrase-file'
            cand --force 'Replace an existing CA (moved to DIR/attic/, never deleted)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;ca;show'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;ca;rotate'= {
            cand --key-type 'Key algorithm of the new CA [default: the current one''s]'
            cand --days 'Validity of the new root in days'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;ca;help'= {
            cand init 'Create a root CA (and optionally an issuing intermediate) in the state directory'
            cand show 'Show the CA: subject, key type, validity, fingerprints, key encryption'
            cand rotate 'Make a new CA; the trust bundle keeps the old one until it expires'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;ca;help;init'= {
        }
        &'secctl;ca;help;show'= {
        }
        &'secctl;ca;help;rotate'= {
        }
        &'secctl;ca;help;help'= {
        }
        &'secctl;cert'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand node 'Issue a node certificate (TLS server and client)'
            cand client 'Issue a client certificate (TLS client only)'
            cand list 'List issued certificates with role, serial, expiry and status'
            cand renew 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key)'
            cand show 'Show one certificate: by name, serial, or certificate file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;cert;node'= {
            cand --host 'DNS name or IP address the node is reached at (repeatable)'
            cand --role 'Role (OU and SPIFFE path), e.g. praefect, gitaly'
            cand --days 'Validity in days (capped at the issuing CA''s end of validity) [default: 365]'
            cand --valid-for 'Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA''s end of validity)'
            cand --key-type 'Key algorithm [default: the CA''s]'
            cand --out 'Output directory [default: DIR/certs/NAME]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --force 'Issue even if a valid certificate with this name exists, and replace an existing `ca.crt` in the output directory that is not a bundle of this CA'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;cert;client'= {
            cand --role 'Role (OU and SPIFFE path), e.g. gitlab'
            cand --days 'Validity in days (capped at the issuing CA''s end of validity) [default: 365]'
            cand --valid-for 'Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA''s end of validity)'
            cand --key-type 'Key algorithm [default: the CA''s]'
            cand --out 'Output directory [default: DIR/certs/NAME]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --force 'Issue even if a valid certificate with this name exists, and replace an existing `ca.crt` in the output directory that is not a bundle of this CA'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;cert;list'= {
            cand --expiring-within 'Certificates ending within this many days are listed as expiring'
            cand --role 'Only certificates of this role'
            cand --kind 'Only nodes or only clients'
            cand --status 'Only certificates in this status (repeatable): valid, expiring, expired, not-yet-valid, revoked, superseded (a newer certificate has the same name)'
            cand --name 'Only certificates of this name'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;cert;renew'= {
            cand --days 'Validity in days (capped at the issuing CA''s end of validity) [default: the lifetime of the certificate renewed]'
            cand --valid-for 'Validity as a duration: 90d, 24h, 15m, 1h30m [default: the lifetime of the certificate renewed]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --force 'Replace an existing `ca.crt` in the output directory that is not a bundle of this CA'
            cand --reuse-key 'Keep the existing private key (read from the certificate''s output directory)'
            cand --revoke-old 'Revoke the old certificate (reason superseded) and publish a new CRL'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;cert;show'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;cert;help'= {
            cand node 'Issue a node certificate (TLS server and client)'
            cand client 'Issue a client certificate (TLS client only)'
            cand list 'List issued certificates with role, serial, expiry and status'
            cand renew 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key)'
            cand show 'Show one certificate: by name, serial, or certificate file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;cert;help;node'= {
        }
        &'secctl;cert;help;client'= {
        }
        &'secctl;cert;help;list'= {
        }
        &'secctl;cert;help;renew'= {
        }
        &'secctl;cert;help;show'= {
        }
        &'secctl;cert;help;help'= {
        }
        &'secctl;revoke'= {
            cand --reason 'RFC 5280 reason'
            cand --crl-days 'Days until nextUpdate of the regenerated CRL'
            cand --root-crl-days 'Days until nextUpdate of the root''s CRL above an intermediate [default: until the intermediate expires]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;crl'= {
            cand --days 'Days until nextUpdate (peers refuse the CRL afterwards: republish before)'
            cand --root-crl-days 'Days until nextUpdate of the root''s CRL above an intermediate [default: until the intermediate expires]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;verify'= {
            cand --servername 'Server name for SNI and verification [default: the target''s host]'
            cand --timeout 'Timeout of each network step, in seconds'
            cand --path 'Path requested over HTTP (repeatable, for per-location client authentication) [default: /]'
            cand --min-tls 'Lowest TLS version the port may accept; `probe --strict` fails on an older one'
            cand --warn-days '`probe --strict` fails when the server certificate expires within DAYS'
            cand --host 'Host name or IP address the certificate must be valid for'
            cand --role 'Role the certificate must carry (OU and SPIFFE id)'
            cand --trust-domain 'The cluster''s SPIFFE trust domain, which --role requires of the certificate''s SPIFFE id [default: DIR''s]'
            cand --usage 'Purpose the certificate must allow'
            cand --at 'Verify as of this time (RFC 3339, e.g. 2027-01-01T00:00:00Z, or @UNIX-SECONDS)'
            cand --protocol 'Live check: the protocol the port speaks over TLS, whose answer decides whether the handshake and --cert were accepted [default: detected from what the port answered]'
            cand --ca 'Trust bundle for the server chain [default: DIR/ca.crt when it exists]'
            cand --cert 'Client certificate for mTLS'
            cand --key 'Client key for mTLS'
            cand --crl 'CRL file(s) in one PEM file [default: DIR/crl.pem when --ca is not given and it exists]'
            cand --untrusted 'More certificates (PEM bundle) that may serve as intermediates; never trusted by themselves'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --no-revocation 'Accept a revocation status that cannot be established (no CRL, expired CRL); revoked still fails'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;serve'= {
            cand --listen 'Address to listen on, repeatable (port 0 picks a free port; the first line printed says which)'
            cand --name 'Serve the node certificate NAME from DIR/certs/NAME/ (instead of --cert/--key)'
            cand --trust-domain 'The cluster''s SPIFFE trust domain, which --allow-role requires of the client''s SPIFFE id [default: DIR''s]'
            cand --max-connections 'Connections served at once; over it, new connections are closed at once'
            cand --header-timeout 'Seconds allowed for the first byte, the TLS handshake, and each request''s head and body'
            cand --idle-timeout 'Seconds a connection may stay open with no request in flight (HTTP/1.1 and HTTP/2)'
            cand --client-auth 'Client certificates at the handshake'
            cand --grpc-auth 'Per-request authentication of gRPC calls (status 16 without a verified certificate)'
            cand --allow-role 'Only these roles may call (per request: HTTP 403 / gRPC status 7 for others). Repeatable'
            cand --cert 'Server certificate chain (PEM)'
            cand --key 'Server private key (PKCS#8 PEM)'
            cand --ca 'Bundle that verifies client certificates [default: DIR/ca.crt]'
            cand --crl 'CRL for client certificates, reloaded when the file changes [default: DIR/crl.pem, also with --ca]. Verifying client certificates without a CRL needs --no-crl'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --no-crl 'Verify client certificates without any CRL (revoked certificates are accepted)'
            cand --insecure 'No TLS: plaintext HTTP/1.1, h2c and gRPC (for comparison and tests)'
            cand -v 'Log one line per connection (with the peer''s identity) on stderr'
            cand --verbose 'Log one line per connection (with the peer''s identity) on stderr'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;probe'= {
            cand --servername 'Server name for SNI and verification [default: the target''s host]'
            cand --timeout 'Timeout of each network step, in seconds'
            cand --path 'Path requested over HTTP (repeatable, for per-location client authentication) [default: /]'
            cand --min-tls 'Lowest TLS version the port may accept; `probe --strict` fails on an older one'
            cand --warn-days '`probe --strict` fails when the server certificate expires within DAYS'
            cand --concurrency 'Targets probed at once'
            cand --targets-file 'Read targets from FILE too: one HOST:PORT per line; blank lines and `#` comments are skipped'
            cand --inventory 'Probe the inventory''s targets and compare with their expectations (exit 1 on a difference)'
            cand --ca 'Trust bundle for the server chain [default: DIR/ca.crt when it exists]'
            cand --cert 'Client certificate for mTLS'
            cand --key 'Client key for mTLS'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --strict 'Exit 1 when any transport serves plaintext content or TLS does not enforce client certificates'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;demo'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;apply'= {
            cand --renew-before 'Renew certificates with less than this left: days (30), a duration (8h) or a fraction of the lifetime (1/3) [default: the inventory''s, or 30 days but at most a third of the lifetime]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --check 'Change nothing; exit 1 when there is work to do'
            cand --bundle-only 'Only write the current trust bundle (`ca.crt`: old and new CAs after `ca rotate`) into every output directory; issue, renew and revoke nothing (step 2 of a zero-downtime roll)'
            cand --prune 'Revoke (cessationOfOperation) the certificates of names the inventory no longer has, and remove the files secctl delivered for them'
            cand --force 'Replace an existing `ca.crt` in an output directory that is not a bundle of this CA'
            cand --revoke-old 'Revoke (superseded) the certificates this run renews, and publish a new CRL'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;key'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand split 'Split FILE into N shares, any K of which restore it (Shamir over GF(256))'
            cand combine 'Combine K shares into the secret (on a terminal without SHARE: paste them one by one)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;key;split'= {
            cand --threshold 'K: shares needed to restore'
            cand --shares 'N: shares made'
            cand --recipient 'Custodian public key (age1... or ssh-ed25519 ...), one per share, in share order. Repeatable'
            cand --out 'Directory for the share files [default: FILE.shares]'
            cand --recipients-file 'File of custodian public keys, one per line (# comments allowed)'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;key;combine'= {
            cand -i 'age identity file or OpenSSH private key to decrypt encrypted shares. Repeatable'
            cand --identity 'age identity file or OpenSSH private key to decrypt encrypted shares. Repeatable'
            cand --out 'Where to write the secret (mode 0600; must not exist)'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;key;help'= {
            cand split 'Split FILE into N shares, any K of which restore it (Shamir over GF(256))'
            cand combine 'Combine K shares into the secret (on a terminal without SHARE: paste them one by one)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;key;help;split'= {
        }
        &'secctl;key;help;combine'= {
        }
        &'secctl;key;help;help'= {
        }
        &'secctl;backup'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Make a backup key pair: the public half stays in DIR, the private half leaves only as K-of-N shares'
            cand create 'Archive the state directory, encrypted to the backup public key (no secret needed)'
            cand restore 'Restore a backup into an empty directory with K shares of the backup key'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;backup;init'= {
            cand --threshold 'K'
            cand --shares 'N'
            cand --recipient 'Custodian public key (age1... or ssh-ed25519 ...), one per share, in share order. Repeatable'
            cand --out 'Directory for the share files [default: ./backup-shares-SPLIT]'
            cand --recipients-file 'File of custodian public keys, one per line (# comments allowed)'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --force 'Replace an existing backup key (backups made with the old one then need the old shares)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;backup;create'= {
            cand --out 'Output file [default: secctl-backup-TIMESTAMP.age]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --accept-new-backup-key 'Encrypt to a backup.pub whose fingerprint differs from the one pinned by `backup init` (only after checking the new fingerprint with the custodians), and pin the new one'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;backup;restore'= {
            cand --to 'Target directory: must not exist or be empty'
            cand --share 'Share files. Repeatable'
            cand -i 'Identity files to decrypt encrypted shares. Repeatable'
            cand --identity 'Identity files to decrypt encrypted shares. Repeatable'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;backup;help'= {
            cand init 'Make a backup key pair: the public half stays in DIR, the private half leaves only as K-of-N shares'
            cand create 'Archive the state directory, encrypted to the backup public key (no secret needed)'
            cand restore 'Restore a backup into an empty directory with K shares of the backup key'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;backup;help;init'= {
        }
        &'secctl;backup;help;create'= {
        }
        &'secctl;backup;help;restore'= {
        }
        &'secctl;backup;help;help'= {
        }
        &'secctl;store'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;store;check'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --repair 'First take the lock, remove what a killed writer left and rebuild the name index'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;store;help'= {
            cand check 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;store;help;check'= {
        }
        &'secctl;store;help;help'= {
        }
        &'secctl;completions'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;man'= {
            cand --out 'Output directory'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;help'= {
            cand ca 'Create and inspect the certificate authority'
            cand cert 'Issue and inspect node and client certificates'
            cand revoke 'Revoke certificates (by name, serial or file) and publish a new CRL'
            cand crl 'Publish `crl.pem`: one CRL per trusted CA, signed by the issuing CA'
            cand verify 'Verify a certificate file, or a live server''s (HOST:PORT): chain, validity, usage, CRL, host, role'
            cand serve 'Run a reference single-port node: TLS (HTTP/1.1, HTTP/2, gRPC) and a plaintext redirect'
            cand probe 'Classify every transport of one or more ports: encrypted? who is authenticated?'
            cand demo 'The whole product in seconds: temporary CA, certificates, serve on loopback, probe it'
            cand apply 'Provision a whole cluster from a YAML inventory: issue what is missing, renew what expires'
            cand key 'Split a secret file into K-of-N Shamir shares, or combine shares back'
            cand backup 'Backups of the state directory that need K of N custodians to restore'
            cand store 'Check the state directory''s parts against each other (records, index, CRL, delivered files)'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Write man pages (one per subcommand) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;help;ca'= {
            cand init 'Create a root CA (and optionally an issuing intermediate) in the state directory'
            cand show 'Show the CA: subject, key type, validity, fingerprints, key encryption'
            cand rotate 'Make a new CA; the trust bundle keeps the old one until it expires'
        }
        &'secctl;help;ca;init'= {
        }
        &'secctl;help;ca;show'= {
        }
        &'secctl;help;ca;rotate'= {
        }
        &'secctl;help;cert'= {
            cand node 'Issue a node certificate (TLS server and client)'
            cand client 'Issue a client certificate (TLS client only)'
            cand list 'List issued certificates with role, serial, expiry and status'
            cand renew 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key)'
            cand show 'Show one certificate: by name, serial, or certificate file'
        }
        &'secctl;help;cert;node'= {
        }
        &'secctl;help;cert;client'= {
        }
        &'secctl;help;cert;list'= {
        }
        &'secctl;help;cert;renew'= {
        }
        &'secctl;help;cert;show'= {
        }
        &'secctl;help;revoke'= {
        }
        &'secctl;help;crl'= {
        }
        &'secctl;help;verify'= {
        }
        &'secctl;help;serve'= {
        }
        &'secctl;help;probe'= {
        }
        &'secctl;help;demo'= {
        }
        &'secctl;help;apply'= {
        }
        &'secctl;help;key'= {
            cand split 'Split FILE into N shares, any K of which restore it (Shamir over GF(256))'
            cand combine 'Combine K shares into the secret (on a terminal without SHARE: paste them one by one)'
        }
        &'secctl;help;key;split'= {
        }
        &'secctl;help;key;combine'= {
        }
        &'secctl;help;backup'= {
            cand init 'Make a backup key pair: the public half stays in DIR, the private half leaves only as K-of-N shares'
            cand create 'Archive the state directory, encrypted to the backup public key (no secret needed)'
            cand restore 'Restore a backup into an empty directory with K shares of the backup key'
        }
        &'secctl;help;backup;init'= {
        }
        &'secctl;help;backup;create'= {
        }
        &'secctl;help;backup;restore'= {
        }
        &'secctl;help;store'= {
            cand check 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement'
        }
        &'secctl;help;store;check'= {
        }
        &'secctl;help;completions'= {
        }
        &'secctl;help;man'= {
        }
        &'secctl;help;help'= {
        }
    ]
    $completions[$command]
}
