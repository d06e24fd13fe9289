#!/usr/bin/env bash
# The GPU device check (issue 18): on a machine with Python, torch, transformers and peft but no Node or Deno,
#   1. environment: GPU, torch/transformers/peft, Deno, the WebGPU adapter the engine gets and its limits;
#   2. logits parity: random-init checkpoints per family written by transformers (llama with rope_scaling llama3,
#      qwen2, qwen3, gpt2, qwen3 in bf16), transformers' float32 logits against `toolrl logits` on Deno WebGPU;
#   3. a training step of a Qwen3-0.6B-shaped model, full and LoRA r16 on all linear modules, engine on WebGPU
#      against PyTorch (transformers + peft) on the same GPU, float32, same weights and batch, first losses compared;
#   4. $OUT/device_check.json (every figure, pass/fail per family, reasons for what was skipped) and
#      $OUT/device_check.log.
# Needs .device/ (deno.xz, toolrl_device.js) and .gl/ (Vulkan loader debs) from scripts/device_prepare.sh.
# Every stage has its own time-out inside one budget (DEVICE_CHECK_BUDGET_S, default 330 s); a failing stage
# does not stop the later ones.
#   bash scripts/device_check.sh            on the GPU machine
#   bash scripts/device_check.sh --local    here: CPU torch, plain-torch checkpoints, small shapes, any adapter
# Settings: DEVICE_CHECK_BUDGET_S (330), DEVICE_CHECK_SHAPE (torch_timing.py write flags: --layers N --vocab V
# --batch BxT), DEVICE_CHECK_TORCH_DEVICE (cuda), PYTHON, OUT (.tmp/device_out).
set -u -o pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
LOCAL=0
[ "${1:-}" = "--local" ] && LOCAL=1
OUT=${OUT:-$ROOT/.tmp/device_out}
WORK=${DEVICE_CHECK_WORK:-/tmp/toolrl_device_check}
BUDGET=${DEVICE_CHECK_BUDGET_S:-330}
mkdir -p "$OUT"
rm -rf "$WORK" && mkdir -p "$WORK/res"
SECONDS=0
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 DENO_NO_UPDATE_CHECK=1 DENO_DIR="$WORK/deno_dir" OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-4}
note() { echo "[$SECONDS s] $*"; }
skip() { note "SKIPPED $1: $2"; printf '%s\t%s\n' "$1" "$2" >> "$WORK/res/skipped.tsv"; }
# a stage's time-out: what it asks for, at most the budget left minus a reserve for the stages after it
within() { local t=$(( BUDGET - SECONDS - ${2:-20} )); [ "$t" -gt "$1" ] && t=$1; [ "$t" -lt 5 ] && t=5; echo "$t"; }

