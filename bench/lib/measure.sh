# bench/lib/measure.sh: one timed run of one tool, as one CSV row.
# Sourced by bench/run.sh; uses WORK, LIB, REG, BASE_REF, MG_PATH, COMPRESSION, LEVEL,
# PEER_WRAP, CSV_TMP, ENGINE_DIR, KANIKO_IMAGE and the registry and scenario functions.

CSV_HEADER="scenario,tool,round,warmup,wall_s,peak_rss_kb,bytes_uploaded,blob_uploads,blob_mounts,exit_code,cpu_s"

# destination_of SCENARIO TOOL: the repository (without the registry) a builder pushes to.
destination_of() {
    case "$2" in
        metagenerator) echo "bench-$1" ;;
        buildah) echo "peer/bench-$1" ;;
        kaniko) echo "kaniko/bench-$1" ;;
    esac
}

is_builder() { case "$1" in metagenerator|buildah|kaniko) return 0 ;; *) return 1 ;; esac; }

# tool_command SCENARIO TOOL RUN_DIR: fills the array CMD with the command to time.
tool_command() {
    local scenario=$1 tool=$2 rdir=$3
    local dir="$WORK/scenarios/$scenario" dest
    dest="$REG/$(destination_of "$scenario" "$tool"):v1"
    case "$tool" in
        metagenerator)
            CMD=("$MG_PATH" build "$dir/GENERATOR-MANIFEST.yml" "$dir/model-src"
                 --generator-base "$BASE_REF" --insecure-registry "$REG"
                 --config "$WORK/docker-config.json" --digest-file "$rdir/digest")
            # Only passed when asked for, so the harness also runs a binary without them.
            [ "$COMPRESSION" = gzip ] && [ -z "$LEVEL" ] || CMD+=(--compression "$COMPRESSION")
            [ -z "$LEVEL" ] || CMD+=(--compression-level "$LEVEL")
            ;;
        buildah)
            CMD=("${PEER_WRAP[@]}" bash "$LIB/peer-build.sh" "$dir" "$WORK/scenarios/$scenario.Containerfile"
                 "$dest" "$rdir/store" "$COMPRESSION" "$rdir/digest") ;;
        kaniko)
            CMD=(env DOCKER_HOST="unix://$ENGINE_DIR/docker.sock" DOCKER_CONFIG="$ENGINE_DIR/client" KANIKO_IMAGE="$KANIKO_IMAGE"
                 bash "$LIB/kaniko-build.sh" "$dir" "$WORK/scenarios/$scenario.Containerfile" "$dest"
                 "$COMPRESSION" "$LEVEL" "$rdir/kaniko") ;;
        floor-gzip-1)
            CMD=(bash -c 'set -o pipefail; tar -c -C "$1" . | gzip -1 >/dev/null' floor "$dir/model-src") ;;
        floor-zstd-1)
            CMD=(bash -c 'set -o pipefail; tar -c -C "$1" . | zstd -1 -q -c >/dev/null' floor "$dir/model-src") ;;
        read-hash)
            CMD=(bash -c 'set -o pipefail; tar -c -C "$1" . | sha256sum >/dev/null' read-hash "$dir/model-src") ;;
        *) die "unknown tool '$tool'" ;;
    esac
}

# measure SCENARIO TOOL ROUND WARMUP: runs one tool once under GNU time, appends a CSV row.
measure() {
    local scenario=$1 tool=$2 round=$3 warm=$4
    local rdir="$WORK/runs/$scenario-$tool-$round"
    mkdir -p "$rdir"
    local -a CMD
    tool_command "$scenario" "$tool" "$rdir"
    if is_builder "$tool"; then
        change_before_build "$scenario"
        ! is_first_build "$scenario" || drop_repository "$(destination_of "$scenario" "$tool")"
    fi
    local off rc=0
    off=$(stat -c %s "$WORK/access.log")
    /usr/bin/time -f '%e %M %U %S' -o "$rdir/time" "${CMD[@]}" >"$rdir/stdout" 2>"$rdir/stderr" || rc=$?
    if [ "$rc" != 0 ]; then
        say "$scenario/$tool round $round failed with exit code $rc; its output:"
        tail -n 20 "$rdir/stdout" "$rdir/stderr" >&2
        die "$tool failed in scenario $scenario (command: ${CMD[*]})"
    fi
    local name="bench-$scenario"
    if [ "$tool" = metagenerator ]; then
        local last
        last=$(awk 'NF { l = $0 } END { print l }' "$rdir/stdout")
        [[ $last =~ ^"$REG/$name:v1@sha256:"[0-9a-f]{64}$ ]] ||
            die "metagenerator's last stdout line should be '$REG/$name:v1@sha256:<digest>', was '$last'"
    fi
    if [ "$tool" = kaniko ]; then
        grep -qE '^sha256:[0-9a-f]{64}$' "$rdir/kaniko/digest" 2>/dev/null ||
            die "kaniko wrote no image digest in scenario $scenario round $round; its output: $rdir/stderr"
    fi
    rm -rf "$rdir/store"
    sync_access_log
    local wall rss user sys cpu up
    read -r wall rss user sys < <(tail -n 1 "$rdir/time")
    # The docker client's numbers say nothing of kaniko: CPU and memory are the executor's own,
    # measured inside the container; wall time is the whole `docker run`.
    # (busybox's %M takes ru_maxrss for pages and multiplies by the page size in KiB; undone here.)
    if [ "$tool" = kaniko ]; then
        read -r _ rss user sys < <(tail -n 1 "$rdir/kaniko/time")
        rss=$(( rss / ($(getconf PAGESIZE) / 1024) ))
    fi
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    up=$(uploads_since "$off")
    local bytes blobs mounts
    read -r bytes blobs mounts <<<"$up"
    echo "$scenario,$tool,$round,$warm,$wall,$rss,$bytes,$blobs,$mounts,$rc,$cpu" >>"$CSV_TMP"
    say "$(printf '%-9s %-5s %-13s %6.2f s (cpu %5.2f s) %6.1f MiB RSS %9.2f MB up in %d blob(s)' \
        "$scenario" "$round" "$tool" "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN{print k/1024}')" \
        "$(awk -v b="$bytes" 'BEGIN{print b/1000000}')" "$blobs")"
}
