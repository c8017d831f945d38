#!/usr/bin/env bash
# Scale benchmark of the release binary: wall time and peak memory of
# `mynaflow check` on generated designs of every shape, from 1k to 1M flows,
# side by side with one `rg -c flow` pass (or `grep -c flow` when ripgrep is
# missing) over the same file: the floor no linter of that file can beat.
#
# Usage (from the repository root):
#   benches/scale.sh                       # every shape, 1k 10k 100k
#   SIZES="100000 1000000" SHAPES="mixed fans" benches/scale.sh
#   FORMATS="human json sarif github junit" SIZES=1000000 SHAPES=mixed benches/scale.sh
#   MYNAFLOW_BIN=/tmp/mynaflow-old benches/scale.sh   # time another build
#   COMMAND=test benches/scale.sh          # time `mynaflow test` instead
#   CHECK_ARGS="--max-per-code 0" SHAPES=findings benches/scale.sh
#                                          # `check` with more options (here: every finding shown)
#   COMMAND=graph|inventory|coverage|fmt FORMATS=json benches/scale.sh
#   COMMAND=report benches/scale.sh        # the HTML page, into $DIR/report.html
#   COMMAND=fix SIZES="100000 1000000" benches/scale.sh
#       `check --fix --unsafe-fixes`, each run on a fresh copy of the
#       design in $DIR/fixing (copied before the run is timed): every
#       fix applied, the fixed text checked again and written
#   RUNS=3 SIZES="100000 1000000" benches/scale.sh   # best of three runs
#   SHAPES=insurers SIZES="100000 1000000" benches/scale.sh
#       a folder of 1 700 designs sharing one rulebook file, one for each
#       insurer and municipality of a national design (not among the
#       default shapes: below 1 700 flows each file still has one)
#   PAUSE=5 SIZES="100000 1000000" benches/scale.sh  # each run 5 s after the last
#   INTO=pipe COMMAND=inventory SIZES=1000000 SHAPES=mixed benches/scale.sh
#       the output into `wc -c` through a pipe (INTO=file: into a file in
#       $DIR; default INTO=null, /dev/null): a pipe's reader wakes at
#       every write and takes a core, which /dev/null hides.
#   COMMAND=rules-diff FORMATS=human benches/scale.sh
#       `rules diff OLD NEW --impact design`: OLD is $RULES_OLD (default
#       rules/kenpo.myna), NEW is $RULES_NEW (default: OLD without its
#       `allow` lines for 健診等委託, written into $DIR), so every design
#       is checked against both and some flows change verdict.
#   MEASURE=instructions SIZES="100000 1000000" benches/scale.sh
#       counts the instructions each run executes (valgrind's cachegrind,
#       "I refs") instead of timing it: the same count on a quiet machine
#       and a busy one, so its ratio 1M/100k says whether the work grows
#       linearly, which the time on a shared virtual machine (cache misses,
#       fresh pages, other guests) cannot say alone. `check` of a million
#       flows takes about fifteen seconds under valgrind.
#
# Designs are written once into $DIR (default /tmp/mynaflow-scale) by the
# ignored test `write_designs` of tests/generated.rs, and reused. A 1M-flow
# design is about 110 MB; its run needs about 1 GiB of memory.
#
# RUNS (default 1) runs each command that many times and reports the least
# wall and CPU time and the highest peak memory of the runs: on a shared
# virtual machine one run can take a third longer than the next, and the
# ratios below compare single runs otherwise.
#
# PAUSE (default 0) waits that many seconds before each timed run. On a
# machine that hands freed memory back to its host (see "free page
# reporting" below) a run then starts as a lone run does, as in CI, its
# memory to be found again; without a pause the later of RUNS runs reuse
# what the earlier ones freed, as a laptop always does.
#
# Output: one line per run, tab-separated, then for each shape the ratios
# time(1M)/time(100k) and memory(1M)/memory(100k) when both sizes ran.
#   shape flows MB format wall_s cpu_s peak_MiB bytes_per_input_byte floor_s x_floor exit
# x_floor is wall time over the floor's wall time, both measured in this run.
# Before and after the table, a line "# fresh memory: ..." gives the rate at
# which the machine hands out memory touched for the first time, in 4 KiB
# pages and in huge pages (python3's mmap; skipped, saying so, without
# it). On the virtual machine these figures were taken on, that rate moved
# from 0.4 to 7.9 GB/s from one minute to the next, and a million-flow run
# touches about 0.7 GB fresh: the line says which phase a table is from.
# A second line, "# free page reporting: ...", says whether the machine
# is a virtual one whose kernel hands the memory programs free back to the
# host (a virtio balloon with free page reporting) and, where the kernel
# counts it, how much it has handed back so far. Where it does, that is
# the phases' cause: what a run frees goes back within seconds, and a run
# that starts later gets it again a page fault at a time. mynaflow then
# takes small pages (src/allocator.rs: the host backs a huge page only as
# a whole). RUNS=3, whose later runs follow at once, measures the warm
# case; PAUSE=5 the lone run's.
# With MEASURE=instructions:
#   shape flows MB format instructions_M per_byte floor_M x_floor exit
# then the ratio instructions(1M)/instructions(100k) per shape.
# Exit status 0 (no findings), 1 (findings) and 2 (could not check) of
# mynaflow are all normal here; anything else (a crash) is reported.
set -euo pipefail

