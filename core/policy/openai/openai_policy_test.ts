import { test } from "uvu";
import * as assert from "uvu/assert";
import { openaiPolicy, completionsUrl } from "./openai_policy.ts";
import { startTestServer, type TestReply } from "./testing/server_node.ts";
import { charTokenizer } from "../../tokenizer/mod.ts";
import { createModel, type EngineModel } from "../../../trainer/engine/model/model.ts";
import { tinyConfig } from "../../../trainer/engine/model/config.ts";
import { createPrng } from "../../random/sfc32.ts";

const tokenizer = charTokenizer();

/** The tiny engine model with weights wide enough (std 0.3) that greedy outputs vary. */
async function engineModel(seed: number): Promise<EngineModel> {
  const model = await createModel(tinyConfig(tokenizer.vocabSize), { tokenizer, seed });
  const weights = await model.stateDict();
  const rng = createPrng(seed + 100);
  for (const [name, tensor] of weights) {
    if (!name.includes("norm")) for (let i = 0; i < tensor.data.length; i++) tensor.data[i] = rng.normal() * 0.3;
  }
  await model.loadStateDict(weights);
  return model;
}

/** A vLLM-like `/v1/completions` answer computed by the engine (stop string kept, ids as vLLM returns them). */
async function vllmAnswer(model: EngineModel, body: Record<string, unknown>): Promise<TestReply> {
  if (typeof body.model !== "string" || !Number.isInteger(body.max_tokens)) {
    return { status: 400, body: { error: { message: "model and max_tokens are required" } } };
  }
  const prompt = Array.isArray(body.prompt) ? body.prompt as number[] : tokenizer.encode(String(body.prompt));
  const stop = (body.stop ?? []) as string[];
  const [g] = await model.generate([prompt], {
    maxNewTokens: body.max_tokens as number,
    stop,
    temperature: body.temperature as number,
    topP: body.top_p as number | undefined,
    topK: body.top_k as number | undefined,
    seed: body.seed as number | undefined,
  });
  const visible = g.tokens.filter((id) => id !== tokenizer.eosId);
  const choice: Record<string, unknown> = {
    index: 0,
    text: tokenizer.decode(visible),
    finish_reason: g.finishReason === "length" ? "length" : "stop",
    stop_reason: g.finishReason === "stop" ? stop.find((s) => tokenizer.decode(g.tokens).endsWith(s)) : null,
  };
  if (body.return_token_ids) choice.token_ids = g.tokens;
  if (body.logprobs !== undefined) {
    const names = body.return_tokens_as_token_ids ? g.tokens.map((id) => `token_id:${id}`) : g.tokens.map(() => "?");
    choice.logprobs = { tokens: names, token_logprobs: g.logprobs };
  }
  return { status: 200, body: { id: "cmpl-1", object: "text_completion", model: body.model, choices: [choice] } };
}

const contexts = ["What is 2+3?", "Hi", "<request><Calculator>"].map((t) => tokenizer.encode(t));

test("openaiPolicy() greedy tokens and logprobs equal the engine's own greedy generation", async () => {
  const model = await engineModel(1);
  const server = await startTestServer((body) => vllmAnswer(model, body));
  try {
    const policy = openaiPolicy({ baseUrl: server.url, model: "tiny", tokenizer });
    const got = await policy.generate(contexts, { maxNewTokens: [16, 20, 12], temperature: 0 });
    const want = await model.generate(contexts, { maxNewTokens: [16, 20, 12], temperature: 0 });
    assert.equal(got.map((g) => g.tokens), want.map((g) => g.tokens));
    assert.equal(got.map((g) => g.finishReason), want.map((g) => g.finishReason));
    got.forEach((g, i) => g.logprobs!.forEach((lp, k) => assert.ok(Math.abs(lp - want[i].logprobs![k]) < 1e-6)));
    assert.equal(server.requests.map((r) => r.body.prompt), contexts);
    assert.ok(server.requests.every((r) => r.path === "/v1/completions"));
    assert.is(policy.stats.retokenized, 0);
  } finally {
    await server.close();
    model.dispose();
  }
});

test("openaiPolicy() honours stop strings: the output ends right after the first one, as the engine's does", async () => {
  const model = await engineModel(2);
  const server = await startTestServer((body) => vllmAnswer(model, body));
  try {
    const [free] = await model.generate([contexts[0]], { maxNewTokens: 24, temperature: 0 });
    // two stop strings the greedy output writes: the token at position 6 and at position 9
    const stop = [tokenizer.decode([free.tokens[9]]), tokenizer.decode([free.tokens[6]])];
    const policy = openaiPolicy({ baseUrl: `${server.url}/v1/`, model: "tiny", tokenizer });
    const [got] = await policy.generate([contexts[0]], { maxNewTokens: 24, temperature: 0, stop });
    const [want] = await model.generate([contexts[0]], { maxNewTokens: 24, temperature: 0, stop });
    assert.equal(got.tokens, want.tokens);
    assert.is(got.finishReason, "stop");
    assert.ok(got.tokens.length <= 7, `stopped after ${got.tokens.length} tokens`);
    assert.equal(server.requests[0].body.stop, stop);
  } finally {
    await server.close();
    model.dispose();
  }
});

