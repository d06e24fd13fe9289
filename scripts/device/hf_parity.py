"""Logits parity of the device check: transformers' logits against `toolrl logits` on Deno WebGPU.

  python3 hf_parity.py write OUT      random-init checkpoints OUT/<case>/ (llama with rope_scaling llama3,
                                      qwen2, qwen3, gpt2, and qwen3 saved in bf16) and OUT/<case>.reference.json:
                                      transformers' float32 logits on the CPU for TOKENS (no TF32 involved);
                                      without transformers, plain-torch checkpoints and no reference
  python3 hf_parity.py compare OUT    reads OUT/<case>.webgpu.json and OUT/<case>.cpu.json (toolrl logits
                                      --backend webgpu / cpu) and prints one JSON object with, per case,
                                      max abs diff and max rel diff = max|a - b| / max|b| against the
                                      reference (the engine's cpu logits when transformers is absent);
                                      pass = max rel diff < 1e-3 on webgpu
"""
import json
import os
import sys

import torch

from _models import PARITY, hf_model, rope_llama3_applied, save_hf, saved_rope, transformers, write_plain

CASES = {"llama": ("llama", torch.float32), "qwen2": ("qwen2", torch.float32), "qwen3": ("qwen3", torch.float32),
         "gpt2": ("gpt2", torch.float32), "qwen3-bf16": ("qwen3", torch.bfloat16)}
TOLERANCE = 1e-3
STD = 0.2


def tokens(vocab):
    """A fixed sequence of 24 ids spread over the vocabulary, its first and last id included."""
    return [0, vocab - 1] + [(i * 37 + 11) % vocab for i in range(22)]


def write(out):
    os.makedirs(out, exist_ok=True)
    for i, (case, (family, dtype)) in enumerate(CASES.items()):
        c, d = PARITY[family], os.path.join(out, case)
        ids = tokens(c["vocab_size"])
        reference, llama3 = None, None
        if transformers is not None:
            model = hf_model(c, seed=i, std=STD)
            llama3 = rope_llama3_applied(model, c) if "rope_theta" in c else None
            if dtype == torch.bfloat16:
                model = model.to(torch.bfloat16)
            save_hf(model, d)
            with torch.no_grad():  # bf16 weights widened to float32 exactly, as the engine widens them
                reference = model.float()(torch.tensor([ids])).logits[0].float().tolist()
        else:
            write_plain(c, d, seed=i, std=STD, dtype=dtype)
        with open(os.path.join(out, case + ".reference.json"), "w") as f:
            json.dump({"case": case, "tokens": ids, "logits": reference, "rope": saved_rope(d), "rope_llama3_in_transformers": llama3,
                       "writer": f"transformers {transformers.__version__}" if transformers else "plain torch"}, f)
        print(f"wrote {d} ({'transformers' if transformers else 'plain torch'}, {str(dtype)[6:]})", file=sys.stderr)


def diff(a, b):
    a, b = torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)
    if a.shape != b.shape:
        return {"error": f"shapes differ: {list(a.shape)} against {list(b.shape)}"}
    abs_diff = (a - b).abs().max().item()
    return {"max_abs_diff": abs_diff, "max_rel_diff": abs_diff / max(b.abs().max().item(), 1e-30)}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as error:
        return {"error": f"{os.path.basename(path)}: {error}"}


def compare(out):
    results = {}
    for case in CASES:
        ref = load(os.path.join(out, case + ".reference.json"))
        webgpu, cpu = load(os.path.join(out, case + ".webgpu.json")), load(os.path.join(out, case + ".cpu.json"))
        r = {"reference": ref.get("writer"), "rope": ref.get("rope"), "rope_llama3_in_transformers": ref.get("rope_llama3_in_transformers")}
        base, base_name = ref.get("logits"), "transformers float32 (cpu)"
        if base is None:
            base, base_name = cpu.get("logits"), "engine cpu reference (transformers absent)"
        r["against"] = base_name
        for name, got in (("webgpu", webgpu), ("cpu", cpu)):
            if "error" in got or got.get("logits") is None or base is None:
                r[name] = {"error": got.get("error") or "no logits"}
                continue
            r[name] = {**diff(got["logits"], base), "backend": got.get("backend"), "tokens_match": got.get("tokens") == ref.get("tokens")}
        if "adapter" in webgpu:
            r["webgpu"]["adapter"] = webgpu["adapter"].get("description")
        w = r["webgpu"]
        r["pass"] = bool(w.get("backend") == "webgpu" and w.get("tokens_match") and w.get("max_rel_diff", 1) < TOLERANCE)
        if case == "llama" and ref.get("rope_llama3_in_transformers") is False:
            r["pass"], r["note"] = False, "transformers did not apply rope_scaling llama3, so the case does not test it"
        results[case] = r
    print(json.dumps({"tolerance": TOLERANCE, "rel_diff": "max|engine - reference| / max|reference|", "cases": results}))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "compare"):
        sys.exit("usage: hf_parity.py write|compare OUT")
    (write if sys.argv[1] == "write" else compare)(sys.argv[2])
