/**
 * End to end: a tool server on 127.0.0.1 (with a bearer token), and rollouts (core/rollout) whose tools
 * are clients of it — the `http` plugin's tools (`POST /tools/:name`), the `wiki` tool in remote mode
 * (Search-R1 `/retrieve`) and the `sandbox` tool (SandboxFusion `/run_code`) — driven by a scripted policy.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as v from "valibot";
import { defineTool } from "../core/plugin/define_tool.ts";
import { rollout } from "../core/rollout/rollout.ts";
import { scriptedPolicy } from "../core/policy/scripted.ts";
import { charTokenizer } from "../core/tokenizer/char_tokenizer.ts";
import { http } from "../plugins/http/mod.ts";
import { sandboxTool } from "../plugins/sandbox/tool.ts";
import { wikiTool } from "../plugins/wiki/tool.ts";
import type { ServerHandle } from "./adapter/types.ts";
import { standInPython, startServer, testPlugin } from "./testing/fixtures.ts";

const TOKEN = "e2e-token";
const tokenizer = charTokenizer();
const lines: string[] = [];
let server: ServerHandle;
/** Without a token: the wiki and sandbox tools, like Search-R1's and SandboxFusion's clients, send none. */
let open: ServerHandle;

/** Counts calls per episode: shows that the episode id reaches the server. */
const tallies = new Map<string, number>();
const tally = defineTool({
  name: "tally",
  description: "Counts this episode's calls.",
  parameters: v.object({}),
  run: (_args, { episodeId }) => {
    tallies.set(episodeId, (tallies.get(episodeId) ?? 0) + 1);
    return `call ${tallies.get(episodeId)} of ${episodeId}`;
  },
  timeoutMs: 1000,
});

test.before(async () => {
  server = await startServer({ plugins: [testPlugin([tally])], auth: { token: TOKEN }, logger: (line) => lines.push(line) });
  open = await startServer({ plugins: [testPlugin([standInPython])], logger: (line) => lines.push(line) });
});
test.after(async () => {
  await Promise.all([server.close(), open.close()]);
});

/** The server's tools as local tools, through the http plugin. */
async function remote() {
  const plugin = await http({ url: server.url, allowHosts: [`127.0.0.1:${server.port}`], token: TOKEN });
  return plugin.tools;
}

