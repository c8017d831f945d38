#!/usr/bin/env bash
# Where a run leaves a core idle: samples one run of the release binary
# with `perf record` (every thread, on CPU time), cuts the run into slices
# of SLICE_MS milliseconds, and says how many cores were busy in each.
# Prints the time with every core busy, with fewer, and the stretches
# where fewer were busy, each with the functions its samples were in: the
# serial parts of a run that no speed-up of the parallel ones shortens.
#
# Usage (from the repository root):
#   benches/cores.sh check --format json /tmp/mynaflow-scale/mynaflow-bench-1000000.myna
#   SLICE_MS=5 benches/cores.sh inventory --format json FILE
#   MYNAFLOW_BIN=/tmp/mynaflow-old benches/cores.sh check FILE
#
# Needs perf (apt-get install linux-perf, or linux-tools-$(uname -r)) and
# python3; says so and exits 2 without them. perf must be allowed to
# sample the process (as root, or kernel.perf_event_paranoid <= 2).
# The figures are samples: at FREQ (default 2000) per second and core, a
# slice of 10 ms holds 20 samples of each busy core, and a stretch shorter
# than two slices is not listed.
set -euo pipefail

SLICE_MS=${SLICE_MS:-10}
FREQ=${FREQ:-2000}
CORES=${CORES:-$(nproc)}
BIN=${MYNAFLOW_BIN:-target/release/mynaflow}

for tool in perf python3; do
    if ! command -v "$tool" > /dev/null; then
        echo "benches/cores.sh: needs $tool; not run" >&2
        exit 2
    fi
done
if [ $# -eq 0 ]; then
    echo "usage: benches/cores.sh COMMAND [ARGS...]   (mynaflow's command and arguments)" >&2
    exit 2
fi
if [ -z "${MYNAFLOW_BIN:-}" ]; then
    cargo build --release --quiet
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# mynaflow's exit status (1: findings) is not this script's.
perf record -q -F "$FREQ" --call-graph dwarf,16384 -o "$work/perf.data" -- "$BIN" "$@" > /dev/null 2> "$work/stderr" || true
perf script -i "$work/perf.data" -F tid,time,ip,sym 2> /dev/null > "$work/samples"
python3 - "$work/samples" "$SLICE_MS" "$FREQ" "$CORES" "$*" <<'EOF'
import collections, re, sys

path, slice_ms, freq, cores, command = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
slice_s = slice_ms / 1000
samples = []  # (time, thread, frames leaf first)
for line in open(path, encoding="utf-8", errors="replace"):
    head = re.match(r"^\s*(\d+)\s+([\d.]+):", line)
    if head:
        samples.append((float(head.group(2)), int(head.group(1)), []))
    elif line.strip() and samples:
        # "address symbol+offset (object)": the symbol.
        frame = re.sub(r"^[0-9a-f]+\s+", "", line.strip())
        samples[-1][2].append(re.sub(r"\+0x[0-9a-f]+.*$| \(.*\)$", "", frame))
if not samples:
    sys.exit("benches/cores.sh: perf recorded no samples (is perf allowed to sample? see perf_event_paranoid)")

def place(frames):
    """The innermost frame of mynaflow's own code (else the leaf), shortened."""
    for f in frames:
        if "mynaflow::" in f and "rayon" not in f:
            name = re.sub(r"<[^<>]*>", "", f.split("mynaflow::", 1)[1])
            return re.sub(r"::\{\{closure\}\}", "", name)[:70]
    return (frames[0] if frames else "?")[:70]  # the kernel's, or a library's

start = min(t for t, _, _ in samples)
end = max(t for t, _, _ in samples)
slices = int((end - start) / slice_s) + 1
count = [0] * slices
places = [collections.Counter() for _ in range(slices)]
for t, _, frames in samples:
    k = int((t - start) / slice_s)
    count[k] += 1
    places[k][place(frames)] += 1
per_core = freq * slice_s
busy = [min(cores, round(n / per_core)) for n in count]
time_at = collections.Counter(busy)
print(f"# mynaflow {command}")
print(f"# {end - start:.3f} s sampled, {len(samples)} samples at {freq:.0f}/s a core, {cores} cores, slices of {slice_ms:g} ms")
for b in range(cores, -1, -1):
    print(f"#   {b} core(s) busy: {time_at[b] * slice_s:.3f} s")
idle = sum((cores - b) * slice_s for b in busy)
print(f"# core-seconds left idle: {idle:.3f} s; a run with every core busy throughout would take {max(end - start - idle / cores, 0):.3f} s")
print("from_s\tto_s\tbusy\twhat its samples were in")
k = 0
while k < slices:
    if busy[k] >= cores:
        k += 1
        continue
    j = k
    while j + 1 < slices and busy[j + 1] == busy[k]:
        j += 1
    if j > k:
        what = collections.Counter()
        for s in range(k, j + 1):
            what.update(places[s])
        total = sum(what.values())
        top = ", ".join(f"{name} {100 * n / total:.0f}%" for name, n in what.most_common(3))
        print(f"{k * slice_s:.3f}\t{(j + 1) * slice_s:.3f}\t{busy[k]}\t{top}")
    k = j + 1
EOF
