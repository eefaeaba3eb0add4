#!/usr/bin/env bash
# Benchmark of `metagenerator build` against the peer (buildah bud + push, fresh store)
# and the floor (tar | gzip -1 into /dev/null). See bench/README.md for the method.
# The whole script is one { ... } block, so bash parses it before running any of it and an
# edit to this file during a run cannot derail that run.
{
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/run.sh [options]

  --runs N                measured runs per tool and scenario (default 5; issue 5 asks >= 5)
  --warmup N              unmeasured warm-up rounds before them (default 1)
  --scenarios LIST        comma-separated subset of small,large,unchanged,onechange,
                          manifestchange,datachange,manyfiles (default: all)
  --tools LIST            comma-separated subset of mg,peer,floor (default: all three)
  --compression gzip|zstd layer compression for metagenerator and buildah; floor uses gzip -1 / zstd -1
  --compression-level N   passed to metagenerator (--compression-level) and buildah push
  --mg PATH               metagenerator binary to measure (also: MG=PATH in the environment);
                          default: NativeAOT-publish src/Metagenerator.Cli to bench/.out/bin
  --large-mb N            size of the large model source in MB (default 80)
  --results DIR           where latest.md and latest.csv go (default bench/results)
  --keep                  keep the work directory (registry storage, sources, logs)
  -h, --help              this text

Markdown table on stdout and in RESULTS/latest.md; every run in RESULTS/latest.csv.
EOF
}

die() { echo "bench/run.sh: error: $*" >&2; exit 2; }
say() { echo "bench: $*" >&2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LIB="$ROOT/bench/lib"

ALL_SCENARIOS=small,large,unchanged,onechange,manifestchange,datachange,manyfiles
RUNS=5 WARMUP=1 SCENARIOS=$ALL_SCENARIOS TOOLS=mg,peer,floor
COMPRESSION=gzip LEVEL="" LARGE_MB=80 RESULTS="$ROOT/bench/results" KEEP=0
MG_PATH="${MG:-}"
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
        --warmup) WARMUP=${2:?--warmup needs a number}; shift 2 ;;
        --scenarios) SCENARIOS=${2:?--scenarios needs a list}; shift 2 ;;
        --tools) TOOLS=${2:?--tools needs a list}; shift 2 ;;
        --compression) COMPRESSION=${2:?--compression needs gzip or zstd}; shift 2 ;;
        --compression-level) LEVEL=${2:?--compression-level needs a number}; shift 2 ;;
        --mg) MG_PATH=${2:?--mg needs a path}; shift 2 ;;
        --large-mb) LARGE_MB=${2:?--large-mb needs a number}; shift 2 ;;
        --results) RESULTS=${2:?--results needs a directory}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$RUNS'"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "--warmup must be a non-negative integer, got '$WARMUP'"
[[ $LARGE_MB =~ ^[0-9]+$ ]] && [ "$LARGE_MB" -ge 3 ] || die "--large-mb must be an integer >= 3, got '$LARGE_MB'"
[ -z "$LEVEL" ] || [[ $LEVEL =~ ^-?[0-9]+$ ]] || die "--compression-level must be an integer, got '$LEVEL'"
case "$COMPRESSION" in gzip|zstd) ;; *) die "--compression must be gzip or zstd, got '$COMPRESSION'" ;; esac
[ "$RUNS" -ge 5 ] || say "warning: --runs $RUNS < 5: fine for trying the harness, not for reporting (issue 5 asks >= 5)"

IFS=, read -r -a SCENARIO_LIST <<<"$SCENARIOS"
for s in "${SCENARIO_LIST[@]}"; do
    case "$s" in small|large|unchanged|onechange|manifestchange|datachange|manyfiles) ;;
        *) die "unknown scenario '$s' ($ALL_SCENARIOS)" ;; esac
