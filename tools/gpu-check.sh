#!/bin/bash
# tools/gpu-check.sh: issue #22 in one command on the GPU machine (docs/GPU.md).
#   build an engine-and-CLI Chiaro against the machine's pip torch (carried .debs unpacked under a
#   private prefix), export a --random-full bundle, run `chiaro-cli bench` / relight / batch for fp16
#   and bf16, and fp16/bf16-vs-fp32 PSNR on the parity kit's jobs; everything lands in OUT.
# options:
#   --out DIR         output folder (default $OUT if set, else ./gpu-check-out)
#   --dry-run         print every step, check every input; run nothing (missing tools are reported)
#   --cpu             rehearsal: same steps on CPU, tiny bundle, tiny sizes, fp32/bf16
#   --skip-build DIR  use an existing build folder (its src/cli/chiaro-cli)
#   --debs DIR        carried .deb folder (default build/gpu-debs)
#   --kit DIR         parity kit + CLIP vocab (default build/gpu-kit, else ../shared)
#   --budget S        stop starting steps after S seconds (default 480 = 8 min)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-./gpu-check-out}
dry=0 cpu=0 skip_build="" budget=480
debs=$repo/build/gpu-debs
kit=$repo/build/gpu-kit
[[ -d $kit ]] || kit=$repo/../shared
while (($#)); do
    case "$1" in
        --out) out=$2; shift ;;
        --dry-run) dry=1 ;;
        --cpu) cpu=1 ;;
        --skip-build) skip_build=$(cd "$2" && pwd); shift ;;  # absolute: parity runs cd
        --debs) debs=$2; shift ;;
        --kit) kit=$2; shift ;;
        --budget) budget=$2; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
mkdir -p "$out/logs"
out=$(cd "$out" && pwd)
start=$SECONDS
status_rows=()   # "name|rc|seconds"
stopped=""

# Python with torch: the machine's python3 (pip torch cu130) on the GPU; on Debian here the system
# one, since a pyenv python3 may shadow it without torch.
py=python3
if ! python3 -c 'import torch' 2>/dev/null && [[ -x /usr/bin/python3 ]]; then py=/usr/bin/python3; fi

if ((cpu)); then
    device=cpu precisions=(fp32 bf16) sizes=(256x320 384x448) bundle_kind=--tiny
    full_steps=2 repeats=1 batch_n=2 threads=0
else
    device=cuda precisions=(fp16 bf16) sizes=(512x640 768x960) bundle_kind=--random-full
    full_steps=25 repeats=5 batch_n=8 threads=0
fi
prefix=$out/prefix        # carried .debs are unpacked here, never into /
build=${skip_build:-$out/build}
cli=$build/src/cli/chiaro-cli
bundle=$out/bundle_fc
vocab=$kit/data/clip/bpe_simple_vocab_16e6.txt.gz
parity=$kit/parity

# step NAME CMD...: run CMD with stdout/stderr into logs/NAME.log and its time into status.json;
# a failing step is recorded and the run goes on (later figures may still come). Past the budget
# no step starts, so a 10-minute device limit still returns whatever is written.
step() {
    local name=$1; shift
    if ((dry)); then printf '[plan] %-22s %s\n' "$name" "$*"; status_rows+=("$name|planned|0"); return 0; fi
    if ((SECONDS - start > budget)); then
        stopped=${stopped:-$name}; status_rows+=("$name|skipped-budget|0")
        echo "[skip] $name (budget ${budget}s spent)"; return 0
    fi
    local t0=$SECONDS rc=0
    echo "[run ] $name: $*"
    "$@" >"$out/logs/$name.log" 2>&1 || rc=$?
    status_rows+=("$name|$rc|$((SECONDS - t0))")
    echo "[done] $name rc=$rc $((SECONDS - t0))s"
}

# need KIND PATH-OR-TOOL: an input check; fatal unless --dry-run (then only reported).
missing=()
need() {
    local what=$1 ok=0
    case "$2" in
        tool) command -v "$what" >/dev/null 2>&1 && ok=1 ;;
        path) [[ -e $what ]] && ok=1 ;;
    esac
    if ((ok)); then echo "[have] $what"; else echo "[MISS] $what"; missing+=("$what"); fi
}

