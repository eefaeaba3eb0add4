#!/usr/bin/env bash
# The peer: `buildah bud` + `buildah push` with a fresh store, as a CI job starts fresh.
# run.sh runs this under `unshare -m` so the tmpfs below hides the host's containers/image
# blob-info cache (/var/lib/containers/cache), which would otherwise remember blob
# locations across runs; a CI job does not have it.
#
#   peer-build.sh CONTEXT CONTAINERFILE DEST STORE_DIR COMPRESSION DIGEST_FILE
set -euo pipefail
ctx=$1 containerfile=$2 dest=$3 store=$4 compression=$5 digest_file=$6

if [ "${BENCH_PEER_PRIVATE_CACHE:-0}" = 1 ]; then
    mkdir -p /var/lib/containers/cache
    mount -t tmpfs -o size=64m bench-blob-cache /var/lib/containers/cache
fi

mkdir -p "$store/root" "$store/run" "$store/tmp"
export TMPDIR="$store/tmp"
ba=(buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs)

"${ba[@]}" bud --quiet --isolation chroot --tls-verify=false \
    -f "$containerfile" -t localhost/bench-peer:latest "$ctx" >/dev/null
"${ba[@]}" push --quiet --tls-verify=false --compression-format "$compression" \
    --digestfile "$digest_file" localhost/bench-peer:latest "docker://$dest"
