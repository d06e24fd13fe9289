/**
 * Requests in exactly the bytes verl's (and MindSpeed-RL's) SandboxFusion and search clients send, and
 * their responses read the way those clients read them (`verl/utils/reward_score/sandbox_fusion/utils.py`,
 * `verl/tools/sandbox_fusion_tools.py`, `verl/tools/utils/search_r1_like_utils.py`), against a real server.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { definePlugin } from "../core/plugin/define_plugin.ts";
import { serve } from "./adapter/serve.ts";
import type { ServerHandle } from "./adapter/types.ts";
import { createToolServer } from "./server.ts";
import { wikiTool } from "../plugins/wiki/tool.ts";
import { CORPUS, standInPython } from "./testing/fixtures.ts";

let server: ServerHandle;
test.before(async () => {
  const app = createToolServer({ plugins: [definePlugin({ name: "compat", tools: [standInPython, wikiTool({ corpus: CORPUS })] })] });
  server = await serve({ app, port: 0 });
});
test.after(() => server.close());

/** The body of verl's `call_sandbox_api`: Python's json.dumps of its payload dict, keys in its order. */
function verlSandboxPayload(code: string, timeout: number): string {
  return `{"compile_timeout": ${timeout}, "run_timeout": ${timeout}, "code": ${JSON.stringify(code)}, "stdin": null, ` +
    `"memory_limit_MB": 1024, "language": "python", "files": {}, "fetch_files": []}`;
}

async function postVerl(path: string, body: string): Promise<Response> {
  return await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": "application/json" },
    body,
  });
}

/** verl's reading of a sandbox response in `_process_single_case` (True, False, -1, -2, -3, -4). */
// deno-lint-ignore no-explicit-any
function verlCaseStatus(api: any, expected: string): boolean | number {
  const run = api.run_result;
  if (api.status === "SandboxError") return -1;
  if (api.status === "Failed") {
    if (!run) return -1;
    if (run.status === "TimeLimitExceeded") return -3;
    if (run.status === "Error" || (run.status === "Finished" && run.return_code !== 0)) return -2;
    return -1;
  }
  if (api.status === "Success" && run?.status === "Finished") {
    return String(run.stdout ?? "").replace(/\n+$/, "") === expected.replace(/\n+$/, "");
  }
  return -1;
}

/** verl's SandboxFusionTool.execute_code: stdout + stderr when the run finished (Python's str + str). */
// deno-lint-ignore no-explicit-any
function verlToolText(api: any): string {
  if (api.run_result?.status !== "Finished") return "no stdout here";
  assert.type(api.run_result.stdout, "string", "verl concatenates stdout and stderr: neither may be None");
  assert.type(api.run_result.stderr, "string", "verl concatenates stdout and stderr: neither may be None");
  return api.run_result.stdout + api.run_result.stderr;
}

test("verl's SandboxFusion request runs and its tool reads stdout + stderr", async () => {
  const response = await postVerl("/run_code", verlSandboxPayload("print(1 + 2)", 30));
  assert.is(response.status, 200);
  const api = await response.json();
  assert.equal(Object.keys(api).sort(), ["compile_result", "executor_pod_name", "files", "message", "run_result", "status"]);
  assert.is(api.status, "Success");
  assert.is(verlToolText(api), "3\n");
  assert.is(verlCaseStatus(api, "3"), true);
  assert.is(verlCaseStatus(api, "4"), false);
  assert.type(api.run_result.execution_time, "number");
});

test("a failing run answers HTTP 200, Failed, and verl reads a runtime error (-2)", async () => {
  const response = await postVerl("/run_code", verlSandboxPayload("1/0\nraise", 30));
  assert.is(response.status, 200);
  const api = await response.json();
  assert.is(api.status, "Failed");
  assert.is(api.run_result.return_code, 1);
  assert.is(api.run_result.stderr, "ZeroDivisionError: division by zero");
  assert.is(verlCaseStatus(api, "3"), -2);
  assert.ok(verlToolText(api).includes("ZeroDivisionError"));
});

test("a run past run_timeout answers HTTP 200, TimeLimitExceeded, and verl reads a time-out (-3)", async () => {
  const response = await postVerl("/run_code", verlSandboxPayload("while True: pass", 1));
  assert.is(response.status, 200);
  const api = await response.json();
  assert.is(api.status, "Failed");
  assert.is(api.run_result.status, "TimeLimitExceeded");
  assert.is(verlCaseStatus(api, "3"), -3);
  assert.is(verlToolText(api), "no stdout here");
});

test("another language answers SandboxFusion's SandboxError shape, HTTP 200 (verl: -1)", async () => {
  const body = verlSandboxPayload("int main() { return 0; }", 10).replace('"language": "python"', '"language": "cpp"');
  const response = await postVerl("/run_code", body);
  assert.is(response.status, 200);
  const api = await response.json();
  assert.is(api.status, "SandboxError");
  assert.ok(api.message.includes("cpp"), api.message);
  assert.is(api.run_result, null);
  assert.is(verlCaseStatus(api, ""), -1);
});

/** verl's `_passages2string` and the join of `perform_single_search_batch`. */
// deno-lint-ignore no-explicit-any
function verlSearchText(api: any): string {
  return api.result.map((retrieval: { document: { contents: string } }[]) =>
    retrieval.map((item, i) => {
      const [title, ...rest] = item.document.contents.split("\n");
      return `Doc ${i + 1} (Title: ${title})\n${rest.join("\n")}\n\n`;
    }).join("").trim()
  ).join("\n---\n");
}

test("verl's search request gets Search-R1's response, rendered as verl renders it", async () => {
  const body = `{"queries": ["river Zorblat", "mountain"], "topk": 2, "return_scores": true}`;
  const response = await postVerl("/retrieve", body);
  assert.is(response.status, 200);
  const api = await response.json();
  assert.is(api.result.length, 2);
  for (const hits of api.result) for (const hit of hits) assert.type(hit.score, "number");
  const text = verlSearchText(api);
  assert.ok(text.startsWith('Doc 1 (Title: "Quenfrey")\nQuenfrey is a river'), text);
  assert.is(text.split("\n---\n").length, 2);
  assert.ok(text.split("\n---\n")[1].startsWith('Doc 1 (Title: "Malvik")'), text);
});

test.run();
