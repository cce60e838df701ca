
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'secctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'secctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'secctl' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ca', 'ca', [CompletionResultType]::ParameterValue, 'Create and inspect the certificate authority')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Issue and inspect node and client certificates')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke certificates (by name, serial or file) and publish a new CRL')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Publish `crl.pem`: one CRL per trusted CA, signed by the issuing CA')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a certificate file, or a live server''s (HOST:PORT): chain, validity, usage, CRL, host, role')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Expiry of every live certificate, CA and CRL, for cron and monitoring: exit 1 when one is within the window, expired or out of date; --prometheus writes a textfile')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a reference single-port node: TLS (HTTP/1.1, HTTP/2, gRPC) and a plaintext redirect')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Classify every transport of one or more ports: encrypted? who is authenticated?')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole product in seconds: temporary CA, certificates, serve on loopback, probe it')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Provision a whole cluster from a YAML inventory: issue what is missing, renew what expires')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Split a secret file into K-of-N Shamir shares, or combine shares back')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Backups of the state directory that need K of N custodians to restore')
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Check the state directory''s parts against each other (records, index, CRL, delivered files)')
            [CompletionResult]::new('authz', 'authz', [CompletionResultType]::ParameterValue, 'Authorization policies (who may call which path or gRPC method; docs/authz.md): check one, or render it as the nginx configuration that enforces it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per subcommand) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;ca' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a root CA (and optionally an issuing intermediate) in the state directory')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the CA: subject, key type, validity, fingerprints, key encryption')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new CA (or only a new intermediate); the trust bundle keeps the old one until it expires or is retired')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Write the trust bundle (ca.crt of the state, e.g. on etcd) to a file or stdout')
            [CompletionResult]::new('retire', 'retire', [CompletionResultType]::ParameterValue, 'Retire a previous CA generation: drop it from ca.crt and crl.pem (its files go to DIR/attic/retired/)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Adopt an existing CA (RSA or EC root, optionally an issuing intermediate) into an empty state directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;ca;init' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Cluster name: the O of every certificate subject')
            [CompletionResult]::new('--trust-domain', '--trust-domain', [CompletionResultType]::ParameterName, 'SPIFFE trust domain of the URI SANs [default: the cluster name, lowercased, + ".local"]')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key algorithm of the CA (and default for issued certificates)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity of the root in days')
            [CompletionResult]::new('--permit-dns', '--permit-dns', [CompletionResultType]::ParameterName, 'DNS subtree certificates may name (repeatable): `prod.example` permits it and every name below it, `.prod.example` only the names below it. Any --permit-dns makes every other DNS name invalid')
            [CompletionResult]::new('--permit-ip', '--permit-ip', [CompletionResultType]::ParameterName, 'IP block certificates may name (repeatable), ADDR/PREFIX (e.g. 10.0.0.0/8). Any --permit-ip makes every other IP address (of either family) invalid')
            [CompletionResult]::new('--exclude-dns', '--exclude-dns', [CompletionResultType]::ParameterName, 'DNS subtree no certificate may name, even inside a permitted one (repeatable)')
            [CompletionResult]::new('--exclude-ip', '--exclude-ip', [CompletionResultType]::ParameterName, 'IP block no certificate may name, even inside a permitted one (repeatable)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--intermediate', '--intermediate', [CompletionResultType]::ParameterName, 'Also create an intermediate CA that signs everything afterwards')
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'Protect the CA key(s) with a passphrase (age, scrypt); implied by --passphrase-file')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing CA (moved to DIR/attic/, never deleted)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;ca;show' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;ca;rotate' {
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key algorithm of the new CA [default: the current one''s]')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity of the new root in days [default: 3650]; with --intermediate-only, of the new intermediate [default: until the root expires; cut to it]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--intermediate-only', '--intermediate-only', [CompletionResultType]::ParameterName, 'Make only a new intermediate, signed by the current root (which needs its key online); the old intermediate becomes a previous generation until `ca retire`; ca.crt is unchanged')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;ca;bundle' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write it [default: standard output]. A node installs only roots it pins (FILE.pins, written beside it; else the roots of the FILE already there; trust on first use when neither exists) or that a pinned root endorsed at `ca rotate`')
            [CompletionResult]::new('--pin', '--pin', [CompletionResultType]::ParameterName, 'Trust this root (SHA-256 fingerprint of its certificate, from `secctl ca show` on the CA host) in addition to the pins; repeatable')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;ca;retire' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Retire it even though live certificates still chain to it (they are listed, and refused by peers afterwards)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;ca;import' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Cluster name: the O of issued certificates')
            [CompletionResult]::new('--trust-domain', '--trust-domain', [CompletionResultType]::ParameterName, 'SPIFFE trust domain of the URI SANs [default: the cluster name, lowercased, + ".local"]')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key algorithm of issued certificates when `cert` is not given --key-type')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'The root certificate (PEM or DER, self-signed, CA:TRUE)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The root''s private key: PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1 (PEM or DER)')
            [CompletionResult]::new('--intermediate-cert', '--intermediate-cert', [CompletionResultType]::ParameterName, 'An intermediate CA certificate signed by the root; it signs everything afterwards')
            [CompletionResult]::new('--intermediate-key', '--intermediate-key', [CompletionResultType]::ParameterName, 'The intermediate''s private key (same formats as --key)')
            [CompletionResult]::new('--key-passphrase-file', '--key-passphrase-file', [CompletionResultType]::ParameterName, 'Passphrase of encrypted key files to import (first line) [default: asked on the terminal]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--encrypt-key', '--encrypt-key', [CompletionResultType]::ParameterName, 'Store the CA key(s) encrypted with a passphrase (age, scrypt); implied by --passphrase-file')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;ca;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a root CA (and optionally an issuing intermediate) in the state directory')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the CA: subject, key type, validity, fingerprints, key encryption')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new CA (or only a new intermediate); the trust bundle keeps the old one until it expires or is retired')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Write the trust bundle (ca.crt of the state, e.g. on etcd) to a file or stdout')
            [CompletionResult]::new('retire', 'retire', [CompletionResultType]::ParameterValue, 'Retire a previous CA generation: drop it from ca.crt and crl.pem (its files go to DIR/attic/retired/)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Adopt an existing CA (RSA or EC root, optionally an issuing intermediate) into an empty state directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;ca;help;init' {
            break
        }
        'secctl;ca;help;show' {
            break
        }
        'secctl;ca;help;rotate' {
            break
        }
        'secctl;ca;help;bundle' {
            break
        }
        'secctl;ca;help;retire' {
            break
        }
        'secctl;ca;help;import' {
            break
        }
        'secctl;ca;help;help' {
            break
        }
        'secctl;cert' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'Issue a node certificate (TLS server and client)')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'Issue a client certificate (TLS client only)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List issued certificates with role, serial, expiry and status')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Certify a key made on the node: sign its CSR with secctl''s identity (the key never leaves the node)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key or --csr)')
            [CompletionResult]::new('canary', 'canary', [CompletionResultType]::ParameterValue, 'Issue the revoked canary: a client certificate (role canary) revoked at issuance, that probe tries on every TLS row to tell whether a server enforces revocation')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one certificate: by name, serial, or certificate file')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export a certificate and its key as PKCS#12, or its key as PKCS#1 or SEC1')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;cert;node' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'DNS name or IP address the node is reached at (repeatable)')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Role (OU and SPIFFE path), e.g. praefect, gitaly')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity in days (capped at the issuing CA''s end of validity) [default: 365]')
            [CompletionResult]::new('--valid-for', '--valid-for', [CompletionResultType]::ParameterName, 'Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA''s end of validity)')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key algorithm [default: the CA''s]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Output directory [default: DIR/certs/NAME]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Issue even if a valid certificate with this name exists, and replace an existing `ca.crt` in the output directory that is not a bundle of this CA')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;cert;client' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Role (OU and SPIFFE path), e.g. gitlab')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity in days (capped at the issuing CA''s end of validity) [default: 365]')
            [CompletionResult]::new('--valid-for', '--valid-for', [CompletionResultType]::ParameterName, 'Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA''s end of validity)')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key algorithm [default: the CA''s]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Output directory [default: DIR/certs/NAME]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Issue even if a valid certificate with this name exists, and replace an existing `ca.crt` in the output directory that is not a bundle of this CA')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;cert;list' {
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Certificates ending within DURATION are listed as expiring (30d, 12h, 2w, 1d12h; a bare number is days, as `check --within`) [default: 30d]; when given, exit 1 if a listed live certificate is expiring or expired')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Only certificates of this role')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Only nodes or only clients')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only certificates in this status (repeatable): valid, expiring, expired, not-yet-valid, revoked, superseded (a newer certificate has the same name; implies --all)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Only certificates of this name')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every certificate ever issued per name (superseded ones too), not only the newest')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;cert;sign' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Role (OU and SPIFFE path), e.g. gitaly')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Node (TLS server and client) or client (TLS client only)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'DNS name or IP address the node is reached at (repeatable; nodes need one). The CSR''s own SANs must be among them')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Certificate name (CN) [default: the CSR''s CN, which must then agree]')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity in days (capped at the issuing CA''s end of validity) [default: 365]')
            [CompletionResult]::new('--valid-for', '--valid-for', [CompletionResultType]::ParameterName, 'Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA''s end of validity)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Output directory for the certificate chain and ca.crt (no key) [default: DIR/certs/NAME]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Issue even if a valid certificate with this name exists')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;cert;renew' {
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity in days (capped at the issuing CA''s end of validity) [default: the lifetime of the certificate renewed]')
            [CompletionResult]::new('--valid-for', '--valid-for', [CompletionResultType]::ParameterName, 'Validity as a duration: 90d, 24h, 15m, 1h30m [default: the lifetime of the certificate renewed]')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run CMD (`sh -c`, 60 s timeout) after the renewed files are written, e.g. to reload the server; the files are in SECCTL_CHANGED_FILES. Exit 1 when it fails (the files stay in place)')
            [CompletionResult]::new('--csr', '--csr', [CompletionResultType]::ParameterName, 'Certify the key of this new CSR made on the node (required for a certificate that was signed from a CSR: its key is not here). Name, role and hosts stay the certificate''s')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing `ca.crt` in the output directory that is not a bundle of this CA')
            [CompletionResult]::new('--reuse-key', '--reuse-key', [CompletionResultType]::ParameterName, 'Keep the existing private key (read from the certificate''s output directory)')
            [CompletionResult]::new('--revoke-old', '--revoke-old', [CompletionResultType]::ParameterName, 'Revoke the old certificate (reason superseded) and publish a new CRL')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;cert;canary' {
            [CompletionResult]::new('--crl-days', '--crl-days', [CompletionResultType]::ParameterName, 'Days until nextUpdate of the CRL published with it')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Issue a new canary even when the current one is revoked, from the issuing CA and valid for 30 days or more (otherwise it is left as it is)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;cert;show' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--pem', '--pem', [CompletionResultType]::ParameterName, 'Print the certificate itself (PEM, as the CA recorded it) instead of its fields: for openssl and other tools')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;cert;export' {
            [CompletionResult]::new('--p12-passphrase-file', '--p12-passphrase-file', [CompletionResultType]::ParameterName, 'The PKCS#12 passphrase: first line of FILE (at least 8 characters; refused when it is the CA key''s passphrase)')
            [CompletionResult]::new('--p12', '--p12', [CompletionResultType]::ParameterName, 'Write a PKCS#12 file (key, certificate, chain up to the root), mode 0600; its own passphrase is asked twice, or read from --p12-passphrase-file (never the CA key''s)')
            [CompletionResult]::new('--pkcs1', '--pkcs1', [CompletionResultType]::ParameterName, 'Write the key as PKCS#1 (`RSA PRIVATE KEY`, RSA keys only), mode 0600')
            [CompletionResult]::new('--sec1', '--sec1', [CompletionResultType]::ParameterName, 'Write the key as SEC1 (`EC PRIVATE KEY`, ECDSA keys only), mode 0600')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The PKCS#12 file in the legacy profile (3DES, SHA-1 MAC) for old Java, Windows and appliances')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace output files that exist')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;cert;help' {
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'Issue a node certificate (TLS server and client)')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'Issue a client certificate (TLS client only)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List issued certificates with role, serial, expiry and status')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Certify a key made on the node: sign its CSR with secctl''s identity (the key never leaves the node)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key or --csr)')
            [CompletionResult]::new('canary', 'canary', [CompletionResultType]::ParameterValue, 'Issue the revoked canary: a client certificate (role canary) revoked at issuance, that probe tries on every TLS row to tell whether a server enforces revocation')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one certificate: by name, serial, or certificate file')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export a certificate and its key as PKCS#12, or its key as PKCS#1 or SEC1')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;cert;help;node' {
            break
        }
        'secctl;cert;help;client' {
            break
        }
        'secctl;cert;help;list' {
            break
        }
        'secctl;cert;help;sign' {
            break
        }
        'secctl;cert;help;renew' {
            break
        }
        'secctl;cert;help;canary' {
            break
        }
        'secctl;cert;help;show' {
            break
        }
        'secctl;cert;help;export' {
            break
        }
        'secctl;cert;help;help' {
            break
        }
        'secctl;revoke' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read more targets from FILE ("-": standard input), one per line; blank lines and lines starting with # are skipped')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'RFC 5280 reason')
            [CompletionResult]::new('--crl-days', '--crl-days', [CompletionResultType]::ParameterName, 'Days until nextUpdate of the regenerated CRL')
            [CompletionResult]::new('--root-crl-days', '--root-crl-days', [CompletionResultType]::ParameterName, 'Days until nextUpdate of the root''s CRL above an intermediate [default: until the intermediate expires]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;crl' {
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Days until nextUpdate (peers refuse the CRL afterwards: republish before)')
            [CompletionResult]::new('--root-crl-days', '--root-crl-days', [CompletionResultType]::ParameterName, 'Days until nextUpdate of the root''s CRL above an intermediate [default: until the intermediate expires]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Publish nothing: write the CRL published last (`crl.pem` of the state, e.g. on etcd) to FILE, for nodes that fetch it; needs no CA key')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'With --out: the trust bundle the node holds, whose CAs must have signed the CRL [default: ca.crt beside FILE]. The CRL number never goes below the one installed last (kept in FILE.numbers)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;verify' {
            [CompletionResult]::new('--servername', '--servername', [CompletionResultType]::ParameterName, 'Server name for SNI and verification [default: the target''s host]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each network step, in seconds')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Path requested over HTTP (repeatable, for per-location client authentication) [default: /]')
            [CompletionResult]::new('--min-tls', '--min-tls', [CompletionResultType]::ParameterName, 'Lowest TLS version the port may accept; `probe --strict` fails on an older one')
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, '`probe --strict` fails when the server certificate expires within DAYS')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host name or IP address the certificate must be valid for')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Role the certificate must carry (OU and SPIFFE id)')
            [CompletionResult]::new('--trust-domain', '--trust-domain', [CompletionResultType]::ParameterName, 'The cluster''s SPIFFE trust domain, which --role requires of the certificate''s SPIFFE id [default: DIR''s]')
            [CompletionResult]::new('--usage', '--usage', [CompletionResultType]::ParameterName, 'Purpose the certificate must allow')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Verify as of this time (RFC 3339, e.g. 2027-01-01T00:00:00Z, or @UNIX-SECONDS)')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'Live check: the protocol the port speaks over TLS, whose answer decides whether the handshake and --cert were accepted [default: detected from what the port answered]')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Trust bundle for the server chain [default: DIR/ca.crt when it exists]')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mTLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client key for mTLS')
            [CompletionResult]::new('--crl', '--crl', [CompletionResultType]::ParameterName, 'CRL file(s) in one PEM file [default: DIR/crl.pem when --ca is not given and it exists]')
            [CompletionResult]::new('--untrusted', '--untrusted', [CompletionResultType]::ParameterName, 'More certificates (PEM bundle) that may serve as intermediates; never trusted by themselves')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--no-revocation', '--no-revocation', [CompletionResultType]::ParameterName, 'Accept a revocation status that cannot be established (no CRL, expired CRL); revoked still fails')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;check' {
            [CompletionResult]::new('--within', '--within', [CompletionResultType]::ParameterName, 'Certificates and CAs ending within this are a problem: 30d, 12h, 90m, 3600s, 2w, 1d12h (a bare number is days), or a fraction of each one''s lifetime, as inventory `renew_before` takes: 1/3 (in its last third; for short-lived certificates)')
            [CompletionResult]::new('--crl-within', '--crl-within', [CompletionResultType]::ParameterName, 'CRLs whose nextUpdate is within this are a problem (CRLs are republished often: `secctl crl` gives 30 days)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Also write the results as a Prometheus textfile (for node_exporter''s textfile collector: a FILE ending in .prom), atomically, mode 0644')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on, repeatable (port 0 picks a free port; the first line printed says which)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Serve the node certificate NAME from DIR/certs/NAME/ (instead of --cert/--key)')
            [CompletionResult]::new('--trust-domain', '--trust-domain', [CompletionResultType]::ParameterName, 'The cluster''s SPIFFE trust domain, which --allow-role and --authz require of the client''s SPIFFE id [default: DIR''s]')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections served at once; at the cap a new one takes the place of the oldest not yet authenticated (by a verified client certificate; where none is asked for, by a request served), or is closed at once')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for the first byte, the TLS handshake, and each request''s head and body')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds a connection may stay open with no request in flight (HTTP/1.1 and HTTP/2)')
            [CompletionResult]::new('--watch-interval', '--watch-interval', [CompletionResultType]::ParameterName, 'Seconds between looks at the certificate, key, bundle, CRL and --authz files, which are reloaded when they change (0: only on SIGHUP)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'Client certificates at the handshake')
            [CompletionResult]::new('--grpc-auth', '--grpc-auth', [CompletionResultType]::ParameterName, 'Per-request authentication of gRPC calls (status 16 without a verified certificate)')
            [CompletionResult]::new('--allow-role', '--allow-role', [CompletionResultType]::ParameterName, 'Only these roles may call (per request: HTTP 403 / gRPC status 7 for others). Repeatable')
            [CompletionResult]::new('--authz', '--authz', [CompletionResultType]::ParameterName, 'Authorization policy: which roles may call which HTTP path or gRPC method (YAML, `authz:` and its rules; see docs/authz.md), decided per request before the method is looked up. Without a certificate that has a role: HTTP 401, gRPC status 16. A role the path''s rule does not allow, or a path no rule covers, served or not: HTTP 403, gRPC status 7. Reloaded with the certificates (SIGHUP, file change). Not with --allow-role')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Server certificate chain (PEM)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Server private key (PKCS#8 PEM)')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Bundle that verifies client certificates [default: DIR/ca.crt]')
            [CompletionResult]::new('--crl', '--crl', [CompletionResultType]::ParameterName, 'CRL for client certificates [default: DIR/crl.pem, also with --ca]. Verifying client certificates without a CRL needs --no-crl')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--no-crl', '--no-crl', [CompletionResultType]::ParameterName, 'Verify client certificates without any CRL (revoked certificates are accepted)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'No TLS: plaintext HTTP/1.1, h2c and gRPC (for comparison and tests)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log one line per connection (with the peer''s identity) on stderr, and with --authz one per request: the rule that decided, allow or deny')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log one line per connection (with the peer''s identity) on stderr, and with --authz one per request: the rule that decided, allow or deny')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;probe' {
            [CompletionResult]::new('--servername', '--servername', [CompletionResultType]::ParameterName, 'Server name for SNI and verification [default: the target''s host]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each network step, in seconds')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Path requested over HTTP (repeatable, for per-location client authentication) [default: /]')
            [CompletionResult]::new('--min-tls', '--min-tls', [CompletionResultType]::ParameterName, 'Lowest TLS version the port may accept; `probe --strict` fails on an older one')
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, '`probe --strict` fails when the server certificate expires within DAYS')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Targets probed at once')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Also write the matrix as a Prometheus textfile (for node_exporter''s textfile collector: a FILE ending in .prom), atomically, mode 0644: per target and row, encrypted, mutual TLS enforced, untrusted and revoked clients admitted, and the server certificate''s days left')
            [CompletionResult]::new('--authz', '--authz', [CompletionResultType]::ParameterName, 'Check who may call what: call every rule''s path of the policy FILE (HTTP: its method; gRPC: a unary call with an empty message) with every --as role''s certificate and with none, and print the matrix beside what the policy allows (docs/authz.md)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'A role''s certificate and key for --authz, as ROLE=CERT,KEY (repeatable; every role the policy names needs one). The certificate must hold ROLE under the identity rule')
            [CompletionResult]::new('--trust-domain', '--trust-domain', [CompletionResultType]::ParameterName, 'The cluster''s SPIFFE trust domain, for the role of an --as certificate [default: DIR''s]')
            [CompletionResult]::new('--targets-file', '--targets-file', [CompletionResultType]::ParameterName, 'Read targets from FILE too: one HOST:PORT per line; blank lines and `#` comments are skipped')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Probe the inventory''s targets and compare with their expectations (exit 1 on a difference)')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Trust bundle for the server chain [default: DIR/ca.crt when it exists]')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate for mTLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client key for mTLS')
            [CompletionResult]::new('--revoked-cert', '--revoked-cert', [CompletionResultType]::ParameterName, 'A certificate of the cluster''s CA that its CRL lists (the revoked canary), tried as a fourth identity on every TLS row: a server that admits it does not enforce revocation [default: DIR''s certs/canary/, made by `secctl cert canary`]')
            [CompletionResult]::new('--revoked-key', '--revoked-key', [CompletionResultType]::ParameterName, 'The revoked canary''s key')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Save what the probe observed of the one target, with the rows it classified, as a case for the classification table (tests/probe_cases/)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 when any transport serves plaintext content or TLS does not enforce client certificates')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;demo' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;apply' {
            [CompletionResult]::new('--renew-before', '--renew-before', [CompletionResultType]::ParameterName, 'Renew certificates with less than this left: days (30), a duration (8h) or a fraction of the lifetime (1/3) [default: the inventory''s, or 30 days but at most a third of the lifetime]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Change nothing; exit 1 when there is work to do')
            [CompletionResult]::new('--bundle-only', '--bundle-only', [CompletionResultType]::ParameterName, 'Only write the current trust bundle (`ca.crt`: old and new CAs after `ca rotate`) into every output directory; issue, renew and revoke nothing (step 2 of a zero-downtime roll)')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Revoke (cessationOfOperation) the certificates of names the inventory no longer has, and remove the files secctl delivered for them')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing `ca.crt` in an output directory that is not a bundle of this CA')
            [CompletionResult]::new('--revoke-old', '--revoke-old', [CompletionResultType]::ParameterName, 'Revoke (superseded) the certificates this run renews, and publish a new CRL')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;key' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('split', 'split', [CompletionResultType]::ParameterValue, 'Split FILE into N shares, any K of which restore it (Shamir over GF(256))')
            [CompletionResult]::new('combine', 'combine', [CompletionResultType]::ParameterValue, 'Combine K shares into the secret (on a terminal without SHARE: paste them one by one)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;key;split' {
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'K: shares needed to restore')
            [CompletionResult]::new('--shares', '--shares', [CompletionResultType]::ParameterName, 'N: shares made')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Custodian public key (age1... or ssh-ed25519 ...), one per share, in share order. Repeatable')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory for the share files [default: FILE.shares]')
            [CompletionResult]::new('--recipients-file', '--recipients-file', [CompletionResultType]::ParameterName, 'File of custodian public keys, one per line (# comments allowed)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;key;combine' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key to decrypt encrypted shares. Repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'age identity file or OpenSSH private key to decrypt encrypted shares. Repeatable')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the secret (mode 0600; must not exist)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;key;help' {
            [CompletionResult]::new('split', 'split', [CompletionResultType]::ParameterValue, 'Split FILE into N shares, any K of which restore it (Shamir over GF(256))')
            [CompletionResult]::new('combine', 'combine', [CompletionResultType]::ParameterValue, 'Combine K shares into the secret (on a terminal without SHARE: paste them one by one)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;key;help;split' {
            break
        }
        'secctl;key;help;combine' {
            break
        }
        'secctl;key;help;help' {
            break
        }
        'secctl;backup' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Make a backup key pair: the public half stays in DIR, the private half leaves only as K-of-N shares')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Archive the state directory, encrypted to the backup public key (no secret needed)')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup into an empty directory with K shares of the backup key')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;backup;init' {
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'K')
            [CompletionResult]::new('--shares', '--shares', [CompletionResultType]::ParameterName, 'N')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Custodian public key (age1... or ssh-ed25519 ...), one per share, in share order. Repeatable')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory for the share files [default: ./backup-shares-SPLIT]')
            [CompletionResult]::new('--recipients-file', '--recipients-file', [CompletionResultType]::ParameterName, 'File of custodian public keys, one per line (# comments allowed)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing backup key (backups made with the old one then need the old shares)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;backup;create' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Output file [default: secctl-backup-TIMESTAMP.age]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--accept-new-backup-key', '--accept-new-backup-key', [CompletionResultType]::ParameterName, 'Encrypt to a backup.pub whose fingerprint differs from the one pinned by `backup init` (only after checking the new fingerprint with the custodians), and pin the new one')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;backup;restore' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Target directory: must not exist or be empty')
            [CompletionResult]::new('--share', '--share', [CompletionResultType]::ParameterName, 'Share files. Repeatable')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Identity files to decrypt encrypted shares. Repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity files to decrypt encrypted shares. Repeatable')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;backup;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Make a backup key pair: the public half stays in DIR, the private half leaves only as K-of-N shares')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Archive the state directory, encrypted to the backup public key (no secret needed)')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup into an empty directory with K shares of the backup key')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;backup;help;init' {
            break
        }
        'secctl;backup;help;create' {
            break
        }
        'secctl;backup;help;restore' {
            break
        }
        'secctl;backup;help;help' {
            break
        }
        'secctl;store' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the whole state between a directory and etcd, either way (the target must be empty): `--from DIR --to etcd://...` or `--from etcd://... --to DIR`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;store;check' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--repair', '--repair', [CompletionResultType]::ParameterName, 'First take the lock, remove what a killed writer left and rebuild the name index')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;store;copy' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The state to copy: a directory or an etcd:// address')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to: an empty (or new) directory, or an etcd:// address with no state')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;store;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the whole state between a directory and etcd, either way (the target must be empty): `--from DIR --to etcd://...` or `--from etcd://... --to DIR`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;store;help;check' {
            break
        }
        'secctl;store;help;copy' {
            break
        }
        'secctl;store;help;help' {
            break
        }
        'secctl;authz' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Read a policy and list its rules; a bad one is exit 2 naming the file and the line')
            [CompletionResult]::new('nginx', 'nginx', [CompletionResultType]::ParameterValue, 'Print the nginx configuration that enforces a policy: the role of the verified client certificate (its OU) and one allow map per rule for `http {}`, one location per rule (401 without a verified certificate, 403 to a role the rule does not allow) and a location denying every other path for `server {}`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;authz;check' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;authz;nginx' {
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'What an allowed request gets, e.g. `grpc_pass grpcs://127.0.0.1:9000;` or `proxy_pass http://backend;` [default: a comment to replace]')
            [CompletionResult]::new('--part', '--part', [CompletionResultType]::ParameterName, 'Print only the part for `http {}` or for `server {}` [default: both]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;authz;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Read a policy and list its rules; a bad one is exit 2 naming the file and the line')
            [CompletionResult]::new('nginx', 'nginx', [CompletionResultType]::ParameterValue, 'Print the nginx configuration that enforces a policy: the role of the verified client certificate (its OU) and one allow map per rule for `http {}`, one location per rule (401 without a verified certificate, 403 to a role the rule does not allow) and a location denying every other path for `server {}`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;authz;help;check' {
            break
        }
        'secctl;authz;help;nginx' {
            break
        }
        'secctl;authz;help;help' {
            break
        }
        'secctl;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;man' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Output directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (CA, records, issued certificates)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a human table, or one JSON document on stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd''s lock; every change is written back with compare-and-swap')
            [CompletionResult]::new('--etcd-ca', '--etcd-ca', [CompletionResultType]::ParameterName, 'CA bundle of the etcd members'' certificates (TLS to etcd; plain HTTP without it)')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Private key of --etcd-cert')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (required for destructive actions without a terminal)')
            [CompletionResult]::new('--insecure-dirs', '--insecure-dirs', [CompletionResultType]::ParameterName, 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secctl;help' {
            [CompletionResult]::new('ca', 'ca', [CompletionResultType]::ParameterValue, 'Create and inspect the certificate authority')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Issue and inspect node and client certificates')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke certificates (by name, serial or file) and publish a new CRL')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Publish `crl.pem`: one CRL per trusted CA, signed by the issuing CA')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a certificate file, or a live server''s (HOST:PORT): chain, validity, usage, CRL, host, role')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Expiry of every live certificate, CA and CRL, for cron and monitoring: exit 1 when one is within the window, expired or out of date; --prometheus writes a textfile')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a reference single-port node: TLS (HTTP/1.1, HTTP/2, gRPC) and a plaintext redirect')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Classify every transport of one or more ports: encrypted? who is authenticated?')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole product in seconds: temporary CA, certificates, serve on loopback, probe it')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Provision a whole cluster from a YAML inventory: issue what is missing, renew what expires')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Split a secret file into K-of-N Shamir shares, or combine shares back')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Backups of the state directory that need K of N custodians to restore')
            [CompletionResult]::new('store', 'store', [CompletionResultType]::ParameterValue, 'Check the state directory''s parts against each other (records, index, CRL, delivered files)')
            [CompletionResult]::new('authz', 'authz', [CompletionResultType]::ParameterValue, 'Authorization policies (who may call which path or gRPC method; docs/authz.md): check one, or render it as the nginx configuration that enforces it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per subcommand) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secctl;help;ca' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a root CA (and optionally an issuing intermediate) in the state directory')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the CA: subject, key type, validity, fingerprints, key encryption')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new CA (or only a new intermediate); the trust bundle keeps the old one until it expires or is retired')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Write the trust bundle (ca.crt of the state, e.g. on etcd) to a file or stdout')
            [CompletionResult]::new('retire', 'retire', [CompletionResultType]::ParameterValue, 'Retire a previous CA generation: drop it from ca.crt and crl.pem (its files go to DIR/attic/retired/)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Adopt an existing CA (RSA or EC root, optionally an issuing intermediate) into an empty state directory')
            break
        }
        'secctl;help;ca;init' {
            break
        }
        'secctl;help;ca;show' {
            break
        }
        'secctl;help;ca;rotate' {
            break
        }
        'secctl;help;ca;bundle' {
            break
        }
        'secctl;help;ca;retire' {
            break
        }
        'secctl;help;ca;import' {
            break
        }
        'secctl;help;cert' {
            [CompletionResult]::new('node', 'node', [CompletionResultType]::ParameterValue, 'Issue a node certificate (TLS server and client)')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'Issue a client certificate (TLS client only)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List issued certificates with role, serial, expiry and status')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Certify a key made on the node: sign its CSR with secctl''s identity (the key never leaves the node)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key or --csr)')
            [CompletionResult]::new('canary', 'canary', [CompletionResultType]::ParameterValue, 'Issue the revoked canary: a client certificate (role canary) revoked at issuance, that probe tries on every TLS row to tell whether a server enforces revocation')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one certificate: by name, serial, or certificate file')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export a certificate and its key as PKCS#12, or its key as PKCS#1 or SEC1')
            break
        }
        'secctl;help;cert;node' {
            break
        }
        'secctl;help;cert;client' {
            break
        }
        'secctl;help;cert;list' {
            break
        }
        'secctl;help;cert;sign' {
            break
        }
        'secctl;help;cert;renew' {
            break
        }
        'secctl;help;cert;canary' {
            break
        }
        'secctl;help;cert;show' {
            break
        }
        'secctl;help;cert;export' {
            break
        }
        'secctl;help;revoke' {
            break
        }
        'secctl;help;crl' {
            break
        }
        'secctl;help;verify' {
            break
        }
        'secctl;help;check' {
            break
        }
        'secctl;help;serve' {
            break
        }
        'secctl;help;probe' {
            break
        }
        'secctl;help;demo' {
            break
        }
        'secctl;help;apply' {
            break
        }
        'secctl;help;key' {
            [CompletionResult]::new('split', 'split', [CompletionResultType]::ParameterValue, 'Split FILE into N shares, any K of which restore it (Shamir over GF(256))')
            [CompletionResult]::new('combine', 'combine', [CompletionResultType]::ParameterValue, 'Combine K shares into the secret (on a terminal without SHARE: paste them one by one)')
            break
        }
        'secctl;help;key;split' {
            break
        }
        'secctl;help;key;combine' {
            break
        }
        'secctl;help;backup' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Make a backup key pair: the public half stays in DIR, the private half leaves only as K-of-N shares')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Archive the state directory, encrypted to the backup public key (no secret needed)')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup into an empty directory with K shares of the backup key')
            break
        }
        'secctl;help;backup;init' {
            break
        }
        'secctl;help;backup;create' {
            break
        }
        'secctl;help;backup;restore' {
            break
        }
        'secctl;help;store' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the whole state between a directory and etcd, either way (the target must be empty): `--from DIR --to etcd://...` or `--from etcd://... --to DIR`')
            break
        }
        'secctl;help;store;check' {
            break
        }
        'secctl;help;store;copy' {
            break
        }
        'secctl;help;authz' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Read a policy and list its rules; a bad one is exit 2 naming the file and the line')
            [CompletionResult]::new('nginx', 'nginx', [CompletionResultType]::ParameterValue, 'Print the nginx configuration that enforces a policy: the role of the verified client certificate (its OU) and one allow map per rule for `http {}`, one location per rule (401 without a verified certificate, 403 to a role the rule does not allow) and a location denying every other path for `server {}`')
            break
        }
        'secctl;help;authz;check' {
            break
        }
        'secctl;help;authz;nginx' {
            break
        }
        'secctl;help;completions' {
            break
        }
        'secctl;help;man' {
            break
        }
        'secctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
