# bench/lib/kaniko.sh: "the seed's way", kaniko building the same Containerfile the buildah
# peer builds, in a private Docker engine this benchmark starts. Nothing is pulled: the kaniko
# image is a stand-in made from the real kaniko binaries in METAGENERATOR_BUILDERS_ARCHIVE,
# laid out as upstream's gcr.io/kaniko-project/executor:v1.24.0-debug is.
# With --base kaniko the same stand-in, pushed to the bench registry, is every builder's
# generator base (push_kaniko_base), as it was the seed's.
# Sourced by bench/run.sh; uses WORK, ROOT, REG, say, die; sets KANIKO_IMAGE, KANIKO_NOTE,
# ENGINE_*, and with push_kaniko_base BASE_REF and BASE_NOTE.

KANIKO_IMAGE=gcr.io/kaniko-project/executor:v1.24.0-debug
KANIKO_NOTE=""
ENGINE_DIR="" ENGINE_PID=""

# kaniko_unavailable: prints why the kaniko peer cannot run here (and returns 0), or returns 1.
kaniko_unavailable() {
    if [ ! -r "$KANIKO_ARCHIVE" ]; then
        echo "no builders archive at '$KANIKO_ARCHIVE' (set METAGENERATOR_BUILDERS_ARCHIVE to builders.tar.xz)"
    elif ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
        echo "dockerd or docker is not installed (Debian: docker.io)"
    elif ! command -v xz >/dev/null; then
        echo "xz is not installed (Debian: xz-utils)"
    else
        return 1
    fi
}

docker_cli() { DOCKER_HOST="unix://$ENGINE_DIR/docker.sock" DOCKER_CONFIG="$ENGINE_DIR/client" docker "$@"; }

# start_engine: dockerd with its own data root, exec root, pidfile and socket in a short
# directory under /tmp (unix socket paths are limited to 108 bytes); no bridge, no iptables,
# so it touches nothing of the machine's. overlay2 where it runs, else vfs.
start_engine() {
    local driver i
    for driver in overlay2 vfs; do
        ENGINE_DIR=$(mktemp -d /tmp/mgbd-XXXXXX)
        mkdir -p "$ENGINE_DIR/client"
        dockerd --iptables=false --ip-masq=false --bridge=none --storage-driver="$driver" \
            --data-root "$ENGINE_DIR/root" --exec-root "$ENGINE_DIR/exec" --pidfile "$ENGINE_DIR/pid" \
            -H "unix://$ENGINE_DIR/docker.sock" >"$ENGINE_DIR/dockerd.log" 2>&1 &
        ENGINE_PID=$!
        for i in $(seq 1 300); do
            kill -0 "$ENGINE_PID" 2>/dev/null || break
            if [ -S "$ENGINE_DIR/docker.sock" ] && docker_cli version --format '{{.Server.Version}}' >/dev/null 2>&1; then
                ENGINE_DRIVER=$driver
                return 0
            fi
            sleep 0.2
        done
        say "dockerd with $driver did not start: $(tail -n 3 "$ENGINE_DIR/dockerd.log")"
        stop_engine
    done
    return 1
}

# stop_engine: SIGTERM by PID (SIGKILL after 30 s), then the engine's directory goes.
stop_engine() {
    [ -n "$ENGINE_DIR" ] || return 0
    if [ -n "$ENGINE_PID" ] && kill -0 "$ENGINE_PID" 2>/dev/null; then
        kill -TERM "$ENGINE_PID" 2>/dev/null || true
        local i
        for i in $(seq 1 150); do kill -0 "$ENGINE_PID" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$ENGINE_PID" 2>/dev/null && kill -KILL "$ENGINE_PID" 2>/dev/null || true
        wait "$ENGINE_PID" 2>/dev/null || true
    fi
    # dockerd leaves its default network namespace bind-mounted under the exec root.
    [ ! -e "$ENGINE_DIR/exec/netns/default" ] || umount "$ENGINE_DIR/exec/netns/default" 2>/dev/null || true
    rm -rf "$ENGINE_DIR"
    ENGINE_DIR="" ENGINE_PID=""
}