SIZES=${SIZES:-"1000 10000 100000"}
SHAPES=${SHAPES:-"mixed chains fans carriers contractors findings suppressions misspellings shared"}
FORMATS=${FORMATS:-"json"}
RUNS=${RUNS:-1}
PAUSE=${PAUSE:-0}
MEASURE=${MEASURE:-time}
INTO=${INTO:-null}
COMMAND=${COMMAND:-check}
DIR=${DIR:-/tmp/mynaflow-scale}
BIN=${MYNAFLOW_BIN:-target/release/mynaflow}
TIME=/usr/bin/time

case $INTO in
    null | pipe | file) ;;
    *) echo "benches/scale.sh: INTO is null, pipe or file, not $INTO" >&2; exit 2 ;;
esac

case $MEASURE in
    time)
        if [ ! -x "$TIME" ]; then
            echo "benches/scale.sh: needs GNU time at $TIME (apt-get install time)" >&2
            exit 2
        fi ;;
    instructions)
        if ! command -v valgrind > /dev/null; then
            echo "benches/scale.sh: MEASURE=instructions needs valgrind (apt-get install valgrind)" >&2
            exit 2
        fi ;;
    *) echo "benches/scale.sh: unknown MEASURE $MEASURE (time or instructions)" >&2; exit 2 ;;
esac
if command -v rg > /dev/null; then
    floor_tool=rg
else
    floor_tool=grep
    echo "benches/scale.sh: ripgrep not found; the floor is one \`grep -c flow\` pass" >&2
fi
if [ -z "${MYNAFLOW_BIN:-}" ]; then
    cargo build --release --quiet
fi
mkdir -p "$DIR"
if [ "$COMMAND" = rules-diff ]; then
    RULES_OLD=${RULES_OLD:-rules/kenpo.myna}
    if [ -z "${RULES_NEW:-}" ]; then
        RULES_NEW="$DIR/kenpo-narrowed.myna"
        grep -v '^ *allow .* for 健診等委託 *$' "$RULES_OLD" > "$RULES_NEW" || true
        if cmp -s "$RULES_OLD" "$RULES_NEW"; then
            echo "benches/scale.sh: $RULES_OLD has no allow line for 健診等委託 to remove" >&2
            exit 2
        fi
    fi
fi

# The design of shape $1 with $2 flows (a folder for `shared` and
# `insurers`).
design_of() {
    case $1 in
        mixed) echo "$DIR/mynaflow-bench-$2.myna" ;;
        shared | insurers) echo "$DIR/mynaflow-$1-$2" ;;
        *) echo "$DIR/mynaflow-$1-$2.myna" ;;
    esac
}

