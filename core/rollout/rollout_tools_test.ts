import { test } from "uvu";
import * as assert from "uvu/assert";
import { rollout } from "./rollout.ts";
import { hang, hermesCalls, sleep, sleeper, thrower } from "./testing/tools.ts";
import { scriptedPolicy } from "../policy/scripted.ts";
import { charTokenizer } from "../tokenizer/char_tokenizer.ts";
import * as v from "valibot";
import type { Policy, Tool } from "../types.ts";

const tokenizer = charTokenizer();
const limits = { maxNewTokensPerTurn: 512 };

/** Answers once the context holds a tool response, else writes `calls`. */
const callThenAnswer = (calls: string) =>
  scriptedPolicy(tokenizer, (text) => (text.includes("<tool_response>") ? "done<|im_end|>" : calls));

test("rollout() runs a turn's calls concurrently: they overlap in time", async () => {
  const { tool, log } = sleeper();
  const policy = callThenAnswer(hermesCalls(["sleep", { ms: 150 }], ["sleep", { ms: 150 }], ["sleep", { ms: 150 }]));
  const t0 = performance.now();
  const { episodes } = await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [tool],
    items: [{ prompt: "Q" }],
    limits,
  });
  const elapsed = performance.now() - t0;
  assert.is(episodes[0].calls.length, 3);
  assert.is(log.maxActive, 3);
  const latestStart = Math.max(...log.spans.map((s) => s.start));
  const earliestEnd = Math.min(...log.spans.map((s) => s.end));
  assert.ok(latestStart < earliestEnd, "all three calls were running at once");
  assert.ok(elapsed < 3 * 150, `took ${elapsed} ms, less than the calls one after another`);
});

test("rollout() runs at most maxParallelCalls calls of a turn at once", async () => {
  const { tool, log } = sleeper();
  const policy = callThenAnswer(
    hermesCalls(...Array.from({ length: 5 }, () => ["sleep", { ms: 30 }] as [string, unknown])),
  );
  const { episodes } = await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [tool],
    items: [{ prompt: "Q" }],
    limits: { ...limits, maxParallelCalls: 2 },
  });
  assert.is(episodes[0].calls.length, 5);
  assert.is(log.maxActive, 2);
  assert.equal(episodes[0].calls.map((c) => c.result), Array(5).fill("slept 30"));
});

test("rollout() feeds a throwing tool's error back and the episode goes on", async () => {
  const policy = callThenAnswer(hermesCalls(["boom", {}]));
  const { episodes } = await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [thrower],
    items: [{ prompt: "Q" }],
    limits,
  });
  const [episode] = episodes;
  assert.is(episode.status, "done");
  assert.equal([episode.calls[0].error, episode.metrics["tool_errors/tool_exception"]], ["tool_exception", 1]);
  assert.ok(episode.segments[2].text.includes("<tool_response>\nTool error: the tool exploded\n</tool_response>"));
  assert.is(episode.segments.at(-1)!.text, "done<|im_end|>");
});

test("rollout() times out a tool that never returns and the episode goes on", async () => {
  const policy = callThenAnswer(hermesCalls(["hang", {}]));
  const t0 = performance.now();
  const { episodes } = await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [hang],
    items: [{ prompt: "Q" }],
    limits,
  });
  const [episode] = episodes;
  assert.ok(performance.now() - t0 < 1000);
  assert.equal([episode.status, episode.calls[0].error, episode.metrics["tool_errors/timeout"]], [
    "done",
    "timeout",
    1,
  ]);
  assert.ok(episode.segments[2].text.includes("timed out after 60 ms"));
});

/** A policy that records each batch's episode prompts and when it was called. */
function recording(inner: Policy) {
  const batches: { at: number; prompts: string[] }[] = [];
  const policy: Policy = {
    generate: (contexts, options) => {
      batches.push({ at: performance.now(), prompts: contexts.map((c) => tokenizer.decode(c).slice(0, 4)) });
      return inner.generate(contexts, options);
    },
  };
  return { policy, batches };
}

/** Episode "slow" makes one 300 ms call; episode "fast" makes three quick calls. */
function slowAndFast() {
  const { tool, log } = sleeper();
  const script = scriptedPolicy(tokenizer, (text) => {
    const responses = text.split("<tool_response>").length - 1;
    if (text.startsWith("slow")) return responses === 0 ? hermesCalls(["sleep", { ms: 300 }]) : "slow done<|im_end|>";
    return responses < 3 ? hermesCalls(["sleep", { ms: 1 }]) : "fast done<|im_end|>";
  });
  return { tool, log, ...recording(script), items: [{ prompt: "slow", id: "slow" }, { prompt: "fast", id: "fast" }] };
}

test("rollout() async mode keeps generating for episodes whose tools returned while others' still run", async () => {
  const { tool, log, policy, batches, items } = slowAndFast();
  const { episodes, metrics } = await rollout({ policy, tokenizer, format: "hermes", tools: [tool], items, limits });
  assert.equal(episodes.map((e) => e.status), ["done", "done"]);
  const slowCall = log.spans.find((s) => s.episodeId === "slow")!;
  const fastOnlyWhileSlowRan = batches.filter((b) => b.at > slowCall.start && b.at < slowCall.end);
  assert.ok(fastOnlyWhileSlowRan.length >= 3, `batches during the slow call: ${JSON.stringify(batches)}`);
  assert.ok(fastOnlyWhileSlowRan.every((b) => b.prompts.join() === "fast"));
  assert.equal(batches[0].prompts, ["slow", "fast"]);
  assert.ok(metrics.meanBatchSize < 2);
});

