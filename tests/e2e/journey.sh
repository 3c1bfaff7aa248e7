#!/usr/bin/env bash
# The end-to-end journey: events that must cross pub/sub, checked from outside the services through their public
# APIs only. The same script runs against the chart on a kind cluster (tests/e2e/cluster-journey.sh, behind
# port-forwards; .github/workflows/e2e.yml) and against the dev host (tests/Platform.Journey.Tests/DevHost/
# E2eJourneyScriptTests.cs), so a broken script fails here before it fails the workflow.
#
#   1. the demo patient and the demo clinician sign in (authorization code + PKCE; TOTP for the clinician);
#   2. the patient grants the clinician a consent, and its ledger receipt comes back
#      (consent -> consent.changed -> ledger -> ledger.committed -> consent);
#   3. the clinician writes and reads a record (each a consent decision), and the read's access event gets its
#      receipt (record-vault -> access.recorded -> ledger -> ledger.committed -> record-vault);
#   4. the patient revokes; the revoke's receipt comes back and the clinician's next read is refused (404);
#   5. with LEDGER set, every receipt is verified offline against the replicas' keys (the ledger CLI).
#
#   usage: tests/e2e/journey.sh
#   environment: IDENTITY, CONSENT, VAULT (base URLs, required); LEDGER (a ledger replica's base URL: verify the
#                receipts offline; empty skips that); RECEIPT_TIMEOUT (seconds a receipt may take, default 180)
#   needs: curl, jq, openssl, oathtool; dotnet with LEDGER (builds services/Ledger/Platform.Ledger.Cli)
#   The identity service must seed the demo accounts (Identity:Demo:Enabled: the dev host does;
#   the chart with tests/e2e/values-e2e.yaml) and know the public client platform-cli.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
: "${IDENTITY:?IDENTITY (the identity service base URL) is required}"
: "${CONSENT:?CONSENT (the consent service base URL) is required}"
: "${VAULT:?VAULT (the record-vault base URL) is required}"
LEDGER=${LEDGER:-}
RECEIPT_TIMEOUT=${RECEIPT_TIMEOUT:-180}
export IDENTITY
# The demo accounts' public credentials (README, services/Identity/Platform.Identity/Accounts/AccountSeeder.cs).
PATIENT_EMAIL=patient@demo.local PATIENT_PASSWORD=demo-patient-password
CLINICIAN_EMAIL=clinician@demo.local CLINICIAN_PASSWORD=demo-clinician-password
TOTP_SECRET=OBWGC5DGN5ZG2LLEMVWW6LLUN52HALJB

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; exit 1; }
# call EXPECTED_STATUS OUT_FILE CURL_ARGS...: one request; fails the journey on any other status.
call() {
  local expected=$1 out=$2 status
  shift 2
  status=$(curl -sS --max-time 30 -o "$out" -w '%{http_code}' "$@") || status=000
  [ "$status" = "$expected" ] || fail "expected HTTP $expected, got $status from ${*: -1}: $(head -c 400 "$out" 2>/dev/null)"
}
# eventually WHAT COMMAND...: retries COMMAND every 2 s until it succeeds or RECEIPT_TIMEOUT passes.
eventually() {
  local what=$1 deadline=$((SECONDS + RECEIPT_TIMEOUT))
  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "$what: not within ${RECEIPT_TIMEOUT}s"
    sleep 2
  done
}
sign_in() { SCOPE=$1 "$repo/docs/walkthrough/sign-in.sh" "${@:2}" | jq -r .access_token; }
subject() { curl -sS --fail -H "Authorization: Bearer $1" "$IDENTITY/connect/userinfo" | jq -r .sub; }

# 0. Every service answers ready.
for url in "$IDENTITY" "$CONSENT" "$VAULT" ${LEDGER:+"$LEDGER"}; do
  call 200 "$work/ready.json" "$url/health/ready"
done
ok "every service is ready"

# 1. Sign-in: code flow + PKCE; the clinician with the TOTP second factor.
patient_token=$(sign_in "openid consent.manage records" "$PATIENT_EMAIL" "$PATIENT_PASSWORD")
patient_id=$(subject "$patient_token")
[[ $patient_id =~ ^[0-9a-f]{32}$ ]] || fail "the patient's sub is not a pseudonymous id: $patient_id"
ok "patient signed in (code flow + PKCE)"
clinician_token=$(sign_in "openid profile roles records" "$CLINICIAN_EMAIL" "$CLINICIAN_PASSWORD" "$TOTP_SECRET")
claims=$(jq -R 'split(".")[1] | gsub("-"; "+") | gsub("_"; "/") | @base64d | fromjson' <<<"$clinician_token")
[ "$(jq -r .acr <<<"$claims")" = urn:platform:acr:mfa ] || fail "the clinician's token is not multi-factor: $(jq -c '{acr, amr}' <<<"$claims")"
clinician_id=$(subject "$clinician_token")
ok "clinician signed in (code flow + PKCE + TOTP, acr urn:platform:acr:mfa)"

# 2. The grant, and its receipt from the ledger: the consent event went out through pub/sub, the ledger committed
#    it, and ledger.committed came back to the consent service.
valid_until=$(date -u -d "+1 day" +%Y-%m-%dT%H:%M:%SZ)
call 201 "$work/consent.json" -H "Authorization: Bearer $patient_token" -H "Content-Type: application/json" \
  -d "{\"grantee\":{\"kind\":\"practitioner\",\"id\":\"$clinician_id\"},\"categories\":[\"observation\"],\"purposes\":[\"TREAT\"],\"actions\":[\"access\",\"correct\"],\"validUntil\":\"$valid_until\"}" \
  "$CONSENT/consents"