echo "== gpu-check: device=$device out=$out build=$build kit=$kit budget=${budget}s"
# --- inputs ---
need "$py" tool
torch_prefix=$("$py" -c 'import torch;print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)
torch_cuda=$("$py" -c 'import torch;print(torch.version.cuda)' 2>/dev/null || true)
echo "[info] torch cmake_prefix_path: ${torch_prefix:-<none>}  torch.version.cuda: ${torch_cuda:-<none>}"
need "$vocab" path
need "$parity/compare.py" path
need "$parity/tiny_sd" path
if [[ -z $skip_build ]]; then
    # the torch CMake config is only needed to build
    if [[ -n $torch_prefix ]]; then need "$torch_prefix" path; else echo "[MISS] torch.utils.cmake_prefix_path"; missing+=(torch-cmake); fi
    need "$debs" path
    for t in cmake ninja c++ dpkg-deb; do need $t tool; done
    ((cpu)) || need nvcc tool
else
    need "$cli" path
fi
((cpu)) || need nvidia-smi tool
echo "[info] glibc: $(ldd --version 2>/dev/null | head -1)"
if ((${#missing[@]})) && ! ((dry)); then
    echo "missing inputs: ${missing[*]}" >&2
    status_rows+=("inputs|missing: ${missing[*]}|0")
fi

# --- peak GPU memory: nvidia-smi sampled every 200 ms for the whole run (device-wide; includes
# the caching allocator's reserve, so it is an upper bound of what the engine holds) ---
if ! ((dry || cpu)) && command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu --format=csv,noheader,nounits \
        -lms 200 >"$out/logs/gpu-memory.csv" 2>&1 &
    smi_pid=$!
    trap 'kill $smi_pid 2>/dev/null || true' EXIT
    nvidia-smi >"$out/logs/nvidia-smi.txt" 2>&1 || true
fi

# --- build ---
unpack_debs() {
    mkdir -p "$prefix"
    for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$prefix"; done
    # Debian's .so links are absolute only in some packages; make every link inside the prefix.
    find "$prefix" -xtype l | while read -r l; do
        tgt=$(readlink "$l"); [[ $tgt == /* && -e $prefix$tgt ]] && ln -sf "$prefix$tgt" "$l"; done
    echo "unpacked $(ls "$debs"/*.deb | wc -l) debs into $prefix"
}
libdirs="$prefix/usr/lib/x86_64-linux-gnu:$prefix/lib/x86_64-linux-gnu"
configure() {
    # OpenCV's and spdlog's CMake configs live under the prefix; pkg-config (lcms2) too.
    PKG_CONFIG_PATH=$prefix/usr/lib/x86_64-linux-gnu/pkgconfig:$prefix/usr/share/pkgconfig \
    PKG_CONFIG_SYSROOT_DIR=$prefix \
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCHIARO_BUILD_GUI=OFF -DCHIARO_BUILD_TESTS=OFF \
        "-DCMAKE_PREFIX_PATH=$torch_prefix;$prefix/usr;$prefix/usr/lib/x86_64-linux-gnu/cmake" \
        -DCMAKE_CUDA_COMPILER="$(command -v nvcc || echo nvcc)" \
        "-DCMAKE_EXE_LINKER_FLAGS=-Wl,-rpath-link,$libdirs -Wl,-rpath,$libdirs"
}
if [[ -z $skip_build ]]; then
    step deps-unpack unpack_debs
    step configure configure
    step build cmake --build "$build" --target chiaro-cli -j "$(nproc)"
    cp "$out/logs/configure.log" "$out/logs/build-configure.log" 2>/dev/null || true
fi
# What the carried libraries leave unresolved (glibc too new, a package dropped from the list).
export LD_LIBRARY_PATH=$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
step ldd-check bash -c "ldd '$cli' | grep -E 'not found|torch|opencv|Qt6' ; ! ldd '$cli' | grep -q 'not found'"

# --- bundle ---
step export-bundle "$py" "$repo/models/export.py" $bundle_kind --variant fc --vocab "$vocab" \
    --out "$bundle" --force --no-verify
step export-parity-fc "$py" "$repo/models/export.py" --base "$parity/tiny_sd" \
    --iclight "$parity/iclight_fc_offset.safetensors" --out "$out/parity_fc" --force
step export-parity-fbc "$py" "$repo/models/export.py" --base "$parity/tiny_sd" \
    --iclight "$parity/iclight_fbc_offset.safetensors" --out "$out/parity_fbc" --force

# --- bench: per precision, the UNet step at both sizes, VAE/text at the first size ---
# (bench has no --device option: the engine's "auto" picks cuda:0 when CUDA is visible.)
for p in "${precisions[@]}"; do
    step "bench-$p" "$cli" bench --json --models "$bundle" --precision "$p" --size "${sizes[0]}" \
        --unet-sizes "$(IFS=,; echo "${sizes[*]}")" --repeats "$repeats" --threads "$threads"
done

# --- full default fc job (25 steps + 1.5x highres), timed by the wall clock of relight ---
photo=$parity/fc_left/input.png
w=${sizes[0]%x*} h=${sizes[0]#*x}
for p in "${precisions[@]}"; do
    step "fulljob-$p" "$cli" relight "$photo" -o "$out/fulljob_$p.png" --models "$bundle" \
        --mask "$parity/fc_left/mask.png" --light-preset left --prompt "a portrait, soft light" \
        --steps "$full_steps" --width "$w" --height "$h" --crop --output-size working \
        --highres-scale 1.5 --device "$device" --precision "$p" --json
done

# --- batch throughput at the first size without highres (scale 1.0: the second pass still runs
# at the same size, as in IC-Light) ---
mkbatch() { mkdir -p "$out/batch_in"; for i in $(seq 1 "$batch_n"); do cp "$photo" "$out/batch_in/p$i.png"; done; }
step batch-inputs mkbatch
for p in "${precisions[@]}"; do
    step "batch-$p" "$cli" batch "$out/batch_in" -o "$out/batch_out_$p" --models "$bundle" \
        --mask "$parity/fc_left/mask.png" --light-preset left --steps "$full_steps" \
        --width "$w" --height "$h" --crop --output-size working --highres-scale 1.0 \
        --device "$device" --precision "$p" --no-skip-existing
done

# --- parity jobs: fp32 reference plus each precision, on the device; PSNR with the kit's compare.py ---
parity_run() {   # JOB PRECISION
    local job=$1 p=$2 variant=${1%%_*}
    mapfile -t args < <("$py" -c "import json,sys
a=json.load(open('$parity/$job/args.json'))['args']
skip={'--device','--precision'}
out=[];i=0
while i<len(a):
    if a[i] in skip: i+=2; continue
    out.append(a[i]); i+=1
print('\n'.join(out))")
    (cd "$parity/$job" && "$cli" relight input.png -o "$out/parity/${job}_$p.png" \
        --models "$out/parity_$variant" "${args[@]}" --crop --output-size working \
        --device "$device" --precision "$p")
}
psnr() { "$py" "$parity/compare.py" "$1" "$2" 0; }
mkdir -p "$out/parity"
for job in fc_left fbc_right; do
    for p in fp32 "${precisions[@]}"; do
        [[ $p == fp32 && " ${precisions[*]} " == *" fp32 "* ]] && continue
        step "parity-$job-$p" parity_run "$job" "$p"
    done
    step "psnr-$job-fp32-vs-iclight" psnr "$parity/$job/expected.png" "$out/parity/${job}_fp32.png"
    for p in "${precisions[@]}"; do
        [[ $p == fp32 ]] && continue
        step "psnr-$job-$p-vs-fp32" psnr "$out/parity/${job}_fp32.png" "$out/parity/${job}_$p.png"
    done
done

# --- summary ---
[[ -n ${smi_pid:-} ]] && kill "$smi_pid" 2>/dev/null || true
summarize() {
    "$py" - "$out" "$device" "$((SECONDS - start))" "$stopped" "$dry" "${status_rows[@]}" <<'EOF'
import json, os, sys, glob, re
out, device, total, stopped, dry = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
steps = [dict(zip(("name", "rc", "seconds"), r.split("|"))) for r in sys.argv[6:]]
for s in steps: s["seconds"] = int(s["seconds"])
lines = [f"# gpu-check ({device}{', dry run' if dry else ''})", "", f"total {total} s" +
         (f"; stopped by the time budget at step {stopped}" if stopped else ""), "",
         "| step | rc | s |", "|---|---|---|"] + [f"| {s['name']} | {s['rc']} | {s['seconds']} |" for s in steps]
figures = []
for log in sorted(glob.glob(os.path.join(out, "logs", "bench-*.log"))):
    p = os.path.basename(log)[6:-4]
    text = open(log).read()
    try:
        rows = json.loads(text[text.index("["):text.rindex("]") + 1])
    except ValueError:
        continue
    for r in rows:
        if r.get("section") in ("engine", "floor", "eager"):
            figures.append((p, r.get("name"), "%.1f" % r.get("ms", 0), r.get("note", "")))
for log in sorted(glob.glob(os.path.join(out, "logs", "psnr-*.log"))):
    m = re.search(r"PSNR ([0-9.inf]+) dB, max abs diff (\d+)", open(log).read())
    if m: figures.append(("psnr", os.path.basename(log)[5:-4], m.group(1) + " dB", "max diff " + m.group(2)))
for s in steps:
    if s["name"].startswith(("fulljob-", "batch-")) and s["rc"] == "0":
        figures.append(("wall", s["name"], f"{s['seconds']} s", "whole command incl. bundle load"))
csv = os.path.join(out, "logs", "gpu-memory.csv")
if os.path.exists(csv):
    used = [int(l.split(",")[1]) for l in open(csv) if l.count(",") >= 2 and l.split(",")[1].strip().isdigit()]
    if used: figures.append(("gpu", "peak memory.used (nvidia-smi, 200 ms samples)", f"{max(used)} MiB", ""))
if figures:
    lines += ["", "| group | figure | value | note |", "|---|---|---|---|"] + \
             [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in figures]
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines) + "\n")
ok = all(s["rc"] in ("0", "planned") for s in steps)
json.dump({"device": device, "dry_run": dry, "total_seconds": total, "stopped_at": stopped or None,
           "ok": ok, "steps": steps, "figures": [dict(zip(("group", "figure", "value", "note"), f)) for f in figures]},
          open(os.path.join(out, "status.json"), "w"), indent=1)
print(f"summary: {out}/summary.md  status: {out}/status.json  ok={ok}")
EOF
}
summarize
