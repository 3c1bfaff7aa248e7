#!/usr/bin/env bash
# Vendors the NHS.UK frontend's built files into Assets/nhsuk/ from the npm registry: the minified CSS and JS and the
# icons the CSS draws. Run from anywhere: services/BuildingBlocks/Platform.WebUi/vendor-nhsuk-frontend.sh [VERSION]
# Two changes are made to the CSS, both printed below and described in README.md:
#  - the @font-face rules are removed: they load Frutiger, the NHS's licensed typeface, from assets.nhs.uk for NHS
#    services only; this platform is not one, and its CSP loads nothing from another origin. Text uses the design
#    system's own fallback, Arial.
#  - url(/assets/images/...) becomes url(/assets/nhsuk/images/...), where WebUiAssets serves the icons, and the
#    source-map comment goes (the maps are not vendored).
set -euo pipefail
version="${1:-10.6.1}"
here="$(cd "$(dirname "$0")" && pwd)"
target="$here/Assets/nhsuk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "nhsuk-frontend@$version" >/dev/null && tar xzf "nhsuk-frontend-$version.tgz")
dist="$work/package/dist/nhsuk"
echo "nhsuk-frontend $version from the npm registry, $(cd "$work" && sha256sum "nhsuk-frontend-$version.tgz" | cut -d' ' -f1) (sha256 of the tarball)"
rm -f "$target"/nhsuk-frontend.min.css "$target"/nhsuk-frontend.min.js "$target"/images/*
mkdir -p "$target/images"
sed -E -e 's/@font-face\{[^}]*\}//g' \
       -e 's#url\(/assets/images/#url(/assets/nhsuk/images/#g' \
       -e '/^\/\*# sourceMappingURL=.*\*\/$/d' \
    "$dist/nhsuk-frontend-$version.min.css" > "$target/nhsuk-frontend.min.css"
sed -E -e '/^\/\/# sourceMappingURL=.*$/d' "$dist/nhsuk-frontend-$version.min.js" > "$target/nhsuk-frontend.min.js"
for icon in $(grep -oE 'url\(/assets/nhsuk/images/[a-z0-9-]+\.svg\)' "$target/nhsuk-frontend.min.css" | sed -E 's#url\(/assets/nhsuk/images/(.*)\)#\1#' | sort -u); do
    cp "$dist/assets/images/$icon" "$target/images/$icon"
done
if grep -q 'https://' "$target/nhsuk-frontend.min.css"; then
    echo "the CSS still loads something from another origin:" >&2
    grep -oE 'url\(https://[^)]*\)' "$target/nhsuk-frontend.min.css" >&2
    exit 1
fi
test -f "$target/LICENCE" || { echo "Assets/nhsuk/LICENCE is missing (the MIT licence of github.com/nhsuk/nhsuk-frontend)" >&2; exit 1; }
ls -l "$target" "$target/images"
# The version the pages ask for (?v=, so that browsers fetch the new files) and README.md name.
sed -i -E "s/(NhsukFrontendVersion = \")[^\"]*/\1$version/" "$here/WebUiAssets.cs"
echo "WebUiAssets.NhsukFrontendVersion = $version; update the version line of README.md."
