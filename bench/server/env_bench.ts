/**
 * Load on the environment server's `/ws`: 64 concurrent sessions × 20 calculator episodes on loopback,
 * each played by the task's solver; prints errors, rewards and p50/p99 per step. Deno or Node:
 *   deno run -A --no-lock bench/server/env_bench.ts [sessions] [episodes]
 *   node --import tsx bench/server/env_bench.ts [sessions] [episodes]
 */
import { calculator } from "../../plugins/calculator/mod.ts";
import { createToolServer } from "../../server/server.ts";
import { serve } from "../../server/adapter/serve.ts";
import { runtimeUpgradeWebSocket, runtimeWebSocket } from "../../server/adapter/ws.ts";
import { processArgs, runtime, setExitCode } from "../host_node.ts";

const [sessions = 64, episodes = 20] = processArgs().map(Number);
const WebSocketClient = await runtimeWebSocket();
const plugin = calculator();
const task = plugin.tasks[0];
const upgradeWebSocket = await runtimeUpgradeWebSocket();
const app = createToolServer({ plugins: [plugin], env: { tasks: [task], upgradeWebSocket, maxSessions: sessions } });
const server = await serve({ app, port: 0 });
const times: number[] = [];
let errors = 0;
let wrong = 0;

async function client(k: number) {
  const ws = new WebSocketClient(server.url.replace("http", "ws") + "/ws");
  const replies: ((d: { type: string; data: Record<string, unknown> }) => void)[] = [];
  ws.onmessage = (event) => replies.shift()?.(JSON.parse(event.data));
  await new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = reject)));
  const send = (type: string, data: unknown) =>
    new Promise<{ type: string; data: Record<string, unknown> }>((resolve) => {
      replies.push(resolve);
      ws.send(JSON.stringify({ type, data }));
    });
  for (let e = 0; e < episodes; e++) {
    const seed = k * 1000 + e;
    const [sample] = task.samples({ seed, n: 1 });
    if ((await send("reset", { seed, format: "hermes" })).type !== "observation") errors++;
    const results: string[] = [];
    for (let turn = 0; turn < 8; turn++) {
      const text = task.solve(sample, "hermes", results);
      const started = performance.now();
      const reply = await send("step", { text });
      times.push(performance.now() - started);
      if (reply.type !== "observation") {
        errors++;
        break;
      }
      const data = reply.data as { observation: { tool_results: { text: string }[] }; reward: number; done: boolean };
      results.push(...data.observation.tool_results.map((result) => result.text));
      if (data.done) {
        if (data.reward !== 1) wrong++;
        break;
      }
    }
  }
  ws.close();
}

const started = performance.now();
await Promise.all(Array.from({ length: sessions }, (_, k) => client(k)));
const seconds = (performance.now() - started) / 1000;
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))].toFixed(2);
console.log(JSON.stringify({
  runtime: `${runtime.name} ${runtime.version}`,
  sessions,
  episodes_per_session: episodes,
  steps: times.length,
  errors,
  reward_not_1: wrong,
  seconds: Number(seconds.toFixed(2)),
  steps_per_s: Math.round(times.length / seconds),
  p50_ms: Number(at(0.5)),
  p99_ms: Number(at(0.99)),
}));
await server.close();
if (errors > 0 || wrong > 0) setExitCode(1);
