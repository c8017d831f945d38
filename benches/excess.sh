#!/usr/bin/env bash
# Which functions grow faster than the input: `perf record` of the release
# binary on a small design and on one ten times larger (two sizes of one
# shape, from `tests/generated.rs`' `write_designs`), the samples of each
# function summed over the runs, and each function's samples on the large
# design less ten times its samples on the small one (its *excess*). A run
# whose time grows ten times has no excess; the functions at the top of the
# list are where a ratio over 10 comes from (benches/README.md, thirty-fifth
# pass).
#
# Usage (from the repository root):
#   benches/excess.sh SMALL LARGE [RUNS] [COMMAND...]
#   benches/excess.sh /tmp/mynaflow-scale/mynaflow-suppressions-100000.myna \
#                     /tmp/mynaflow-scale/mynaflow-suppressions-1000000.myna 3
#   benches/excess.sh SMALL LARGE 3 inventory --format md
#
# RUNS (default 3) runs of each size; COMMAND (default `check`) is the
# subcommand and its options, the design last. MYNAFLOW_BIN (default
# target/release/mynaflow) is the binary, FREQ (default 4000) the sampling
# rate. Needs `perf` and python3; says so and stops without them.
set -euo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,20p' "$0" >&2
    exit 2
fi
small=$1
large=$2
runs=${3:-3}
shift $(($# < 3 ? $# : 3))
command=("$@")
[ ${#command[@]} -eq 0 ] && command=(check)
bin=${MYNAFLOW_BIN:-target/release/mynaflow}
freq=${FREQ:-4000}

for tool in perf python3; do
    if ! command -v "$tool" > /dev/null; then
        echo "excess.sh: SKIPPED: $tool is not installed" >&2
        exit 3
    fi
done
[ -x "$bin" ] || { echo "excess.sh: no binary at $bin (cargo build --release)" >&2; exit 2; }
for design in "$small" "$large"; do
    [ -e "$design" ] || { echo "excess.sh: no design at $design" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for size in small large; do
    design=${!size}
    : > "$work/$size.txt"
    for _ in $(seq "$runs"); do
        # The command's own status: 0, or 1 for a design with findings.
        status=0
        perf record -q -F "$freq" -o "$work/perf.data" "$bin" "${command[@]}" "$design" \
            > /dev/null 2> "$work/stderr" || status=$?
        if [ "$status" -gt 1 ]; then
            echo "excess.sh: \`mynaflow ${command[*]} $design\` failed ($status):" >&2
            head -5 "$work/stderr" >&2
            exit 2
        fi
        # "overhead samples command object [.] symbol": samples, then symbol.
        perf report -i "$work/perf.data" --no-children --stdio -n --percent-limit 0.05 \
            2> /dev/null | awk '!/^#/ && NF >= 5 { s = $2; $1 = $2 = $3 = $4 = $5 = ""; print s "\t" $0 }' \
            >> "$work/$size.txt"
    done
done

python3 - "$work/small.txt" "$work/large.txt" <<'PY'
import collections, sys

def load(path):
    samples = collections.Counter()
    for line in open(path, encoding="utf-8", errors="replace"):
        n, _, symbol = line.partition("\t")
        if n.isdigit():
            samples[symbol.strip()] += int(n)
    return samples

small, large = load(sys.argv[1]), load(sys.argv[2])
ts, tl = sum(small.values()), sum(large.values())
if not ts or not tl:
    sys.exit("excess.sh: perf recorded no samples")
excess = {s: large[s] - 10 * small[s] for s in set(small) | set(large)}
total = sum(excess.values())
print(f"samples: {ts} small, {tl} large (x{tl / ts:.2f}); "
      f"excess over 10x: {total} ({100 * total / tl:.1f} % of the large runs)")
print(f"{'small':>7} {'large':>8} {'x':>6} {'excess':>7}  function")
for s, e in sorted(excess.items(), key=lambda kv: -kv[1])[:20]:
    ratio = f"{large[s] / small[s]:6.1f}" if small[s] else "     -"
    print(f"{small[s]:7} {large[s]:8} {ratio} {e:7}  {s[:90]}")
PY
