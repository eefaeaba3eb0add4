## The generator script's helper functions, written after its header (GeneratorScript.Render; ShellFragment).
## Lines starting with '## ' at the top are notes on this file and are not rendered; the rest is copied verbatim.
# mg_is_mount_point DIR: DIR is listed as a mount point (field 5) in /proc/self/mountinfo.
mg_is_mount_point() {
  [ -r /proc/self/mountinfo ] || return 1
  while read -r mg_m1 mg_m2 mg_m3 mg_m4 mg_m5 mg_rest; do
    [ "$mg_m5" = "$1" ] && return 0
  done < /proc/self/mountinfo
  return 1
}

# mg_rootlesskit_starts PROGRAM: rootlesskit can start a child in a user namespace (true when not needed: root, or not installed).
mg_rootlesskit_starts() {
  [ "$(id -u)" = 0 ] && return 0
  command -v "$1" >/dev/null 2>&1 || return 0
  "$1" true >/dev/null 2>&1
}

mg_fail() {
  printf 'generator: error: %s\n' "$1" >&2
  exit 2
}

# mg_run LABEL RETRIES LEVEL PROGRAM ARGS...: runs the builder, re-running it up to RETRIES times on failure;
# a final failure is reported at LEVEL: error, or warning for an optional step the run goes on without.
mg_run() {
  mg_label=$1
  mg_retries=$2
  mg_level=$3
  mg_after=''
  [ "$mg_level" = error ] || mg_after='; going on without it'
  shift 3
  mg_attempt=0
  while :; do
    printf 'generator: running %s\n' "$mg_label"
    "$@"
    mg_status=$?
    [ "$mg_status" -ne 0 ] || return 0
    if [ "$mg_status" -eq 127 ]; then
      printf 'generator: %s: %s: %s not found; is the generator base image right for this builder?%s\n' "$mg_level" "$mg_label" "$1" "$mg_after" >&2
      return 127
    fi
    if [ "$mg_attempt" -ge "$mg_retries" ]; then
      printf 'generator: %s: %s failed with exit code %s%s\n' "$mg_level" "$mg_label" "$mg_status" "$mg_after" >&2
      return "$mg_status"
    fi
    mg_attempt=$((mg_attempt + 1))
    printf 'generator: %s failed with exit code %s; retry %s of %s\n' "$mg_label" "$mg_status" "$mg_attempt" "$mg_retries" >&2
    sleep "$mg_attempt"
  done
}
