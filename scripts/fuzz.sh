#!/usr/bin/env bash
# Runs mynaflow's libFuzzer targets on stable Rust, one after the other.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Defaults: 60 seconds, every target (parse, pipeline, inventory, rebind, rulebook). The corpus
# of each target lives in fuzz/corpus/TARGET (not committed) and is seeded
# from examples/, docs/codes/examples/ and tests/cases/ (the rulebook target
# from the rulebooks). Crashes land in fuzz/artifacts/TARGET; copy a
# minimised one into tests/fuzz-corpus/ so `cargo test --test
# fuzz_regressions` replays it for ever.
#
# Only the fuzz targets are instrumented: the coverage passes are given by
# hand and `--target` keeps build scripts and proc macros uninstrumented, so
# no nightly toolchain or cargo-fuzz is needed.
set -euo pipefail

secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parse pipeline inventory rebind rulebook)

root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/fuzz"
triple="x86_64-unknown-linux-gnu"
export RUSTFLAGS="-Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"

(cd "$fuzz" && cargo build --release --target "$triple" --bins)

seed() {
    local target="$1" dir="$fuzz/corpus/$1"
    mkdir -p "$dir"
    if [ "$target" = rulebook ]; then
        cp -n "$root"/rules/*.myna "$dir"/ 2>/dev/null || true
        find "$root/tests/cases" -name 'rules*.myna' -exec cp -n {} "$dir"/ \; 2>/dev/null || true
    else
        for src in examples docs/codes/examples tests/cases tests/fuzz-corpus; do
            [ -d "$root/$src" ] || continue
            find "$root/$src" -type f -name '*.myna' | while read -r f; do
                # Flatten the path into a unique name.
                cp -n "$f" "$dir/$(echo "${f#"$root"/}" | tr '/' '_')"
            done
        done
    fi
    echo "$dir"
}

for t in "${targets[@]}"; do
    corpus="$(seed "$t")"
    mkdir -p "$fuzz/artifacts/$t"
    echo "== $t for ${secs}s (corpus $corpus)"
    "$fuzz/target/$triple/release/$t" "$corpus" \
        -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$fuzz/artifacts/$t/" -print_final_stats=1
done
