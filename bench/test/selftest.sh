#!/usr/bin/env bash
# Checks bench/run.sh itself: runs it small (6 MB large source, 1 warm-up + 2 rounds) with
# the buildah-based stand-in for metagenerator, then checks the CSV, the table, the upload
# counts against the registry's own storage, and the error paths. Needs what run.sh needs.
# Prints "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
STANDIN="$ROOT/bench/test/mg-standin.sh"
T=$(mktemp -d /tmp/mg-bench-selftest.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# csv_field SCENARIO TOOL ROUND COLUMN
csv_field() {
    awk -F, -v s="$1" -v t="$2" -v r="$3" -v c="$4" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $1 == s && $2 == t && $3 == r { print $col[c] }' "$T/res/latest.csv"
}
rows() { awk -F, -v s="$1" -v t="$2" 'NR > 1 && $1 == s && $2 == t' "$T/res/latest.csv" | wc -l; }

# ---- a full small run with the stand-in; kaniko (when the builders archive and dockerd are
# here) in two scenarios only, to keep this short
bench/run.sh --runs 2 --warmup 1 --large-mb 6 --mg "$STANDIN" --results "$T/res" --keep \
    --scenarios small,large,unchanged,onechange --kaniko-scenarios small,unchanged \
    >"$T/stdout" 2>"$T/stderr"
rc=$?
check "run.sh with the stand-in exits 0 (see $T/stderr on failure)" test "$rc" = 0
[ "$rc" = 0 ] || { tail -n 30 "$T/stderr"; }
WORK=$(sed -n 's/^bench: work directory kept: //p' "$T/stderr")
REGSTORE="$WORK/registry/docker/registry/v2"

check "latest.md and latest.csv are written" test -s "$T/res/latest.md" -a -s "$T/res/latest.csv"
check "stdout is the Markdown report" grep -q '^| scenario | tool | runs | median wall s |' "$T/stdout"
for s in small large; do
    check "$s: 3 rows each for metagenerator, buildah and the floor" \
        test "$(rows $s metagenerator)$(rows $s buildah)$(rows $s floor-gzip-1)" = 333
done
check "onechange: prime + 3 metagenerator rows, 3 each for buildah and the floor" \
    test "$(rows onechange metagenerator)$(rows onechange buildah)$(rows onechange floor-gzip-1)" = 433
check "unchanged: prime + 3 metagenerator rows, 3 read-hash rows" \
    test "$(rows unchanged metagenerator)$(rows unchanged read-hash)" = 43
check "rounds alternate: the tools' rows interleave" \
    test "$(awk -F, 'NR > 1 && $1 == "large" { printf "%s ", substr($2, 1, 1) }' "$T/res/latest.csv")" = "m b f m b f m b f "
check "no row has a non-zero exit code" test "$(awk -F, 'NR > 1 && $10 != 0' "$T/res/latest.csv" | wc -l)" = 0

# First builds upload every round (the repository is dropped before each build), the
# unchanged rebuilds of a reproducible builder upload nothing, one change uploads again.
for r in 1 2; do
    check "small round $r: metagenerator uploaded layer + config" test "$(csv_field small metagenerator $r blob_uploads)" = 2
    # 6 MB source: a 4 MiB incompressible binary plus ~1.6 MB of Python that gzip shrinks.
    check "large round $r: buildah uploaded more than the binary, less than the source" \
        awk -v b="$(csv_field large buildah $r bytes_uploaded)" 'BEGIN { exit !(b > 4194304 && b < 5869364) }'
    check "unchanged round $r: metagenerator uploaded nothing" test "$(csv_field unchanged metagenerator $r bytes_uploaded),$(csv_field unchanged metagenerator $r blob_uploads)" = "0,0"
    check "onechange round $r: metagenerator uploaded a new layer" test "$(csv_field onechange metagenerator $r blob_uploads)" -ge 1
    check "small round $r: the base layer came by cross-repository mount" test "$(csv_field small metagenerator $r blob_mounts)" = 1
done

# Upload bytes equal what the pushed image's manifest says (layer + config, base mounted).
digest=$(cat "$WORK/runs/onechange-metagenerator-2/digest" 2>/dev/null)
manifest="$REGSTORE/blobs/sha256/${digest:7:2}/${digest:7}/data"
expected=$(awk 'BEGIN { RS = "[{},]" } /"size"/ { gsub(/[^0-9]/, ""); print }' "$manifest" 2>/dev/null |
    { read -r config; read -r base; read -r layer; echo $((config + layer)); })
check "onechange round 2: bytes uploaded ($(csv_field onechange metagenerator 2 bytes_uploaded)) = config + new layer sizes ($expected)" \
    test "$(csv_field onechange metagenerator 2 bytes_uploaded)" = "$expected"

check "the peer's Containerfile carries metagenerator's labels when 'labels' works" \
    grep -q '^LABEL "bench-small.v1.standin"="yes"$' "$WORK/scenarios/small.Containerfile"
check "the peer's Containerfile has the generator layout" \
    test "$(grep -cE '^(COPY model-src/ /workspace/model-src/|COPY GENERATOR-MANIFEST.yml /GENERATOR-MANIFEST.yml|COPY generator.sh /workspace/generator.sh|ENTRYPOINT \["/workspace/generator.sh"\]|WORKDIR /workspace|ENV MODEL_BUILD_CONTEXT=/workspace/model-src DOCKER_CONFIG=/workspace)$' "$WORK/scenarios/small.Containerfile")" = 6
peer_manifest_digest=$(cat "$WORK/runs/small-buildah-2/digest" 2>/dev/null)
check "the peer pushed to peer/bench-small" test -n "$peer_manifest_digest" -a -e "$REGSTORE/repositories/peer/bench-small/_manifests/revisions/sha256/${peer_manifest_digest#sha256:}"
if grep -q '^bench: kaniko: ' "$T/stderr"; then
    check "kaniko: 3 rows in small, prime + 3 in unchanged, none in large" \
        test "$(rows small kaniko)$(rows unchanged kaniko)$(rows large kaniko)" = 340
    kdigest=$(cat "$WORK/runs/small-kaniko-2/kaniko/digest" 2>/dev/null)
    check "kaniko pushed to kaniko/bench-small" test -n "$kdigest" -a -e "$REGSTORE/repositories/kaniko/bench-small/_manifests/revisions/sha256/${kdigest#sha256:}"
    kmanifest="$REGSTORE/blobs/sha256/${kdigest:7:2}/${kdigest:7}/data"
    kconfig=$(grep -oE '"config":\{[^}]*\}' "$kmanifest" 2>/dev/null | grep -oE '[0-9a-f]{64}')
    check "kaniko's image has metagenerator's labels and the generator entrypoint" \
        bash -c 'grep -q "\"bench-small.v1.standin\":\"yes\"" "$1" && grep -q "\"Entrypoint\":\[\"/workspace/generator.sh\"\]" "$1"' - \
        "$REGSTORE/blobs/sha256/${kconfig:0:2}/$kconfig/data"
    # Every blob but the base layer (mounted from bench/base, not uploaded): config + 3 COPY layers.
    kexpected=$(awk 'BEGIN { RS = "[{},]" } /"size"/ { gsub(/[^0-9]/, ""); print }' "$kmanifest" |
        awk 'NR != 2 { t += $1 } END { print t }')
    check "kaniko small round 2: bytes uploaded ($(csv_field small kaniko 2 bytes_uploaded)) = config + its own layers ($kexpected)" \
        test "$(csv_field small kaniko 2 bytes_uploaded)" = "$kexpected"
    check "kaniko small round 2: 4 blob uploads (config + 3 COPY layers), the base mounted" \
        test "$(csv_field small kaniko 2 blob_uploads),$(csv_field small kaniko 2 blob_mounts)" = "4,1"
    check "kaniko's CPU and RSS come from inside the container (non-zero RSS)" \
        test "$(csv_field small kaniko 2 peak_rss_kb)" -gt 1000
    check "the table has an mg/kaniko ratio on the small metagenerator row" \
        grep -qE '^\| small \| metagenerator \|( [^|]* \|){7} [0-9.]+ \|' "$T/res/latest.md"
else
    echo "skip - kaniko checks: $(grep 'kaniko peer skipped' "$T/stderr")"
fi
check "targets are evaluated on the metagenerator rows" \
    test "$(grep -c '^| [a-z]* | metagenerator | .*RSS < 150 MiB: PASS' "$T/res/latest.md")" = 4
check "unchanged target: zero blob uploads passes" grep -q '0 blob uploads: PASS (max 0)' "$T/res/latest.md"
check "model sources are deterministic (same bytes as a fresh generation)" \
    bash -c "bash bench/lib/gen-source.sh small '$T/again' && diff -r '$T/again' '$WORK/sources/small' >/dev/null"
rm -rf "$WORK"

# ---- --base kaniko (when the builders archive and dockerd are here): one small round, and
# every builder's image starts with the kaniko stand-in's layers
if grep -q '^bench: kaniko: ' "$T/stderr"; then
    bench/run.sh --base kaniko --runs 1 --warmup 0 --scenarios small --mg "$STANDIN" --results "$T/res4" --keep \
        >"$T/out8" 2>"$T/err8"; rc=$?
    check "--base kaniko: run.sh exits 0 (see $T/err8 on failure)" test "$rc" = 0
    KWORK=$(sed -n 's/^bench: work directory kept: //p' "$T/err8")
    KREG="$KWORK/registry/docker/registry/v2"
    # layer digests of a pushed image, in order, from its manifest in the registry's storage
    layers_of() {
        tr -d '\n ' <"$KREG/blobs/sha256/${1:7:2}/${1:7}/data" 2>/dev/null |
            sed -n 's/.*"layers":\[//p' | grep -oE 'sha256:[0-9a-f]{64}'
    }
    base_tag="$KREG/repositories/bench/kaniko-executor/_manifests/tags/v1.24.0-debug/current/link"
    base_layers=$(layers_of "$(cat "$base_tag" 2>/dev/null)" | sort -u)
    check "--base kaniko: the stand-in was pushed to bench/kaniko-executor:v1.24.0-debug with layers" test -n "$base_layers"
    for run in small-metagenerator-1/digest small-buildah-1/digest small-kaniko-1/kaniko/digest; do
        first=$(layers_of "$(cat "$KWORK/runs/$run" 2>/dev/null)" | sort -u | grep -cxF "$base_layers")
        check "--base kaniko: ${run%%/*}'s image holds the stand-in's layers" test "$first" = "$(echo "$base_layers" | wc -l)"
    done
    check "--base kaniko: the report names the base" grep -q '^- generator base (--base kaniko), FROM for every builder: `127.0.0.1:[0-9]*/bench/kaniko-executor:v1.24.0-debug`' "$T/out8"
    rm -rf "$KWORK"
fi

# ---- error paths
STANDIN_FAIL=1 bench/run.sh --runs 1 --warmup 0 --scenarios small --mg "$STANDIN" --results "$T/res2" >/dev/null 2>"$T/err1"
rc=$?
check "a failing metagenerator stops the run with a non-zero exit" test "$rc" != 0
check "... and says which tool and scenario failed" grep -q 'metagenerator failed in scenario small' "$T/err1"
check "... and shows the tool's own message" grep -q 'failing on purpose' "$T/err1"
STANDIN_BAD_OUTPUT=1 bench/run.sh --runs 1 --warmup 0 --scenarios small --mg "$STANDIN" --results "$T/res2" >/dev/null 2>"$T/err2"
rc=$?
check "a metagenerator that prints no REF@digest line is an error" test "$rc" != 0
check "... naming the expected line" grep -q "last stdout line should be '127.0.0.1:[0-9]*/bench-small:v1@sha256:<digest>', was 'done'" "$T/err2"
METAGENERATOR_BUILDERS_ARCHIVE=/nonexistent/builders.tar.xz bench/run.sh --runs 1 --warmup 0 --scenarios small \
    --tools mg,kaniko --mg "$STANDIN" --results "$T/res3" >"$T/out5" 2>"$T/err5"; rc=$?
check "without the builders archive the kaniko peer is skipped, the rest runs (exit 0)" test "$rc" = 0
check "... saying why" grep -q "kaniko peer skipped: no builders archive at '/nonexistent/builders.tar.xz'" "$T/err5"
check "... and the report says so" grep -q "kaniko (the seed's way): skipped: no builders archive" "$T/out5"
STANDIN_NO_LABELS=1 bench/run.sh --runs 1 --warmup 0 --scenarios small --tools mg --mg "$STANDIN" --results "$T/res3" >/dev/null 2>"$T/err6"; rc=$?
check "a binary whose 'labels' fails stops the run (exit 2), naming the command" test "$rc" = 2 -a "$(grep -c "labels' failed for .*GENERATOR-MANIFEST.yml" "$T/err6")" = 1
bench/run.sh --runs 2 --update-readme --mg "$STANDIN" >/dev/null 2>"$T/err7"; rc=$?
check "--update-readme with fewer than 5 runs is refused (exit 2)" test "$rc" = 2 -a "$(grep -c 'update-readme needs --runs >= 5' "$T/err7")" = 1
bench/run.sh --base alpine --scenarios small >/dev/null 2>"$T/err9"; rc=$?
check "an unknown --base is exit code 2 naming it" test "$rc" = 2 -a "$(grep -c "base must be busybox or kaniko, got 'alpine'" "$T/err9")" = 1
METAGENERATOR_BUILDERS_ARCHIVE=/nonexistent/builders.tar.xz bench/run.sh --base kaniko --runs 1 --warmup 0 --scenarios small \
    --mg "$STANDIN" --results "$T/res3" >/dev/null 2>"$T/err10"; rc=$?
check "--base kaniko without the builders archive stops (exit 2) saying why" \
    test "$rc" = 2 -a "$(grep -c "base kaniko needs the kaniko stand-in image, which could not be made: no builders archive" "$T/err10")" = 1
bench/run.sh --scenarios small,huge >/dev/null 2>"$T/err3"; rc=$?
check "an unknown scenario is exit code 2 naming it" test "$rc" = 2 -a "$(grep -c "unknown scenario 'huge'" "$T/err3")" = 1
bench/run.sh --mg /nonexistent/metagenerator --scenarios small >/dev/null 2>"$T/err4"; rc=$?
check "a missing --mg binary is exit code 2 naming it" test "$rc" = 2 -a "$(grep -c "'/nonexistent/metagenerator' does not exist" "$T/err4")" = 1
reg_pid=$(sed -n 's/^bench: registry: .* (pid \([0-9]*\),.*/\1/p' "$T/stderr")
check "the first run's registry (pid ${reg_pid:-?}) is gone after it" bash -c "[ -n '$reg_pid' ] && ! kill -0 '$reg_pid' 2>/dev/null"
if grep -q '^bench: kaniko: ' "$T/stderr"; then
    engine_pid=$(sed -n 's/^bench: kaniko: .*(dockerd pid \([0-9]*\), directory \([^)]*\))$/\1/p' "$T/stderr")
    engine_dir=$(sed -n 's/^bench: kaniko: .*(dockerd pid \([0-9]*\), directory \([^)]*\))$/\2/p' "$T/stderr")
    check "the first run's dockerd (pid ${engine_pid:-?}) is stopped and its directory ${engine_dir:-?} removed" \
        bash -c "[ -n '$engine_pid' ] && [ -n '$engine_dir' ] && ! kill -0 '$engine_pid' 2>/dev/null && [ ! -e '$engine_dir' ]"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
