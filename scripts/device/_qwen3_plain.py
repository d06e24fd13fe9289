"""A plain-torch Qwen3 (modeling_qwen3's math, as trainer/engine/model/fixtures/qwen3/make_reference.py) with
optional LoRA adapters from PEFT-named files: torch_timing.py's model where transformers and peft are absent."""
import json
import os
import struct

import torch
import torch.nn.functional as F


def linear_shapes(c):
    """(in, out) of each projection by module name."""
    C, H = c["hidden_size"], c["intermediate_size"]
    hd, NH, NKV = c["head_dim"], c["num_attention_heads"], c["num_key_value_heads"]
    return {"q_proj": (C, NH * hd), "k_proj": (C, NKV * hd), "v_proj": (C, NKV * hd), "o_proj": (NH * hd, C),
            "gate_proj": (C, H), "up_proj": (C, H), "down_proj": (H, C)}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    out = {}
    for name, info in json.loads(data[8:8 + n]).items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}; this reader takes F32 only")
        s, e = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[8 + n + s:8 + n + e]), dtype=torch.float32).reshape(info["shape"])
    return out


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def plain_qwen3(d, device, lora):
    """(ids (B, T) -> mean next-token cross-entropy, trainable parameters, what it is)."""
    with open(os.path.join(d, "config.json")) as f:
        c = json.load(f)
    W = {k: v.to(device) for k, v in read_safetensors(os.path.join(d, "model.safetensors")).items()}
    A = {}
    scale = 0.0
    if lora:
        with open(os.path.join(d, "adapter", "adapter_config.json")) as f:
            ac = json.load(f)
        scale = ac["lora_alpha"] / ac["r"]
        A = {k.replace("base_model.model.", "").replace(".weight", ""): v.to(device).requires_grad_(True)
             for k, v in read_safetensors(os.path.join(d, "adapter", "adapter_model.safetensors")).items()}
    for w in W.values():
        w.requires_grad_(not lora)
    C, hd, eps = c["hidden_size"], c["head_dim"], c["rms_norm_eps"]
    NH, NKV = c["num_attention_heads"], c["num_key_value_heads"]

    def linear(x, name):
        y = x @ W[name + ".weight"].T
        if name + ".lora_A" in A:
            y = y + scale * ((x @ A[name + ".lora_A"].T) @ A[name + ".lora_B"].T)
        return y

    def loss_of(ids):
        B, T = ids.shape
        inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2, device=device, dtype=torch.float32) / hd))
        ang = torch.outer(torch.arange(T, device=device, dtype=torch.float32), inv)
        cos, sin = torch.cat((ang, ang), -1).cos(), torch.cat((ang, ang), -1).sin()
        mask = torch.full((T, T), float("-inf"), device=device).triu(1)
        x = W["model.embed_tokens.weight"][ids]
        for l in range(c["num_hidden_layers"]):
            p = f"model.layers.{l}."
            h = rms_norm(x, W[p + "input_layernorm.weight"], eps)
            q = rms_norm(linear(h, p + "self_attn.q_proj").view(B, T, NH, hd), W[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(linear(h, p + "self_attn.k_proj").view(B, T, NKV, hd), W[p + "self_attn.k_norm.weight"], eps)
            v = linear(h, p + "self_attn.v_proj").view(B, T, NKV, hd)
            q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
            q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
            k, v = k.repeat_interleave(NH // NKV, dim=1), v.repeat_interleave(NH // NKV, dim=1)
            att = torch.softmax(q @ k.transpose(-1, -2) * hd ** -0.5 + mask, dim=-1) @ v
            x = x + linear(att.transpose(1, 2).reshape(B, T, NH * hd), p + "self_attn.o_proj")
            h = rms_norm(x, W[p + "post_attention_layernorm.weight"], eps)
            x = x + linear(F.silu(linear(h, p + "mlp.gate_proj")) * linear(h, p + "mlp.up_proj"), p + "mlp.down_proj")
        logits = rms_norm(x, W["model.norm.weight"], eps) @ W.get("lm_head.weight", W["model.embed_tokens.weight"]).T
        return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))

    params = list(A.values()) if lora else list(W.values())
    return loss_of, params, "plain-torch Qwen3 (transformers absent)" + (" + LoRA" if lora else "")