# Writes the designs that are not there yet.
missing_sizes=()
missing_shapes=()
for n in $SIZES; do
    for shape in $SHAPES; do
        f=$(design_of "$shape" "$n")
        if [ ! -e "$f" ]; then
            missing_sizes+=("$n")
            missing_shapes+=("$shape")
        fi
    done
done
if [ ${#missing_sizes[@]} -gt 0 ]; then
    sizes=$(printf '%s\n' "${missing_sizes[@]}" | sort -un | paste -sd,)
    shapes=$(printf '%s\n' "${missing_shapes[@]}" | sort -u | paste -sd,)
    MYNAFLOW_GENERATE=$sizes MYNAFLOW_SHAPES=$shapes MYNAFLOW_GENERATE_DIR=$DIR \
        cargo test --release --quiet --test generated write_designs -- --ignored > /dev/null
fi

# Runs a command under GNU time; prints "wall_s peak_KiB exit cpu_s"
# (cpu = user + system: on a shared machine the wall time includes waiting
# for a core, the CPU time does not). GNU time gives the peak memory and
# the exit code; wall and CPU times are read to the millisecond (bash 5's
# EPOCHREALTIME, and `times` for the subshell's children): at 100k flows a
# command takes a fifth of a second, and GNU time's hundredths would move
# a ratio by a tenth.
measure() {
    local out times
    out=$(mktemp)
    times=$(mktemp)
    fresh_copy
    [ "$PAUSE" = 0 ] || sleep "$PAUSE"
    set +e
    (
        start=$EPOCHREALTIME
        case $INTO in
            # The reader's CPU time is the subshell's child's too: with
            # INTO=pipe, cpu_s includes `wc`'s.
            pipe) "$TIME" -f "%M %x" -o "$out" "$@" 2> /dev/null | wc -c > /dev/null ;;
            file) "$TIME" -f "%M %x" -o "$out" "$@" > "$DIR/scale-output" 2> /dev/null ;;
            *) "$TIME" -f "%M %x" -o "$out" "$@" > /dev/null 2>&1 ;;
        esac
        end=$EPOCHREALTIME
        # Not in a pipe: there `times` would run in a subshell of its own.
        times > "$times"
        echo "$start $end"
    ) | awk -v f="$out" -v t="$times" '{
        # The last line of GNU time (a failing command adds one before).
        while ((getline l < f) > 0) m = l;
        split(m, mx, " ");
        # The second line of `times`: user and system time of the children.
        getline l < t; getline l < t; split(l, ct, " ");
        cpu = 0;
        for (i = 1; i <= 2; i++) {
            split(ct[i], u, "m"); sub("s", "", u[2]); cpu += u[1] * 60 + u[2];
        }
        printf "%.3f %s %s %.3f\n", $2 - $1, mx[1], mx[2], cpu }'
    set -e
    rm -f "$out" "$times"
}

# `measure` RUNS times: least wall, highest peak, last exit, least CPU.
measure_best() {
    local i
    for ((i = 0; i < RUNS; i++)); do
        measure "$@"
    done | awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $4 < c { c = $4 }
        $2 > k { k = $2 } { x = $3 } END { printf "%s %s %s %.3f\n", w, k, x, c }'
}

# Runs a command under cachegrind (no cache simulation); prints
# "instructions exit". Deterministic but for the threads' share of work
# stolen between them, which moves a count by a few in a thousand.
count() {
    local log x
    log=$(mktemp)
    fresh_copy
    set +e
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        --log-file="$log" "$@" > /dev/null 2>&1
    x=$?
    set -e
    awk -v x="$x" '/I +refs:/ { i = $NF; gsub(",", "", i) } END { printf "%s %d\n", i, x }' "$log"
    rm -f "$log"
}

