# Sourced by register.sh and sign-in.sh: requests to the identity service's pages with curl and a cookie jar, as a
# browser would make them. Expects $tmp (the caller's private temp folder) and $script (its name, for messages).

# page_request FORMAT CURL_ARGS...: one request, never following redirects; prints curl's -w FORMAT (which starts
# with %{http_code}). A 429 (the account pages allow 10 requests a minute per address) waits as long as
# Retry-After says and tries again.
page_request() {
  local format=$1 out wait
  shift
  for _ in 1 2 3; do
    out=$(curl -sS -b "$tmp/cookies" -c "$tmp/cookies" -D "$tmp/headers" -o "$tmp/body" -w "$format" "$@")
    [ "${out%% *}" = 429 ] || { echo "$out"; return; }
    wait=$(tr -d '\r' < "$tmp/headers" | sed -n 's/^[Rr]etry-[Aa]fter: *//p'); wait=${wait:-60}
    echo "$script: rate-limited, waiting ${wait}s" >&2; sleep "$wait"
  done
  echo "$out"
}

# The antiforgery token of the form in the last page fetched.
antiforgery() { sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' "$tmp/body" | head -n1; }
