
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand check 'Expiry of every live certificate, CA and CRL, for cron and monitoring: exit 1 when one is within the window, expired or out of date; --prometheus writes a textfile'
            cand serve 'Run a reference single-port node: TLS (HTTP/1.1, HTTP/2, gRPC) and a plaintext redirect'
            cand probe 'Classify every transport of one or more ports: encrypted? who is authenticated?'
            cand demo 'The whole product in seconds: temporary CA, certificates, serve on loopback, probe it'
            cand apply 'Provision a whole cluster from a YAML inventory: issue what is missing, renew what expires'
            cand key 'Split a secret file into K-of-N Shamir shares, or combine shares back'
            cand backup 'Backups of the state directory that need K of N custodians to restore'
            cand store 'Check the state directory''s parts against each other (records, index, CRL, delivered files)'
            cand authz 'Authorization policies (who may call which path or gRPC method; docs/authz.md): check one, or render it as the nginx configuration that enforces it'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Write man pages (one per subcommand) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;ca'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a root CA (and optionally an issuing intermediate) in the state directory'
            cand show 'Show the CA: subject, key type, validity, fingerprints, key encryption'
            cand rotate 'Make a new CA (or only a new intermediate); the trust bundle keeps the old one until it expires or is retired'
            cand bundle 'Write the trust bundle (ca.crt of the state, e.g. on etcd) to a file or stdout'
            cand retire 'Retire a previous CA generation: drop it from ca.crt and crl.pem (its files go to DIR/attic/retired/)'
            cand import 'Adopt an existing CA (RSA or EC root, optionally an issuing intermediate) into an empty state directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;ca;init'= {
            cand --name 'Cluster name: the O of every certificate subject'
            cand --trust-domain 'SPIFFE trust domain of the URI SANs [default: the cluster name, lowercased, + ".local"]'
            cand --key-type 'Key algorithm of the CA (and default for issued certificates)'
            cand --days 'Validity of the root in days'
            cand --permit-dns 'DNS subtree certificates may name (repeatable): `prod.example` permits it and every name below it, `.prod.example` only the names below it. Any --permit-dns makes every other DNS name invalid'
            cand --permit-ip 'IP block certificates may name (repeatable), ADDR/PREFIX (e.g. 10.0.0.0/8). Any --permit-ip makes every other IP address (of either family) invalid'
            cand --exclude-dns 'DNS subtree no certificate may name, even inside a permitted one (repeatable)'
            cand --exclude-ip 'IP block no certificate may name, even inside a permitted one (repeatable)'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;ca;rotate'= {
            cand --key-type 'Key algorithm of the new CA [default: the current one''s]'
            cand --days 'Validity of the new root in days [default: 3650]; with --intermediate-only, of the new intermediate [default: until the root expires; cut to it]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --intermediate-only 'Make only a new intermediate, signed by the current root (which needs its key online); the old intermediate becomes a previous generation until `ca retire`; ca.crt is unchanged'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;ca;bundle'= {
            cand --out 'Where to write it [default: standard output]. A node installs only roots it pins (FILE.pins, written beside it; else the roots of the FILE already there; trust on first use when neither exists) or that a pinned root endorsed at `ca rotate`'
            cand --pin 'Trust this root (SHA-256 fingerprint of its certificate, from `secctl ca show` on the CA host) in addition to the pins; repeatable'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;ca;retire'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --force 'Retire it even though live certificates still chain to it (they are listed, and refused by peers afterwards)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;ca;import'= {
            cand --name 'Cluster name: the O of issued certificates'
            cand --trust-domain 'SPIFFE trust domain of the URI SANs [default: the cluster name, lowercased, + ".local"]'
            cand --key-type 'Key algorithm of issued certificates when `cert` is not given --key-type'
            cand --cert 'The root certificate (PEM or DER, self-signed, CA:TRUE)'
            cand --key 'The root''s private key: PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1 (PEM or DER)'
            cand --intermediate-cert 'An intermediate CA certificate signed by the root; it signs everything afterwards'
            cand --intermediate-key 'The intermediate''s private key (same formats as --key)'
            cand --key-passphrase-file 'Passphrase of encrypted key files to import (first line) [default: asked on the terminal]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --encrypt-key 'Store the CA key(s) encrypted with a passphrase (age, scrypt); implied by --passphrase-file'
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
            cand rotate 'Make a new CA (or only a new intermediate); the trust bundle keeps the old one until it expires or is retired'
            cand bundle 'Write the trust bundle (ca.crt of the state, e.g. on etcd) to a file or stdout'
            cand retire 'Retire a previous CA generation: drop it from ca.crt and crl.pem (its files go to DIR/attic/retired/)'
            cand import 'Adopt an existing CA (RSA or EC root, optionally an issuing intermediate) into an empty state directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;ca;help;init'= {
        }
        &'secctl;ca;help;show'= {
        }
        &'secctl;ca;help;rotate'= {
        }
        &'secctl;ca;help;bundle'= {
        }
        &'secctl;ca;help;retire'= {
        }
        &'secctl;ca;help;import'= {
        }
        &'secctl;ca;help;help'= {
        }
        &'secctl;cert'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand node 'Issue a node certificate (TLS server and client)'
            cand client 'Issue a client certificate (TLS client only)'
            cand list 'List issued certificates with role, serial, expiry and status'
            cand sign 'Certify a key made on the node: sign its CSR with secctl''s identity (the key never leaves the node)'
            cand renew 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key or --csr)'
            cand canary 'Issue the revoked canary: a client certificate (role canary) revoked at issuance, that probe tries on every TLS row to tell whether a server enforces revocation'
            cand show 'Show one certificate: by name, serial, or certificate file'
            cand export 'Export a certificate and its key as PKCS#12, or its key as PKCS#1 or SEC1'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --force 'Issue even if a valid certificate with this name exists, and replace an existing `ca.crt` in the output directory that is not a bundle of this CA'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;cert;list'= {
            cand --expiring-within 'Certificates ending within DURATION are listed as expiring (30d, 12h, 2w, 1d12h; a bare number is days, as `check --within`) [default: 30d]; when given, exit 1 if a listed live certificate is expiring or expired'
            cand --role 'Only certificates of this role'
            cand --kind 'Only nodes or only clients'
            cand --status 'Only certificates in this status (repeatable): valid, expiring, expired, not-yet-valid, revoked, superseded (a newer certificate has the same name; implies --all)'
            cand --name 'Only certificates of this name'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --all 'Every certificate ever issued per name (superseded ones too), not only the newest'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;cert;sign'= {
            cand --role 'Role (OU and SPIFFE path), e.g. gitaly'
            cand --kind 'Node (TLS server and client) or client (TLS client only)'
            cand --host 'DNS name or IP address the node is reached at (repeatable; nodes need one). The CSR''s own SANs must be among them'
            cand --name 'Certificate name (CN) [default: the CSR''s CN, which must then agree]'
            cand --days 'Validity in days (capped at the issuing CA''s end of validity) [default: 365]'
            cand --valid-for 'Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA''s end of validity)'
            cand --out 'Output directory for the certificate chain and ca.crt (no key) [default: DIR/certs/NAME]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --force 'Issue even if a valid certificate with this name exists'
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
            cand --exec 'Run CMD (`sh -c`, 60 s timeout) after the renewed files are written, e.g. to reload the server; the files are in SECCTL_CHANGED_FILES. Exit 1 when it fails (the files stay in place)'
            cand --csr 'Certify the key of this new CSR made on the node (required for a certificate that was signed from a CSR: its key is not here). Name, role and hosts stay the certificate''s'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
        &'secctl;cert;canary'= {
            cand --crl-days 'Days until nextUpdate of the CRL published with it'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --force 'Issue a new canary even when the current one is revoked, from the issuing CA and valid for 30 days or more (otherwise it is left as it is)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --pem 'Print the certificate itself (PEM, as the CA recorded it) instead of its fields: for openssl and other tools'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;cert;export'= {
            cand --p12-passphrase-file 'The PKCS#12 passphrase: first line of FILE (at least 8 characters; refused when it is the CA key''s passphrase)'
            cand --p12 'Write a PKCS#12 file (key, certificate, chain up to the root), mode 0600; its own passphrase is asked twice, or read from --p12-passphrase-file (never the CA key''s)'
            cand --pkcs1 'Write the key as PKCS#1 (`RSA PRIVATE KEY`, RSA keys only), mode 0600'
            cand --sec1 'Write the key as SEC1 (`EC PRIVATE KEY`, ECDSA keys only), mode 0600'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --legacy 'The PKCS#12 file in the legacy profile (3DES, SHA-1 MAC) for old Java, Windows and appliances'
            cand --force 'Replace output files that exist'
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
            cand sign 'Certify a key made on the node: sign its CSR with secctl''s identity (the key never leaves the node)'
            cand renew 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key or --csr)'
            cand canary 'Issue the revoked canary: a client certificate (role canary) revoked at issuance, that probe tries on every TLS row to tell whether a server enforces revocation'
            cand show 'Show one certificate: by name, serial, or certificate file'
            cand export 'Export a certificate and its key as PKCS#12, or its key as PKCS#1 or SEC1'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;cert;help;node'= {
        }
        &'secctl;cert;help;client'= {
        }
        &'secctl;cert;help;list'= {
        }
        &'secctl;cert;help;sign'= {
        }
        &'secctl;cert;help;renew'= {
        }
        &'secctl;cert;help;canary'= {
        }
        &'secctl;cert;help;show'= {
        }
        &'secctl;cert;help;export'= {
        }
        &'secctl;cert;help;help'= {
        }
        &'secctl;revoke'= {
            cand --from 'Read more targets from FILE ("-": standard input), one per line; blank lines and lines starting with # are skipped'
            cand --reason 'RFC 5280 reason'
            cand --crl-days 'Days until nextUpdate of the regenerated CRL'
            cand --root-crl-days 'Days until nextUpdate of the root''s CRL above an intermediate [default: until the intermediate expires]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --out 'Publish nothing: write the CRL published last (`crl.pem` of the state, e.g. on etcd) to FILE, for nodes that fetch it; needs no CA key'
            cand --ca 'With --out: the trust bundle the node holds, whose CAs must have signed the CRL [default: ca.crt beside FILE]. The CRL number never goes below the one installed last (kept in FILE.numbers)'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --no-revocation 'Accept a revocation status that cannot be established (no CRL, expired CRL); revoked still fails'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;check'= {
            cand --within 'Certificates and CAs ending within this are a problem: 30d, 12h, 90m, 3600s, 2w, 1d12h (a bare number is days), or a fraction of each one''s lifetime, as inventory `renew_before` takes: 1/3 (in its last third; for short-lived certificates)'
            cand --crl-within 'CRLs whose nextUpdate is within this are a problem (CRLs are republished often: `secctl crl` gives 30 days)'
            cand --prometheus 'Also write the results as a Prometheus textfile (for node_exporter''s textfile collector: a FILE ending in .prom), atomically, mode 0644'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --trust-domain 'The cluster''s SPIFFE trust domain, which --allow-role and --authz require of the client''s SPIFFE id [default: DIR''s]'
            cand --max-connections 'Connections served at once; at the cap a new one takes the place of the oldest not yet authenticated (by a verified client certificate; where none is asked for, by a request served), or is closed at once'
            cand --header-timeout 'Seconds allowed for the first byte, the TLS handshake, and each request''s head and body'
            cand --idle-timeout 'Seconds a connection may stay open with no request in flight (HTTP/1.1 and HTTP/2)'
            cand --watch-interval 'Seconds between looks at the certificate, key, bundle, CRL and --authz files, which are reloaded when they change (0: only on SIGHUP)'
            cand --client-auth 'Client certificates at the handshake'
            cand --grpc-auth 'Per-request authentication of gRPC calls (status 16 without a verified certificate)'
            cand --allow-role 'Only these roles may call (per request: HTTP 403 / gRPC status 7 for others). Repeatable'
            cand --authz 'Authorization policy: which roles may call which HTTP path or gRPC method (YAML, `authz:` and its rules; see docs/authz.md), decided per request before the method is looked up. Without a certificate that has a role: HTTP 401, gRPC status 16. A role the path''s rule does not allow, or a path no rule covers, served or not: HTTP 403, gRPC status 7. Reloaded with the certificates (SIGHUP, file change). Not with --allow-role'
            cand --cert 'Server certificate chain (PEM)'
            cand --key 'Server private key (PKCS#8 PEM)'
            cand --ca 'Bundle that verifies client certificates [default: DIR/ca.crt]'
            cand --crl 'CRL for client certificates [default: DIR/crl.pem, also with --ca]. Verifying client certificates without a CRL needs --no-crl'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --no-crl 'Verify client certificates without any CRL (revoked certificates are accepted)'
            cand --insecure 'No TLS: plaintext HTTP/1.1, h2c and gRPC (for comparison and tests)'
            cand -v 'Log one line per connection (with the peer''s identity) on stderr, and with --authz one per request: the rule that decided, allow or deny'
            cand --verbose 'Log one line per connection (with the peer''s identity) on stderr, and with --authz one per request: the rule that decided, allow or deny'
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
            cand --prometheus 'Also write the matrix as a Prometheus textfile (for node_exporter''s textfile collector: a FILE ending in .prom), atomically, mode 0644: per target and row, encrypted, mutual TLS enforced, untrusted and revoked clients admitted, and the server certificate''s days left'
            cand --authz 'Check who may call what: call every rule''s path of the policy FILE (HTTP: its method; gRPC: a unary call with an empty message) with every --as role''s certificate and with none, and print the matrix beside what the policy allows (docs/authz.md)'
            cand --as 'A role''s certificate and key for --authz, as ROLE=CERT,KEY (repeatable; every role the policy names needs one). The certificate must hold ROLE under the identity rule'
            cand --trust-domain 'The cluster''s SPIFFE trust domain, for the role of an --as certificate [default: DIR''s]'
            cand --targets-file 'Read targets from FILE too: one HOST:PORT per line; blank lines and `#` comments are skipped'
            cand --inventory 'Probe the inventory''s targets and compare with their expectations (exit 1 on a difference)'
            cand --ca 'Trust bundle for the server chain [default: DIR/ca.crt when it exists]'
            cand --cert 'Client certificate for mTLS'
            cand --key 'Client key for mTLS'
            cand --revoked-cert 'A certificate of the cluster''s CA that its CRL lists (the revoked canary), tried as a fourth identity on every TLS row: a server that admits it does not enforce revocation [default: DIR''s certs/canary/, made by `secctl cert canary`]'
            cand --revoked-key 'The revoked canary''s key'
            cand --record 'Save what the probe observed of the one target, with the rows it classified, as a case for the classification table (tests/probe_cases/)'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement'
            cand copy 'Copy the whole state between a directory and etcd, either way (the target must be empty): `--from DIR --to etcd://...` or `--from etcd://... --to DIR`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;store;check'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --repair 'First take the lock, remove what a killed writer left and rebuild the name index'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;store;copy'= {
            cand --from 'The state to copy: a directory or an etcd:// address'
            cand --to 'Where to: an empty (or new) directory, or an etcd:// address with no state'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;store;help'= {
            cand check 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement'
            cand copy 'Copy the whole state between a directory and etcd, either way (the target must be empty): `--from DIR --to etcd://...` or `--from etcd://... --to DIR`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;store;help;check'= {
        }
        &'secctl;store;help;copy'= {
        }
        &'secctl;store;help;help'= {
        }
        &'secctl;authz'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Read a policy and list its rules; a bad one is exit 2 naming the file and the line'
            cand nginx 'Print the nginx configuration that enforces a policy: the role of the verified client certificate (its OU) and one allow map per rule for `http {}`, one location per rule (401 without a verified certificate, 403 to a role the rule does not allow) and a location denying every other path for `server {}`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;authz;check'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;authz;nginx'= {
            cand --pass 'What an allowed request gets, e.g. `grpc_pass grpcs://127.0.0.1:9000;` or `proxy_pass http://backend;` [default: a comment to replace]'
            cand --part 'Print only the part for `http {}` or for `server {}` [default: both]'
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
            cand --yes 'Answer yes to confirmations (required for destructive actions without a terminal)'
            cand --insecure-dirs 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'secctl;authz;help'= {
            cand check 'Read a policy and list its rules; a bad one is exit 2 naming the file and the line'
            cand nginx 'Print the nginx configuration that enforces a policy: the role of the verified client certificate (its OU) and one allow map per rule for `http {}`, one location per rule (401 without a verified certificate, 403 to a role the rule does not allow) and a location denying every other path for `server {}`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;authz;help;check'= {
        }
        &'secctl;authz;help;nginx'= {
        }
        &'secctl;authz;help;help'= {
        }
        &'secctl;completions'= {
            cand --dir 'State directory (CA, records, issued certificates)'
            cand -o 'Output format: a human table, or one JSON document on stdout'
            cand --output 'Output format: a human table, or one JSON document on stdout'
            cand --passphrase-file 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)'
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand --store 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap'
            cand --etcd-ca 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)'
            cand --etcd-cert 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)'
            cand --etcd-key 'Private key of --etcd-cert'
            cand --etcd-timeout 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)'
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
            cand check 'Expiry of every live certificate, CA and CRL, for cron and monitoring: exit 1 when one is within the window, expired or out of date; --prometheus writes a textfile'
            cand serve 'Run a reference single-port node: TLS (HTTP/1.1, HTTP/2, gRPC) and a plaintext redirect'
            cand probe 'Classify every transport of one or more ports: encrypted? who is authenticated?'
            cand demo 'The whole product in seconds: temporary CA, certificates, serve on loopback, probe it'
            cand apply 'Provision a whole cluster from a YAML inventory: issue what is missing, renew what expires'
            cand key 'Split a secret file into K-of-N Shamir shares, or combine shares back'
            cand backup 'Backups of the state directory that need K of N custodians to restore'
            cand store 'Check the state directory''s parts against each other (records, index, CRL, delivered files)'
            cand authz 'Authorization policies (who may call which path or gRPC method; docs/authz.md): check one, or render it as the nginx configuration that enforces it'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Write man pages (one per subcommand) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'secctl;help;ca'= {
            cand init 'Create a root CA (and optionally an issuing intermediate) in the state directory'
            cand show 'Show the CA: subject, key type, validity, fingerprints, key encryption'
            cand rotate 'Make a new CA (or only a new intermediate); the trust bundle keeps the old one until it expires or is retired'
            cand bundle 'Write the trust bundle (ca.crt of the state, e.g. on etcd) to a file or stdout'
            cand retire 'Retire a previous CA generation: drop it from ca.crt and crl.pem (its files go to DIR/attic/retired/)'
            cand import 'Adopt an existing CA (RSA or EC root, optionally an issuing intermediate) into an empty state directory'
        }
        &'secctl;help;ca;init'= {
        }
        &'secctl;help;ca;show'= {
        }
        &'secctl;help;ca;rotate'= {
        }
        &'secctl;help;ca;bundle'= {
        }
        &'secctl;help;ca;retire'= {
        }
        &'secctl;help;ca;import'= {
        }
        &'secctl;help;cert'= {
            cand node 'Issue a node certificate (TLS server and client)'
            cand client 'Issue a client certificate (TLS client only)'
            cand list 'List issued certificates with role, serial, expiry and status'
            cand sign 'Certify a key made on the node: sign its CSR with secctl''s identity (the key never leaves the node)'
            cand renew 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key or --csr)'
            cand canary 'Issue the revoked canary: a client certificate (role canary) revoked at issuance, that probe tries on every TLS row to tell whether a server enforces revocation'
            cand show 'Show one certificate: by name, serial, or certificate file'
            cand export 'Export a certificate and its key as PKCS#12, or its key as PKCS#1 or SEC1'
        }
        &'secctl;help;cert;node'= {
        }
        &'secctl;help;cert;client'= {
        }
        &'secctl;help;cert;list'= {
        }
        &'secctl;help;cert;sign'= {
        }
        &'secctl;help;cert;renew'= {
        }
        &'secctl;help;cert;canary'= {
        }
        &'secctl;help;cert;show'= {
        }
        &'secctl;help;cert;export'= {
        }
        &'secctl;help;revoke'= {
        }
        &'secctl;help;crl'= {
        }
        &'secctl;help;verify'= {
        }
        &'secctl;help;check'= {
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
            cand copy 'Copy the whole state between a directory and etcd, either way (the target must be empty): `--from DIR --to etcd://...` or `--from etcd://... --to DIR`'
        }
        &'secctl;help;store;check'= {
        }
        &'secctl;help;store;copy'= {
        }
        &'secctl;help;authz'= {
            cand check 'Read a policy and list its rules; a bad one is exit 2 naming the file and the line'
            cand nginx 'Print the nginx configuration that enforces a policy: the role of the verified client certificate (its OU) and one allow map per rule for `http {}`, one location per rule (401 without a verified certificate, 403 to a role the rule does not allow) and a location denying every other path for `server {}`'
        }
        &'secctl;help;authz;check'= {
        }
        &'secctl;help;authz;nginx'= {
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