# `check --fix` rewrites its design: each of its runs gets a fresh copy,
# made here before the run is timed (COPY_OF names the original).
COPY_OF=
fresh_copy() {
    [ -n "$COPY_OF" ] || return 0
    rm -rf "$DIR/fixing"
    mkdir -p "$DIR/fixing"
    cp -r "$COPY_OF" "$DIR/fixing/"
}

# The command line of one run: sets CMD (and COPY_OF).
command_for() {
    local f=$1 format=$2 fm
    COPY_OF=
    case $COMMAND in
        # shellcheck disable=SC2086 # CHECK_ARGS is words on purpose
        check) CMD=("$BIN" check --format "$format" ${CHECK_ARGS:-} "$f") ;;
        # shellcheck disable=SC2086 # CHECK_ARGS is words on purpose
        fix)
            COPY_OF=$f
            CMD=("$BIN" check --fix --unsafe-fixes --format "$format" ${CHECK_ARGS:-}
                "$DIR/fixing/$(basename "$f")") ;;
        test) CMD=("$BIN" test "$f") ;;
        fmt) CMD=("$BIN" fmt --check "$f") ;;
        report) CMD=("$BIN" report -o "$DIR/report.html" "$f") ;;
        rules-diff)
            CMD=("$BIN" rules diff --format "$format" "$RULES_OLD" "$RULES_NEW" --impact "$f") ;;
        graph | inventory | coverage)
            # `graph` draws DOT or JSON; the others write md/human or JSON.
            fm=$format
            [ "$format" = human ] || [ "$COMMAND" != graph ] || fm=dot
            CMD=("$BIN" "$COMMAND" --format "$fm" "$f") ;;
        *) echo "benches/scale.sh: unknown COMMAND $COMMAND" >&2; exit 2 ;;
    esac
}

# The rate of fresh memory now: 256 MiB touched a page at a time, in
# 4 KiB pages and then with MADV_HUGEPAGE (what mimalloc asks for).
page_supply() {
    if ! command -v python3 > /dev/null; then
        echo "# fresh memory: not measured (no python3)"
        page_reporting
        return
    fi
    python3 - <<'PY' || echo "# fresh memory: not measured (python3 failed)"
import mmap, time
def rate(huge):
    n = 256 << 20
    m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    if huge and hasattr(m, "madvise") and hasattr(mmap, "MADV_HUGEPAGE"):
        m.madvise(mmap.MADV_HUGEPAGE)
    t = time.perf_counter()
    for i in range(0, n, 4096):
        m[i] = 1
    s = time.perf_counter() - t
    m.close()
    return n / s / 1e9
print("# fresh memory: 4 KiB pages %.2f GB/s, huge pages %.2f GB/s" % (rate(False), rate(True)))
PY
    page_reporting
}

