# bench/lib/scenarios.sh: the model sources, the per-scenario inputs (manifest, labels,
# generator.sh, the Containerfile the peers build) and what changes before each build run.
# Sourced by bench/run.sh; uses WORK, LIB, REG, BASE_REF, MG_PATH, LARGE_MB, say, die.

ALL_SCENARIOS=small,large,unchanged,onechange,manifestchange,datachange,manyfiles

# source_of SCENARIO: which generated model source a scenario builds.
source_of() {
    case "$1" in small) echo small ;; datachange) echo data ;; manyfiles) echo many ;; *) echo large ;; esac
}

# is_first_build SCENARIO: the destination repository is dropped before every build, so each
# build is a first push (or a reproducible builder would find its layer from the last round).
is_first_build() {
    case "$1" in small|large|manyfiles) return 0 ;; *) return 1 ;; esac
}

# is_rebuild SCENARIO: every measured build is a rebuild, so the destination is primed once.
is_rebuild() {
    case "$1" in unchanged|onechange|manifestchange|datachange) return 0 ;; *) return 1 ;; esac
}

# make_sources SCENARIO...: generates each model source the scenarios need, once.
make_sources() {
    local s kind
    local -A need=()
    for s in "$@"; do need[$(source_of "$s")]=1; done
    for kind in small large data many; do
        [ -n "${need[$kind]:-}" ] || continue
        if [ "$kind" = large ]; then
            bash "$LIB/gen-source.sh" large "$WORK/sources/large" "$LARGE_MB"
        else
            bash "$LIB/gen-source.sh" "$kind" "$WORK/sources/$kind"
        fi
    done
}

# write_scenario SCENARIO: $WORK/scenarios/SCENARIO/{GENERATOR-MANIFEST.yml,model-src/,
# labels.txt,generator.sh} and $WORK/scenarios/SCENARIO.Containerfile. The labels and the
# script come from the metagenerator binary (`labels`, `render-generator`), so the peers'
# images carry what metagenerator's carries.
write_scenario() {
    local scenario=$1 dir="$WORK/scenarios/$1" name="bench-$1" src
    src="$WORK/sources/$(source_of "$scenario")"
    mkdir -p "$dir"
    cp -a "$src" "$dir/model-src"
    cat >"$dir/GENERATOR-MANIFEST.yml" <<YAML
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
YAML
    "$MG_PATH" labels "$dir/GENERATOR-MANIFEST.yml" >"$dir/labels.txt" 2>"$dir/labels.err" ||
        { cat "$dir/labels.err" >&2; die "'$MG_PATH labels' failed for $dir/GENERATOR-MANIFEST.yml (message above)"; }
    [ -s "$dir/labels.txt" ] && ! grep -qv '=' "$dir/labels.txt" ||
        die "'$MG_PATH labels' should print KEY=VALUE lines; see $dir/labels.txt"
    "$MG_PATH" render-generator "$dir/GENERATOR-MANIFEST.yml" >"$dir/generator.sh" 2>"$dir/render.err" ||
        { cat "$dir/render.err" >&2; die "'$MG_PATH render-generator' failed for $dir/GENERATOR-MANIFEST.yml (message above)"; }
    head -n 1 "$dir/generator.sh" | grep -q '^#!' ||
        die "'$MG_PATH render-generator' should print a script starting with #!; see $dir/generator.sh"
    chmod 0755 "$dir/generator.sh"
    {
        echo "FROM $BASE_REF"
        local line key value
        while IFS= read -r line; do
            key=${line%%=*} value=${line#*=}
            # `labels` already writes \ as \\ and line breaks as \n, which a double-quoted
            # Dockerfile word reads back; only " and $ need escaping here.
            value=${value//\"/\\\"}; value=${value//\$/\\\$}
            printf 'LABEL "%s"="%s"\n' "$key" "$value"
        done <"$dir/labels.txt"
        echo 'ENV MODEL_BUILD_CONTEXT=/workspace/model-src DOCKER_CONFIG=/workspace'
        echo 'WORKDIR /workspace'
        echo 'COPY model-src/ /workspace/model-src/'
        echo 'COPY GENERATOR-MANIFEST.yml /GENERATOR-MANIFEST.yml'
        echo 'COPY generator.sh /workspace/generator.sh'
        echo 'ENTRYPOINT ["/workspace/generator.sh"]'
    } >"$WORK/scenarios/$scenario.Containerfile"
    [ "$scenario" != onechange ] || cp "$dir/model-src/pkg_00/mod_00.py" "$WORK/onechange-pristine.py"
    say "scenario $scenario: $(du -sb "$dir/model-src" | cut -f1) bytes of model source, $(find "$dir/model-src" -type f | wc -l) files"
}

CHANGE_NO=0
# change_before_build SCENARIO: a different change before every build run of a rebuild
# scenario, for every builder alike, outside the timing. (The peers' LABEL lines stay as first
# written in manifestchange: the same work for them.)
change_before_build() {
    local dir="$WORK/scenarios/$1"
    case "$1" in
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
}