test("openaiPolicy() retries after 503s with back-off and then returns the engine's tokens", async () => {
  const model = await engineModel(3);
  const server = await startTestServer((body, n) =>
    n < 2 ? { status: 503, body: { error: "overloaded" } } : vllmAnswer(model, body)
  );
  try {
    const policy = openaiPolicy({ baseUrl: server.url, model: "tiny", tokenizer, backoffMs: 5, retries: 3 });
    const [got] = await policy.generate([contexts[1]], { maxNewTokens: 10, temperature: 0 });
    const [want] = await model.generate([contexts[1]], { maxNewTokens: 10, temperature: 0 });
    assert.equal(got.tokens, want.tokens);
    assert.is(server.requests.length, 3);
    assert.equal(policy.stats, { requests: 1, retries: 2, retokenized: 0, promptMismatches: 0 });
  } finally {
    await server.close();
    model.dispose();
  }
});

test("openaiPolicy() gives up after its retries and reports the last status and body", async () => {
  const server = await startTestServer(() => ({ status: 429, body: { error: "slow down" } }));
  try {
    const policy = openaiPolicy({ baseUrl: server.url, model: "tiny", tokenizer, backoffMs: 1, retries: 2 });
    const error = await policy.generate([contexts[1]], { maxNewTokens: 4 }).catch((e: Error) => e);
    assert.instance(error, Error);
    assert.match((error as Error).message, /answered 429: .*slow down.*gave up after 3 attempts/);
    assert.is(server.requests.length, 3);
  } finally {
    await server.close();
  }
});

test("openaiPolicy() retries network errors (nothing listening) and then reports them", async () => {
  const server = await startTestServer(() => ({ status: 200, body: {} }));
  await server.close();
  const policy = openaiPolicy({ baseUrl: server.url, model: "m", tokenizer, backoffMs: 1, retries: 2 });
  const error = await policy.generate([contexts[1]], { maxNewTokens: 4 }).catch((e: Error) => e);
  assert.match((error as Error).message, /POST http:\/\/127\.0\.0\.1:\d+\/v1\/completions failed: .*gave up after 3 attempts/);
  assert.is(policy.stats.retries, 2);
});