# Whether freed memory goes back to the host (the check
# src/allocator.rs makes), and how much has so far.
page_reporting() {
    local d kib=/sys/module/page_reporting/parameters/reported_kib on=no
    for d in /sys/bus/virtio/devices/*; do
        if [ "$(cat "$d/device" 2> /dev/null)" = 0x0005 ] &&
            [ "$(cut -c6 "$d/features" 2> /dev/null)" = 1 ]; then
            on=yes
        fi
    done
    if [ "$on" = no ]; then
        echo "# free page reporting: none (no virtio balloon that reports freed pages)"
    elif [ -r "$kib" ]; then
        echo "# free page reporting: on, $(($(cat "$kib") / 1024)) MiB handed back to the host since boot"
    else
        echo "# free page reporting: on"
    fi
}

[ "$MEASURE" != time ] || page_supply
case $MEASURE in
    time) printf 'shape\tflows\tMB\tformat\twall_s\tcpu_s\tpeak_MiB\tB/B\tfloor_s\tx_floor\texit\n' ;;
    *) printf 'shape\tflows\tMB\tformat\tinstr_M\tper_byte\tfloor_M\tx_floor\texit\n' ;;
esac
declare -A wall mem instr
for shape in $SHAPES; do
    for n in $SIZES; do
        f=$(design_of "$shape" "$n")
        bytes=$(du -sb "$f" | cut -f1)
        COPY_OF=
        if [ "$floor_tool" = rg ]; then
            floor=(rg -c flow "$f")
        else
            # Into a file, not /dev/null: GNU grep stops at the first match
            # when its output goes nowhere, and the floor was 4 ms.
            floor=(sh -c 'grep -rc flow "$1" > "$2"' grep "$f" "$DIR/floor.out")
        fi
        case $MEASURE in
            time) read -r fw _ _ _ < <(measure_best "${floor[@]}") ;;
            *) read -r fw _ < <(count "${floor[@]}") ;;
        esac
        for format in $FORMATS; do
            command_for "$f" "$format"
            case $MEASURE in
                time) read -r w k x c < <(measure_best "${CMD[@]}") ;;
                *) read -r i x < <(count "${CMD[@]}") ;;
            esac
            if [ "$x" -gt 2 ]; then
                echo "benches/scale.sh: $BIN exited $x on $f" >&2
            fi
            if [ "$MEASURE" = time ]; then
                wall[$shape,$n,$format]=$c
                mem[$shape,$n,$format]=$k
                awk -v s="$shape" -v n="$n" -v b="$bytes" -v fm="$format" -v w="$w" -v k="$k" \
                    -v fw="$fw" -v x="$x" -v c="$c" 'BEGIN {
                        fl = (fw > 0) ? sprintf("%.1f", w / fw) : "-";
                        printf "%s\t%d\t%.1f\t%s\t%.3f\t%.3f\t%.0f\t%.1f\t%.3f\t%s\t%d\n",
                            s, n, b / 1e6, fm, w, c, k / 1024, k * 1024 / b, fw, fl, x }'
            else
                # Exit 2: it could not run (`inventory` of the `shared`
                # folder): its count is of nothing, and so is its ratio.
                [ "$x" -eq 2 ] || instr[$shape,$n,$format]=$i
                awk -v s="$shape" -v n="$n" -v b="$bytes" -v fm="$format" -v i="$i" \
                    -v fi="$fw" -v x="$x" 'BEGIN {
                        fl = (fi > 0) ? sprintf("%.1f", i / fi) : "-";
                        printf "%s\t%d\t%.1f\t%s\t%.1f\t%.1f\t%.1f\t%s\t%d\n",
                            s, n, b / 1e6, fm, i / 1e6, i / b, fi / 1e6, fl, x }'
            fi
        done
    done
done

[ "$MEASURE" != time ] || page_supply

# Linearity: CPU time and memory (or instructions) at a size over ten
# times smaller.
for shape in $SHAPES; do
    for format in $FORMATS; do
        for n in $SIZES; do
            m=$((n / 10))
            if [ -n "${wall[$shape,$n,$format]:-}" ] && [ -n "${wall[$shape,$m,$format]:-}" ]; then
                awk -v s="$shape" -v n="$n" -v m="$m" -v fm="$format" \
                    -v w1="${wall[$shape,$n,$format]}" -v w0="${wall[$shape,$m,$format]}" \
                    -v k1="${mem[$shape,$n,$format]}" -v k0="${mem[$shape,$m,$format]}" 'BEGIN {
                    tr = (w0 > 0) ? sprintf("%.1f", w1 / w0) : "-";
                    printf "ratio %s %s %d/%d: time %s, memory %.1f\n", s, fm, n, m, tr, k1 / k0 }'
            fi
            if [ -n "${instr[$shape,$n,$format]:-}" ] && [ -n "${instr[$shape,$m,$format]:-}" ]; then
                awk -v s="$shape" -v n="$n" -v m="$m" -v fm="$format" \
                    -v i1="${instr[$shape,$n,$format]}" -v i0="${instr[$shape,$m,$format]}" 'BEGIN {
                    printf "ratio %s %s %d/%d: instructions %.2f\n", s, fm, n, m, i1 / i0 }'
            fi
        done
    done
done
