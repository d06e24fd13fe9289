// Hugging Face model folders written by hand (tiny sizes, names as the Hub stores them) load and validate.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { joinPath } from "../fs/fs.ts";
import { nodeFileSystem } from "../fs/fs_node.ts";
import { tempDir } from "../fs/testing/temp_dir.ts";
import { byteLevelTokenizerFiles } from "../tokenizer/byte_level_json.ts";
import { loadCheckpoint } from "./load_checkpoint.ts";

const fs = nodeFileSystem();
type Entry = { name: string; shape: number[] };

/** Values exactly representable in BF16: multiples of 1/16 in [-1, 1], distinct per tensor. */
function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (((i * 7 + seed * 13) % 33) - 16) / 16);
}

/** safetensors bytes assembled by hand, in F32 or BF16. */
function safetensorsBytes(entries: Entry[], dtype: "F32" | "BF16"): Uint8Array {
  const width = dtype === "F32" ? 4 : 2;
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  entries.forEach(({ name, shape }, k) => {
    const data = values(shape.reduce((a, d) => a * d, 1), k);
    const bytes = dtype === "F32"
      ? new Uint8Array(data.buffer)
      : new Uint8Array(Uint16Array.from(new Uint32Array(data.buffer), (bits) => bits >>> 16).buffer);
    header[name] = { dtype, shape, data_offsets: [offset, offset + data.length * width] };
    chunks.push(bytes);
    offset += bytes.length;
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const chunk of chunks) out.set(chunk, (at += chunk.length) - chunk.length);
  return out;
}

async function writeTokenizer(dir: string, bos: boolean) {
  const specialTokens: Record<string, number> = bos ? { "<s>": 256, "</s>": 257 } : { "<|endoftext|>": 256 };
  const files = byteLevelTokenizerFiles({
    byteIds: Array.from({ length: 256 }, (_, b) => b), specialTokens, eosId: bos ? 257 : 256, padId: bos ? 257 : 256, bosId: bos ? 256 : null,
  });
  for (const [name, text] of Object.entries(files)) await fs.writeFile(joinPath(dir, name), text);
}

const gpt2Config = {
  activation_function: "gelu_new", architectures: ["GPT2LMHeadModel"], model_type: "gpt2", n_ctx: 8, n_embd: 4,
  n_head: 2, n_layer: 2, n_positions: 8, n_inner: null, layer_norm_epsilon: 1e-5, vocab_size: 257, eos_token_id: 256,
};

function gpt2Entries(): Entry[] {
  const entries: Entry[] = [{ name: "wte.weight", shape: [257, 4] }, { name: "wpe.weight", shape: [8, 4] }];
  for (const i of [0, 1]) {
    entries.push(
      { name: `h.${i}.ln_1.weight`, shape: [4] }, { name: `h.${i}.ln_1.bias`, shape: [4] },
      { name: `h.${i}.attn.bias`, shape: [1, 1, 8, 8] }, { name: `h.${i}.attn.masked_bias`, shape: [] },
      { name: `h.${i}.attn.c_attn.weight`, shape: [4, 12] }, { name: `h.${i}.attn.c_attn.bias`, shape: [12] },
      { name: `h.${i}.attn.c_proj.weight`, shape: [4, 4] }, { name: `h.${i}.attn.c_proj.bias`, shape: [4] },
      { name: `h.${i}.ln_2.weight`, shape: [4] }, { name: `h.${i}.ln_2.bias`, shape: [4] },
      { name: `h.${i}.mlp.c_fc.weight`, shape: [4, 16] }, { name: `h.${i}.mlp.c_fc.bias`, shape: [16] },
      { name: `h.${i}.mlp.c_proj.weight`, shape: [16, 4] }, { name: `h.${i}.mlp.c_proj.bias`, shape: [4] },
    );
  }
  entries.push({ name: "ln_f.weight", shape: [4] }, { name: "ln_f.bias", shape: [4] });
  return entries;
}

const llamaConfig = {
  architectures: ["LlamaForCausalLM"], model_type: "llama", hidden_act: "silu", hidden_size: 8, intermediate_size: 12,
  num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 16,
  rms_norm_eps: 1e-5, rope_theta: 10000.0, rope_scaling: null, tie_word_embeddings: false, vocab_size: 258,
  torch_dtype: "bfloat16", bos_token_id: 256, eos_token_id: 257,
};

function llamaLayer(i: number): Entry[] {
  const l = `model.layers.${i}`;
  return [
    { name: `${l}.input_layernorm.weight`, shape: [8] },
    { name: `${l}.self_attn.q_proj.weight`, shape: [8, 8] }, { name: `${l}.self_attn.k_proj.weight`, shape: [4, 8] },
    { name: `${l}.self_attn.v_proj.weight`, shape: [4, 8] }, { name: `${l}.self_attn.o_proj.weight`, shape: [8, 8] },
    { name: `${l}.post_attention_layernorm.weight`, shape: [8] },
    { name: `${l}.mlp.gate_proj.weight`, shape: [12, 8] }, { name: `${l}.mlp.up_proj.weight`, shape: [12, 8] },
    { name: `${l}.mlp.down_proj.weight`, shape: [8, 12] },
  ];
}

test("a GPT-2 folder as the Hub stores it (no transformer. prefix, mask buffers) loads and validates", async () => {
  const tmp = await tempDir();
  try {
    await fs.writeFile(joinPath(tmp.path, "config.json"), JSON.stringify(gpt2Config));
    const entries = gpt2Entries();
    await fs.writeFile(joinPath(tmp.path, "model.safetensors"), safetensorsBytes(entries, "F32"));
    await writeTokenizer(tmp.path, false);
    const loaded = await loadCheckpoint(tmp.path);
    assert.equal([loaded.config.family, loaded.config.nInner, loaded.config.tieEmbeddings], ["gpt2", 16, true]);
    assert.is(loaded.weights.size, entries.length - 4, "4 buffers dropped");
    const k = entries.findIndex((e) => e.name === "h.1.mlp.c_fc.weight");
    assert.equal(loaded.weights.get("transformer.h.1.mlp.c_fc.weight")!.data, values(64, k));
    assert.is(loaded.valueHead, null);
    assert.equal(loaded.tokenizer.encode("hi<|endoftext|>"), [104, 105, 256]);
  } finally {
    await tmp.cleanup();
  }
});

test("a sharded BF16 Llama folder with model.safetensors.index.json loads and validates", async () => {
  const tmp = await tempDir();
  try {
    await fs.writeFile(joinPath(tmp.path, "config.json"), JSON.stringify(llamaConfig));
    const shard1: Entry[] = [{ name: "model.embed_tokens.weight", shape: [258, 8] }, ...llamaLayer(0)];
    const shard2: Entry[] = [...llamaLayer(1), { name: "model.norm.weight", shape: [8] }, { name: "lm_head.weight", shape: [258, 8] }];
    const names = {
      "model-00001-of-00002.safetensors": shard1,
      "model-00002-of-00002.safetensors": shard2,
    };
    const weightMap: Record<string, string> = {};
    for (const [file, entries] of Object.entries(names)) {
      await fs.writeFile(joinPath(tmp.path, file), safetensorsBytes(entries, "BF16"));
      for (const { name } of entries) weightMap[name] = file;
    }
    const index = { metadata: { total_size: 0 }, weight_map: weightMap };
    await fs.writeFile(joinPath(tmp.path, "model.safetensors.index.json"), JSON.stringify(index));
    await writeTokenizer(tmp.path, true);
    const loaded = await loadCheckpoint(tmp.path);
    assert.equal([loaded.config.family, loaded.config.nKvHead, loaded.config.tieEmbeddings], ["llama", 2, false]);
    assert.is(loaded.weights.size, shard1.length + shard2.length);
    assert.equal(loaded.weights.get("lm_head.weight")!.data, values(258 * 8, shard2.length - 1));
    assert.equal(loaded.weights.get("model.layers.1.self_attn.k_proj.weight")!.shape, [4, 8]);
    assert.equal([loaded.tokenizer.bosId, loaded.tokenizer.eosId], [256, 257]);

    weightMap["model.norm.weight"] = "model-00001-of-00002.safetensors";
    await fs.writeFile(joinPath(tmp.path, "model.safetensors.index.json"), JSON.stringify(index));
    await loadCheckpoint(tmp.path).then(() => assert.unreachable("should fail"), (error: Error) => {
      assert.ok(error.message.includes("model.norm.weight in model-00001-of-00002.safetensors"), error.message);
    });
    weightMap["model.norm.weight"] = "../elsewhere.safetensors";
    await fs.writeFile(joinPath(tmp.path, "model.safetensors.index.json"), JSON.stringify(index));
    await loadCheckpoint(tmp.path).then(() => assert.unreachable("should fail"), (error: Error) => {
      assert.ok(error.message.includes(`"../elsewhere.safetensors"`), error.message);
    });
  } finally {
    await tmp.cleanup();
  }
});

test("loadCheckpoint() reports weights that do not fit config.json, naming the file's problems", async () => {
  const tmp = await tempDir();
  try {
    await fs.writeFile(joinPath(tmp.path, "config.json"), JSON.stringify({ ...gpt2Config, n_layer: 3 }));
    await fs.writeFile(joinPath(tmp.path, "model.safetensors"), safetensorsBytes(gpt2Entries(), "F32"));
    await writeTokenizer(tmp.path, false);
    await loadCheckpoint(tmp.path).then(() => assert.unreachable("should fail"), (error: Error) => {
      assert.match(error.message, /config\.json: n_layer 3 is more than the 2 layers in the weights/);
    });
  } finally {
    await tmp.cleanup();
  }
});

test.run();