/** A hermes turn calling `name` with `args`. */
const call = (name: string, args: unknown) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call><|im_end|>`;

/** Calls `name` once, then answers with the last line of the tool response. */
function callThenAnswer(name: string, args: unknown) {
  return scriptedPolicy(tokenizer, (text) => {
    const response = text.match(/<tool_response>\n?([\s\S]*?)\n?<\/tool_response>/g)?.at(-1);
    if (!response) return call(name, args);
    const lastLine = response.replace(/<\/?tool_response>/g, "").trim().split("\n").at(-1);
    return `Answer: ${lastLine}<|im_end|>`;
  });
}

test("a rollout calls the server's tools through the http plugin, errors and time-outs fed back as text", async () => {
  const tools = await remote();
  assert.equal(tools.map((tool) => tool.name), ["add", "hang", "sleep", "boom", "wiki", "tally"]);
  const turns = [call("add", { a: 19, b: 23 }), call("boom", {}), call("hang", {}), call("add", { a: "x" })];
  const policy = scriptedPolicy(tokenizer, (text) => turns[(text.match(/<tool_response>/g) ?? []).length] ?? "done<|im_end|>");
  const { episodes } = await rollout({ policy, tokenizer, format: "hermes", tools, items: [{ prompt: "Q\n" }], limits: { maxTurns: 6, maxToolCalls: 6, maxNewTokensPerTurn: 256 } });
  const [episode] = episodes;
  assert.is(episode.status, "done");
  assert.equal(episode.calls.map((c) => c.name), ["add", "boom", "hang", "add"]);
  assert.is(episode.calls[0].result, "42");
  assert.is(episode.calls[0].error, null);
  assert.is(episode.calls[1].error, "tool_exception");
  assert.match(episode.calls[1].result, "boom went the tool");
  assert.is(episode.calls[2].error, "tool_exception");
  assert.match(episode.calls[2].result, "504");
  assert.is(episode.calls[3].error, "invalid_arguments", "checked locally against the schema the server lists");
  assert.ok(lines.some((line) => line.startsWith("POST /tools/hang 504")), lines.join("\n"));
  assert.is(lines.filter((line) => line.startsWith("POST /tools/add")).length, 1, "the invalid call never left the client");
});

test("the episode id travels with each call, so per-episode state on the server stays apart", async () => {
  const tools = await remote();
  const turns = [call("tally", {}), call("tally", {})];
  const policy = scriptedPolicy(tokenizer, (text) => turns[(text.match(/<tool_response>/g) ?? []).length] ?? "done<|im_end|>");
  const { episodes } = await rollout({ policy, tokenizer, format: "hermes", tools, items: [{ prompt: "A\n" }, { prompt: "B\n" }], limits: { maxNewTokensPerTurn: 256 } });
  for (const episode of episodes) {
    assert.equal(episode.calls.map((c) => c.result), [`call 1 of ${episode.id}`, `call 2 of ${episode.id}`]);
  }
  assert.is.not(episodes[0].id, episodes[1].id);
});

test("a rollout searches through the wiki tool in remote mode against the server's /retrieve", async () => {
  lines.length = 0;
  const remoteWiki = wikiTool({ remote: { url: `${open.url}/retrieve` } });
  const { episodes } = await rollout({
    policy: callThenAnswer("wiki", { query: "Which river runs through Zorblat?" }),
    tokenizer,
    format: "hermes",
    tools: [remoteWiki],
    items: [{ prompt: "Q: Which river runs through Zorblat?\n" }, { prompt: "Q: again\n" }],
    limits: { maxNewTokensPerTurn: 256 },
  });
  assert.is(lines.filter((line) => line.startsWith("POST /retrieve 200")).length, 2, lines.join("\n"));
  for (const episode of episodes) {
    assert.is(episode.status, "done");
    assert.is(episode.calls.length, 1);
    assert.is(episode.calls[0].error, null);
    assert.is(episode.calls[0].result, "Doc 1 (Title: Quenfrey)\nQuenfrey is a river that runs through Zorblat.");
    assert.ok(episode.response().endsWith("Answer: Quenfrey is a river that runs through Zorblat.<|im_end|>"), episode.response());
  }
});

test("a rollout runs code through the sandbox tool against the server's /run_code", async () => {
  lines.length = 0;
  const sandbox = sandboxTool({ url: open.url, runTimeoutS: 5 });
  const turns = [call("sandbox", { code: "print(1 + 2)" }), call("sandbox", { code: "1/0\nraise" }), call("sandbox", { code: "x = 1", language: "cpp" })];
  const policy = scriptedPolicy(tokenizer, (text) => turns[(text.match(/<tool_response>/g) ?? []).length] ?? "done<|im_end|>");
  const { episodes } = await rollout({ policy, tokenizer, format: "hermes", tools: [sandbox], items: [{ prompt: "Q\n" }], limits: { maxTurns: 5, maxToolCalls: 5, maxNewTokensPerTurn: 256 } });
  const [episode] = episodes;
  assert.is(episode.status, "done");
  assert.equal(episode.calls.map((c) => [c.result.split("\n")[0], c.error]), [
    ["3", null],
    ["ZeroDivisionError: division by zero", null],
    [episode.calls[2].result.split("\n")[0], "tool_exception"],
  ]);
  assert.match(episode.calls[1].result, "exit code 1");
  assert.match(episode.calls[2].result, "SandboxError");
  assert.is(lines.filter((line) => line.startsWith("POST /run_code 200")).length, 3, lines.join("\n"));
});

test.run();
