import { test } from "uvu";
import * as assert from "uvu/assert";
import { rollout } from "./rollout.ts";
import { DEFAULT_LIMITS, resolveLimits } from "./limits.ts";
import { calculator, echo, hermesCalls } from "./testing/tools.ts";
import { scriptedPolicy } from "../policy/scripted.ts";
import { charTokenizer } from "../tokenizer/char_tokenizer.ts";
import { CUT_MARKS } from "../truncate/truncate.ts";
import type { RolloutLimits, Tool, TruncateSide } from "../types.ts";

const tokenizer = charTokenizer();
const alwaysCalculate = scriptedPolicy(tokenizer, () => "<request><Calculator>1+1<call>");
const run = (
  policy: ReturnType<typeof scriptedPolicy>,
  format: "submit" | "hermes",
  limits: Partial<RolloutLimits>,
  tools: Tool[] = [calculator as Tool, echo],
) =>
  rollout({
    policy,
    tokenizer,
    format,
    tools,
    items: [{ prompt: "Q" }],
    limits: { maxNewTokensPerTurn: 256, ...limits },
  });

test("resolveLimits() fills the documented defaults", () => {
  assert.equal(resolveLimits({ maxTurns: 2 }), { ...DEFAULT_LIMITS, maxTurns: 2 });
  assert.equal(
    [
      DEFAULT_LIMITS.maxTurns,
      DEFAULT_LIMITS.maxToolCalls,
      DEFAULT_LIMITS.maxParallelCalls,
      DEFAULT_LIMITS.maxTotalResponseTokens,
    ],
    [4, 8, 4, 2048],
  );
  assert.throws(() => resolveLimits({ truncateSide: "top" as TruncateSide }), /"top"/);
});

test("maxTurns ends the episode on the model's call turn without running it (TRL's last-segment defect avoided)", async () => {
  const { episodes } = await run(alwaysCalculate, "submit", { maxTurns: 3 });
  const [episode] = episodes;
  assert.is(episode.status, "max_turns");
  assert.equal(episode.segments.map((s) => s.role), ["prompt", "model", "tool", "model", "tool", "model"]);
  assert.equal([episode.metrics.turns, episode.calls.length], [3, 2]);
  assert.is(episode.segments.at(-1)!.role, "model");
});

test("maxToolCalls refuses the calls past the limit with a limit error and ends the episode", async () => {
  const policy = scriptedPolicy(tokenizer, () => hermesCalls(["echo", { text: "a" }], ["echo", { text: "b" }]));
  const { episodes } = await run(policy, "hermes", { maxToolCalls: 3 });
  const [episode] = episodes;
  assert.is(episode.status, "max_tool_calls");
  assert.equal(episode.calls.map((c) => c.error), [null, null, "limit", "limit"]);
  assert.equal([episode.metrics["tool_errors/limit"], episode.segments.at(-1)!.role], [2, "model"]);
});

test("maxTotalResponseTokens caps the model tokens of an episode and ends it truncated", async () => {
  const { episodes } = await run(alwaysCalculate, "submit", { maxTotalResponseTokens: 40, maxTurns: 10 });
  const [episode] = episodes;
  const modelTokens = episode.mask().reduce((a, b) => a + b, 0);
  assert.is(episode.status, "truncated");
  assert.is(modelTokens, 40);
  assert.is(episode.metrics.response_tokens, 40);

  const rambling = scriptedPolicy(tokenizer, () => "x".repeat(100));
  const long = await run(rambling, "submit", { maxTotalResponseTokens: 50 });
  assert.equal([long.episodes[0].status, long.episodes[0].metrics.response_tokens], ["truncated", 50]);
});

test("maxNewTokensPerTurn caps each turn; a turn with neither call nor answer ends the episode done", async () => {
  const rambling = scriptedPolicy(tokenizer, () => "y".repeat(100));
  const { episodes } = await run(rambling, "submit", { maxNewTokensPerTurn: 10 });
  assert.equal([episodes[0].status, episodes[0].segments[1].tokens.length], ["done", 10]);
});

const longText = "0123456789abcdefghij";
const cases: [TruncateSide, string][] = [
  ["right", "012345" + CUT_MARKS.right],
  ["left", CUT_MARKS.left + "efghij"],
  ["middle", "012" + CUT_MARKS.middle + "hij"],
];
for (const [side, expected] of cases) {
  test(`maxToolResponseLength cuts tool output on the ${side} side`, async () => {
    const policy = scriptedPolicy(
      tokenizer,
      (text) => (text.includes("<tool_response>") ? "ok<|im_end|>" : hermesCalls(["echo", { text: longText }])),
    );
    const { episodes } = await run(policy, "hermes", { maxToolResponseLength: 6, truncateSide: side });
    const [episode] = episodes;
    assert.is(episode.calls[0].result, expected);
    assert.ok(
      episode.segments[2].text.includes(`<tool_response>\n${expected}\n</tool_response>`),
      episode.segments[2].text,
    );
  });
}

test("maxToolResponseLength counts tokens when toolResponseUnit is tokens", async () => {
  const text = "<call><call><call>abc";
  const policy = scriptedPolicy(
    tokenizer,
    (ctx) => (ctx.includes("<tool_response>") ? "ok<|im_end|>" : hermesCalls(["echo", { text }])),
  );
  const { episodes } = await run(policy, "hermes", {
    maxToolResponseLength: 4,
    toolResponseUnit: "tokens",
    truncateSide: "right",
  });
  assert.is(episodes[0].calls[0].result, "<call><call><call>a" + CUT_MARKS.right);
  const short = await run(policy, "hermes", { maxToolResponseLength: 6, toolResponseUnit: "tokens" });
  assert.is(short.episodes[0].calls[0].result, text);
});

test.run();