# make_kaniko_image: the stand-in, imported into the private engine under upstream's name:
# /kaniko (0777) with executor, warmer, ssl/certs/ca-certificates.crt and .docker/; /busybox
# with the static busybox and its applets; /bin/sh -> /busybox/sh; upstream's ENV, WORKDIR
# and ENTRYPOINT. (Not included, not needed with a config.json: the credential helpers.)
make_kaniko_image() {
    local root="$WORK/kaniko-image" a
    mkdir -p "$root/kaniko/ssl/certs" "$root/kaniko/.docker" "$root/busybox" "$root/bin" "$root/etc" "$root/workspace" "$root/root"
    tar -xJf "$KANIKO_ARCHIVE" -C "$root/kaniko" executor warmer VERSIONS ||
        die "could not unpack executor and warmer from $KANIKO_ARCHIVE"
    mv "$root/kaniko/VERSIONS" "$WORK/kaniko-versions"
    cp /etc/ssl/certs/ca-certificates.crt "$root/kaniko/ssl/certs/" 2>/dev/null || : >"$root/kaniko/ssl/certs/ca-certificates.crt"
    printf '{}\n' >"$root/kaniko/.docker/config.json"
    chmod 0777 "$root/kaniko"
    cp /usr/bin/busybox "$root/busybox/busybox"
    for a in $(/usr/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$root/busybox/$a"; done
    ln -s /busybox/sh "$root/bin/sh"
    printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
    tar -c -C "$root" --owner=0 --group=0 --numeric-owner . | docker_cli import \
        --change 'ENV HOME=/root USER=root PATH=/usr/local/bin:/kaniko:/busybox SSL_CERT_DIR=/kaniko/ssl/certs DOCKER_CONFIG=/kaniko/.docker/ DOCKER_CREDENTIAL_GCR_CONFIG=/kaniko/.config/gcloud/docker_credential_gcr_config.json' \
        --change 'VOLUME /busybox' --change 'WORKDIR /workspace' --change 'ENTRYPOINT ["/kaniko/executor"]' \
        - "$KANIKO_IMAGE" >/dev/null || die "could not import the kaniko stand-in image into the private engine"
    rm -rf "$root"
    # `executor version` prints "Kaniko version :  v1.24.0".
    KANIKO_VERSION=$(docker_cli run --rm "$KANIKO_IMAGE" version 2>/dev/null | sed -n '1s/^.*: *//p' || true)
}

# setup_kaniko: engine + stand-in; on any failure the kaniko peer is skipped with the reason.
setup_kaniko() {
    local why
    KANIKO_ARCHIVE=${METAGENERATOR_BUILDERS_ARCHIVE:-$ROOT/../shared/tools/builders/builders.tar.xz}
    if why=$(kaniko_unavailable); then
        KANIKO_NOTE="skipped: $why"
        return 1
    fi
    start_engine || { KANIKO_NOTE="skipped: the private dockerd did not start (see the messages above)"; return 1; }
    make_kaniko_image
    KANIKO_NOTE="kaniko ${KANIKO_VERSION:-?} (real executor from $(basename "$KANIKO_ARCHIVE")) in a stand-in of $KANIKO_IMAGE, run by a private dockerd ($(docker_cli version --format '{{.Server.Version}}'), $ENGINE_DRIVER storage) with --network host"
}

# push_kaniko_base: --base kaniko. The seed's generator image was FROM the kaniko debug image
# (metagenerator's default generator base for the kaniko builder too), so the stand-in goes to
# the bench registry and every builder starts FROM it. The private engine pushes it over plain
# HTTP: dockerd treats registries on 127.0.0.0/8 as insecure by default.
push_kaniko_base() {
    BASE_REF="$REG/bench/kaniko-executor:v1.24.0-debug"
    { docker_cli tag "$KANIKO_IMAGE" "$BASE_REF" && docker_cli push "$BASE_REF"; } >"$WORK/base.log" 2>&1 ||
        { cat "$WORK/base.log" >&2; die "could not push the kaniko stand-in to $BASE_REF"; }
    BASE_NOTE="the kaniko stand-in $KANIKO_IMAGE (executor, warmer, busybox), pushed by the private dockerd, layers $(image_layer_bytes "$BASE_REF") bytes compressed"
}
