import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { rollout, turnSeed } from "./rollout.ts";
import { sleep } from "./testing/tools.ts";
import { charTokenizer } from "../tokenizer/char_tokenizer.ts";
import type { GenerateOptions, Generation, Policy, Tool } from "../types.ts";

const tokenizer = charTokenizer();

/** A uniform draw in [0, 1) from a 32-bit seed (mulberry32's first output). */
function uniform(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * A sampling policy test double: each context draws from its own seed (`seeds[i]`, falling back to
 * `seed + i` the way a per-call sampler does), calls `wait` with a drawn number, or answers. It records
 * which episodes (by prompt) shared each generate call.
 */
function samplingPolicy(batches: string[][]): Policy {
  return {
    generate(contexts: number[][], options: GenerateOptions): Promise<Generation[]> {
      batches.push(contexts.map((c) => tokenizer.decode(c).split("\n")[0]));
      return Promise.resolve(contexts.map((context, i) => {
        const u = uniform(options.seeds?.[i] ?? (options.seed ?? 0) + i);
        const turns = tokenizer.decode(context).split("<call>").length - 1;
        const text = turns < 2 && u < 0.7
          ? `<request><wait>${Math.floor(u * 1000)}<call>`
          : `Result = ${Math.floor(u * 100)} <submit>`;
        return { tokens: tokenizer.encode(text), finishReason: "stop" as const };
      }));
    },
  };
}

/** A tool that answers after a delay the test picks per call, so answers arrive in the order the test wants. */
function waitTool(delayMs: (value: number, episodeId: string) => number): Tool {
  return {
    name: "wait",
    description: "echoes a number after a delay",
    parameters: v.object({ value: v.number() }),
    timeoutMs: 2000,
    fromText: (query: string) => ({ value: Number(query) }),
    run: async (args: unknown, { episodeId }: { episodeId: string }) => {
      const { value } = args as { value: number };
      await sleep(delayMs(value, episodeId));
      return `got ${value}`;
    },
  } as Tool;
}

const items = Array.from({ length: 12 }, (_, k) => ({ prompt: `episode ${k}\n` }));

async function run(mode: "async" | "lockstep", delayMs: (value: number, episodeId: string) => number) {
  const batches: string[][] = [];
  const { episodes } = await rollout({
    policy: samplingPolicy(batches),
    tokenizer,
    format: "submit",
    tools: [waitTool(delayMs)],
    items,
    sampling: { temperature: 1, seed: 1234 },
    mode,
    limits: { maxTurns: 4, maxToolCalls: 3 },
  });
  return { texts: episodes.map((e) => e.text()), batches };
}

test("rollout() samples each (episode, turn) from its own seed: tool answer order never changes the episodes", async () => {
  const fastFirst = await run("async", (value) => 1 + (value % 7) * 4);
  const slowFirst = await run("async", (value) => 1 + (6 - (value % 7)) * 4);
  const byEpisode = await run("async", (_value, id) => 2 + (Number(id) % 5) * 5);
  const lockstep = await run("lockstep", () => 0);
  // the runs did batch differently, so equality below is not an accident of identical schedules
  assert.not.equal(fastFirst.batches, slowFirst.batches);
  assert.not.equal(fastFirst.batches, lockstep.batches);
  assert.ok(fastFirst.texts.some((t) => t.includes("<call>")) && fastFirst.texts.some((t) => !t.includes("<call>")));
  assert.equal(slowFirst.texts, fastFirst.texts);
  assert.equal(byEpisode.texts, fastFirst.texts);
  assert.equal(lockstep.texts, fastFirst.texts);
});

test("turnSeed() differs across episodes, turns and run seeds, and is a 32-bit integer", () => {
  const seen = new Set<number>();
  for (const seed of [0, 1, -5]) {
    for (let episode = 0; episode < 20; episode++) {
      for (let turn = 0; turn < 5; turn++) {
        const s = turnSeed(seed, episode, turn);
        assert.ok(Number.isInteger(s) && s >= -(2 ** 31) && s < 2 ** 31);
        seen.add(s);
      }
    }
  }
  assert.is(seen.size, 300);
  assert.is(turnSeed(9, 3, 1), turnSeed(9, 3, 1));
});

test.run();
