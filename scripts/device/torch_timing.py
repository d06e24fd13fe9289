"""PyTorch's side of the device check's training-step timing (the engine's side: train_step.ts).

  python3 torch_timing.py write DIR [--local] [--max-binding BYTES] [--device cuda|cpu] [--layers N --vocab V --batch BxT]
      DIR/: a random-init Qwen3 checkpoint (Qwen3-0.6B's shape, B 4 x T 256; --local: hidden 64, 2 layers,
      vocab 4096, B 2 x T 32), batch.json (seeded token ids), adapter/ (LoRA r 16, alpha 32 on all seven
      projections, written by peft, B zero) and shape.json. Where the engine's largest buffer (V x C or
      B*T x V floats) would pass --max-binding (the WebGPU adapter's maxStorageBufferBindingSize), the
      vocabulary shrinks to fit and shape.json says so.
  python3 torch_timing.py run DIR --mode full|lora [--warmup 2] [--steps 5] [--device cuda] [--deadline-s S]
      zero_grad, forward with labels (mean next-token cross-entropy), backward, clip_grad_norm_ at 1, AdamW
      (lr 1e-3, weight decay 0.01 on matrices only): the engine's step. float32 with TF32 off. One JSON line.
Without transformers/peft (a local run) the same model is a plain-torch Qwen3 (_qwen3_plain.py).
"""
import argparse
import json
import math
import os
import sys
import time

import torch

from _models import hf_model, qwen3_shape, save_hf, transformers, write_plain, write_safetensors

MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
RANK, ALPHA = 16, 32


def timing_std(c):
    """Weights std 0.05·sqrt(1024 / hidden) (norms 1 ± 0.1): logits of std about 1.6, so the first loss (about
    ln V + 1.6²/2, 13.2 at Qwen3-0.6B's shape) depends on what the forward computes, where near-zero weights give
    ln V whatever it computes."""
    return 0.05 * math.sqrt(1024 / c["hidden_size"])


def pick_shape(local, max_binding, layers=0, vocab=0, batch=""):
    if layers or vocab or batch:  # a scaled Qwen3-0.6B shape, e.g. to try the engine's buffer limits on a small adapter
        c = qwen3_shape(**{k: v for k, v in (("layers", layers), ("vocab", vocab)) if v})
        B, T = map(int, (batch or "4x256").split("x"))
        return c, B, T, f"Qwen3-0.6B shape with {c['num_hidden_layers']} layers, vocab {c['vocab_size']}, B {B} x T {T}", None
    if local:
        return qwen3_shape(vocab=4096, hidden=64, layers=2, heads=4, kv_heads=2, head_dim=32, intermediate=192), 2, 32, \
            "local: Qwen3 hidden 64, 2 layers, head_dim 32, vocab 4096", None
    c, B, T = qwen3_shape(), 4, 256
    name, reason = "Qwen3-0.6B shape (hidden 1024, 28 layers, 16/8 heads of 128, MLP 3072, vocab 151936, tied)", None
    rows = max(c["hidden_size"], B * T)
    if max_binding and c["vocab_size"] * rows * 4 > max_binding:
        vocab = max_binding // (4 * rows) // 128 * 128
        reason = (f"vocab {c['vocab_size']} needs a {c['vocab_size'] * rows * 4}-byte buffer (V x {rows} floats) but the "
                  f"adapter's maxStorageBufferBindingSize is {max_binding}; the engine does not split buffers, so vocab {vocab}")
        c["vocab_size"], name = vocab, name.replace("vocab 151936", f"vocab {vocab}")
    return c, B, T, name, reason


def write(args):
    c, B, T, name, reason = pick_shape(args.local, args.max_binding, args.layers, args.vocab, args.batch)
    d = args.dir
    if transformers is not None:
        model = hf_model(c, seed=0, std=timing_std(c), device=args.device)
        save_hf(model, d)
    else:
        model = None
        write_plain(c, d, seed=0, std=timing_std(c))
    g = torch.Generator().manual_seed(1)
    tokens = torch.randint(0, c["vocab_size"], (B * T,), generator=g).tolist()
    with open(os.path.join(d, "batch.json"), "w") as f:
        json.dump({"B": B, "T": T, "tokens": tokens}, f)
    write_adapter(c, model, os.path.join(d, "adapter"))
    shape = {"name": name, "B": B, "T": T, "config": c, "reduced_because": reason,
             "writer": f"transformers {transformers.__version__}" if transformers else "plain torch"}
    with open(os.path.join(d, "shape.json"), "w") as f:
        json.dump(shape, f)
    print(json.dumps(shape))


