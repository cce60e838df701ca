#!/usr/bin/env bash
# A provisioning pipeline step: converge the cluster's certificates to the inventory,
# publish the CRL, and fail the pipeline on anything unexpected. Scripts read JSON and exit
# codes, never the human tables.
#
#   SECCTL_DIR=/srv/pki SECCTL_PASSPHRASE_FILE=/run/secrets/ca-pass ./provision.sh inventory.yaml
#   (the two paths are placeholders: your state directory and a 0600 file holding the CA passphrase)
set -euo pipefail
inventory=${1:?usage: provision.sh INVENTORY}
secctl=${SECCTL:-secctl}

# 1. Anything to do? --check changes nothing: exit 0 nothing pending, 1 work pending, 2 bad inventory.
set +e
"$secctl" -o json apply --check "$inventory" > plan.json
status=$?
set -e
case $status in
  0) echo "certificates up to date" ;;
  1) echo "pending: $(python3 -c 'import json,sys; s=json.load(open("plan.json"))["summary"]; print(s)')" ;;
  *) echo "inventory refused (exit $status)" >&2; exit "$status" ;;
esac

# 2. Converge. A failed item is reported and the rest goes on; the next run retries it.
if [ "$status" = 1 ]; then
  "$secctl" -o json apply "$inventory" > applied.json || {
    python3 - <<'PY' >&2
import json
for i in json.load(open("applied.json"))["items"]:
    if i["action"] == "failed":
        print(f"FAILED {i['kind']} {i['name']}: {i['detail']}")
PY
    exit 1
  }
fi

# 3. Publish a fresh CRL (nextUpdate 7 days: run this at least weekly).
"$secctl" -o json crl --days 7 > crl.json

# 4. Every certificate verifies offline (chain, validity, CRL).
"$secctl" -o json cert list > certs.json
python3 - <<'PY'
import json
bad = [c for c in json.load(open("certs.json")) if c["status"] in ("expired", "expiring") and c["ca"] == "current"]
if bad:
    raise SystemExit("not renewed: " + ", ".join(c["name"] for c in bad))
PY

# 5. The live cluster matches the inventory's expectations (exit 1 names each difference).
"$secctl" -o json probe --inventory "$inventory" > probe.json
echo "cluster converged and verified"
