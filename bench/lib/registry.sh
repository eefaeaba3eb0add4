# bench/lib/registry.sh: the local registry the benchmark pushes to, the upload counts read
# from its access log, and the busybox base image every builder starts FROM.
# Sourced by bench/run.sh; uses WORK, say, die; sets REG, REG_PID, BASE_REF, BASE_NOTE.
# (With --base kaniko the base is the kaniko stand-in instead: push_kaniko_base in kaniko.sh.)

REG="" REG_PID="" BASE_REF="" BASE_NOTE=""

# A TCP connect that fails means nobody listens there; the registry start below is
# checked anyway, and retried on another port if it lost a race for this one.
pick_port() {
    local p i
    for i in $(seq 1 100); do
        p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    return 1
}

start_registry() {
    local attempt port
    mkdir -p "$WORK/registry"
    for attempt in 1 2 3; do
        port=$(pick_port) || die "no free TCP port found on 127.0.0.1"
        cat >"$WORK/registry.yml" <<EOF
version: 0.1
log:
  level: warn
  formatter: text
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $WORK/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
        # stdout carries the access log (one combined-format line per request).
        docker-registry serve "$WORK/registry.yml" >"$WORK/access.log" 2>"$WORK/registry.log" &
        REG_PID=$!
        local i
        for i in $(seq 1 100); do
            if curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; then
                kill -0 "$REG_PID" 2>/dev/null && { REG="127.0.0.1:$port"; return 0; }
            fi
            kill -0 "$REG_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; REG_PID=""
        say "registry did not start on port $port (attempt $attempt): $(tail -n 2 "$WORK/registry.log")"
    done
    die "could not start docker-registry; see the messages above"
}

stop_registry() {
    [ -n "$REG_PID" ] || return 0
    kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; REG_PID=""
}

# Waits until the registry has logged every request made so far: a marker request is
# sent and must show up in the access log (lines are written after each response).
sync_access_log() {
    local marker="bench-sync-$RANDOM$RANDOM" i
    curl -fsS -o /dev/null "http://$REG/v2/?$marker" || true
    for i in $(seq 1 100); do
        grep -q "$marker" "$WORK/access.log" && return 0
        sleep 0.05
    done
    say "warning: access log did not show marker $marker within 5 s; upload counts may be short"
}

# uploads_since OFFSET -> "BYTES BLOBS MOUNTS": blob uploads completed (PUT .../blobs/uploads/...
# ?digest=... answered 201) since OFFSET of the access log; each counts the size of the blob
# as stored by the registry. Cross-repository mounts (POST ?mount= answered 201) upload nothing.
uploads_since() {
    local off=$1 bytes=0 blobs=0 mounts d f
    local -a digests
    mapfile -t digests < <(tail -c +"$((off + 1))" "$WORK/access.log" |
        grep -E '"PUT /v2/[^ ]+/blobs/uploads/[^ ]* HTTP/[0-9.]+" 201 ' |
        grep -oiE 'digest=sha256(%3a|:)[0-9a-f]{64}' | grep -oE '[0-9a-f]{64}$' || true)
    for d in "${digests[@]}"; do
        f="$WORK/registry/docker/registry/v2/blobs/sha256/${d:0:2}/$d/data"
        [ -f "$f" ] || { say "warning: uploaded blob sha256:$d not found in registry storage"; continue; }
        bytes=$(( bytes + $(stat -c %s "$f") ))
        blobs=$(( blobs + 1 ))
    done
    mounts=$(tail -c +"$((off + 1))" "$WORK/access.log" |
        grep -cE '"POST /v2/[^ ]+/blobs/uploads/\?[^ ]*mount=[^ ]* HTTP/[0-9.]+" 201 ' || true)
    echo "$bytes $blobs $mounts"
}


# make_base: the base image $REG/bench/base:1, built without metagenerator: static busybox as
# /bin/busybox and /bin/sh on scratch. metagenerator, buildah and kaniko all start FROM it.
make_base() {
    BASE_REF="$REG/bench/base:1"
    local store="$WORK/base-store" ctr
    local -a ba=(buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs)
    {
        ctr=$("${ba[@]}" from scratch) &&
        "${ba[@]}" copy "$ctr" /usr/bin/busybox /bin/busybox >/dev/null &&
        "${ba[@]}" copy "$ctr" /usr/bin/busybox /bin/sh >/dev/null &&
        "${ba[@]}" config --cmd '["/bin/sh"]' --env PATH=/bin "$ctr" &&
        "${ba[@]}" commit --quiet "$ctr" localhost/bench-base:1 >/dev/null &&
        "${ba[@]}" push --quiet --tls-verify=false localhost/bench-base:1 "docker://$BASE_REF"
    } >"$WORK/base.log" 2>&1 || { cat "$WORK/base.log" >&2; die "could not create the base image $BASE_REF"; }
    rm -rf "$store"
    BASE_NOTE="static busybox on scratch, built with buildah"
}

# image_layer_bytes REF: the sum of the layer sizes in REF's manifest in the local registry
# (the compressed bytes a builder that pulls the base downloads).
image_layer_bytes() {
    local repo=${1#"$REG"/} tag
    tag=${repo##*:} repo=${repo%:*}
    curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REG/v2/$repo/manifests/$tag" |
        awk 'BEGIN { RS = "[{}]" } /"layers"/ { on = 1 } on && /"size"/ { match($0, /"size": *[0-9]+/); s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); t += s } END { print t + 0 }'
}

# drop_repository REPO: removes a repository from the registry's storage (its blobs stay), so
# the next push into it is a first push. The registry runs without a blob-descriptor cache,
# so it forgets the repository at once.
drop_repository() {
    rm -rf "$WORK/registry/docker/registry/v2/repositories/$1"
}