done
IFS=, read -r -a TOOL_LIST <<<"$TOOLS"
DO_MG=0 DO_PEER=0 DO_FLOOR=0
for t in "${TOOL_LIST[@]}"; do
    case "$t" in mg) DO_MG=1 ;; peer) DO_PEER=1 ;; floor) DO_FLOOR=1 ;;
        *) die "unknown tool '$t' (mg, peer, floor)" ;; esac
done

for cmd in docker-registry buildah openssl od awk tar gzip sha256sum curl; do
    command -v "$cmd" >/dev/null || die "'$cmd' is not installed (Debian: docker-registry buildah openssl coreutils mawk tar gzip curl)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is not installed: apt-get install time"
[ "$COMPRESSION" = gzip ] || command -v zstd >/dev/null || die "--compression zstd needs the zstd tool: apt-get install zstd"
[ -r /usr/bin/busybox ] || die "/usr/bin/busybox is missing: apt-get install busybox-static"

WORK=$(mktemp -d /tmp/mg-bench.XXXXXX)
REG_PID=""
cleanup() {
    if [ -n "$REG_PID" ]; then kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; fi
    if [ "$KEEP" = 1 ]; then say "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- metagenerator binary
MG_VERSION="-"
if [ "$DO_MG" = 1 ]; then
    if [ -z "$MG_PATH" ]; then
        command -v dotnet >/dev/null || die "no --mg PATH and no dotnet to publish metagenerator"
        say "publishing metagenerator (NativeAOT) to bench/.out/bin ..."
        if ! dotnet publish src/Metagenerator.Cli -c Release -r linux-x64 -p:PublishAot=true \
                -o bench/.out/bin >"$WORK/publish.log" 2>&1; then
            tail -n 30 "$WORK/publish.log" >&2
            die "dotnet publish of src/Metagenerator.Cli failed (log above); pass --mg PATH or --tools peer,floor"
        fi
        MG_PATH="$ROOT/bench/.out/bin/metagenerator"
    fi
    [ -x "$MG_PATH" ] || die "metagenerator binary '$MG_PATH' does not exist or is not executable"
    MG_PATH=$(cd "$(dirname "$MG_PATH")" && pwd)/$(basename "$MG_PATH")
    MG_VERSION=$("$MG_PATH" --version 2>/dev/null | head -n 1 || true)
    MG_VERSION=${MG_VERSION:-unknown}
fi

# ---------------------------------------------------------------- local registry
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

start_registry
say "registry: http://$REG (pid $REG_PID, storage $WORK/registry)"

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

# ---------------------------------------------------------------- base image
BASE_REF="$REG/bench/base:1"
make_base() {
    local store="$WORK/base-store" ctr
    local -a ba=(buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs)
    ctr=$("${ba[@]}" from scratch)
    "${ba[@]}" copy "$ctr" /usr/bin/busybox /bin/busybox >/dev/null
    "${ba[@]}" copy "$ctr" /usr/bin/busybox /bin/sh >/dev/null
    "${ba[@]}" config --cmd '["/bin/sh"]' --env PATH=/bin "$ctr"
    "${ba[@]}" commit --quiet "$ctr" localhost/bench-base:1 >/dev/null
    "${ba[@]}" push --quiet --tls-verify=false localhost/bench-base:1 "docker://$BASE_REF"
    rm -rf "$store"
}
make_base >"$WORK/base.log" 2>&1 || { cat "$WORK/base.log" >&2; die "could not create the base image $BASE_REF"; }
say "base image: $BASE_REF (busybox)"

# ---------------------------------------------------------------- model sources
# source_of SCENARIO: which generated model source a scenario builds.
source_of() {
    case "$1" in small) echo small ;; datachange) echo data ;; manyfiles) echo many ;; *) echo large ;; esac
}
need_large=0 need_small=0 need_data=0 need_many=0
for s in "${SCENARIO_LIST[@]}"; do
    case "$(source_of "$s")" in small) need_small=1 ;; data) need_data=1 ;; many) need_many=1 ;; *) need_large=1 ;; esac
