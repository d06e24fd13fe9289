/**
 * The PyTorch side of the training-step benchmark, as Python source run by `python3 -c` (torch_node.ts):
 * a Llama-family model written with torch.nn.functional over the engine's HF-named weights (read from a
 * safetensors file without the safetensors package), cross-entropy on next tokens, backward, global-norm
 * clipping and torch.optim.AdamW (decay on matrices only, as the engine does). One JSON request per line:
 *
 *   {"cmd": "load", "path", "config", "tokens", "B", "T", "opt"}  → {"ok": true}
 *   {"cmd": "steps", "count"}                                      → {"ms": [...], "losses": [...]}
 */
export const TORCH_STEP_SCRIPT = `
import json, struct, sys, time
import torch
import torch.nn.functional as F
threads = int(sys.argv[1])
torch.set_num_threads(threads)
print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads()}), flush=True)

def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"tensor {name} has dtype {info['dtype']}, expected F32")
        s, e = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[8 + n + s:8 + n + e]), dtype=torch.float32).reshape(info["shape"]).clone()
    return out

def rmsnorm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w

def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

class Step:
    def __init__(self, req):
        c = req["config"]
        self.c = c
        self.P = {k: v.requires_grad_(True) for k, v in load_safetensors(req["path"]).items() if not k.startswith("v_head.")}
        self.tokens = torch.tensor(req["tokens"], dtype=torch.long).reshape(req["B"], req["T"])
        hs = c["nEmbd"] // c["nHead"]
        T = req["T"]
        inv = 1.0 / (c["ropeTheta"] ** (torch.arange(0, hs, 2, dtype=torch.float32) / hs))
        ang = torch.outer(torch.arange(T, dtype=torch.float32), inv)
        emb = torch.cat((ang, ang), dim=-1)
        self.cos, self.sin = emb.cos(), emb.sin()
        self.mask = torch.full((T, T), float("-inf")).triu(1)
        o = req["opt"]
        decay = [p for p in self.P.values() if p.dim() >= 2]
        plain = [p for p in self.P.values() if p.dim() < 2]
        self.max_norm = o["maxGradNorm"]
        self.opt = torch.optim.AdamW([{"params": decay, "weight_decay": o["weightDecay"]}, {"params": plain, "weight_decay": 0.0}],
                                     lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"])

    def loss(self):
        c, P, tok = self.c, self.P, self.tokens
        B, T = tok.shape
        C, NH, NKV, eps = c["nEmbd"], c["nHead"], c["nKvHead"], c["normEps"]
        hs = C // NH
        x = F.embedding(tok, P["model.embed_tokens.weight"])
        for l in range(c["nLayer"]):
            h = f"model.layers.{l}"
            n1 = rmsnorm(x, P[h + ".input_layernorm.weight"], eps)
            q = F.linear(n1, P[h + ".self_attn.q_proj.weight"]).view(B, T, NH, hs).transpose(1, 2)
            k = F.linear(n1, P[h + ".self_attn.k_proj.weight"]).view(B, T, NKV, hs).transpose(1, 2)
            v = F.linear(n1, P[h + ".self_attn.v_proj.weight"]).view(B, T, NKV, hs).transpose(1, 2)
            q = q * self.cos + rotate_half(q) * self.sin
            k = k * self.cos + rotate_half(k) * self.sin
            if NKV != NH:
                k = k.repeat_interleave(NH // NKV, dim=1)
                v = v.repeat_interleave(NH // NKV, dim=1)
            att = torch.softmax(q @ k.transpose(-1, -2) * (hs ** -0.5) + self.mask, dim=-1)
            y = (att @ v).transpose(1, 2).reshape(B, T, NH * hs)
            x = x + F.linear(y, P[h + ".self_attn.o_proj.weight"])
            n2 = rmsnorm(x, P[h + ".post_attention_layernorm.weight"], eps)
            gate = F.linear(n2, P[h + ".mlp.gate_proj.weight"])
            up = F.linear(n2, P[h + ".mlp.up_proj.weight"])
            x = x + F.linear(F.silu(gate) * up, P[h + ".mlp.down_proj.weight"])
        x = rmsnorm(x, P["model.norm.weight"], eps)
        head = P["model.embed_tokens.weight"] if c["tieEmbeddings"] else P["lm_head.weight"]
        logits = F.linear(x, head)[:, :-1].contiguous()
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tok[:, 1:].reshape(-1))

    def step(self):
        self.opt.zero_grad(set_to_none=False)
        loss = self.loss()
        loss.backward()
        if self.max_norm > 0:
            torch.nn.utils.clip_grad_norm_(list(self.P.values()), self.max_norm)
        self.opt.step()
        return loss.item()

step = None
for line in sys.stdin:
    req = json.loads(line)
    if req["cmd"] == "load":
        step = Step(req)
        print(json.dumps({"ok": True}), flush=True)
    elif req["cmd"] == "steps":
        ms, losses = [], []
        for _ in range(req["count"]):
            t = time.perf_counter()
            losses.append(step.step())
            ms.append((time.perf_counter() - t) * 1e3)
        print(json.dumps({"ms": ms, "losses": losses}), flush=True)
`;
