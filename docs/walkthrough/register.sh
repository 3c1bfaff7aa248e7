#!/usr/bin/env bash
# Registers an account on the identity service with curl, as the page /account/register would, then opens the
# confirmation link that the dev host writes to its outbox folder (DATA/outbox/identity/*.eml).
#
#   usage: docs/walkthrough/register.sh EMAIL PASSWORD "DISPLAY NAME" [patient|clinician] [LICENCE]
#   environment: IDENTITY (default http://localhost:5101), DATA (the dev host's --data folder, default ./data)
set -euo pipefail
IDENTITY=${IDENTITY:-http://localhost:5101}
DATA=${DATA:-data}
[ $# -ge 3 ] || { echo "usage: $0 EMAIL PASSWORD \"DISPLAY NAME\" [patient|clinician] [LICENCE]" >&2; exit 2; }
email=$1 password=$2 name=$3 type=${4:-patient} licence=${5:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "register.sh: $*" >&2; exit 1; }
script=register.sh
. "$(dirname "$0")/pages.sh"
page() { page_request '%{http_code}' "$@"; }

# The registration form and its antiforgery token, then the post.
[ "$(page "$IDENTITY/account/register")" = 200 ] || fail "the registration page did not answer"
token=$(antiforgery)
status=$(page "$IDENTITY/account/register" --data-urlencode "DisplayName=$name" --data-urlencode "Email=$email" \
  --data-urlencode "Password=$password" --data-urlencode "AccountType=$type" --data-urlencode "LicenceNumber=$licence" \
  --data-urlencode "__RequestVerificationToken=$token")
[ "$status" = 200 ] && grep -q 'id="registered"' "$tmp/body" \
  || fail "registration refused ($status): $(tr '\n' ' ' < "$tmp/body" | grep -o '<div class="error".*</div>' | sed 's/<[^>]*>/ /g')"
echo "registered $email ($type)"

# The confirmation e-mail: the newest message to this address in the outbox folder.
message=""
for _ in $(seq 1 20); do
  message=$(grep -l "^To: $email" "$DATA"/outbox/identity/*.eml 2>/dev/null | sort | tail -n1 || true)
  [ -n "$message" ] && break
  sleep 0.5
done
[ -n "$message" ] || fail "no confirmation e-mail for $email in $DATA/outbox/identity (is DATA the dev host's --data folder?)"
link=$(grep -o 'http[^[:space:]]*/account/confirm-email?[^[:space:]]*' "$message" | head -n1)
[ "$(page "$link")" = 200 ] || fail "the confirmation link was refused"
echo "confirmed $email"
