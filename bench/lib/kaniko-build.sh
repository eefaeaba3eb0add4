#!/usr/bin/env bash
# The seed's way: kaniko's executor builds the scenario's Containerfile (the one buildah builds)
# in a fresh container of the kaniko stand-in image and pushes it, as a CI job does. The
# context and the Containerfile are bind-mounted (kaniko leaves mount points out of its
# snapshots). busybox's `time` inside the container measures the executor itself, since GNU
# time outside sees only the docker client; it writes '%e %M %U %S' to OUT_DIR/time.
#
#   kaniko-build.sh CONTEXT CONTAINERFILE DEST COMPRESSION LEVEL OUT_DIR
# with DOCKER_HOST and DOCKER_CONFIG set for the private engine, KANIKO_IMAGE the image.
set -euo pipefail
ctx=$1 containerfile=$2 dest=$3 compression=$4 level=$5 out=$6
mkdir -p "$out"
args=(--dockerfile /bench/Containerfile --context dir:///bench/context --destination "$dest"
      --insecure --insecure-pull --skip-tls-verify --skip-tls-verify-pull
      --digest-file /bench/out/digest --compression "$compression")
[ -z "$level" ] || args+=(--compression-level "$level")
exec docker run --rm --network host \
    -v "$ctx:/bench/context:ro" -v "$containerfile:/bench/Containerfile:ro" -v "$out:/bench/out" \
    --entrypoint /busybox/time "$KANIKO_IMAGE" \
    -f '%e %M %U %S' -o /bench/out/time /kaniko/executor "${args[@]}"