main() {
# --- 0. tools: python with torch, deno, the Vulkan loader -----------------------------------------------
PY=""
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$p" -c "import torch" 2>/dev/null; then PY=$p; break; fi
done
[ -z "$PY" ] && { note "no python with torch"; return 1; }
if [ -f .device/deno.xz ]; then
  if command -v xz >/dev/null; then xz -dc .device/deno.xz > "$WORK/deno"
  else "$PY" -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" .device/deno.xz "$WORK/deno"; fi
  chmod +x "$WORK/deno"; DENO=$WORK/deno
elif [ -x node_modules/deno/deno ]; then DENO=$ROOT/node_modules/deno/deno
else DENO=$(command -v deno || echo deno); fi
[ -f .device/toolrl_device.js ] || { note ".device/toolrl_device.js is missing: run scripts/device_prepare.sh first"; return 1; }
RUN=("$DENO" run -A --unstable-webgpu --no-lock --no-config .device/toolrl_device.js)
if [ "$LOCAL" = 0 ] && [ -z "${DEVICE_CHECK_NO_DPKG:-}" ] && ! ldconfig -p | grep -q 'libvulkan\.so\.1' && [ -d .gl ]; then
  note "no Vulkan loader here: unpacking .gl/*.deb"
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi

# --- 1. environment and the WebGPU adapter ---------------------------------------------------------------
note "stage 1: environment"
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"; } > "$WORK/res/nvidia_smi.txt"
"$PY" -c "import json,torch; v={'python_torch':torch.__version__,'cuda':torch.version.cuda}
for m in ('transformers','peft'):
    try: v[m]=__import__(m).__version__
    except ImportError: v[m]=None
print(json.dumps(v))" > "$WORK/res/versions.json"
"$DENO" --version | head -1 > "$WORK/res/deno_version.txt"
cat "$WORK/res/nvidia_smi.txt" "$WORK/res/versions.json" "$WORK/res/deno_version.txt"
probe() { timeout "$(within 60)" "${RUN[@]}" adapter > "$WORK/res/adapter.json" 2> "$WORK/adapter.err"; }
is_gpu() { "$PY" -c "import json,sys; a=json.load(open(sys.argv[1])); sys.exit(0 if not a['engine']['isFallbackAdapter'] else 1)" "$WORK/res/adapter.json" 2>/dev/null; }
probe; tail -3 "$WORK/adapter.err"
if [ "$LOCAL" = 0 ] && ! is_gpu; then
  # no NVIDIA Vulkan driver found: name its ICD file, or write one for the driver library the container has
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json ""; do
    if [ -z "$icd" ] && ldconfig -p | grep -q 'libGLX_nvidia\.so\.0'; then
      icd=$WORK/nvidia_icd.json
      echo '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}' > "$icd"
    fi
    [ -n "$icd" ] && [ -f "$icd" ] || continue
    note "retrying the adapter with VK_DRIVER_FILES=$icd"
    export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
    probe; tail -3 "$WORK/adapter.err"
    is_gpu && break
  done
fi
if [ "$LOCAL" = 0 ] && ! is_gpu; then
  note "diagnostics: ICD files: $(ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>/dev/null | tr '\n' ' ')"
  note "diagnostics: NVIDIA libraries: $(ldconfig -p | grep -o 'lib[A-Za-z_]*nvidia[^ ]*' | sort -u | tr '\n' ' ')"
  note "diagnostics: NVIDIA_DRIVER_CAPABILITIES=${NVIDIA_DRIVER_CAPABILITIES:-unset} (Vulkan needs graphics or all)"
fi
GPU=0
if is_gpu || { [ "$LOCAL" = 1 ] && [ -s "$WORK/res/adapter.json" ]; }; then GPU=1; fi
note "WebGPU adapter: $(cat "$WORK/res/adapter.json" 2>/dev/null || echo none)"
[ "$GPU" = 1 ] || skip webgpu "no GPU WebGPU adapter (only a CPU fallback or none: $(tail -1 "$WORK/adapter.err" 2>/dev/null)); engine WebGPU runs skipped, PyTorch parts run"
# the engine's largest buffer must fit the adapter's limits (no GPU: PyTorch alone, the full shape)
MAX_BINDING=0
[ "$GPU" = 1 ] && MAX_BINDING=$("$PY" -c "import json,sys; l=json.load(open(sys.argv[1]))['limits']; print(min(l['maxBufferSize'], l['maxStorageBufferBindingSize']))" "$WORK/res/adapter.json" 2>/dev/null || echo 0)

# --- 2. logits parity ------------------------------------------------------------------------------------
note "stage 2: logits parity"
(cd scripts/device && timeout "$(within 90 150)" "$PY" hf_parity.py write "$WORK/parity") || skip parity_write "hf_parity.py write failed or timed out"
for ref in "$WORK"/parity/*.reference.json; do
  [ -f "$ref" ] || continue
  case_dir=${ref%.reference.json}
  ids=$("$PY" -c "import json,sys; print(','.join(map(str, json.load(open(sys.argv[1]))['tokens'])))" "$ref")
  backends="cpu"; [ "$GPU" = 1 ] && backends="cpu webgpu"
  for b in $backends; do
    timeout "$(within 60 120)" "${RUN[@]}" logits "$case_dir" --tokens "$ids" --backend "$b" > "$case_dir.$b.json" 2> "$case_dir.$b.err" \
      || { note "logits $(basename "$case_dir") on $b failed: $(tail -2 "$case_dir.$b.err")"; rm -f "$case_dir.$b.json"; }
  done
done
(cd scripts/device && "$PY" hf_parity.py compare "$WORK/parity") > "$WORK/res/parity.json" && note "parity: $(cat "$WORK/res/parity.json")"

# --- 3. training-step timing ------------------------------------------------------------------------------
note "stage 3: training-step timing"
STEP=$WORK/step
DEV=cuda; [ "$LOCAL" = 1 ] && DEV=cpu
DEV=${DEVICE_CHECK_TORCH_DEVICE:-$DEV}
# the shape: Qwen3-0.6B's by default; --local's small one; or DEVICE_CHECK_SHAPE, e.g. "--layers 4 --batch 2x128"
SHAPE=(${DEVICE_CHECK_SHAPE:-}); [ "$LOCAL" = 1 ] && SHAPE=(--local)
(cd scripts/device && timeout "$(within 120 150)" "$PY" torch_timing.py write "$STEP" ${SHAPE[@]+"${SHAPE[@]}"} --max-binding "$MAX_BINDING" --device "$DEV") \
  > "$WORK/res/shape.json" || skip timing_write "torch_timing.py write failed or timed out"
for mode in full lora; do
  t=$(within 60 100)
  (cd scripts/device && timeout "$t" "$PY" torch_timing.py run "$STEP" --mode "$mode" --device "$DEV" --deadline-s $(( t - 10 ))) \
    > "$WORK/res/torch_$mode.json" || skip "torch_$mode" "torch_timing.py run --mode $mode failed or timed out"
done
if [ "$GPU" = 1 ]; then
  for mode in full lora; do
    reserve=25; [ "$mode" = full ] && reserve=$(( (BUDGET - SECONDS) / 3 + 10 ))
    t=$(within 240 "$reserve")
    timeout "$t" "${RUN[@]}" train-step "$STEP" --mode "$mode" --warmup 1 --steps 3 --deadline-s $(( t - 5 )) \
      > "$WORK/res/engine_$mode.json" || skip "engine_$mode" "engine train-step --mode $mode failed or timed out after $t s"
  done
fi

# --- 4. summary --------------------------------------------------------------------------------------------
note "stage 4: summary"
"$PY" scripts/device/summary.py "$WORK/res" "$LOCAL" "$SECONDS" > "$OUT/device_check.json"
cat "$OUT/device_check.json"
note "done in $SECONDS s"
}
main 2>&1 | tee "$OUT/device_check.log"