consent_id=$(jq -r .id "$work/consent.json")
[ "$(jq -r '"\(.status) \(.version)"' "$work/consent.json")" = "active 1" ] || fail "the grant is not active version 1: $(cat "$work/consent.json")"
ok "consent $consent_id granted"
consent_receipt() {
  call 200 "$work/history.json" -H "Authorization: Bearer $patient_token" "$CONSENT/consents/$consent_id"
  jq -e --argjson v "$1" '.history[] | select(.version == $v) | .receipt != null and .leafIndex != null' "$work/history.json" > /dev/null
}
eventually "the grant's ledger receipt" consent_receipt 1
ok "the grant's receipt came back from the ledger (leaf $(jq '.history[] | select(.version == 1) | .leafIndex' "$work/history.json"))"

# 3. A consent-checked write and read; the read's access event gets its receipt.
observation='{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},"valueQuantity":{"value":72,"unit":"beats/minute","system":"http://unitsofmeasure.org","code":"/min"}}'
call 201 "$work/record.json" -H "Authorization: Bearer $clinician_token" -H "Content-Type: application/fhir+json" \
  -d "$observation" "$VAULT/patients/$patient_id/records"
record_id=$(jq -r .id "$work/record.json")
call 200 "$work/read.json" -H "Authorization: Bearer $clinician_token" "$VAULT/records/$record_id"
jq -e '.code.coding[0].code == "8867-4"' "$work/read.json" > /dev/null || fail "the read returned another record: $(head -c 300 "$work/read.json")"
ok "record $record_id written and read under the consent"
access_receipt() {
  call 200 "$work/access-log.json" -H "Authorization: Bearer $patient_token" "$VAULT/patients/$patient_id/access-log"
  jq -e --arg r "$record_id" '[.[] | select(.recordId == $r and .action == "read" and .outcome == "permit" and .receipt != null)] | length == 1' \
    "$work/access-log.json" > /dev/null
}
eventually "the read's ledger receipt" access_receipt
ok "the read's access event got its receipt (leaf $(jq --arg r "$record_id" '.[] | select(.recordId == $r and .action == "read") | .leafIndex' "$work/access-log.json"))"

# 4. Revoke: its receipt comes back, and the next read is refused exactly like a missing record.
call 200 "$work/revoke.json" -X POST -H "Authorization: Bearer $patient_token" -H "Content-Type: application/json" -d '{}' \
  "$CONSENT/consents/$consent_id/revoke"
[ "$(jq -r '"\(.status) \(.version)"' "$work/revoke.json")" = "revoked 2" ] || fail "the revoke did not make version 2: $(cat "$work/revoke.json")"
call 404 "$work/refused.json" -H "Authorization: Bearer $clinician_token" "$VAULT/records/$record_id"
jq -e '.code == "not_found"' "$work/refused.json" > /dev/null || fail "the refusal is not problem+json not_found: $(head -c 300 "$work/refused.json")"
grep -q 8867-4 "$work/refused.json" && fail "the refusal leaked the record"
ok "consent revoked; the clinician's read is refused (404 not_found)"
eventually "the revoke's ledger receipt" consent_receipt 2
ok "the revoke's receipt came back from the ledger"
call 200 "$work/access-log.json" -H "Authorization: Bearer $patient_token" "$VAULT/patients/$patient_id/access-log"
jq -e --arg r "$record_id" '[.[] | select(.recordId == $r and .action == "read" and .outcome == "deny" and .reason == "revoked")] | length == 1' \
  "$work/access-log.json" > /dev/null || fail "the refused read is not in the patient's access log"
ok "the refused read is in the patient's access log (reason revoked)"

# 5. Offline verification of every receipt against the replicas' keys, with the patient's openings.
if [ -n "$LEDGER" ]; then
  dotnet build "$repo/services/Ledger/Platform.Ledger.Cli" -c Release -v q -nologo > "$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; fail "the ledger CLI did not build"; }
  ledger() { dotnet run --no-build -c Release --project "$repo/services/Ledger/Platform.Ledger.Cli" -- "$@"; }
  call 200 "$work/keys.json" "$LEDGER/replicas/keys"
  for version in 1 2; do
    jq --argjson v $version '.history[] | select(.version == $v) | .receipt' "$work/history.json" > "$work/receipt-v$version.json"
    jq --argjson v $version '.history[] | select(.version == $v) | .opening' "$work/history.json" > "$work/opening-v$version.json"
    ledger verify "$work/receipt-v$version.json" --keys "$work/keys.json" --opening "$work/opening-v$version.json" \
      || fail "the receipt of consent version $version does not verify"
  done
  jq --arg r "$record_id" '.[] | select(.recordId == $r and .action == "read" and .outcome == "permit") | .receipt' "$work/access-log.json" > "$work/receipt-read.json"
  jq --arg r "$record_id" '.[] | select(.recordId == $r and .action == "read" and .outcome == "permit") | .opening' "$work/access-log.json" > "$work/opening-read.json"
  ledger verify "$work/receipt-read.json" --keys "$work/keys.json" --opening "$work/opening-read.json" \
    || fail "the read's receipt does not verify"
  ok "the grant's, the revoke's and the read's receipts verify offline"
fi
echo "journey passed"