test("openaiPolicy() does not retry a 400 (the request itself is wrong)", async () => {
  const server = await startTestServer(() => ({ status: 400, body: { error: { message: "unknown model x" } } }));
  try {
    const policy = openaiPolicy({ baseUrl: server.url, model: "x", tokenizer, backoffMs: 1 });
    const error = await policy.generate([contexts[1]], { maxNewTokens: 4 }).catch((e: Error) => e);
    assert.match((error as Error).message, /answered 400: .*unknown model x/);
    assert.is(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test("openaiPolicy() times out a hanging request, retries it, then fails instead of hanging", async () => {
  const server = await startTestServer(() => "hang");
  try {
    const policy = openaiPolicy({ baseUrl: server.url, model: "tiny", tokenizer, timeoutMs: 150, retries: 1, backoffMs: 1 });
    const started = performance.now();
    const error = await policy.generate([contexts[0]], { maxNewTokens: 4 }).catch((e: Error) => e);
    const elapsed = performance.now() - started;
    assert.match((error as Error).message, /timed out after 150 ms/);
    assert.is(server.requests.length, 2);
    assert.ok(elapsed >= 300 && elapsed < 3000, `took ${elapsed} ms`);
  } finally {
    await server.close();
  }
});

test("openaiPolicy() keeps at most `concurrency` requests in flight", async () => {
  const server = await startTestServer(async () => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return { status: 200, body: { choices: [{ text: "ok", finish_reason: "length" }] } };
  });
  try {
    const policy = openaiPolicy({ baseUrl: server.url, model: "tiny", tokenizer, concurrency: 2, warn: () => {} });
    const outs = await policy.generate(Array.from({ length: 6 }, () => contexts[1]), { maxNewTokens: 2 });
    assert.is(outs.length, 6);
    assert.is(server.requests.length, 6);
    assert.is(server.maxInFlight, 2);
  } finally {
    await server.close();
  }
});

test("openaiPolicy() re-encodes text from servers without ids, says so once, and puts a trimmed stop string back", async () => {
  // a llama.cpp-like answer: text without the stop string, the matched stop in `stopping_word`
  const server = await startTestServer((body) => ({
    status: 200,
    body: { choices: [{ text: `<request><Calculator>${body.max_tokens}`, finish_reason: "stop", stopping_word: "<call>" }] },
  }));
  try {
    const warnings: string[] = [];
    const policy = openaiPolicy({
      baseUrl: server.url, model: "m", tokenizer, serverExtensions: false, promptAs: "text", warn: (m) => warnings.push(m),
    });
    const outs = await policy.generate([contexts[0], contexts[1]], { maxNewTokens: 32, stop: ["<call>", "<submit>"] });
    assert.equal(outs.map((g) => tokenizer.decode(g.tokens)), ["<request><Calculator>32<call>", "<request><Calculator>32<call>"]);
    assert.equal(outs.map((g) => g.finishReason), ["stop", "stop"]);
    assert.is(policy.stats.retokenized, 2);
    assert.is(warnings.length, 1);
    assert.match(warnings[0], /re-encoded/);
    assert.is(server.requests[0].body.prompt, "What is 2+3?");
    assert.is(server.requests[0].body.return_token_ids, undefined);
  } finally {
    await server.close();
  }
});

test("openaiPolicy() warns once when the server tokenized a text prompt differently", async () => {
  const server = await startTestServer((body) => ({
    status: 200,
    body: { choices: [{ token_ids: [65], prompt_token_ids: [1, ...tokenizer.encode(String(body.prompt))], finish_reason: "length" }] },
  }));
  try {
    const warnings: string[] = [];
    const policy = openaiPolicy({ baseUrl: server.url, model: "m", tokenizer, promptAs: "text", warn: (m) => warnings.push(m) });
    await policy.generate([contexts[0], contexts[1]], { maxNewTokens: 1 });
    assert.is(policy.stats.promptMismatches, 2);
    assert.is(warnings.length, 1);
    assert.match(warnings[0], /tokenized a prompt as \[1,87,/);
  } finally {
    await server.close();
  }
});

test("openaiPolicy() reads a stop without a reported string as an EOS, and an over-long output is cut at the first stop", async () => {
  const texts = ["done", "a<call>b<call>c"];
  const server = await startTestServer((_, n) => ({ status: 200, body: { choices: [{ text: texts[n], finish_reason: "stop" }] } }));
  try {
    const policy = openaiPolicy({ baseUrl: server.url, model: "m", tokenizer, concurrency: 1, warn: () => {} });
    const outs = await policy.generate([contexts[0], contexts[1]], { maxNewTokens: 32, stop: ["<call>"] });
    assert.equal(outs[0].tokens, [...tokenizer.encode("done"), tokenizer.eosId]);
    assert.is(outs[0].finishReason, "eos");
    assert.is(tokenizer.decode(outs[1].tokens), "a<call>");
    assert.is(outs[1].finishReason, "stop");
  } finally {
    await server.close();
  }
});

test("openaiPolicy() sends sampling settings, one seed per context, and the API key", async () => {
  const server = await startTestServer(() => ({ status: 200, body: { choices: [{ token_ids: [65], finish_reason: "length" }] } }));
  try {
    const policy = openaiPolicy({ baseUrl: server.url, model: "m", tokenizer, apiKey: "k" });
    await policy.generate([contexts[0], contexts[1]], { maxNewTokens: 1, temperature: 0.7, topP: 0.9, topK: 5, seed: 40 });
    const bodies = server.requests.map((r) => r.body).sort((a, b) => (a.seed as number) - (b.seed as number));
    assert.equal(bodies.map((b) => b.seed), [40, 41]);
    assert.equal([bodies[0].temperature, bodies[0].top_p, bodies[0].top_k, bodies[0].max_tokens], [0.7, 0.9, 5, 1]);
    assert.is(server.requests[0].headers.authorization, "Bearer k");
  } finally {
    await server.close();
  }
});

test("openaiPolicy() stops waiting when the caller aborts", async () => {
  const server = await startTestServer(() => "hang");
  try {
    const policy = openaiPolicy({ baseUrl: server.url, model: "m", tokenizer, timeoutMs: 60_000 });
    const controller = new AbortController();
    // Abort once the request has reached the server (polling, so a loaded machine cannot race it).
    const abortWhenReceived = () =>
      server.requests.length > 0 ? controller.abort(new Error("rollout cancelled")) : setTimeout(abortWhenReceived, 10);
    setTimeout(abortWhenReceived, 10);
    const error = await policy.generate([contexts[0]], { maxNewTokens: 4, signal: controller.signal }).catch((e) => e);
    assert.is((error as Error).message, "rollout cancelled");
    assert.is(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test("openaiPolicy() cancels the rest of a batch when one request fails for good", async () => {
  const server = await startTestServer((body) =>
    (body.prompt as number[]).length === contexts[1].length ? { status: 400, body: { error: "bad prompt" } } : "hang"
  );
  try {
    const policy = openaiPolicy({ baseUrl: server.url, model: "m", tokenizer, timeoutMs: 60_000 });
    const started = performance.now();
    const error = await policy.generate(contexts, { maxNewTokens: 4 }).catch((e: Error) => e);
    assert.match((error as Error).message, /answered 400/);
    while (server.abandoned < 2 && performance.now() - started < 3000) await new Promise((r) => setTimeout(r, 10));
    assert.is(server.abandoned, 2); // the two hanging requests were cancelled, not left running
  } finally {
    await server.close();
  }
});

test("completionsUrl() accepts a base with or without /v1 and refuses other schemes", () => {
  assert.is(completionsUrl("http://h:8000"), "http://h:8000/v1/completions");
  assert.is(completionsUrl("https://h/v1/"), "https://h/v1/completions");
  assert.throws(() => completionsUrl("h:8000"), /must start with http/);
});

test.run();