def write_adapter(c, model, out):
    """LoRA adapters in PEFT's files: by peft itself when installed, else by hand (A uniform ±1/sqrt(in), B zero)."""
    torch.manual_seed(2)
    try:
        import peft
    except ImportError:
        peft = None
    if peft is not None and model is not None:
        config = peft.LoraConfig(r=RANK, lora_alpha=ALPHA, lora_dropout=0.0, target_modules=MODULES, bias="none")
        peft.get_peft_model(model, config).save_pretrained(out)
        return
    from _qwen3_plain import linear_shapes
    os.makedirs(out, exist_ok=True)
    tensors = {}
    for l in range(c["num_hidden_layers"]):
        for module, (n_in, n_out) in linear_shapes(c).items():
            part = "mlp" if module in ("gate_proj", "up_proj", "down_proj") else "self_attn"
            p = f"base_model.model.model.layers.{l}.{part}.{module}"
            tensors[p + ".lora_A.weight"] = (torch.rand(RANK, n_in) * 2 - 1) / math.sqrt(n_in)
            tensors[p + ".lora_B.weight"] = torch.zeros(n_out, RANK)
    write_safetensors(os.path.join(out, "adapter_model.safetensors"), tensors)
    with open(os.path.join(out, "adapter_config.json"), "w") as f:
        json.dump({"peft_type": "LORA", "r": RANK, "lora_alpha": ALPHA, "lora_dropout": 0.0, "target_modules": MODULES,
                   "bias": "none", "base_model_name_or_path": ".."}, f)


def load_model(args):
    """(model as a callable ids -> loss, trainable parameters, what it is)."""
    if transformers is not None:
        model = transformers.AutoModelForCausalLM.from_pretrained(args.dir).float().to(args.device)
        what = f"transformers {transformers.__version__} {type(model).__name__} ({model.config._attn_implementation})"
        if args.mode == "lora":
            import peft
            model = peft.PeftModel.from_pretrained(model, os.path.join(args.dir, "adapter"), is_trainable=True)
            what += f" + peft {peft.__version__} LoRA"
        model.train()
        params = [p for p in model.parameters() if p.requires_grad]
        return (lambda ids: model(input_ids=ids, labels=ids).loss), params, what
    from _qwen3_plain import plain_qwen3
    return plain_qwen3(args.dir, args.device, args.mode == "lora")


def run(args):
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    deadline = time.monotonic() + args.deadline_s if args.deadline_s else math.inf
    with open(os.path.join(args.dir, "batch.json")) as f:
        batch = json.load(f)
    ids = torch.tensor(batch["tokens"], dtype=torch.long, device=args.device).reshape(batch["B"], batch["T"])
    t0 = time.monotonic()
    loss_of, params, what = load_model(args)
    load_ms = (time.monotonic() - t0) * 1000
    decay = [p for p in params if p.dim() >= 2]
    plain = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": plain, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    sync = torch.cuda.synchronize if args.device.startswith("cuda") else (lambda: None)
    losses, step_ms, longest = [], [], 0.0
    for i in range(args.warmup + args.steps):
        if i > 0 and time.monotonic() + longest / 1000 > deadline:
            print(f"{args.mode}: stopping after {i} steps, the next would pass the deadline", file=sys.stderr)
            break
        sync()
        t = time.monotonic()
        opt.zero_grad(set_to_none=True)
        loss = loss_of(ids)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sync()
        ms = (time.monotonic() - t) * 1000
        longest = max(longest, ms)
        losses.append(loss.item())
        if i >= args.warmup:
            step_ms.append(ms)
        print(f"torch {args.mode} step {i + 1}: loss {losses[-1]:.6f}, {ms:.1f} ms", file=sys.stderr)
    timed = sorted(step_ms)
    med = None if not timed else (timed[len(timed) // 2] if len(timed) % 2 else (timed[len(timed) // 2 - 1] + timed[len(timed) // 2]) / 2)
    out = {"mode": args.mode, "device": args.device, "model": what, "torch": torch.__version__, "tf32": False,
           "B": batch["B"], "T": batch["T"], "trainable": sum(p.numel() for p in params), "loadMs": load_ms,
           "warmup": args.warmup, "stepMs": step_ms, "medianMs": med, "losses": losses}
    if args.device.startswith("cuda"):
        out["gpu"] = torch.cuda.get_device_name()
        out["peakMemoryGiB"] = torch.cuda.max_memory_allocated() / 2 ** 30
    print(json.dumps(out))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["write", "run"])
    parser.add_argument("dir")
    parser.add_argument("--local", action="store_true")
    parser.add_argument("--max-binding", type=int, default=0)
    parser.add_argument("--layers", type=int, default=0, help="write: Qwen3-0.6B's shape with this many layers")
    parser.add_argument("--vocab", type=int, default=0, help="write: ... and this vocabulary")
    parser.add_argument("--batch", default="", help="write: BxT, e.g. 1x64")
    parser.add_argument("--mode", choices=["full", "lora"], default="full")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--deadline-s", type=float, default=0)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = parser.parse_args()
    (write if a.command == "write" else run)(a)
