import { test } from "uvu";
import * as assert from "uvu/assert";
import { appendSegment, createEpisode } from "../../core/episode/episode.ts";
import { charTokenizer } from "../../core/tokenizer/mod.ts";
import type { ToolCallRecord } from "../../core/types.ts";
import { summarizeEpisodes, wroteToolOutput } from "./summarize.ts";

const tokenizer = charTokenizer();
const call = (error: ToolCallRecord["error"]): ToolCallRecord => ({
  turn: 1, name: "calculator", arguments: "1+1", result: "2", error, durationMs: 0,
});

function episode(parts: { model: string[]; calls?: ToolCallRecord[]; reward: number | null; status?: "done" | "truncated" }) {
  const e = createEpisode({ id: "x", prompt: "What is 1 + 1?\n", tokenizer });
  for (const text of parts.model) appendSegment(e, "model", text);
  e.calls.push(...(parts.calls ?? []));
  e.reward = parts.reward;
  e.status = parts.status ?? "done";
  return e;
}

test("summarizeEpisodes() counts accuracy, tool use, tool errors and self-written tool output", () => {
  const summary = summarizeEpisodes([
    episode({ model: ["<request><calculator>1+1<call>", "Result = 2 <submit>"], calls: [call(null)], reward: 1 }),
    episode({ model: ["<request><calculator>1+<call>"], calls: [call("invalid_arguments"), call(null)], reward: 0 }),
    episode({ model: ["<request><calculator>1+1 2<response>Result = 2 <submit>"], reward: 1 }),
    episode({ model: ["Result = 3 <submit>"], reward: null, status: "truncated" }),
  ], { format: "submit" });
  assert.is(summary.n, 4);
  assert.is(summary.accuracy, 0.5);
  assert.is(summary.tool_call_rate, 0.5);
  assert.is(summary.calls_per_episode, 0.75);
  assert.ok(Math.abs(summary.error_rate - 1 / 3) < 1e-12);
  assert.is(summary.self_written_output_rate, 0.25);
  assert.is(summary.answered_without_tool_rate, 0.25);
  assert.is(summary.reward_mean, 0.5);
});

test("wroteToolOutput() knows each format's tool-output marker", () => {
  assert.ok(wroteToolOutput("<request><calculator>2+2<call>4<response>", "submit"));
  assert.not.ok(wroteToolOutput("<request><calculator>2+2<call>", "submit"));
  assert.ok(wroteToolOutput('<tool_call>{}</tool_call><tool_response>4</tool_response>', "hermes"));
  assert.not.ok(wroteToolOutput("Action: calculator\nAction Input: {}\nObservation:", "react"));
  assert.ok(wroteToolOutput("Action: calculator\nAction Input: {}\nObservation: 4\nFinal Answer: 4", "react"));
});

test.run();
