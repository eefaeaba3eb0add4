#!/usr/bin/env bash
# Benchmark of `metagenerator build` against the peers (buildah bud + push with a fresh store;
# kaniko, the seed's way, in a fresh container) and the floor (tar | gzip -1 into /dev/null).
# See bench/README.md for the method. The parts live in bench/lib/: registry.sh, scenarios.sh,
# kaniko.sh, measure.sh, report.sh (+ report.awk).
# The whole script is one { ... } block, so bash parses it before running any of it and an
# edit to this file during a run cannot derail that run (`source` reads a part whole, too).
{
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: bench/run.sh [options]

  --runs N                measured runs per tool and scenario (default 5; issue 5 asks >= 5)
  --warmup N              unmeasured warm-up rounds before them (default 1)
  --scenarios LIST        comma-separated subset of small,large,unchanged,onechange,
                          manifestchange,datachange,manyfiles (default: all)
  --tools LIST            comma-separated subset of mg,peer,kaniko,floor (default: all four)
  --kaniko-scenarios LIST scenarios kaniko runs in (default: all of --scenarios)
  --compression gzip|zstd layer compression for every builder; floor uses gzip -1 / zstd -1
  --compression-level N   passed to metagenerator, buildah push and kaniko
  --mg PATH               metagenerator binary to measure (also: MG=PATH in the environment);
                          default: NativeAOT-publish src/Metagenerator.Cli to bench/.out/bin
  --large-mb N            size of the large model source in MB (default 80)
  --base busybox|kaniko   the generator base every builder starts FROM (default busybox);
                          kaniko: the kaniko stand-in image (gcr.io/kaniko-project/
                          executor:v1.24.0-debug), pushed to the bench registry: the seed's
                          base, and metagenerator's default for the kaniko builder
  --results DIR           where latest.md and latest.csv go (default bench/results)
  --update-readme         also rewrite the "latest" block of bench/README.md and README.md
                          (only with --runs >= 5)
  --keep                  keep the work directory (registry storage, sources, logs)
  -h, --help              this text

kaniko needs the real binaries (METAGENERATOR_BUILDERS_ARCHIVE, default
../shared/tools/builders/builders.tar.xz from the repository) and dockerd; without them it
is skipped with the reason, and the rest runs.
Markdown table on stdout and in RESULTS/latest.md; every run in RESULTS/latest.csv.
USAGE
}

die() { echo "bench/run.sh: error: $*" >&2; exit 2; }
say() { echo "bench: $*" >&2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LIB="$ROOT/bench/lib"
source "$LIB/registry.sh"
source "$LIB/scenarios.sh"
source "$LIB/kaniko.sh"
source "$LIB/measure.sh"
source "$LIB/report.sh"

RUNS=5 WARMUP=1 SCENARIOS=$ALL_SCENARIOS TOOLS=mg,peer,kaniko,floor KANIKO_SCENARIOS=""
COMPRESSION=gzip LEVEL="" LARGE_MB=80 BASE_KIND=busybox RESULTS="$ROOT/bench/results" KEEP=0 UPDATE_README=0
MG_PATH="${MG:-}"
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
        --warmup) WARMUP=${2:?--warmup needs a number}; shift 2 ;;
        --scenarios) SCENARIOS=${2:?--scenarios needs a list}; shift 2 ;;
        --tools) TOOLS=${2:?--tools needs a list}; shift 2 ;;
        --kaniko-scenarios) KANIKO_SCENARIOS=${2:?--kaniko-scenarios needs a list}; shift 2 ;;
        --compression) COMPRESSION=${2:?--compression needs gzip or zstd}; shift 2 ;;
        --compression-level) LEVEL=${2:?--compression-level needs a number}; shift 2 ;;
        --mg) MG_PATH=${2:?--mg needs a path}; shift 2 ;;
        --large-mb) LARGE_MB=${2:?--large-mb needs a number}; shift 2 ;;
        --base) BASE_KIND=${2:?--base needs busybox or kaniko}; shift 2 ;;
        --results) RESULTS=${2:?--results needs a directory}; shift 2 ;;
        --update-readme) UPDATE_README=1; shift ;;
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
case "$BASE_KIND" in busybox|kaniko) ;; *) die "--base must be busybox or kaniko, got '$BASE_KIND'" ;; esac
[ "$RUNS" -ge 5 ] || say "warning: --runs $RUNS < 5: fine for trying the harness, not for reporting (issue 5 asks >= 5)"
[ "$UPDATE_README" = 0 ] || [ "$RUNS" -ge 5 ] || die "--update-readme needs --runs >= 5 (a reportable run)"

IFS=, read -r -a SCENARIO_LIST <<<"$SCENARIOS"
for s in "${SCENARIO_LIST[@]}"; do
    [[ ,$ALL_SCENARIOS, == *,"$s",* ]] || die "unknown scenario '$s' ($ALL_SCENARIOS)"
done
KANIKO_SCENARIOS=${KANIKO_SCENARIOS:-$SCENARIOS}
IFS=, read -r -a KANIKO_SCENARIO_LIST <<<"$KANIKO_SCENARIOS"
for s in "${KANIKO_SCENARIO_LIST[@]}"; do
    [[ ,$SCENARIOS, == *,"$s",* ]] || die "--kaniko-scenarios: '$s' is not one of the scenarios run ($SCENARIOS)"
