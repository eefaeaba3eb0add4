#!/usr/bin/env bash
# Stand-in for the metagenerator binary, to exercise bench/run.sh's plumbing before the
# real `metagenerator build` exists. It honours the CLI contract the harness relies on:
#   mg-standin.sh build MANIFEST MODEL-SRC --generator-base REF --insecure-registry HOST
#                 [--config CFG] [--compression X] [--compression-level N] [--digest-file F]
# and pushes base + one layer with buildah (reproducibly: --timestamp 0), printing
# REF@sha256:... last. `labels` prints a marker label list, `render-generator` a marker
# script (the harness takes both from the binary). STANDIN_FAIL=1 makes build fail;
# STANDIN_BAD_OUTPUT=1 makes it print no REF@digest line; STANDIN_NO_LABELS=1 makes `labels` fail.
set -euo pipefail
case "${1:-}" in
    --version) echo "mg-standin 0"; exit 0 ;;
    labels)
        [ "${STANDIN_NO_LABELS:-0}" = 0 ] || { echo "mg-standin: no labels on purpose (STANDIN_NO_LABELS=1)" >&2; exit 3; }
        name=$(awk '/^[a-z0-9][a-z0-9_-]*:[[:space:]]*$/ { sub(/:.*/, ""); print; exit }' "$2")
        printf '%s.v1.standin=yes\norg.opencontainers.image.title=%s\n' "$name" "$name"
        exit 0 ;;
    render-generator)
        printf '#!/bin/sh\n# mg-standin generator script\nexec /kaniko/executor "$@"\n'
        exit 0 ;;
    build) shift ;;
    *) echo "mg-standin: unsupported command '${1:-}'" >&2; exit 2 ;;
esac
manifest=$1 src=$2; shift 2
base="" digest_file=""
while [ $# -gt 0 ]; do
    case "$1" in
        --generator-base) base=$2; shift 2 ;;
        --digest-file) digest_file=$2; shift 2 ;;
        --insecure-registry|--config|--compression|--compression-level) shift 2 ;;
        *) echo "mg-standin: unknown flag '$1'" >&2; exit 2 ;;
    esac
done
[ "${STANDIN_FAIL:-0}" = 0 ] || { echo "mg-standin: failing on purpose (STANDIN_FAIL=1)" >&2; exit 3; }
name=$(awk '/^[a-z0-9][a-z0-9_-]*:[[:space:]]*$/ { sub(/:.*/, ""); print; exit }' "$manifest")
version=$(awk '$1 == "version:" { print $2; exit }' "$manifest")
registry=$(awk '$1 == "GENERATOR_REGISTRY:" { print $2; exit }' "$manifest")
ref="$registry/$name:$version"

store=$(mktemp -d /tmp/mg-standin.XXXXXX)
trap 'rm -rf "$store"' EXIT
ba=(buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs)
ctr=$("${ba[@]}" from --quiet --tls-verify=false "$base")
"${ba[@]}" copy "$ctr" "$src" /workspace/model-src/ >/dev/null
"${ba[@]}" copy "$ctr" "$manifest" /GENERATOR-MANIFEST.yml >/dev/null
"${ba[@]}" config --workingdir /workspace --entrypoint '["/workspace/generator.sh"]' "$ctr"
"${ba[@]}" commit --quiet --timestamp 0 "$ctr" localhost/standin:latest >/dev/null
"${ba[@]}" push --quiet --tls-verify=false --digestfile "$store/digest" localhost/standin:latest "docker://$ref"
[ -z "$digest_file" ] || cp "$store/digest" "$digest_file"
echo "pushed $ref"
if [ "${STANDIN_BAD_OUTPUT:-0}" = 1 ]; then echo "done"; else echo "$ref@$(cat "$store/digest")"; fi
