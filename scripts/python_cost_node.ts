/**
 * What the python tool costs a tool server (issue #14): the wall time of a loop of `POST /run_code` calls,
 * and the process's resident memory before and after `POST /tools/python` calls that each use a new
 * `episodeId` (clients that never release their episodes). Node only; one JSON line on stdout.
 *
 *   node --import tsx scripts/python_cost_node.ts [--run-code 20] [--episodes 200] [--share]
 *
 * `--share` runs the tool with `shareInterpreter` (every episode in one interpreter, not isolated).
 */
import process from "node:process";
import { definePlugin } from "../core/plugin/define_plugin.ts";
import { serve } from "../server/adapter/serve.ts";
import { createToolServer } from "../server/server.ts";
import { pythonTool } from "../plugins/python/tool.ts";

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} ${process.argv[at + 1]} must be a whole number.`);
  return value;
};
const runCodeCalls = argument("--run-code", 20);
const episodeCalls = argument("--episodes", 200);
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

const shareInterpreter = process.argv.includes("--share");
const python = pythonTool({ timeoutMs: 5000, shareInterpreter });
await python.warm();
const server = await serve({ app: createToolServer({ plugins: [definePlugin({ name: "python", tools: [python] })] }), port: 0 });
const post = async (path: string, body: unknown) => {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return await response.json();
};

const loopStart = performance.now();
for (let i = 0; i < runCodeCalls; i++) {
  const answer = await post("/run_code", { code: `print(${i} * 2)`, language: "python" });
  if (answer.run_result?.stdout !== `${i * 2}\n`) throw new Error(`/run_code answered ${JSON.stringify(answer)}`);
}
const runCodeMs = (performance.now() - loopStart) / Math.max(runCodeCalls, 1);

const rssBefore = mb();
const episodesStart = performance.now();
for (let i = 0; i < episodeCalls; i++) {
  await post("/tools/python", { arguments: { code: `x = ${i}\nprint(x)` }, episodeId: `unique-${i}` });
}
const episodeMs = (performance.now() - episodesStart) / Math.max(episodeCalls, 1);
const rssAfter = mb();

console.log(JSON.stringify({
  shareInterpreter,
  runCodeCalls,
  runCodeMsPerCall: Math.round(runCodeMs * 10) / 10,
  episodeCalls,
  episodeMsPerCall: Math.round(episodeMs * 10) / 10,
  episodesKept: python.episodes(),
  rssBeforeMb: rssBefore,
  rssAfterMb: rssAfter,
}));
await server.close();
python.close();
