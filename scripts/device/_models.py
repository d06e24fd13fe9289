"""Model configs and random-init checkpoints of the device check (scripts/device_check.sh).

With transformers installed (the GPU machine) a checkpoint is the model class's own, written by
`save_pretrained(safe_serialization=True)`; without it (a local run) the same tensors under the same
Hugging Face names are written by hand with plain torch, so the engine reads the same kind of folder.
"""
import inspect
import json
import os
import struct

import torch

try:
    import transformers
except ImportError:  # a local run: plain torch only
    transformers = None

# Small configs of each family for logits parity; vocabularies stay small so the logits fit a JSON file.
PARITY = {
    "llama": {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 512, "hidden_size": 64,
        "intermediate_size": 160, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "head_dim": 16, "hidden_act": "silu", "max_position_embeddings": 256, "rms_norm_eps": 1e-5,
        "rope_theta": 500000.0, "tie_word_embeddings": False, "attention_bias": False, "mlp_bias": False,
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 64},
        "bos_token_id": 1, "eos_token_id": 2,
    },
    "qwen2": {
        "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 512, "hidden_size": 64,
        "intermediate_size": 160, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "hidden_act": "silu", "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
        "tie_word_embeddings": True, "use_sliding_window": False, "bos_token_id": 1, "eos_token_id": 2,
    },
    "qwen3": {
        "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "vocab_size": 512, "hidden_size": 64,
        "intermediate_size": 160, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "head_dim": 32, "hidden_act": "silu", "max_position_embeddings": 256, "rms_norm_eps": 1e-6,
        "rope_theta": 1000000.0, "tie_word_embeddings": True, "attention_bias": False, "use_sliding_window": False,
        "bos_token_id": 1, "eos_token_id": 2,
    },
    "gpt2": {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 512, "n_embd": 64, "n_layer": 2,
        "n_head": 4, "n_positions": 256, "n_inner": None, "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5, "tie_word_embeddings": True, "bos_token_id": 1, "eos_token_id": 2,
    },
}


def qwen3_shape(vocab=151936, hidden=1024, layers=28, heads=16, kv_heads=8, head_dim=128, intermediate=3072):
    """A Qwen3 config; the defaults are Qwen3-0.6B's shape (max_position_embeddings 4096: only the RoPE table's length)."""
    return {
        "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "vocab_size": vocab, "hidden_size": hidden,
        "intermediate_size": intermediate, "num_hidden_layers": layers, "num_attention_heads": heads,
        "num_key_value_heads": kv_heads, "head_dim": head_dim, "hidden_act": "silu", "max_position_embeddings": 4096,
        "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": True, "attention_bias": False,
        "use_sliding_window": False, "bos_token_id": 1, "eos_token_id": 2,
    }


def hf_names(c):
    """(name, shape, kind) of every tensor of a config, kind "norm" (init near 1), "bias" or "matrix"."""
    out = []
    if c["model_type"] == "gpt2":
        C, V, P = c["n_embd"], c["vocab_size"], c["n_positions"]
        H = c["n_inner"] or 4 * C
        out += [("transformer.wte.weight", (V, C), "matrix"), ("transformer.wpe.weight", (P, C), "matrix")]
        for l in range(c["n_layer"]):
            p = f"transformer.h.{l}."
            out += [(p + "ln_1.weight", (C,), "norm"), (p + "ln_1.bias", (C,), "bias"),
                    (p + "attn.c_attn.weight", (C, 3 * C), "matrix"), (p + "attn.c_attn.bias", (3 * C,), "bias"),
                    (p + "attn.c_proj.weight", (C, C), "matrix"), (p + "attn.c_proj.bias", (C,), "bias"),
                    (p + "ln_2.weight", (C,), "norm"), (p + "ln_2.bias", (C,), "bias"),
                    (p + "mlp.c_fc.weight", (C, H), "matrix"), (p + "mlp.c_fc.bias", (H,), "bias"),
                    (p + "mlp.c_proj.weight", (H, C), "matrix"), (p + "mlp.c_proj.bias", (C,), "bias")]
        return out + [("transformer.ln_f.weight", (C,), "norm"), ("transformer.ln_f.bias", (C,), "bias")]
    C, V, H = c["hidden_size"], c["vocab_size"], c["intermediate_size"]
    NH, NKV = c["num_attention_heads"], c["num_key_value_heads"]
    hd = c.get("head_dim") or C // NH
    out.append(("model.embed_tokens.weight", (V, C), "matrix"))
    for l in range(c["num_hidden_layers"]):
        p = f"model.layers.{l}."
        out += [(p + "input_layernorm.weight", (C,), "norm"),
                (p + "self_attn.q_proj.weight", (NH * hd, C), "matrix"),
                (p + "self_attn.k_proj.weight", (NKV * hd, C), "matrix"),
                (p + "self_attn.v_proj.weight", (NKV * hd, C), "matrix"),
                (p + "self_attn.o_proj.weight", (C, NH * hd), "matrix")]
        if c["model_type"] == "qwen2":
            out += [(p + f"self_attn.{x}_proj.bias", (n * hd,), "bias") for x, n in (("q", NH), ("k", NKV), ("v", NKV))]
        if c["model_type"] == "qwen3":
            out += [(p + "self_attn.q_norm.weight", (hd,), "norm"), (p + "self_attn.k_norm.weight", (hd,), "norm")]
        out += [(p + "post_attention_layernorm.weight", (C,), "norm"), (p + "mlp.gate_proj.weight", (H, C), "matrix"),
                (p + "mlp.up_proj.weight", (H, C), "matrix"), (p + "mlp.down_proj.weight", (C, H), "matrix")]
    out.append(("model.norm.weight", (C,), "norm"))
    if not c["tie_word_embeddings"]:
        out.append(("lm_head.weight", (V, C), "matrix"))
    return out


