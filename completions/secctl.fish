# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_secctl_global_optspecs
    string join \n dir= o/output= yes passphrase-file= insecure-dirs store= etcd-ca= etcd-cert= etcd-key= etcd-timeout= h/help V/version
end

function __fish_secctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_secctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_secctl_using_subcommand
    set -l cmd (__fish_secctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c secctl -n "__fish_secctl_needs_command" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_needs_command" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_needs_command" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_needs_command" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_needs_command" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_needs_command" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_needs_command" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_needs_command" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_needs_command" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_needs_command" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_needs_command" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "ca" -d 'Create and inspect the certificate authority'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "cert" -d 'Issue and inspect node and client certificates'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "revoke" -d 'Revoke certificates (by name, serial or file) and publish a new CRL'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "crl" -d 'Publish `crl.pem`: one CRL per trusted CA, signed by the issuing CA'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "verify" -d 'Verify a certificate file, or a live server\'s (HOST:PORT): chain, validity, usage, CRL, host, role'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "check" -d 'Expiry of every live certificate, CA and CRL, for cron and monitoring: exit 1 when one is within the window, expired or out of date; --prometheus writes a textfile'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "serve" -d 'Run a reference single-port node: TLS (HTTP/1.1, HTTP/2, gRPC) and a plaintext redirect'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "probe" -d 'Classify every transport of one or more ports: encrypted? who is authenticated?'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "demo" -d 'The whole product in seconds: temporary CA, certificates, serve on loopback, probe it'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "apply" -d 'Provision a whole cluster from a YAML inventory: issue what is missing, renew what expires'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "key" -d 'Split a secret file into K-of-N Shamir shares, or combine shares back'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "backup" -d 'Backups of the state directory that need K of N custodians to restore'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "store" -d 'Check the state directory\'s parts against each other (records, index, CRL, delivered files)'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "authz" -d 'Authorization policies (who may call which path or gRPC method; docs/authz.md): check one, or render it as the nginx configuration that enforces it'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "man" -d 'Write man pages (one per subcommand) into a directory'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -f -a "init" -d 'Create a root CA (and optionally an issuing intermediate) in the state directory'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -f -a "show" -d 'Show the CA: subject, key type, validity, fingerprints, key encryption'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -f -a "rotate" -d 'Make a new CA (or only a new intermediate); the trust bundle keeps the old one until it expires or is retired'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -f -a "bundle" -d 'Write the trust bundle (ca.crt of the state, e.g. on etcd) to a file or stdout'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -f -a "retire" -d 'Retire a previous CA generation: drop it from ca.crt and crl.pem (its files go to DIR/attic/retired/)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -f -a "import" -d 'Adopt an existing CA (RSA or EC root, optionally an issuing intermediate) into an empty state directory'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show rotate bundle retire import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l name -d 'Cluster name: the O of every certificate subject' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l trust-domain -d 'SPIFFE trust domain of the URI SANs [default: the cluster name, lowercased, + ".local"]' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l key-type -d 'Key algorithm of the CA (and default for issued certificates)' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256 with SHA-256 (the default; every TLS stack accepts it)'
ecdsa-p384\t'ECDSA on NIST P-384 with SHA-384'
ed25519\t'Ed25519 (OpenSSL 1.1.1+, Go, rustls; not every browser or appliance)'
rsa-2048\t'RSA 2048 bits, signing with PKCS#1 v1.5 SHA-256 (for peers that speak only RSA)'
rsa-3072\t'RSA 3072 bits'
rsa-4096\t'RSA 4096 bits'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l days -d 'Validity of the root in days' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l permit-dns -d 'DNS subtree certificates may name (repeatable): `prod.example` permits it and every name below it, `.prod.example` only the names below it. Any --permit-dns makes every other DNS name invalid' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l permit-ip -d 'IP block certificates may name (repeatable), ADDR/PREFIX (e.g. 10.0.0.0/8). Any --permit-ip makes every other IP address (of either family) invalid' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l exclude-dns -d 'DNS subtree no certificate may name, even inside a permitted one (repeatable)' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l exclude-ip -d 'IP block no certificate may name, even inside a permitted one (repeatable)' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l intermediate -d 'Also create an intermediate CA that signs everything afterwards'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l encrypt-key -d 'Protect the CA key(s) with a passphrase (age, scrypt); implied by --passphrase-file'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l force -d 'Replace an existing CA (moved to DIR/attic/, never deleted)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l key-type -d 'Key algorithm of the new CA [default: the current one\'s]' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256 with SHA-256 (the default; every TLS stack accepts it)'
ecdsa-p384\t'ECDSA on NIST P-384 with SHA-384'
ed25519\t'Ed25519 (OpenSSL 1.1.1+, Go, rustls; not every browser or appliance)'
rsa-2048\t'RSA 2048 bits, signing with PKCS#1 v1.5 SHA-256 (for peers that speak only RSA)'
rsa-3072\t'RSA 3072 bits'
rsa-4096\t'RSA 4096 bits'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l days -d 'Validity of the new root in days [default: 3650]; with --intermediate-only, of the new intermediate [default: until the root expires; cut to it]' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l intermediate-only -d 'Make only a new intermediate, signed by the current root (which needs its key online); the old intermediate becomes a previous generation until `ca retire`; ca.crt is unchanged'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l out -d 'Where to write it [default: standard output]. A node installs only roots it pins (FILE.pins, written beside it; else the roots of the FILE already there; trust on first use when neither exists) or that a pinned root endorsed at `ca rotate`' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l pin -d 'Trust this root (SHA-256 fingerprint of its certificate, from `secctl ca show` on the CA host) in addition to the pins; repeatable' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from bundle" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -l force -d 'Retire it even though live certificates still chain to it (they are listed, and refused by peers afterwards)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from retire" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l name -d 'Cluster name: the O of issued certificates' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l trust-domain -d 'SPIFFE trust domain of the URI SANs [default: the cluster name, lowercased, + ".local"]' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l key-type -d 'Key algorithm of issued certificates when `cert` is not given --key-type' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256 with SHA-256 (the default; every TLS stack accepts it)'
ecdsa-p384\t'ECDSA on NIST P-384 with SHA-384'
ed25519\t'Ed25519 (OpenSSL 1.1.1+, Go, rustls; not every browser or appliance)'
rsa-2048\t'RSA 2048 bits, signing with PKCS#1 v1.5 SHA-256 (for peers that speak only RSA)'
rsa-3072\t'RSA 3072 bits'
rsa-4096\t'RSA 4096 bits'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l cert -d 'The root certificate (PEM or DER, self-signed, CA:TRUE)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l key -d 'The root\'s private key: PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1 (PEM or DER)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l intermediate-cert -d 'An intermediate CA certificate signed by the root; it signs everything afterwards' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l intermediate-key -d 'The intermediate\'s private key (same formats as --key)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l key-passphrase-file -d 'Passphrase of encrypted key files to import (first line) [default: asked on the terminal]' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l encrypt-key -d 'Store the CA key(s) encrypted with a passphrase (age, scrypt); implied by --passphrase-file'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "init" -d 'Create a root CA (and optionally an issuing intermediate) in the state directory'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the CA: subject, key type, validity, fingerprints, key encryption'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Make a new CA (or only a new intermediate); the trust bundle keeps the old one until it expires or is retired'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "bundle" -d 'Write the trust bundle (ca.crt of the state, e.g. on etcd) to a file or stdout'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "retire" -d 'Retire a previous CA generation: drop it from ca.crt and crl.pem (its files go to DIR/attic/retired/)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "import" -d 'Adopt an existing CA (RSA or EC root, optionally an issuing intermediate) into an empty state directory'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -f -a "node" -d 'Issue a node certificate (TLS server and client)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -f -a "client" -d 'Issue a client certificate (TLS client only)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -f -a "list" -d 'List issued certificates with role, serial, expiry and status'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -f -a "sign" -d 'Certify a key made on the node: sign its CSR with secctl\'s identity (the key never leaves the node)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -f -a "renew" -d 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key or --csr)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -f -a "canary" -d 'Issue the revoked canary: a client certificate (role canary) revoked at issuance, that probe tries on every TLS row to tell whether a server enforces revocation'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -f -a "show" -d 'Show one certificate: by name, serial, or certificate file'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -f -a "export" -d 'Export a certificate and its key as PKCS#12, or its key as PKCS#1 or SEC1'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list sign renew canary show export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l host -d 'DNS name or IP address the node is reached at (repeatable)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l role -d 'Role (OU and SPIFFE path), e.g. praefect, gitaly' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l days -d 'Validity in days (capped at the issuing CA\'s end of validity) [default: 365]' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l valid-for -d 'Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA\'s end of validity)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l key-type -d 'Key algorithm [default: the CA\'s]' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256 with SHA-256 (the default; every TLS stack accepts it)'
ecdsa-p384\t'ECDSA on NIST P-384 with SHA-384'
ed25519\t'Ed25519 (OpenSSL 1.1.1+, Go, rustls; not every browser or appliance)'
rsa-2048\t'RSA 2048 bits, signing with PKCS#1 v1.5 SHA-256 (for peers that speak only RSA)'
rsa-3072\t'RSA 3072 bits'
rsa-4096\t'RSA 4096 bits'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l out -d 'Output directory [default: DIR/certs/NAME]' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l force -d 'Issue even if a valid certificate with this name exists, and replace an existing `ca.crt` in the output directory that is not a bundle of this CA'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l role -d 'Role (OU and SPIFFE path), e.g. gitlab' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l days -d 'Validity in days (capped at the issuing CA\'s end of validity) [default: 365]' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l valid-for -d 'Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA\'s end of validity)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l key-type -d 'Key algorithm [default: the CA\'s]' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256 with SHA-256 (the default; every TLS stack accepts it)'
ecdsa-p384\t'ECDSA on NIST P-384 with SHA-384'
ed25519\t'Ed25519 (OpenSSL 1.1.1+, Go, rustls; not every browser or appliance)'
rsa-2048\t'RSA 2048 bits, signing with PKCS#1 v1.5 SHA-256 (for peers that speak only RSA)'
rsa-3072\t'RSA 3072 bits'
rsa-4096\t'RSA 4096 bits'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l out -d 'Output directory [default: DIR/certs/NAME]' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l force -d 'Issue even if a valid certificate with this name exists, and replace an existing `ca.crt` in the output directory that is not a bundle of this CA'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l expiring-within -d 'Certificates ending within DURATION are listed as expiring (30d, 12h, 2w, 1d12h; a bare number is days, as `check --within`) [default: 30d]; when given, exit 1 if a listed live certificate is expiring or expired' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l role -d 'Only certificates of this role' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l kind -d 'Only nodes or only clients' -r -f -a "node\t'serverAuth + clientAuth'
client\t'clientAuth only'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l status -d 'Only certificates in this status (repeatable): valid, expiring, expired, not-yet-valid, revoked, superseded (a newer certificate has the same name; implies --all)' -r -f -a "valid\t''
expiring\t''
expired\t''
not-yet-valid\t''
revoked\t''
superseded\t''"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l name -d 'Only certificates of this name' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l all -d 'Every certificate ever issued per name (superseded ones too), not only the newest'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l role -d 'Role (OU and SPIFFE path), e.g. gitaly' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l kind -d 'Node (TLS server and client) or client (TLS client only)' -r -f -a "node\t'serverAuth + clientAuth'
client\t'clientAuth only'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l host -d 'DNS name or IP address the node is reached at (repeatable; nodes need one). The CSR\'s own SANs must be among them' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l name -d 'Certificate name (CN) [default: the CSR\'s CN, which must then agree]' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l days -d 'Validity in days (capped at the issuing CA\'s end of validity) [default: 365]' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l valid-for -d 'Validity as a duration: 90d, 24h, 15m, 1h30m (5m to 36500d; capped at the issuing CA\'s end of validity)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l out -d 'Output directory for the certificate chain and ca.crt (no key) [default: DIR/certs/NAME]' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l force -d 'Issue even if a valid certificate with this name exists'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from sign" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l days -d 'Validity in days (capped at the issuing CA\'s end of validity) [default: the lifetime of the certificate renewed]' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l valid-for -d 'Validity as a duration: 90d, 24h, 15m, 1h30m [default: the lifetime of the certificate renewed]' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l exec -d 'Run CMD (`sh -c`, 60 s timeout) after the renewed files are written, e.g. to reload the server; the files are in SECCTL_CHANGED_FILES. Exit 1 when it fails (the files stay in place)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l csr -d 'Certify the key of this new CSR made on the node (required for a certificate that was signed from a CSR: its key is not here). Name, role and hosts stay the certificate\'s' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l force -d 'Replace an existing `ca.crt` in the output directory that is not a bundle of this CA'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l reuse-key -d 'Keep the existing private key (read from the certificate\'s output directory)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l revoke-old -d 'Revoke the old certificate (reason superseded) and publish a new CRL'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l crl-days -d 'Days until nextUpdate of the CRL published with it' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l force -d 'Issue a new canary even when the current one is revoked, from the issuing CA and valid for 30 days or more (otherwise it is left as it is)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from canary" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l pem -d 'Print the certificate itself (PEM, as the CA recorded it) instead of its fields: for openssl and other tools'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l p12-passphrase-file -d 'The PKCS#12 passphrase: first line of FILE (at least 8 characters; refused when it is the CA key\'s passphrase)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l p12 -d 'Write a PKCS#12 file (key, certificate, chain up to the root), mode 0600; its own passphrase is asked twice, or read from --p12-passphrase-file (never the CA key\'s)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l pkcs1 -d 'Write the key as PKCS#1 (`RSA PRIVATE KEY`, RSA keys only), mode 0600' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l sec1 -d 'Write the key as SEC1 (`EC PRIVATE KEY`, ECDSA keys only), mode 0600' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l legacy -d 'The PKCS#12 file in the legacy profile (3DES, SHA-1 MAC) for old Java, Windows and appliances'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l force -d 'Replace output files that exist'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "node" -d 'Issue a node certificate (TLS server and client)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "client" -d 'Issue a client certificate (TLS client only)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "list" -d 'List issued certificates with role, serial, expiry and status'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "sign" -d 'Certify a key made on the node: sign its CSR with secctl\'s identity (the key never leaves the node)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "renew" -d 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key or --csr)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "canary" -d 'Issue the revoked canary: a client certificate (role canary) revoked at issuance, that probe tries on every TLS row to tell whether a server enforces revocation'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one certificate: by name, serial, or certificate file'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export a certificate and its key as PKCS#12, or its key as PKCS#1 or SEC1'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l from -d 'Read more targets from FILE ("-": standard input), one per line; blank lines and lines starting with # are skipped' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l reason -d 'RFC 5280 reason' -r -f -a "unspecified\t'No reason given (the reason code is then left out of the CRL, as RFC 5280 asks)'
keyCompromise\t'The private key leaked'
caCompromise\t'The CA key leaked'
affiliationChanged\t'The subject changed organisation or role'
superseded\t'Replaced by a newer certificate'
cessationOfOperation\t'The node or client is gone'
privilegeWithdrawn\t'A privilege was withdrawn'"
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l crl-days -d 'Days until nextUpdate of the regenerated CRL' -r
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l root-crl-days -d 'Days until nextUpdate of the root\'s CRL above an intermediate [default: until the intermediate expires]' -r
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand revoke" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l days -d 'Days until nextUpdate (peers refuse the CRL afterwards: republish before)' -r
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l root-crl-days -d 'Days until nextUpdate of the root\'s CRL above an intermediate [default: until the intermediate expires]' -r
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l out -d 'Publish nothing: write the CRL published last (`crl.pem` of the state, e.g. on etcd) to FILE, for nodes that fetch it; needs no CA key' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l ca -d 'With --out: the trust bundle the node holds, whose CAs must have signed the CRL [default: ca.crt beside FILE]. The CRL number never goes below the one installed last (kept in FILE.numbers)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand crl" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand crl" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand crl" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand crl" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l servername -d 'Server name for SNI and verification [default: the target\'s host]' -r
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l timeout -d 'Timeout of each network step, in seconds' -r
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l path -d 'Path requested over HTTP (repeatable, for per-location client authentication) [default: /]' -r
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l min-tls -d 'Lowest TLS version the port may accept; `probe --strict` fails on an older one' -r -f -a "1.0\t''
1.1\t''
1.2\t''
1.3\t''"
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l warn-days -d '`probe --strict` fails when the server certificate expires within DAYS' -r
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l host -d 'Host name or IP address the certificate must be valid for' -r
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l role -d 'Role the certificate must carry (OU and SPIFFE id)' -r
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l trust-domain -d 'The cluster\'s SPIFFE trust domain, which --role requires of the certificate\'s SPIFFE id [default: DIR\'s]' -r
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l usage -d 'Purpose the certificate must allow' -r -f -a "server\t'TLS server (EKU serverAuth)'
client\t'TLS client (EKU clientAuth)'"
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l at -d 'Verify as of this time (RFC 3339, e.g. 2027-01-01T00:00:00Z, or @UNIX-SECONDS)' -r
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l protocol -d 'Live check: the protocol the port speaks over TLS, whose answer decides whether the handshake and --cert were accepted [default: detected from what the port answered]' -r -f -a "auto\t'The protocol the port answered (PostgreSQL, Redis, MQTT, NATS, HTTP, WebSocket, gRPC), else plain TLS'
http\t'HTTP/1.1 or HTTP/2 over TLS'
grpc\t'gRPC (health check) over TLS'
postgres\t'PostgreSQL: SSLRequest, then TLS, then a startup message'
redis\t'Redis over TLS (PING)'
mqtt\t'MQTT 3.1.1 over TLS (CONNECT)'
ws\t'WebSocket over TLS (an HTTP/1.1 upgrade answered 101)'
nats\t'NATS: the server\'s INFO, then TLS on the same connection, then CONNECT and PING'
tls\t'The TLS handshake only (a protocol secctl does not speak)'"
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l ca -d 'Trust bundle for the server chain [default: DIR/ca.crt when it exists]' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l cert -d 'Client certificate for mTLS' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l key -d 'Client key for mTLS' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l crl -d 'CRL file(s) in one PEM file [default: DIR/crl.pem when --ca is not given and it exists]' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l untrusted -d 'More certificates (PEM bundle) that may serve as intermediates; never trusted by themselves' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand verify" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l no-revocation -d 'Accept a revocation status that cannot be established (no CRL, expired CRL); revoked still fails'
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand verify" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand verify" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand check" -l within -d 'Certificates and CAs ending within this are a problem: 30d, 12h, 90m, 3600s, 2w, 1d12h (a bare number is days), or a fraction of each one\'s lifetime, as inventory `renew_before` takes: 1/3 (in its last third; for short-lived certificates)' -r
complete -c secctl -n "__fish_secctl_using_subcommand check" -l crl-within -d 'CRLs whose nextUpdate is within this are a problem (CRLs are republished often: `secctl crl` gives 30 days)' -r
complete -c secctl -n "__fish_secctl_using_subcommand check" -l prometheus -d 'Also write the results as a Prometheus textfile (for node_exporter\'s textfile collector: a FILE ending in .prom), atomically, mode 0644' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand check" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand check" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand check" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand check" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand check" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand check" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand check" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand check" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand check" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand check" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand check" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l listen -d 'Address to listen on, repeatable (port 0 picks a free port; the first line printed says which)' -r
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l name -d 'Serve the node certificate NAME from DIR/certs/NAME/ (instead of --cert/--key)' -r
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l trust-domain -d 'The cluster\'s SPIFFE trust domain, which --allow-role and --authz require of the client\'s SPIFFE id [default: DIR\'s]' -r
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l max-connections -d 'Connections served at once; at the cap a new one takes the place of the oldest not yet authenticated (by a verified client certificate; where none is asked for, by a request served), or is closed at once' -r
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l header-timeout -d 'Seconds allowed for the first byte, the TLS handshake, and each request\'s head and body' -r
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l idle-timeout -d 'Seconds a connection may stay open with no request in flight (HTTP/1.1 and HTTP/2)' -r
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l watch-interval -d 'Seconds between looks at the certificate, key, bundle, CRL and --authz files, which are reloaded when they change (0: only on SIGHUP)' -r
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l client-auth -d 'Client certificates at the handshake' -r -f -a "none\t'Never ask for one'
optional\t'Ask; verify it if given; let everyone in'
required\t'Refuse the handshake without a valid one'"
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l grpc-auth -d 'Per-request authentication of gRPC calls (status 16 without a verified certificate)' -r -f -a "none\t'Anyone'
mtls\t'Status 16 UNAUTHENTICATED without a verified client certificate'"
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l allow-role -d 'Only these roles may call (per request: HTTP 403 / gRPC status 7 for others). Repeatable' -r
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l authz -d 'Authorization policy: which roles may call which HTTP path or gRPC method (YAML, `authz:` and its rules; see docs/authz.md), decided per request before the method is looked up. Without a certificate that has a role: HTTP 401, gRPC status 16. A role the path\'s rule does not allow, or a path no rule covers, served or not: HTTP 403, gRPC status 7. Reloaded with the certificates (SIGHUP, file change). Not with --allow-role' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l cert -d 'Server certificate chain (PEM)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l key -d 'Server private key (PKCS#8 PEM)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l ca -d 'Bundle that verifies client certificates [default: DIR/ca.crt]' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l crl -d 'CRL for client certificates [default: DIR/crl.pem, also with --ca]. Verifying client certificates without a CRL needs --no-crl' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand serve" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l no-crl -d 'Verify client certificates without any CRL (revoked certificates are accepted)'
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l insecure -d 'No TLS: plaintext HTTP/1.1, h2c and gRPC (for comparison and tests)'
complete -c secctl -n "__fish_secctl_using_subcommand serve" -s v -l verbose -d 'Log one line per connection (with the peer\'s identity) on stderr, and with --authz one per request: the rule that decided, allow or deny'
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand serve" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l servername -d 'Server name for SNI and verification [default: the target\'s host]' -r
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l timeout -d 'Timeout of each network step, in seconds' -r
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l path -d 'Path requested over HTTP (repeatable, for per-location client authentication) [default: /]' -r
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l min-tls -d 'Lowest TLS version the port may accept; `probe --strict` fails on an older one' -r -f -a "1.0\t''
1.1\t''
1.2\t''
1.3\t''"
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l warn-days -d '`probe --strict` fails when the server certificate expires within DAYS' -r
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l concurrency -d 'Targets probed at once' -r
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l prometheus -d 'Also write the matrix as a Prometheus textfile (for node_exporter\'s textfile collector: a FILE ending in .prom), atomically, mode 0644: per target and row, encrypted, mutual TLS enforced, untrusted and revoked clients admitted, and the server certificate\'s days left' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l authz -d 'Check who may call what: call every rule\'s path of the policy FILE (HTTP: its method; gRPC: a unary call with an empty message) with every --as role\'s certificate and with none, and print the matrix beside what the policy allows (docs/authz.md)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l as -d 'A role\'s certificate and key for --authz, as ROLE=CERT,KEY (repeatable; every role the policy names needs one). The certificate must hold ROLE under the identity rule' -r
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l trust-domain -d 'The cluster\'s SPIFFE trust domain, for the role of an --as certificate [default: DIR\'s]' -r
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l targets-file -d 'Read targets from FILE too: one HOST:PORT per line; blank lines and `#` comments are skipped' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l inventory -d 'Probe the inventory\'s targets and compare with their expectations (exit 1 on a difference)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l ca -d 'Trust bundle for the server chain [default: DIR/ca.crt when it exists]' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l cert -d 'Client certificate for mTLS' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l key -d 'Client key for mTLS' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l revoked-cert -d 'A certificate of the cluster\'s CA that its CRL lists (the revoked canary), tried as a fourth identity on every TLS row: a server that admits it does not enforce revocation [default: DIR\'s certs/canary/, made by `secctl cert canary`]' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l revoked-key -d 'The revoked canary\'s key' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l record -d 'Save what the probe observed of the one target, with the rows it classified, as a case for the classification table (tests/probe_cases/)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand probe" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l strict -d 'Exit 1 when any transport serves plaintext content or TLS does not enforce client certificates'
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand probe" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand probe" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand demo" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand demo" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand demo" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand demo" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand demo" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand demo" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand demo" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand demo" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand demo" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand demo" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand demo" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l renew-before -d 'Renew certificates with less than this left: days (30), a duration (8h) or a fraction of the lifetime (1/3) [default: the inventory\'s, or 30 days but at most a third of the lifetime]' -r
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand apply" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l check -d 'Change nothing; exit 1 when there is work to do'
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l bundle-only -d 'Only write the current trust bundle (`ca.crt`: old and new CAs after `ca rotate`) into every output directory; issue, renew and revoke nothing (step 2 of a zero-downtime roll)'
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l prune -d 'Revoke (cessationOfOperation) the certificates of names the inventory no longer has, and remove the files secctl delivered for them'
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l force -d 'Replace an existing `ca.crt` in an output directory that is not a bundle of this CA'
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l revoke-old -d 'Revoke (superseded) the certificates this run renews, and publish a new CRL'
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand apply" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand apply" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -f -a "split" -d 'Split FILE into N shares, any K of which restore it (Shamir over GF(256))'
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -f -a "combine" -d 'Combine K shares into the secret (on a terminal without SHARE: paste them one by one)'
complete -c secctl -n "__fish_secctl_using_subcommand key; and not __fish_seen_subcommand_from split combine help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l threshold -d 'K: shares needed to restore' -r
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l shares -d 'N: shares made' -r
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l recipient -d 'Custodian public key (age1... or ssh-ed25519 ...), one per share, in share order. Repeatable' -r
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l out -d 'Directory for the share files [default: FILE.shares]' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l recipients-file -d 'File of custodian public keys, one per line (# comments allowed)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from split" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -s i -l identity -d 'age identity file or OpenSSH private key to decrypt encrypted shares. Repeatable' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -l out -d 'Where to write the secret (mode 0600; must not exist)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from combine" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "split" -d 'Split FILE into N shares, any K of which restore it (Shamir over GF(256))'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "combine" -d 'Combine K shares into the secret (on a terminal without SHARE: paste them one by one)'
complete -c secctl -n "__fish_secctl_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -f -a "init" -d 'Make a backup key pair: the public half stays in DIR, the private half leaves only as K-of-N shares'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -f -a "create" -d 'Archive the state directory, encrypted to the backup public key (no secret needed)'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -f -a "restore" -d 'Restore a backup into an empty directory with K shares of the backup key'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and not __fish_seen_subcommand_from init create restore help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l threshold -d 'K' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l shares -d 'N' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l recipient -d 'Custodian public key (age1... or ssh-ed25519 ...), one per share, in share order. Repeatable' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l out -d 'Directory for the share files [default: ./backup-shares-SPLIT]' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l recipients-file -d 'File of custodian public keys, one per line (# comments allowed)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l force -d 'Replace an existing backup key (backups made with the old one then need the old shares)'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l out -d 'Output file [default: secctl-backup-TIMESTAMP.age]' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l accept-new-backup-key -d 'Encrypt to a backup.pub whose fingerprint differs from the one pinned by `backup init` (only after checking the new fingerprint with the custodians), and pin the new one'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l to -d 'Target directory: must not exist or be empty' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l share -d 'Share files. Repeatable' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -s i -l identity -d 'Identity files to decrypt encrypted shares. Repeatable' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "init" -d 'Make a backup key pair: the public half stays in DIR, the private half leaves only as K-of-N shares'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "create" -d 'Archive the state directory, encrypted to the backup public key (no secret needed)'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore a backup into an empty directory with K shares of the backup key'
complete -c secctl -n "__fish_secctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -f -a "check" -d 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement'
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -f -a "copy" -d 'Copy the whole state between a directory and etcd, either way (the target must be empty): `--from DIR --to etcd://...` or `--from etcd://... --to DIR`'
complete -c secctl -n "__fish_secctl_using_subcommand store; and not __fish_seen_subcommand_from check copy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -l repair -d 'First take the lock, remove what a killed writer left and rebuild the name index'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l from -d 'The state to copy: a directory or an etcd:// address' -r
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l to -d 'Where to: an empty (or new) directory, or an etcd:// address with no state' -r
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from copy" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "copy" -d 'Copy the whole state between a directory and etcd, either way (the target must be empty): `--from DIR --to etcd://...` or `--from etcd://... --to DIR`'
complete -c secctl -n "__fish_secctl_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -f -a "check" -d 'Read a policy and list its rules; a bad one is exit 2 naming the file and the line'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -f -a "nginx" -d 'Print the nginx configuration that enforces a policy: the role of the verified client certificate (its OU) and one allow map per rule for `http {}`, one location per rule (401 without a verified certificate, 403 to a role the rule does not allow) and a location denying every other path for `server {}`'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and not __fish_seen_subcommand_from check nginx help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l pass -d 'What an allowed request gets, e.g. `grpc_pass grpcs://127.0.0.1:9000;` or `proxy_pass http://backend;` [default: a comment to replace]' -r
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l part -d 'Print only the part for `http {}` or for `server {}` [default: both]' -r -f -a "http\t'The maps (in `http {}`)'
server\t'The locations (in `server {}`)'"
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from nginx" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from help" -f -a "check" -d 'Read a policy and list its rules; a bad one is exit 2 naming the file and the line'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from help" -f -a "nginx" -d 'Print the nginx configuration that enforces a policy: the role of the verified client certificate (its OU) and one allow map per rule for `http {}`, one location per rule (401 without a verified certificate, 403 to a role the rule does not allow) and a location denying every other path for `server {}`'
complete -c secctl -n "__fish_secctl_using_subcommand authz; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand completions" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand man" -l out -d 'Output directory' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand man" -l dir -d 'State directory (CA, records, issued certificates)' -r -f -a "(__fish_complete_directories)"
complete -c secctl -n "__fish_secctl_using_subcommand man" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand man" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting; with `ca init` it implies --encrypt-key. Keep it mode 0600 (a warning otherwise)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand man" -l store -d 'Keep the state on etcd instead of in --dir: `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`. Writers take etcd\'s lock; every change is written back with compare-and-swap' -r
complete -c secctl -n "__fish_secctl_using_subcommand man" -l etcd-ca -d 'CA bundle of the etcd members\' certificates (TLS to etcd; plain HTTP without it)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand man" -l etcd-cert -d 'Client certificate for etcd (with --etcd-key; secctl can issue it: `cert client`)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand man" -l etcd-key -d 'Private key of --etcd-cert' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand man" -l etcd-timeout -d 'Seconds each etcd call may take before the next member is tried (exit 3 when none answers)' -r
complete -c secctl -n "__fish_secctl_using_subcommand man" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand man" -l insecure-dirs -d 'Accept state and output directories that other users could write (group- or world-writable, or owned by another user); refused by default'
complete -c secctl -n "__fish_secctl_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "ca" -d 'Create and inspect the certificate authority'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "cert" -d 'Issue and inspect node and client certificates'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "revoke" -d 'Revoke certificates (by name, serial or file) and publish a new CRL'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "crl" -d 'Publish `crl.pem`: one CRL per trusted CA, signed by the issuing CA'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "verify" -d 'Verify a certificate file, or a live server\'s (HOST:PORT): chain, validity, usage, CRL, host, role'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "check" -d 'Expiry of every live certificate, CA and CRL, for cron and monitoring: exit 1 when one is within the window, expired or out of date; --prometheus writes a textfile'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "serve" -d 'Run a reference single-port node: TLS (HTTP/1.1, HTTP/2, gRPC) and a plaintext redirect'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "probe" -d 'Classify every transport of one or more ports: encrypted? who is authenticated?'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "demo" -d 'The whole product in seconds: temporary CA, certificates, serve on loopback, probe it'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "apply" -d 'Provision a whole cluster from a YAML inventory: issue what is missing, renew what expires'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "key" -d 'Split a secret file into K-of-N Shamir shares, or combine shares back'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "backup" -d 'Backups of the state directory that need K of N custodians to restore'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "store" -d 'Check the state directory\'s parts against each other (records, index, CRL, delivered files)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "authz" -d 'Authorization policies (who may call which path or gRPC method; docs/authz.md): check one, or render it as the nginx configuration that enforces it'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "man" -d 'Write man pages (one per subcommand) into a directory'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert revoke crl verify check serve probe demo apply key backup store authz completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "init" -d 'Create a root CA (and optionally an issuing intermediate) in the state directory'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "show" -d 'Show the CA: subject, key type, validity, fingerprints, key encryption'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "rotate" -d 'Make a new CA (or only a new intermediate); the trust bundle keeps the old one until it expires or is retired'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "bundle" -d 'Write the trust bundle (ca.crt of the state, e.g. on etcd) to a file or stdout'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "retire" -d 'Retire a previous CA generation: drop it from ca.crt and crl.pem (its files go to DIR/attic/retired/)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "import" -d 'Adopt an existing CA (RSA or EC root, optionally an issuing intermediate) into an empty state directory'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "node" -d 'Issue a node certificate (TLS server and client)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "client" -d 'Issue a client certificate (TLS client only)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "list" -d 'List issued certificates with role, serial, expiry and status'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "sign" -d 'Certify a key made on the node: sign its CSR with secctl\'s identity (the key never leaves the node)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "renew" -d 'Issue a new certificate for the same identity (new serial; new key unless --reuse-key or --csr)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "canary" -d 'Issue the revoked canary: a client certificate (role canary) revoked at issuance, that probe tries on every TLS row to tell whether a server enforces revocation'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "show" -d 'Show one certificate: by name, serial, or certificate file'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "export" -d 'Export a certificate and its key as PKCS#12, or its key as PKCS#1 or SEC1'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "split" -d 'Split FILE into N shares, any K of which restore it (Shamir over GF(256))'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "combine" -d 'Combine K shares into the secret (on a terminal without SHARE: paste them one by one)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "init" -d 'Make a backup key pair: the public half stays in DIR, the private half leaves only as K-of-N shares'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "create" -d 'Archive the state directory, encrypted to the backup public key (no secret needed)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "restore" -d 'Restore a backup into an empty directory with K shares of the backup key'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "check" -d 'Check every record against its certificate, the name index against the records, the revocation log against the records and crl.pem, and the delivered files against the newest record of each name; exit 1 on any disagreement'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "copy" -d 'Copy the whole state between a directory and etcd, either way (the target must be empty): `--from DIR --to etcd://...` or `--from etcd://... --to DIR`'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from authz" -f -a "check" -d 'Read a policy and list its rules; a bad one is exit 2 naming the file and the line'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from authz" -f -a "nginx" -d 'Print the nginx configuration that enforces a policy: the role of the verified client certificate (its OU) and one allow map per rule for `http {}`, one location per rule (401 without a verified certificate, 403 to a role the rule does not allow) and a location denying every other path for `server {}`'
