#!/usr/bin/env bash
# Deterministic model-source generator for the benchmark.
#
#   gen-source.sh small DIR            ~100 Python files, ~300 KB, plus Dockerfile
#   gen-source.sh large DIR [MB]       one incompressible binary (MB-2 MiB, default 80)
#                                      plus 300 Python files (~1.5 MB), plus Dockerfile
#   gen-source.sh data DIR             four incompressible 20 MiB files data/grid-{1..4}.bin
#                                      plus 300 Python files (~1.5 MB), plus Dockerfile
#   gen-source.sh many DIR             20,020 small Python files (~100 MB) in 10 trees of
#                                      182 packages, plus Dockerfile
#   gen-source.sh blob FILE BYTES LABEL   BYTES incompressible bytes keyed by LABEL into FILE
#
# All bytes come from an AES-256-CTR keystream with a fixed key (the "seed"), so the
# same command gives byte-identical files on any machine with openssl, od and awk.
set -euo pipefail

# keystream LABEL NBYTES: NBYTES deterministic pseudo-random bytes, keyed by LABEL.
keystream() {
    local key
    key=$(printf 'metagenerator-bench-seed-1:%s' "$1" | sha256sum | cut -c1-64)
    head -c "$2" /dev/zero |
        openssl enc -aes-256-ctr -nosalt -K "$key" -iv 00000000000000000000000000000000
}

# python_tree LABEL DIR NFILES BYTES_PER_FILE: Python packages pkg_NN/mod_NN.py whose
# text is built from the keystream (identifiers, hex constants, docstrings), so it
# compresses like real source (about 3-4x) rather than like random bytes.
python_tree() {
    local label=$1 dir=$2 nfiles=$3 per_file=$4
    # ~1 token (4 bytes of keystream) per 8 bytes of text; generous margin.
    local need=$(( nfiles * per_file + 65536 ))
    keystream "$label" "$need" | od -An -v -tx4 | awk -v dir="$dir" -v nfiles="$nfiles" -v per_file="$per_file" '
    BEGIN {
        nw = split("model grid data stream input output config value weight layer tensor " \
                   "batch epoch score loss metric sample window buffer state result param " \
                   "feature vector matrix index offset scale bias norm mean variance token " \
                   "encode decode parse render load store fetch merge split filter reduce " \
                   "forecast meter sensor reading series station region node edge path", words, " ")
        hexd = "0123456789abcdef"
        file_no = 0; ntok = 0
    }
    { for (i = 1; i <= NF; i++) tok[ntok++] = $i }
    function num(h,    v, k) { v = 0; for (k = 1; k <= length(h); k++) v = v * 16 + index(hexd, substr(h, k, 1)) - 1; return v }
    function next_tok() { return tok[pos++] }
    function word() { return words[num(next_tok()) % nw + 1] }
    function emit(line) { print line > path; written += length(line) + 1 }
    END {
        pos = 0
        for (file_no = 0; file_no < nfiles; file_no++) {
            pkg = sprintf("pkg_%02d", int(file_no / 10))
            if (file_no % 10 == 0) {
                system("mkdir -p \"" dir "/" pkg "\"")
                init = dir "/" pkg "/__init__.py"
                print "\"\"\"Package " pkg " of the benchmark model source.\"\"\"" > init
                close(init)
            }
            path = sprintf("%s/%s/mod_%02d.py", dir, pkg, file_no % 10)
            written = 0
            emit("\"\"\"" word() " " word() " module: generated benchmark source.\"\"\"")
            emit("import math")
            emit("")
            emit(toupper(word()) "_" toupper(word()) " = 0x" next_tok())
            emit("")
            while (written < per_file) {
                a = word(); b = word(); c = word()
                emit("")
                emit("def " a "_" b "(" c ", " word() "=0x" next_tok() "):")
                emit("    \"\"\"Return the " word() " " word() " of " c " for the " word() " " word() ".\"\"\"")
                emit("    " b " = " c " * 0x" next_tok() " + " num(next_tok()) % 1000)
                emit("    if " b " % " (num(next_tok()) % 13 + 2) " == " (num(next_tok()) % 2) ":")
                emit("        return math.floor(" b " / " (num(next_tok()) % 97 + 1) ")")
                emit("    return " b " ^ 0x" next_tok())
            }
            close(path)
        }
    }'
}

dockerfile() {
    cat >"$1/Dockerfile" <<'EOF'
FROM python:3.10-slim
ARG CONFIG_FILE
ARG GRID_DATA
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -r requirements.txt
ENTRYPOINT ["python", "-m", "pkg_00.mod_00"]
EOF
    printf 'numpy==1.26.4\npandas==2.2.2\n' >"$1/requirements.txt"
}

kind=${1:?usage: gen-source.sh small|large|data|many DIR [MB] | blob FILE BYTES LABEL}
dir=${2:?usage: gen-source.sh small|large|data|many DIR [MB] | blob FILE BYTES LABEL}
if [ "$kind" = blob ]; then
    keystream "${4:?usage: gen-source.sh blob FILE BYTES LABEL}" "${3:?usage: gen-source.sh blob FILE BYTES LABEL}" >"$dir"
    exit 0
fi
mkdir -p "$dir"
case "$kind" in
    small)
        python_tree small "$dir" 100 3000
        dockerfile "$dir"
        ;;
    large)
        mb=${3:-80}
        [ "$mb" -ge 3 ] || { echo "gen-source.sh: large source needs at least 3 MB, got $mb" >&2; exit 2; }
        python_tree large "$dir" 300 5000
        mkdir -p "$dir/weights"
        keystream weights $(( (mb - 2) * 1024 * 1024 )) >"$dir/weights/model.bin"
        dockerfile "$dir"
        ;;
    data)
        python_tree data "$dir" 300 5000
        mkdir -p "$dir/data"
        for i in 1 2 3 4; do keystream "data-$i" $(( 20 * 1024 * 1024 )) >"$dir/data/grid-$i.bin"; done
        dockerfile "$dir"
        ;;
    many)
        # One tree of 1,820 modules (+182 __init__.py), copied to 10 places: 20,020 files of
        # about 5 KB. Copies keep the generation fast; gzip's 32 KB window cannot see them.
        python_tree many "$dir/tree_0" 1820 5200
        for i in 1 2 3 4 5 6 7 8 9; do cp -r "$dir/tree_0" "$dir/tree_$i"; done
        dockerfile "$dir"
        ;;
    *) echo "gen-source.sh: unknown kind '$kind' (small, large, data, many or blob)" >&2; exit 2 ;;
esac
