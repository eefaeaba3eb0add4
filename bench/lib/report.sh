# bench/lib/report.sh: the Markdown report (header lines + report.awk's table) and, when
# asked (--update-readme), the README blocks between "latest:begin" and "latest:end".
# Sourced by bench/run.sh; uses the run's settings and results.

# write_report CSV OUT.md
write_report() {
    local csv=$1 out=$2
    size_of() { [ -d "$WORK/sources/$1" ] && du -sb "$WORK/sources/$1" | cut -f1 || echo -; }
    {
        echo "# metagenerator benchmark: latest run"
        echo
        echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); elapsed: $((T1 - T0)) s; load average at start $LOAD0, at end $LOAD1 (other work on the machine makes the times noisy)"
        echo "- repository commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet -- . ':!bench/results' ':!bench/README.md' ':!README.md' 2>/dev/null || echo ' (with uncommitted changes)')"
        echo "- runs: $RUNS measured after $WARMUP warm-up round(s), tools alternating in each round; compression: $COMPRESSION${LEVEL:+ (level $LEVEL)}"
        echo "- generator base (--base $BASE_KIND), FROM for every builder: \`$BASE_REF\`, $BASE_NOTE"
        if [ "$DO_MG" = 1 ]; then echo "- metagenerator: \`$MG_PATH\` ($MG_VERSION)"; else echo "- metagenerator: not run (--tools $TOOLS); labels and generator.sh from \`$MG_PATH\`"; fi
        if [ "$DO_PEER" = 1 ]; then echo "- peer: $(buildah --version); fresh vfs store per run; blob-info cache: $PEER_CACHE_NOTE"; else echo "- peer: not run (--tools $TOOLS)"; fi
        if [ "$DO_KANIKO" = 1 ]; then echo "- kaniko (the seed's way): $KANIKO_NOTE; a fresh container per run"; else echo "- kaniko (the seed's way): ${KANIKO_NOTE:-not run (--tools $TOOLS)}"; fi
        echo "- model sources: small $(size_of small) bytes; large $(size_of large) bytes (also unchanged, onechange, manifestchange); data $(size_of data) bytes (datachange); many $(size_of many) bytes in $( [ -d "$WORK/sources/many" ] && find "$WORK/sources/many" -type f | wc -l || echo -) files (manyfiles)"
        echo
        awk -F, -v floor_tool="$FLOOR_TOOL" -v scenarios="$SCENARIOS" -f "$LIB/report.awk" "$csv"
    } >"$out"
}

# update_readmes TABLE.md: replaces what lies between the markers in bench/README.md and the
# top-level README.md with the report (its title line left out).
update_readmes() {
    local table=$1 readme
    for readme in "$ROOT/bench/README.md" "$ROOT/README.md"; do
        grep -q '<!-- latest:begin -->' "$readme" || continue
        awk -v table="$table" '
            /<!-- latest:end -->/ { skip = 0 }
            !skip { print }
            /<!-- latest:begin -->/ { skip = 1; while ((getline line < table) > 0) if (line !~ /^# /) print line; close(table) }
        ' "$readme" >"$WORK/README.md" && cat "$WORK/README.md" >"$readme"
        say "${readme#"$ROOT"/}: latest table updated"
    done
}
