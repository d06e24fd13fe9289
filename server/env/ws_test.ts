/** A client written from OpenEnv's WebSocket protocol alone plays every task's solver through `/ws`, on Deno and Node. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { calculator } from "../../plugins/calculator/mod.ts";
import { python } from "../../plugins/python/mod.ts";
import { wiki } from "../../plugins/wiki/mod.ts";
import type { FormatName, Task } from "../../core/types.ts";
import { createToolServer } from "../server.ts";
import { serve } from "../adapter/serve.ts";
import { runtimeUpgradeWebSocket, runtimeWebSocket } from "../adapter/ws.ts";

const plugins = [calculator(), wiki(), python()];
const tasks: Task[] = plugins.flatMap((p) => p.tasks);
const app = createToolServer({ plugins, auth: { token: "t0k" }, env: { tasks, upgradeWebSocket: await runtimeUpgradeWebSocket(), maxSessions: 80 } });
const server = await serve({ app, port: 0 });
const wsUrl = server.url.replace("http", "ws") + "/ws?token=t0k";
const WebSocketClient = await runtimeWebSocket();

/** A protocol-only client: one request, one reply, in order. */
async function connect() {
  const ws = new WebSocketClient(wsUrl);
  const replies: ((data: unknown) => void)[] = [];
  ws.onmessage = (event) => replies.shift()?.(JSON.parse(event.data));
  await new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = reject)));
  const send = (type: string, data: unknown) =>
    new Promise<{ type: string; data: Record<string, unknown> }>((resolve) => {
      replies.push(resolve as (d: unknown) => void);
      ws.send(JSON.stringify({ type, data }));
    });
  const raw = (text: string) => new Promise<unknown>((resolve) => (replies.push(resolve), ws.send(text)));
  return { send, raw, close: () => ws.close() };
}

/** Plays one episode with the solver; returns its reward and the step latencies. */
async function play(client: Awaited<ReturnType<typeof connect>>, task: Task, format: FormatName, seed: number, times?: number[]) {
  const reset = await client.send("reset", { task: task.name, seed, format });
  assert.is(reset.type, "observation", JSON.stringify(reset));
  const observation = (reset.data as { observation: { prompt: string; sample_id: string } }).observation;
  const [sample] = task.samples({ seed, n: 1 });
  assert.is(observation.sample_id, sample.id);
  const results: string[] = [];
  for (let turn = 0; turn < 8; turn++) {
    const text = task.solve(sample, format, results);
    const started = performance.now();
    const reply = await client.send("step", { text });
    times?.push(performance.now() - started);
    assert.is(reply.type, "observation", JSON.stringify(reply));
    const data = reply.data as { observation: { tool_results: { text: string }[] }; reward: number | null; done: boolean };
    results.push(...data.observation.tool_results.map((result) => result.text));
    if (data.done) return data.reward;
  }
  return null;
}

test("/ws: the solver reaches reward 1 for every task × format", async () => {
  const client = await connect();
  const table: string[] = [];
  for (const task of tasks) {
    for (const format of ["submit", "hermes", "react"] as FormatName[]) {
      const rewards = [];
      for (let seed = 0; seed < 3; seed++) rewards.push(await play(client, task, format, seed));
      table.push(`${task.name} ${format}: ${rewards.join(",")}`);
      assert.equal(rewards, [1, 1, 1], `${task.name} ${format}`);
    }
  }
  const state = await client.send("state", {});
  assert.is(state.type, "state");
  assert.ok(typeof state.data.episode_id === "string" && (state.data.step_count as number) > 0);
  console.log(table.join("\n"));
  client.close();
});

test("/ws: bad messages answer type error, and a wrong token is refused", async () => {
  const client = await connect();
  const reply = await client.send("step", { text: "x" });
  assert.is(reply.type, "error");
  assert.match(reply.data.message as string, /reset/);
  const bad = await client.send("dance", {});
  assert.match(bad.data.message as string, /"dance"/);
  assert.is(bad.data.code, "UNKNOWN_TYPE");
  assert.is(reply.data.code, "EXECUTION_ERROR");
  const notObject = await client.send("reset", 5);
  assert.is(notObject.data.code, "VALIDATION_ERROR");
  assert.match(notObject.data.message as string, /data 5 must be a JSON object/);
  assert.is((await client.send("reset", { task: "calculator", seed: 0 })).type, "observation");
  const badAction = await client.send("step", { nope: 1 });
  assert.is(badAction.data.code, "VALIDATION_ERROR", "OpenEnv answers an action that does not validate with VALIDATION_ERROR");
  assert.match(badAction.data.message as string, /"nope":1/);
  // OpenEnv's server: {"message": f"Invalid JSON: {e}"} with Python's JSONDecodeError text.
  assert.equal(await client.raw("{'type': 'state'}"), {
    type: "error",
    data: { message: "Invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)", code: "INVALID_JSON" },
  });
  client.close();
  const refused = await fetch(server.url + "/ws?token=nope");
  assert.is(refused.status, 401);
  await refused.body?.cancel();
  const wrong = new WebSocketClient(wsUrl.replace("token=t0k", "token=nope"));
  const opened = await new Promise<boolean>((resolve) => ((wrong.onopen = () => resolve(true)), (wrong.onerror = () => resolve(false))));
  assert.is(opened, false, "a WebSocket with a wrong token must not open");
});

test("/ws load: 16 sessions × 5 calculator episodes, no errors", async () => {
  const task = tasks.find((t) => t.name === "calculator")!;
  const times: number[] = [];
  const results = await Promise.all(Array.from({ length: 16 }, async (_, k) => {
    const client = await connect();
    const rewards = [];
    for (let e = 0; e < 5; e++) rewards.push(await play(client, task, "hermes", k * 100 + e, times));
    client.close();
    return rewards;
  }));
  assert.ok(results.flat().every((r) => r === 1));
  times.sort((a, b) => a - b);
  console.log(`steps ${times.length} p50 ${times[times.length >> 1].toFixed(2)}ms p99 ${times[Math.floor(times.length * 0.99)].toFixed(2)}ms`);
});

test("/ws past maxSessions: the socket gets one CAPACITY_REACHED error and is closed, as from OpenEnv", async () => {
  const calculatorTask = tasks.find((t) => t.name === "calculator")!;
  const small = await serve({ app: createToolServer({ plugins, env: { tasks: [calculatorTask], upgradeWebSocket: await runtimeUpgradeWebSocket(), maxSessions: 1 } }), port: 0 });
  const url = small.url.replace("http", "ws") + "/ws";
  const holder = new WebSocketClient(url);
  await new Promise((resolve, reject) => ((holder.onopen = resolve), (holder.onerror = reject)));
  const extra = new WebSocketClient(url);
  const messages: { type: string; data: Record<string, unknown> }[] = [];
  extra.onmessage = (event) => messages.push(JSON.parse(String(event.data)));
  const closed = await new Promise<number>((resolve) => (extra.onclose = (event) => resolve(event.code)));
  assert.is(closed, 1000);
  assert.is(messages.length, 1, JSON.stringify(messages));
  assert.is(messages[0].type, "error");
  assert.is(messages[0].data.code, "CAPACITY_REACHED");
  assert.is(messages[0].data.max_sessions, 1);
  assert.is(messages[0].data.active_sessions, 1);
  assert.match(messages[0].data.message as string, /limit of 1 sessions/);
  holder.close();
  await small.close();
});

test.after(async () => {
  await server.close();
});

test.run();