def random_value(shape, kind, std):
    """Norm weights 1 + 0.1·N(0,1), biases and matrices std·N(0,1)."""
    x = torch.randn(shape)
    return 1 + 0.1 * x if kind == "norm" else std * x


def write_safetensors(path, tensors):
    """The safetensors format by hand (F32 or BF16): 8-byte header size, JSON header, little-endian data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dtype = {torch.float32: "F32", torch.bfloat16: "BF16"}[t.dtype]
        data = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for blob in blobs:
            f.write(blob)


def hf_config(c):
    """The transformers config of dict `c`: RoPE settings as `rope_parameters` where the class takes them (v5), else
    as `rope_theta` / `rope_scaling` (v4)."""
    kwargs = {k: v for k, v in c.items() if k not in ("architectures", "model_type")}
    mapping = getattr(transformers, "CONFIG_MAPPING", None)
    config_class = mapping[c["model_type"]] if mapping else type(transformers.AutoConfig.for_model(c["model_type"]))
    if "rope_theta" in c and "rope_parameters" in inspect.signature(config_class.__init__).parameters:
        scaling = kwargs.pop("rope_scaling", None) or {"rope_type": "default"}
        kwargs["rope_parameters"] = {**scaling, "rope_theta": kwargs.pop("rope_theta")}
    return config_class(**kwargs)


def rope_llama3_applied(model, c):
    """Whether the model's rotary frequencies differ from plain 1/theta^(2i/d) (rope_scaling llama3 in effect), or None."""
    inv = getattr(getattr(getattr(model, "model", None), "rotary_emb", None), "inv_freq", None)
    if inv is None:
        return None
    d = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
    plain = 1.0 / (c["rope_theta"] ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
    return not torch.allclose(inv.float().cpu(), plain, rtol=1e-5)


def hf_model(c, seed, std, device="cpu"):
    """The transformers model of config dict `c` (eager attention), weights redrawn as `random_value` does."""
    config = hf_config(c)
    torch.manual_seed(seed)
    with torch.device(device):
        model = transformers.AutoModelForCausalLM.from_config(config, attn_implementation="eager")
    kinds = {name: kind for name, _, kind in hf_names(c)}
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(random_value(tuple(p.shape), kinds.get(name, "matrix"), std).to(p.device))
    return model.float().eval()


def save_hf(model, out):
    """save_pretrained with safetensors (the argument is gone in transformers versions where it is the only way)."""
    try:
        model.save_pretrained(out, safe_serialization=True, max_shard_size="1GB")
    except TypeError:
        model.save_pretrained(out, max_shard_size="1GB")


def write_plain(c, out, seed, std, dtype=torch.float32):
    """Without transformers: the same tensors under HF names by hand, and config.json; returns them (float32)."""
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(seed)
    tensors = {name: random_value(shape, kind, std) for name, shape, kind in hf_names(c)}
    write_safetensors(os.path.join(out, "model.safetensors"), {k: v.to(dtype) for k, v in tensors.items()})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({**c, "torch_dtype": "bfloat16" if dtype == torch.bfloat16 else "float32"}, f, indent=2)
    return {k: v.to(dtype).float() for k, v in tensors.items()}


def saved_rope(out):
    """The rope settings config.json ended up with (rope_scaling or transformers v5's rope_parameters)."""
    with open(os.path.join(out, "config.json")) as f:
        saved = json.load(f)
    return saved.get("rope_scaling") or saved.get("rope_parameters")
