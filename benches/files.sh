#!/usr/bin/env bash
# Many designs named on the command line: the shape of
# `git diff --name-only | xargs mynaflow check` in a monorepo, or of a
# pre-commit hook. N small designs, each with an error and a warning, in
# a sub-folder that holds its own mynaflow.toml (so the run follows a config
# found below where it started), every one named on the command line.
# Counts the instructions each command executes (valgrind's cachegrind,
# "I refs": the same on a quiet machine and a busy one) at each N and
# prints the ratio to the N before: linear work doubles when N does.
#
# Usage (from the repository root, after `cargo build --release`):
#   benches/files.sh                         # N = 2500 5000 10000 20000
#   COUNTS="5000 10000" COMMANDS="check report" benches/files.sh
#   MYNAFLOW_BIN=/tmp/mynaflow-old benches/files.sh
#   LAYOUT=folders COUNTS="750 1500 3000" benches/files.sh
#       each design in a folder of its own that holds a mynaflow.toml, the
#       folders named on the command line: a config in every folder, so a
#       group of its own for every design
#
# Designs are written into $DIR (default /tmp/mynaflow-files) and reused.
set -euo pipefail

BIN=${MYNAFLOW_BIN:-$PWD/target/release/mynaflow}
DIR=${DIR:-/tmp/mynaflow-files}
COUNTS=${COUNTS:-"2500 5000 10000 20000"}
COMMANDS=${COMMANDS:-"check test coverage report"}
LAYOUT=${LAYOUT:-named}

command -v valgrind >/dev/null || { echo "files.sh: valgrind is needed (apt-get install -y valgrind)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "files.sh: no binary at $BIN (cargo build --release)" >&2; exit 2; }

max=0
for n in $COUNTS; do [ "$n" -gt "$max" ] && max=$n; done
mkdir -p "$DIR/designs"
if [ ! -f "$DIR/designs/d$max.myna" ]; then
    # One flow an error (MN202: a purpose of internal use only, given to
    # another party) and one actor no flow uses (MN012, a warning).
    for i in $(seq 1 "$max"); do
        cat > "$DIR/designs/d$i.myna" <<EOF
use "kenpo"
actor 適用システム$i : 組合
actor 事業所$i : 事業主
actor 予備$i : 組合
data 健診結果$i : 健診データ
flow 適用システム$i -> 事業所$i : 健診結果$i for 保険給付
EOF
    done
    printf 'exclude = ["never-*.myna"]\n' > "$DIR/designs/mynaflow.toml"
fi
if [ "$LAYOUT" = folders ] && [ ! -f "$DIR/folders/$max/d.myna" ]; then
    for i in $(seq 1 "$max"); do
        mkdir -p "$DIR/folders/$i"
        cp "$DIR/designs/d$i.myna" "$DIR/folders/$i/d.myna"
        printf 'exclude = ["never-*.myna"]\n' > "$DIR/folders/$i/mynaflow.toml"
    done
fi

# The command's own exit status (1: the designs have findings) is not the
# benchmark's.
count() {
    { valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true; } \
        | sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}

cd "$DIR"
printf 'command (%s)\tdesigns\tinstructions\tratio to the count before\n' "$LAYOUT"
for c in $COMMANDS; do
    last=""
    for n in $COUNTS; do
        files=()
        case $LAYOUT in
            folders) for i in $(seq 1 "$n"); do files+=("folders/$i"); done ;;
            *) for i in $(seq 1 "$n"); do files+=("designs/d$i.myna"); done ;;
        esac
        case $c in
            report) refs=$(count "$BIN" report -o "$DIR/report.html" "${files[@]}") ;;
            *) refs=$(count "$BIN" "$c" "${files[@]}") ;;
        esac
        ratio=""
        [ -n "$last" ] && ratio=$(awk -v a="$refs" -v b="$last" 'BEGIN { printf "%.2f", a / b }')
        printf '%s\t%s\t%s\t%s\n' "$c" "$n" "$refs" "$ratio"
        last=$refs
    done
done
