# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_secctl_global_optspecs
    string join \n dir= o/output= yes passphrase-file= h/help V/version
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

complete -c secctl -n "__fish_secctl_needs_command" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_needs_command" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_needs_command" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_needs_command" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_needs_command" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "ca" -d 'Create and inspect the certificate authority'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "cert" -d 'Issue and inspect node and client certificates'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "man" -d 'Write man pages (one per subcommand) into a directory'
complete -c secctl -n "__fish_secctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show help" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show help" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show help" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show help" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show help" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show help" -f -a "init" -d 'Create a root CA (and optionally an issuing intermediate) in the state directory'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show help" -f -a "show" -d 'Show the CA: subject, key type, validity, fingerprints, key encryption'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and not __fish_seen_subcommand_from init show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l name -d 'Cluster name: the O of every certificate subject' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l trust-domain -d 'SPIFFE trust domain of the URI SANs [default: the cluster name, lowercased, + ".local"]' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l key-type -d 'Key algorithm of the CA (and default for issued certificates)' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256 with SHA-256 (the default; every TLS stack accepts it)'
ecdsa-p384\t'ECDSA on NIST P-384 with SHA-384'
ed25519\t'Ed25519 (OpenSSL 1.1.1+, Go, rustls; not every browser or appliance)'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l days -d 'Validity of the root in days' -r
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l intermediate -d 'Also create an intermediate CA that signs everything afterwards'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l encrypt-key -d 'Protect the CA key(s) with a passphrase (age, scrypt)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l force -d 'Replace an existing CA (moved to DIR/attic/, never deleted)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "init" -d 'Create a root CA (and optionally an issuing intermediate) in the state directory'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the CA: subject, key type, validity, fingerprints, key encryption'
complete -c secctl -n "__fish_secctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -f -a "node" -d 'Issue a node certificate (TLS server and client)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -f -a "client" -d 'Issue a client certificate (TLS client only)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -f -a "list" -d 'List issued certificates with role, serial, expiry and status'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -f -a "show" -d 'Show one certificate: by name, serial, or certificate file'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and not __fish_seen_subcommand_from node client list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l host -d 'DNS name or IP address the node is reached at (repeatable)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l role -d 'Role (OU and SPIFFE path), e.g. praefect, gitaly' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l days -d 'Validity in days (capped at the issuing CA\'s end of validity)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l key-type -d 'Key algorithm [default: the CA\'s]' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256 with SHA-256 (the default; every TLS stack accepts it)'
ecdsa-p384\t'ECDSA on NIST P-384 with SHA-384'
ed25519\t'Ed25519 (OpenSSL 1.1.1+, Go, rustls; not every browser or appliance)'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l out -d 'Output directory [default: DIR/certs/NAME]' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l force -d 'Issue even if a valid certificate with this name exists'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from node" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l role -d 'Role (OU and SPIFFE path), e.g. gitlab' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l days -d 'Validity in days (capped at the issuing CA\'s end of validity)' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l key-type -d 'Key algorithm [default: the CA\'s]' -r -f -a "ecdsa-p256\t'ECDSA on NIST P-256 with SHA-256 (the default; every TLS stack accepts it)'
ecdsa-p384\t'ECDSA on NIST P-384 with SHA-384'
ed25519\t'Ed25519 (OpenSSL 1.1.1+, Go, rustls; not every browser or appliance)'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l out -d 'Output directory [default: DIR/certs/NAME]' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l force -d 'Issue even if a valid certificate with this name exists'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from client" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l expiring-within -d 'Certificates ending within this many days are listed as expiring' -r
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "node" -d 'Issue a node certificate (TLS server and client)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "client" -d 'Issue a client certificate (TLS client only)'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "list" -d 'List issued certificates with role, serial, expiry and status'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one certificate: by name, serial, or certificate file'
complete -c secctl -n "__fish_secctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand completions" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand completions" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand man" -l out -d 'Output directory' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand man" -l dir -d 'State directory (CA, records, issued certificates)' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand man" -s o -l output -d 'Output format: a human table, or one JSON document on stdout' -r -f -a "text\t'Human tables and key/value lists'
json\t'One stable JSON document'"
complete -c secctl -n "__fish_secctl_using_subcommand man" -l passphrase-file -d 'Read the CA passphrase from this file (first line) instead of prompting' -r -F
complete -c secctl -n "__fish_secctl_using_subcommand man" -l yes -d 'Answer yes to confirmations (required for destructive actions without a terminal)'
complete -c secctl -n "__fish_secctl_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secctl -n "__fish_secctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert completions man help" -f -a "ca" -d 'Create and inspect the certificate authority'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert completions man help" -f -a "cert" -d 'Issue and inspect node and client certificates'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert completions man help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert completions man help" -f -a "man" -d 'Write man pages (one per subcommand) into a directory'
complete -c secctl -n "__fish_secctl_using_subcommand help; and not __fish_seen_subcommand_from ca cert completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "init" -d 'Create a root CA (and optionally an issuing intermediate) in the state directory'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "show" -d 'Show the CA: subject, key type, validity, fingerprints, key encryption'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "node" -d 'Issue a node certificate (TLS server and client)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "client" -d 'Issue a client certificate (TLS client only)'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "list" -d 'List issued certificates with role, serial, expiry and status'
complete -c secctl -n "__fish_secctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "show" -d 'Show one certificate: by name, serial, or certificate file'
