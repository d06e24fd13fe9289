"""The device check's summary: every stage's result files (scripts/device_check.sh's $WORK/res) as one JSON object.

  python3 summary.py RES_DIR LOCAL SECONDS > device_check.json

timing.rows[].ratio is PyTorch ms / engine ms (the engine's speed as a fraction of PyTorch's, as in
`toolrl bench train-step`); first_loss_abs_diff compares the loss of the first forward (same weights, same
batch) of both sides, losses_max_abs_diff every step both ran (AdamW included).
"""
import json
import math
import os
import sys


def read(res, name):
    path = os.path.join(res, name)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    with open(path) as f:
        text = f.read().strip()
    if not name.endswith(".json"):
        return text
    try:
        return json.loads(text.splitlines()[-1])
    except ValueError as error:
        return {"error": f"{name} is not JSON ({error}): {text[:200]}"}


def timing_row(mode, torch_side, engine_side):
    row = {"mode": mode, "torch_median_ms": (torch_side or {}).get("medianMs"),
           "engine_median_ms": (engine_side or {}).get("medianMs"),
           "torch_step_ms": (torch_side or {}).get("stepMs"), "engine_step_ms": (engine_side or {}).get("stepMs"),
           "torch_losses": (torch_side or {}).get("losses"), "engine_losses": (engine_side or {}).get("losses"),
           "torch_model": (torch_side or {}).get("model"), "torch_peak_memory_gib": (torch_side or {}).get("peakMemoryGiB"),
           "engine_load_ms": (engine_side or {}).get("loadMs"), "engine_first_step_ms": (engine_side or {}).get("firstStepMs"), "engine_parameters": (engine_side or {}).get("parameters")}
    if row["torch_median_ms"] and row["engine_median_ms"]:
        row["ratio"] = row["torch_median_ms"] / row["engine_median_ms"]
    a, b = row["torch_losses"] or [], row["engine_losses"] or []
    if a and b:
        row["first_loss_abs_diff"] = abs(a[0] - b[0])
        row["losses_max_abs_diff"] = max(abs(x - y) for x, y in zip(a, b))
        row["first_loss_match"] = row["first_loss_abs_diff"] < 1e-3
    return row


def main(res, local, seconds):
    skipped = []
    if os.path.exists(os.path.join(res, "skipped.tsv")):
        with open(os.path.join(res, "skipped.tsv")) as f:
            skipped = [dict(zip(("what", "why"), line.rstrip("\n").split("\t", 1))) for line in f if line.strip()]
    parity = read(res, "parity.json") or {"error": "no parity results"}
    cases = parity.get("cases", {})
    shape = read(res, "shape.json")
    rows = [timing_row(m, read(res, f"torch_{m}.json"), read(res, f"engine_{m}.json")) for m in ("full", "lora")]
    if isinstance(shape, dict) and "config" in shape:  # what near-zero weights would give, to read the first loss against
        shape["ln_vocab"] = math.log(shape["config"]["vocab_size"])
    print(json.dumps({
        "local": local == "1",
        "seconds": int(seconds),
        "environment": {"nvidia_smi": read(res, "nvidia_smi.txt"), "versions": read(res, "versions.json"),
                        "deno": read(res, "deno_version.txt")},
        "webgpu_adapter": read(res, "adapter.json"),
        "parity": {"pass": {case: r.get("pass") for case, r in cases.items()},
                   "all_pass": bool(cases) and all(r.get("pass") for r in cases.values()), **parity},
        "timing": {"shape": shape, "rows": rows,
                   "ratio": "PyTorch ms / engine ms (1.0: as fast as PyTorch; 0.1: ten times slower)"},
        "skipped": skipped,
    }, indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:4])
