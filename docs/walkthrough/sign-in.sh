#!/usr/bin/env bash
# Signs in to the identity service as a browser would, with curl: authorization code + PKCE (S256), the sign-in
# form, the TOTP form (when the account has a second factor), and the code exchange. Prints the token response.
#
#   usage: docs/walkthrough/sign-in.sh EMAIL PASSWORD [TOTP_SECRET]
#   environment: IDENTITY (default http://localhost:5101), SCOPE (default "openid profile roles"),
#                CLIENT_ID (default platform-cli), REDIRECT_URI (default http://localhost:8400/callback)
#   needs: curl, jq, openssl, oathtool (only with a TOTP secret)
set -euo pipefail
IDENTITY=${IDENTITY:-http://localhost:5101}
SCOPE=${SCOPE:-openid profile roles}
CLIENT_ID=${CLIENT_ID:-platform-cli}
REDIRECT_URI=${REDIRECT_URI:-http://localhost:8400/callback}
[ $# -ge 2 ] || { echo "usage: $0 EMAIL PASSWORD [TOTP_SECRET]" >&2; exit 2; }
email=$1 password=$2 totp_secret=${3:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "sign-in.sh: $*" >&2; exit 1; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
urlencode() { jq -rn --arg v "$1" '$v|@uri'; }

script=sign-in.sh
. "$(dirname "$0")/pages.sh"
request() { page_request '%{http_code} %{redirect_url}' "$@"; }

# PKCE: a random verifier, its S256 challenge, and a state value.
verifier=$(openssl rand 32 | b64url)
challenge=$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | b64url)
state=$(openssl rand -hex 8)
authorize="$IDENTITY/connect/authorize?client_id=$(urlencode "$CLIENT_ID")&response_type=code&scope=$(urlencode "$SCOPE")&redirect_uri=$(urlencode "$REDIRECT_URI")&code_challenge=$challenge&code_challenge_method=S256&state=$state"

# 1. The authorization request sends us to the sign-in page.
read -r status location < <(request "$authorize")
[ "$status" = 302 ] || fail "authorize answered $status: $(head -c 300 "$tmp/body")"
case $location in */account/login*) ;; *) fail "expected the sign-in page, got $location" ;; esac

# 2. The sign-in form (with its antiforgery token).
login=$location
read -r status _ < <(request "$login")
[ "$status" = 200 ] || fail "sign-in page answered $status"
read -r status location < <(request "$login" --data-urlencode "Email=$email" --data-urlencode "Password=$password" \
  --data-urlencode "__RequestVerificationToken=$(antiforgery)")
[ "$status" = 302 ] || fail "sign-in refused ($status): $(sed -n 's/.*id="login-error">\([^<]*\)<.*/\1/p' "$tmp/body")"

# 3. The second factor: a TOTP code from the shared secret. A code is accepted once per 30-second step, so a
#    refused code is retried once with the next step's code.
if [[ $location == */account/login-2fa* ]]; then
  [ -n "$totp_secret" ] || fail "$email has a second factor: pass its TOTP secret as the third argument"
  twofactor=$location
  for attempt in 1 2; do
    read -r status _ < <(request "$twofactor")
    [ "$status" = 200 ] || fail "second-factor page answered $status"
    token=$(antiforgery)
    read -r status location < <(request "$twofactor" --data-urlencode "Code=$(oathtool --totp -b "$totp_secret")" \
      --data-urlencode "__RequestVerificationToken=$token")
    [ "$status" = 302 ] && break
    [ "$attempt" = 1 ] || fail "TOTP code refused: $(sed -n 's/.*id="code-error">\([^<]*\)<.*/\1/p' "$tmp/body")"
    sleep $(( 31 - $(date +%s) % 30 ))
  done
fi
case $location in */account/totp*) fail "$email has no second factor enrolled yet: enrol at $IDENTITY/account/totp first" ;; esac

# 4. Back at the authorization endpoint, signed in: it redirects to the client with the code.
read -r status location < <(request "$location")
[ "$status" = 302 ] || fail "authorize answered $status after sign-in: $(head -c 300 "$tmp/body")"
case $location in "$REDIRECT_URI"\?*) ;; *) fail "expected a redirect to $REDIRECT_URI, got $location" ;; esac
code=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$location")
returned_state=$(sed -n 's/.*[?&]state=\([^&]*\).*/\1/p' <<<"$location")
[ -n "$code" ] || fail "no code in $location"
[ "$returned_state" = "$state" ] || fail "state mismatch"

# 5. The code exchange, with the PKCE verifier.
curl -sS --fail-with-body "$IDENTITY/connect/token" -d grant_type=authorization_code -d "client_id=$CLIENT_ID" \
  --data-urlencode "redirect_uri=$REDIRECT_URI" -d "code=$code" -d "code_verifier=$verifier"
echo