done
[ "$need_small" = 0 ] || bash "$LIB/gen-source.sh" small "$WORK/sources/small"
[ "$need_large" = 0 ] || bash "$LIB/gen-source.sh" large "$WORK/sources/large" "$LARGE_MB"
[ "$need_data" = 0 ] || bash "$LIB/gen-source.sh" data "$WORK/sources/data"
[ "$need_many" = 0 ] || bash "$LIB/gen-source.sh" many "$WORK/sources/many"

printf '{"auths": {}}\n' >"$WORK/docker-config.json"

# Label list for the peer's Containerfile: `metagenerator labels` when it works, else the
# flattening of CONTRACTS section 2 for the manifest written below, by hand.
write_scenario() {
    local scenario=$1 dir="$WORK/scenarios/$1" name="bench-$1" src
    src="$WORK/sources/$(source_of "$scenario")"
    mkdir -p "$dir"
    cp -a "$src" "$dir/model-src"
    cat >"$dir/GENERATOR-MANIFEST.yml" <<EOF
---
# Generator manifest (seed schema) written by bench/run.sh for scenario '$scenario'.
$name:
  version: v1
  config:
    GENERATOR_REGISTRY: $REG
    MODEL_REGISTRY: $REG
    MODEL_DOCKERFILE: Dockerfile
  parameters:
    CONFIG_FILE:
      info: path to config file with default values
      default: /config/config.yml
    GRID_DATA:
      info: path to grid data
      default: /grid_data/grid.json
  build:
    cache:
      - python:3.10
      - python:3.10-slim
EOF
    local labels_from="static list"
    if [ "$DO_MG" = 1 ] && "$MG_PATH" labels "$dir/GENERATOR-MANIFEST.yml" >"$dir/labels.txt" 2>/dev/null &&
            [ -s "$dir/labels.txt" ] && ! grep -qv '=' "$dir/labels.txt"; then
        labels_from="metagenerator labels"
    else
        cat >"$dir/labels.txt" <<EOF
$name.v1.config.GENERATOR_REGISTRY=$REG
$name.v1.config.MODEL_REGISTRY=$REG
$name.v1.config.MODEL_DOCKERFILE=Dockerfile
$name.v1.parameters.CONFIG_FILE.info=path to config file with default values
$name.v1.parameters.CONFIG_FILE.default=/config/config.yml
$name.v1.parameters.GRID_DATA.info=path to grid data
$name.v1.parameters.GRID_DATA.default=/grid_data/grid.json
$name.v1.build.cache=["python:3.10","python:3.10-slim"]
org.opencontainers.image.title=$name
org.opencontainers.image.version=v1
EOF
    fi
    local script_from="static stand-in"
    if [ "$DO_MG" = 1 ] && "$MG_PATH" render-generator "$dir/GENERATOR-MANIFEST.yml" >"$dir/generator.sh" 2>/dev/null &&
            head -n 1 "$dir/generator.sh" | grep -q '^#!'; then
        script_from="metagenerator render-generator"
    else
        cat >"$dir/generator.sh" <<'EOF'
#!/bin/sh
# Stand-in generator entrypoint for the benchmark's peer image (same place, similar size);
# the real one is rendered by `metagenerator render-generator`.
set -eu
: "${MODEL_NAME:?MODEL_NAME is required}"
: "${MODEL_TAG:?MODEL_TAG is required}"
CREATED=${CREATED:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
CONFIG_FILE=${CONFIG_FILE:-/config/config.yml}
GRID_DATA=${GRID_DATA:-/grid_data/grid.json}
echo "building $MODEL_NAME:$MODEL_TAG (created $CREATED)"
exec /kaniko/executor --dockerfile "$MODEL_BUILD_CONTEXT/Dockerfile" \
    --context "dir://$MODEL_BUILD_CONTEXT" --ignore-path "$MODEL_BUILD_CONTEXT" \
    --build-arg "CONFIG_FILE=$CONFIG_FILE" --build-arg "GRID_DATA=$GRID_DATA" ${EXTRA_FLAGS:-}
EOF
    fi
    chmod 0755 "$dir/generator.sh"
    {
        echo "FROM $BASE_REF"
        local line key value
        while IFS= read -r line; do
            key=${line%%=*} value=${line#*=}
            # Dockerfile LABEL: double-quoted, with \ " and $ escaped (no variable expansion).
            value=${value//\\/\\\\}; value=${value//\"/\\\"}; value=${value//\$/\\\$}
            printf 'LABEL "%s"="%s"\n' "$key" "$value"
        done <"$dir/labels.txt"
        echo 'ENV MODEL_BUILD_CONTEXT=/workspace/model-src DOCKER_CONFIG=/workspace'
        echo 'WORKDIR /workspace'
        echo 'COPY model-src/ /workspace/model-src/'
        echo 'COPY GENERATOR-MANIFEST.yml /GENERATOR-MANIFEST.yml'
        echo 'COPY generator.sh /workspace/generator.sh'
        echo 'ENTRYPOINT ["/workspace/generator.sh"]'
    } >"$WORK/scenarios/$scenario.Containerfile"
    say "scenario $scenario: $(du -sb "$dir/model-src" | cut -f1) bytes of model source, $(find "$dir/model-src" -type f | wc -l) files; labels: $labels_from; generator.sh: $script_from"
}

# ---------------------------------------------------------------- the peer's isolation
PEER_WRAP=()
PEER_CACHE_NOTE="private (unshare -m + tmpfs over /var/lib/containers/cache)"
if [ "$DO_PEER" = 1 ]; then
    if unshare -m sh -c 'mkdir -p /var/lib/containers/cache && mount -t tmpfs -o size=1m probe /var/lib/containers/cache' 2>/dev/null; then
        PEER_WRAP=(unshare -m env BENCH_PEER_PRIVATE_CACHE=1)
    else
        PEER_CACHE_NOTE="host's (unshare -m not permitted here)"
        say "warning: cannot unshare a mount namespace; the peer shares the host's blob-info cache"
    fi
fi

# ---------------------------------------------------------------- measuring
mkdir -p "$RESULTS"
CSV_TMP="$WORK/runs.csv"
echo "scenario,tool,round,warmup,wall_s,peak_rss_kb,bytes_uploaded,blob_uploads,blob_mounts,exit_code,cpu_s" >"$CSV_TMP"
CHANGE_NO=0
FLOOR_TOOL="floor-$COMPRESSION-1"

# measure SCENARIO TOOL ROUND WARMUP: runs one tool once under GNU time, appends a CSV row.
measure() {
    local scenario=$1 tool=$2 round=$3 warm=$4
    local dir="$WORK/scenarios/$scenario" name="bench-$scenario"
    local rdir="$WORK/runs/$scenario-$tool-$round"
    mkdir -p "$rdir"
    local -a cmd
    case "$tool" in
        metagenerator)
            cmd=("$MG_PATH" build "$dir/GENERATOR-MANIFEST.yml" "$dir/model-src"
                 --generator-base "$BASE_REF" --insecure-registry "$REG"
                 --config "$WORK/docker-config.json" --digest-file "$rdir/digest")
            # Only passed when asked for, so the harness also runs a binary without them.
            [ "$COMPRESSION" = gzip ] && [ -z "$LEVEL" ] || cmd+=(--compression "$COMPRESSION")
            [ -z "$LEVEL" ] || cmd+=(--compression-level "$LEVEL")
            ;;
        buildah)
            cmd=("${PEER_WRAP[@]}" bash "$LIB/peer-build.sh" "$dir" "$WORK/scenarios/$scenario.Containerfile"
                 "$REG/peer/$name:v1" "$rdir/store" "$COMPRESSION" "$rdir/digest")
            ;;
        floor-gzip-1)
            cmd=(bash -c 'set -o pipefail; tar -c -C "$1" . | gzip -1 >/dev/null' floor "$dir/model-src") ;;
        floor-zstd-1)
            cmd=(bash -c 'set -o pipefail; tar -c -C "$1" . | zstd -1 -q -c >/dev/null' floor "$dir/model-src") ;;
        read-hash)
            cmd=(bash -c 'set -o pipefail; tar -c -C "$1" . | sha256sum >/dev/null' read-hash "$dir/model-src") ;;
    esac
    if [ "$tool" = metagenerator ] || [ "$tool" = buildah ]; then
        # A different change before every build run of a rebuild scenario; metagenerator and buildah
        # alike, outside the timing. (The peer's LABEL lines stay as first written: same work.)
        case "$scenario" in
            onechange)
                CHANGE_NO=$((CHANGE_NO + 1))
                cp "$WORK/onechange-pristine.py" "$dir/model-src/pkg_00/mod_00.py"
                printf '\nBENCH_CHANGE = %d\n' "$CHANGE_NO" >>"$dir/model-src/pkg_00/mod_00.py" ;;
            manifestchange)
                CHANGE_NO=$((CHANGE_NO + 1))
                sed -i "s|^      default: /config/config.*\.yml\$|      default: /config/config-$CHANGE_NO.yml|" "$dir/GENERATOR-MANIFEST.yml" ;;
            datachange)
                CHANGE_NO=$((CHANGE_NO + 1))
                bash "$LIB/gen-source.sh" blob "$dir/model-src/data/grid-2.bin" $(( 20 * 1024 * 1024 )) "datachange-$CHANGE_NO" ;;
        esac
    fi
    if [ "$scenario" = small ] || [ "$scenario" = large ] || [ "$scenario" = manyfiles ]; then
        # First-build scenarios: the destination repository is dropped from the registry's
        # storage before each build (the base stays), or a reproducible builder would find
        # its layer already there from the previous round and upload nothing. The registry
        # runs without a blob-descriptor cache, so it forgets the repository at once.
        case "$tool" in
            metagenerator) rm -rf "$WORK/registry/docker/registry/v2/repositories/$name" ;;
            buildah) rm -rf "$WORK/registry/docker/registry/v2/repositories/peer/$name" ;;
        esac
    fi
    local off rc=0
    off=$(stat -c %s "$WORK/access.log")
    /usr/bin/time -f '%e %M %U %S' -o "$rdir/time" "${cmd[@]}" >"$rdir/stdout" 2>"$rdir/stderr" || rc=$?
    if [ "$rc" != 0 ]; then
        say "$scenario/$tool round $round failed with exit code $rc; its output:"
        tail -n 20 "$rdir/stdout" "$rdir/stderr" >&2
        die "$tool failed in scenario $scenario (command: ${cmd[*]})"
    fi
    if [ "$tool" = metagenerator ]; then
        local last
        last=$(awk 'NF { l = $0 } END { print l }' "$rdir/stdout")
        [[ $last =~ ^"$REG/$name:v1@sha256:"[0-9a-f]{64}$ ]] ||
            die "metagenerator's last stdout line should be '$REG/$name:v1@sha256:<digest>', was '$last'"
    fi
    rm -rf "$rdir/store"
    sync_access_log
    local wall rss user sys cpu up
    read -r wall rss user sys < <(tail -n 1 "$rdir/time")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    up=$(uploads_since "$off")
    local bytes blobs mounts
    read -r bytes blobs mounts <<<"$up"
    echo "$scenario,$tool,$round,$warm,$wall,$rss,$bytes,$blobs,$mounts,$rc,$cpu" >>"$CSV_TMP"
    say "$(printf '%-9s %-5s %-13s %6.2f s (cpu %5.2f s) %6.1f MiB RSS %9.2f MB up in %d blob(s)' \
        "$scenario" "$round" "$tool" "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN{print k/1024}')" \
        "$(awk -v b="$bytes" 'BEGIN{print b/1000000}')" "$blobs")"
}