test("rollout() lockstep mode batches everyone each turn and runs calls one at a time", async () => {
  const { tool, log, policy, batches, items } = slowAndFast();
  const { episodes } = await rollout({
    policy,
    tokenizer,
    format: "hermes",
    tools: [tool],
    items,
    limits,
    mode: "lockstep",
  });
  assert.equal(episodes.map((e) => e.status), ["done", "done"]);
  assert.equal(batches[1].prompts, ["slow", "fast"]);
  const slowCall = log.spans.find((s) => s.episodeId === "slow")!;
  assert.ok(batches.every((b) => b.at < slowCall.start || b.at > slowCall.end), "no generation while a tool runs");
  assert.is(log.maxActive, 1);
});

test("rollout() maxBatchSize bounds the contexts of each generate call", async () => {
  const { policy, batches } = recording(scriptedPolicy(tokenizer, () => "ok<|im_end|>"));
  const items = Array.from({ length: 7 }, (_, i) => ({ prompt: `p${i}` }));
  await rollout({ policy, tokenizer, format: "hermes", tools: [], items, limits, maxBatchSize: 3 });
  assert.equal(batches.map((b) => b.prompts.length), [3, 3, 1]);
});

test("rollout() regroups episodes whose tool calls finish together into one batch", async () => {
  // A barrier tool: every call waits until all 8 have arrived, so all 8 results land together.
  let release = () => {};
  const barrier = new Promise<void>((resolve) => (release = resolve));
  let arrived = 0;
  const tool: Tool = {
    name: "sleep",
    description: "waits for the others",
    parameters: v.object({ ms: v.number() }),
    timeoutMs: 5000,
    run: async () => {
      if (++arrived === 8) setTimeout(release, 5);
      await barrier;
      await sleep(0); // each result lands in its own macrotask, as timers and worker messages do
      return "ok";
    },
  };
  const sizes: number[] = [];
  const inner = scriptedPolicy(
    tokenizer,
    (text) => (text.includes("<tool_response>") ? "done<|im_end|>" : hermesCalls(["sleep", { ms: 20 }])),
  );
  const policy: Policy = {
    generate: (contexts, options) => {
      sizes.push(contexts.length);
      return inner.generate(contexts, options);
    },
  };
  const items = Array.from({ length: 8 }, (_, i) => ({ prompt: `<|im_start|>user\nQ${i}<|im_end|>\n<|im_start|>assistant\n` }));
  const { episodes } = await rollout({ policy, tokenizer, format: "hermes", tools: [tool], items, limits: { maxNewTokensPerTurn: 256 } });
  assert.ok(episodes.every((e) => e.status === "done"));
  assert.equal(sizes, [8, 8]);
});

/** Records each call's contexts and how many calls overlap; `batchesConcurrentCalls` as given. */
function concurrent(inner: Policy, batchesConcurrentCalls: boolean) {
  const log = { sizes: [] as number[], inFlight: 0, maxInFlight: 0 };
  const policy: Policy = {
    batchesConcurrentCalls,
    generate: async (contexts, options) => {
      log.sizes.push(contexts.length);
      log.inFlight += 1;
      log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
      await sleep(5); // a call takes time, so calls of episodes that are ready together overlap
      try {
        return await inner.generate(contexts, options);
      } finally {
        log.inFlight -= 1;
      }
    },
  };
  return { policy, log };
}

test("rollout() calls a policy that batchesConcurrentCalls once per ready episode, without waiting for the others", async () => {
  const { tool, log: tools, items } = slowAndFast();
  const script = scriptedPolicy(tokenizer, (text) => {
    const responses = text.split("<tool_response>").length - 1;
    if (text.startsWith("slow")) return responses === 0 ? hermesCalls(["sleep", { ms: 300 }]) : "slow done<|im_end|>";
    return responses < 3 ? hermesCalls(["sleep", { ms: 1 }]) : "fast done<|im_end|>";
  });
  const perEpisode = concurrent(script, true);
  const result = await rollout({ policy: perEpisode.policy, tokenizer, format: "hermes", tools: [tool], items, limits });
  const oneAtATime = concurrent(script, false);
  const reference = await rollout({ policy: oneAtATime.policy, tokenizer, format: "hermes", tools: [tool], items, limits });
  assert.equal(result.episodes.map((e) => e.tokens()), reference.episodes.map((e) => e.tokens()));
  assert.equal(result.episodes.map((e) => e.status), ["done", "done"]);
  assert.ok(perEpisode.log.sizes.every((n) => n === 1), `${perEpisode.log.sizes}`);
  assert.is(perEpisode.log.maxInFlight, 2); // the first turns of both episodes overlapped
  assert.is(oneAtATime.log.maxInFlight, 1);
  assert.equal(oneAtATime.log.sizes[0], 2);
  // the time with a call in flight is counted once, however many overlap
  assert.ok(result.metrics.generationShare > 0 && result.metrics.generationShare <= 1, `${result.metrics.generationShare}`);
  assert.is(tools.spans.length, 8);
});

test("rollout() bounds the episodes generating at once by maxBatchSize when the policy batches concurrent calls", async () => {
  const { policy, log } = concurrent(scriptedPolicy(tokenizer, () => "ok<|im_end|>"), true);
  const items = Array.from({ length: 7 }, (_, i) => ({ prompt: `p${i}` }));
  const { episodes } = await rollout({ policy, tokenizer, format: "hermes", tools: [], items, limits, maxBatchSize: 3 });
  assert.ok(episodes.every((e) => e.status === "done"));
  assert.is(log.sizes.length, 7);
  assert.is(log.maxInFlight, 3);
});

test.run();
