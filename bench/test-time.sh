#!/usr/bin/env bash
# Times the README's test command (scripts/test: build + every test project) for two commits, each from a clean clone,
# alternating old/new so drift in machine load hits both alike; then the unit tier (scripts/test --filter Tier=unit,
# build included) the same way. Prints each run's wall time, the medians and the new/old ratio; a run in which a test
# failed is printed but left out of both.
# Usage: bench/test-time.sh [OLD [NEW [ROUNDS]]]   (defaults: 3cf00e2, HEAD, 1 round)
# MG_BENCH_KINDS="unit" times only the unit tier ("all unit" by default).
# Run it on a quiet machine: the ratio is only meaningful when nothing else competes for the CPUs.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
old=$(git -C "$repo" rev-parse "${1:-3cf00e2}")
new=$(git -C "$repo" rev-parse "${2:-HEAD}")
rounds=${3:-1}
kinds=${MG_BENCH_KINDS:-all unit}
work=$(mktemp -d /tmp/mg-test-time.XXXXXX)
trap 'rm -rf "$work"' EXIT
declare -A times=()

clone() { # NAME COMMIT: a fresh clone (no build outputs) at COMMIT
  rm -rf "${work:?}/$1"
  git clone --quiet --no-local "$repo" "$work/$1"
  git -C "$work/$1" checkout --quiet "$2"
}

timed() { # NAME LABEL ARGS...: runs scripts/test ARGS in the clone NAME; records the wall time under LABEL
  local name=$1 label=$2 started seconds summary; shift 2
  # Every run starts with an empty page cache (as root): on this VM the kernel time of the same 1.1 GB docker import
  # was 2.9 s after dropping it and 13.9 s with 4.6 GB cached, so a run would otherwise pay for the one before it.
  if [ "$(id -u)" -eq 0 ]; then sync; echo 3 >/proc/sys/vm/drop_caches; fi
  started=$(date +%s.%N)
  # SIGINT as a terminal gives it: started from a background job, a command inherits it ignored, and 3cf00e2's SIGINT
  # test then fails after a 2-minute wait (later commits start that test's process with it restored).
  (cd "$work/$name" && env --default-signal=INT scripts/test "$@") >"$work/$label.log" 2>&1 || true
  seconds=$(echo "$(date +%s.%N) - $started" | bc)
  summary=$(tail -n 1 "$work/$label.log")
  # A run with a failed test is shown but not timed: a failing test may wait for its timeout (3cf00e2's SIGINT test
  # waits 2 minutes when started with SIGINT ignored), and a ratio against such a run flatters the other commit.
  if [[ $summary =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
    printf '%-10s %8.1f s   %s\n' "$label" "$seconds" "$summary"
    times[$label]="${times[$label]:-} $seconds"
  else
    printf '%-10s %8.1f s   %s   (not counted: not every test passed)\n' "$label" "$seconds" "$summary"
  fi
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "old $old, new $new, $rounds round(s), in $work"
for round in $(seq "$rounds"); do
  order="old new"; [ $((round % 2)) -eq 0 ] && order="new old"
  for which in $order; do
    commit=$old; [ "$which" = new ] && commit=$new
    for kind in $kinds; do
      clone "$which" "$commit"
      if [ "$kind" = unit ]; then timed "$which" "$which-unit" --filter Tier=unit; else timed "$which" "$which-all"; fi
    done
  done
done
for kind in $kinds; do
  if [ -z "${times[old-$kind]:-}" ] || [ -z "${times[new-$kind]:-}" ]; then
    printf '%-5s no ratio: old or new has no run in which every test passed\n' "$kind"; continue
  fi
  o=$(median <<<"${times[old-$kind]}"); n=$(median <<<"${times[new-$kind]}")
  printf '%-5s old %8.1f s  new %8.1f s  new/old %.2f\n' "$kind" "$o" "$n" "$(echo "$n / $o" | bc -l)"
done