T0=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for scenario in "${SCENARIO_LIST[@]}"; do
    write_scenario "$scenario"
    [ "$scenario" != onechange ] || cp "$WORK/scenarios/onechange/model-src/pkg_00/mod_00.py" "$WORK/onechange-pristine.py"
    tools=()
    [ "$DO_MG" = 0 ] || tools+=(metagenerator)
    [ "$DO_PEER" = 0 ] || tools+=(buildah)
    if [ "$DO_FLOOR" = 1 ]; then
        tools+=("$FLOOR_TOOL")
        [ "$scenario" != unchanged ] || tools+=(read-hash)
    fi
    # Rebuild scenarios: the measured builds are all rebuilds, so the destination is primed once, unmeasured.
    case "$scenario" in unchanged|onechange|manifestchange|datachange)
        [ "$DO_MG" = 0 ] || measure "$scenario" metagenerator prime 1 ;;
    esac
    total=$((WARMUP + RUNS))
    for ((i = 1; i <= total; i++)); do
        if [ "$i" -le "$WARMUP" ]; then round="w$i" warm=1; else round=$((i - WARMUP)) warm=0; fi
        for tool in "${tools[@]}"; do measure "$scenario" "$tool" "$round" "$warm"; done
    done
done
T1=$(date +%s)
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
cp "$CSV_TMP" "$RESULTS/latest.csv"
{
    echo "# metagenerator benchmark: latest run"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); elapsed: $((T1 - T0)) s; load average at start $LOAD0, at end $LOAD1 (other work on the machine makes the times noisy)"
    echo "- repository commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet -- . ':!bench/results' ':!bench/README.md' ':!README.md' 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "- runs: $RUNS measured after $WARMUP warm-up round(s), tools alternating in each round; compression: $COMPRESSION${LEVEL:+ (level $LEVEL)}"
    if [ "$DO_MG" = 1 ]; then echo "- metagenerator: \`$MG_PATH\` ($MG_VERSION)"; else echo "- metagenerator: not run (--tools $TOOLS)"; fi
    if [ "$DO_PEER" = 1 ]; then echo "- peer: $(buildah --version); fresh vfs store per run; blob-info cache: $PEER_CACHE_NOTE"; else echo "- peer: not run (--tools $TOOLS)"; fi
    size_of() { [ -d "$WORK/sources/$1" ] && du -sb "$WORK/sources/$1" | cut -f1 || echo -; }
    echo "- model sources: small $(size_of small) bytes; large $(size_of large) bytes (also unchanged, onechange, manifestchange); data $(size_of data) bytes (datachange); many $(size_of many) bytes in $( [ -d "$WORK/sources/many" ] && find "$WORK/sources/many" -type f | wc -l || echo -) files (manyfiles)"
    echo
    awk -F, -v floor_tool="$FLOOR_TOOL" -v scenarios="$SCENARIOS" -f "$LIB/report.awk" "$CSV_TMP"
} >"$RESULTS/latest.md"
cat "$RESULTS/latest.md"
say "results: $RESULTS/latest.md, $RESULTS/latest.csv"
# A reportable run (>= 5 rounds) into the default results directory also refreshes the
# table in bench/README.md and in the top-level README.md, between their "latest:begin" and
# "latest:end" markers.
if [ "$RESULTS" = "$ROOT/bench/results" ] && [ "$RUNS" -ge 5 ]; then
    for readme in "$ROOT/bench/README.md" "$ROOT/README.md"; do
        grep -q '<!-- latest:begin -->' "$readme" || continue
        awk -v table="$RESULTS/latest.md" '
            /<!-- latest:end -->/ { skip = 0 }
            !skip { print }
            /<!-- latest:begin -->/ { skip = 1; while ((getline line < table) > 0) if (line !~ /^# /) print line; close(table) }
        ' "$readme" >"$WORK/README.md" && cat "$WORK/README.md" >"$readme"
        say "${readme#"$ROOT"/}: latest table updated"
    done
fi
exit 0
}
