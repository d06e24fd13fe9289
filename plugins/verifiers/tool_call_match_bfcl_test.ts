// The tool-call-match verifier on the BFCL gold answers: every gold answer rendered as calls is
// accepted (in any order, through the hermes parser too), and mutated ones are rejected.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { hermesParser } from "../../core/formats/mod.ts";
import type { ParsedCall } from "../../core/types.ts";
import { type BfclItem, loadBfcl } from "./testing/bfcl_fixture_node.ts";
import { episodeOf } from "../../core/plugin/testing/episodes.ts";
import { matchToolCalls, renderExpectedCalls, toolCallMatch } from "./tool_call_match.ts";

const categories = ["simple_python", "multiple", "parallel", "parallel_multiple"];
const data = new Map<string, BfclItem[]>();
for (const category of [...categories, "irrelevance"]) data.set(category, await loadBfcl(category));

/** Ids of the items for which `check` is false, and how many items `check` applied to. */
function failures(check: (item: BfclItem) => boolean | null): { failed: string[]; applied: number } {
  const failed: string[] = [];
  let applied = 0;
  for (const category of categories) {
    for (const item of data.get(category)!) {
      const verdict = check(item);
      if (verdict === null) continue;
      applied++;
      if (!verdict) failed.push(item.id);
    }
  }
  return { failed, applied };
}

const accepts = (item: BfclItem, calls: ParsedCall[]) =>
  matchToolCalls(calls, item.expected, { functions: item.functions }).ok;
const withArgs = (call: ParsedCall, edit: (args: Record<string, unknown>) => void): ParsedCall => {
  const args = structuredClone(call.arguments) as Record<string, unknown>;
  edit(args);
  return { name: call.name, arguments: args };
};

test("the data holds the four categories and irrelevance", () => {
  assert.equal(categories.map((c) => data.get(c)!.length), [400, 200, 200, 200]);
  assert.is(data.get("irrelevance")!.length, 240);
});

test("every gold answer rendered as calls is accepted, in order and reversed", () => {
  const inOrder = failures((item) => accepts(item, renderExpectedCalls(item.expected)));
  assert.equal(inOrder.failed, []);
  assert.is(inOrder.applied, 1000);
  const reversed = failures((item) =>
    item.expected.length > 1 ? accepts(item, renderExpectedCalls(item.expected).reverse()) : null
  );
  assert.equal(reversed.failed, []);
  assert.ok(reversed.applied >= 390, `${reversed.applied} parallel items`);
});

test("every gold answer is accepted as hermes text with OpenAI-style names through the verifier", async () => {
  const verifier = toolCallMatch({ parser: hermesParser });
  const failed: string[] = [];
  for (const category of categories) {
    for (const item of data.get(category)!) {
      const blocks = renderExpectedCalls(item.expected).map(({ name, arguments: args }) =>
        `<tool_call>${JSON.stringify({ name: name.replaceAll(".", "_"), arguments: args })}</tool_call>`
      );
      const episode = episodeOf("Q", [["model", blocks.join("\n") + "<|im_end|>"]]);
      const score = await verifier.score(episode, {
        id: item.id,
        question: "",
        answer: item.expected,
        functions: item.functions,
      });
      if (score !== 1) failed.push(item.id);
    }
  }
  assert.equal(failed, []);
});

test("a wrong value in one argument is rejected", () => {
  const mutate = (value: unknown): unknown =>
    typeof value === "string"
      ? `${value} zzqx`
      : typeof value === "number"
      ? value + 1000003.5
      : Array.isArray(value)
      ? [...value, "zzqx"]
      : typeof value === "object" && value !== null
      ? { ...value, zzqx: 1 }
      : "zzqx";
  const { failed, applied } = failures((item) => {
    const [first, ...rest] = renderExpectedCalls(item.expected);
    const param = Object.keys(first.arguments as object)[0];
    if (param === undefined) return null;
    return !accepts(item, [withArgs(first, (args) => (args[param] = mutate(args[param]))), ...rest]);
  });
  assert.equal(failed, []);
  assert.ok(applied >= 990, `${applied} items had an argument to mutate`);
});

test("a missing required argument is rejected", () => {
  const { failed, applied } = failures((item) => {
    const [first, ...rest] = renderExpectedCalls(item.expected);
    const required = Object.entries(Object.values(item.expected[0])[0]).find(([, values]) => !values.includes(""));
    if (!required) return null;
    return !accepts(item, [withArgs(first, (args) => delete args[required[0]]), ...rest]);
  });
  assert.equal(failed, []);
  assert.ok(applied >= 990, `${applied} items had a required argument`);
});

test("an extra argument, a wrong function name, a missing or an extra call is rejected", () => {
  const extra = failures((item) => {
    const [first, ...rest] = renderExpectedCalls(item.expected);
    return !accepts(item, [withArgs(first, (args) => (args.zzqx_extra = 1)), ...rest]);
  });
  const renamed = failures((item) => {
    const [first, ...rest] = renderExpectedCalls(item.expected);
    return !accepts(item, [{ ...first, name: `${first.name}_zzqx` }, ...rest]);
  });
  const dropped = failures((item) => !accepts(item, renderExpectedCalls(item.expected).slice(1)));
  const doubled = failures((item) => {
    const calls = renderExpectedCalls(item.expected);
    return !accepts(item, [...calls, calls[0]]);
  });
  for (const { failed, applied } of [extra, renamed, dropped, doubled]) {
    assert.equal(failed, []);
    assert.is(applied, 1000);
  }
});

test("irrelevance items pass with no call and fail with any call", () => {
  for (const item of data.get("irrelevance")!) {
    assert.ok(matchToolCalls([], item.expected).ok, item.id);
    const call = { name: item.functions[0].name, arguments: {} };
    assert.not.ok(matchToolCalls([call], item.expected).ok, item.id);
  }
});

test.run();