done
IFS=, read -r -a TOOL_LIST <<<"$TOOLS"
DO_MG=0 DO_PEER=0 DO_KANIKO=0 DO_FLOOR=0
for t in "${TOOL_LIST[@]}"; do
    case "$t" in mg) DO_MG=1 ;; peer) DO_PEER=1 ;; kaniko) DO_KANIKO=1 ;; floor) DO_FLOOR=1 ;;
        *) die "unknown tool '$t' (mg, peer, kaniko, floor)" ;; esac
done

for cmd in docker-registry buildah openssl od awk tar gzip sha256sum curl; do
    command -v "$cmd" >/dev/null || die "'$cmd' is not installed (Debian: docker-registry buildah openssl coreutils mawk tar gzip curl)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is not installed: apt-get install time"
[ "$COMPRESSION" = gzip ] || command -v zstd >/dev/null || die "--compression zstd needs the zstd tool: apt-get install zstd"
[ -r /usr/bin/busybox ] || die "/usr/bin/busybox is missing: apt-get install busybox-static"

WORK=$(mktemp -d /tmp/mg-bench.XXXXXX)
cleanup() {
    stop_engine
    stop_registry
    if [ "$KEEP" = 1 ]; then say "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- metagenerator binary
# Needed even without --tools mg: the peers' labels and generator.sh come from it.
if [ -z "$MG_PATH" ]; then
    command -v dotnet >/dev/null || die "no --mg PATH and no dotnet to publish metagenerator"
    say "publishing metagenerator (NativeAOT) to bench/.out/bin ..."
    if ! dotnet publish src/Metagenerator.Cli -c Release -r linux-x64 -p:PublishAot=true \
            -o bench/.out/bin >"$WORK/publish.log" 2>&1; then
        tail -n 30 "$WORK/publish.log" >&2
        die "dotnet publish of src/Metagenerator.Cli failed (log above); pass --mg PATH"
    fi
    MG_PATH="$ROOT/bench/.out/bin/metagenerator"
fi
[ -x "$MG_PATH" ] || die "metagenerator binary '$MG_PATH' does not exist or is not executable"
MG_PATH=$(cd "$(dirname "$MG_PATH")" && pwd)/$(basename "$MG_PATH")
MG_VERSION=$("$MG_PATH" --version 2>/dev/null | head -n 1 || true)
MG_VERSION=${MG_VERSION:-unknown}

# ---------------------------------------------------------------- registry, base, kaniko
start_registry
say "registry: http://$REG (pid $REG_PID, storage $WORK/registry)"
if [ "$DO_KANIKO" = 1 ] || [ "$BASE_KIND" = kaniko ]; then
    if setup_kaniko; then
        say "kaniko: $KANIKO_NOTE (dockerd pid $ENGINE_PID, directory $ENGINE_DIR)"
    elif [ "$BASE_KIND" = kaniko ]; then
        die "--base kaniko needs the kaniko stand-in image, which could not be made: ${KANIKO_NOTE#skipped: }"
    else
        DO_KANIKO=0
        say "kaniko peer $KANIKO_NOTE; the rest of the benchmark runs"
    fi
fi
if [ "$BASE_KIND" = kaniko ]; then
    push_kaniko_base
    say "base image: $BASE_REF ($BASE_NOTE)"
else
    make_base
    say "base image: $BASE_REF (busybox)"
fi

make_sources "${SCENARIO_LIST[@]}"
printf '{"auths": {}}\n' >"$WORK/docker-config.json"

# The buildah peer in its own mount namespace with a tmpfs over containers/image's blob-info
# cache, which would otherwise remember blob locations across runs (a CI job has none).
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

# ---------------------------------------------------------------- the rounds
mkdir -p "$RESULTS"
CSV_TMP="$WORK/runs.csv"
echo "$CSV_HEADER" >"$CSV_TMP"
FLOOR_TOOL="floor-$COMPRESSION-1"

T0=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for scenario in "${SCENARIO_LIST[@]}"; do
    write_scenario "$scenario"
    tools=()
    [ "$DO_MG" = 0 ] || tools+=(metagenerator)
    [ "$DO_PEER" = 0 ] || tools+=(buildah)
    [ "$DO_KANIKO" = 0 ] || [[ ,$KANIKO_SCENARIOS, != *,"$scenario",* ]] || tools+=(kaniko)
    if [ "$DO_FLOOR" = 1 ]; then
        tools+=("$FLOOR_TOOL")
        [ "$scenario" != unchanged ] || tools+=(read-hash)
    fi
    # Rebuild scenarios: the measured builds are all rebuilds, so the destinations of the
    # builders that could reuse what they pushed before are primed once, unmeasured.
    if is_rebuild "$scenario"; then
        for tool in metagenerator kaniko; do
            [[ " ${tools[*]} " != *" $tool "* ]] || measure "$scenario" "$tool" prime 1
        done
    fi
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
write_report "$CSV_TMP" "$RESULTS/latest.md"
cat "$RESULTS/latest.md"
say "results: $RESULTS/latest.md, $RESULTS/latest.csv"
[ "$UPDATE_README" = 0 ] || update_readmes "$RESULTS/latest.md"
exit 0
}
