/**
 * The tool server under load on loopback, against a bare hono handler in the same run: the bare
 * handler reads the same JSON body and answers a constant, so the gap is what toolrl adds (routing,
 * limits, valibot validation, the time-out race, the calculator itself); a fourth target loads Search-R1's
 * `/retrieve` over the wiki corpus with a batch of queries. Servers and clients share
 * one process and one runtime; compare rows of one run, not runs on different machines.
 */
import { Hono } from "hono";
import { calculator } from "../../plugins/calculator/mod.ts";
import { wiki } from "../../plugins/wiki/mod.ts";
import { createToolServer } from "../../server/server.ts";
import { runtimeName, serve } from "../../server/adapter/serve.ts";
import type { FetchApp } from "../../server/adapter/types.ts";
import { formatTable as formatCells } from "../report.ts";
import { type LoadRequest, type LoadResult, type LoadSample, sampleLoad, summarizeLoad } from "./load.ts";

/** Options of {@link runServerBench}. */
export interface ServerBenchOptions {
  /** Concurrent clients (default 16). */
  clients?: number;
  /** Measured seconds per target (default 3). */
  seconds?: number;
}

/** One target's row. */
export interface ServerBenchRow extends LoadResult {
  name: string;
  /** requests/s relative to the bare handler (1 for the bare handler itself). */
  relativeRps: number;
  /** p99 latency relative to the bare handler. */
  relativeP99: number;
}

/** The whole report, as written to bench/results/server.json. */
export interface ServerBenchReport {
  bench: "server";
  runtime: string;
  date: string;
  clients: number;
  seconds: number;
  rows: ServerBenchRow[];
  /** Responses with a 5xx status, over all targets (must be 0). */
  serverErrors: number;
}

const EXPRESSION = { arguments: { expression: "12 * (3 + 4) - 0.5" } };
/** Every target must answer this before it is loaded (a broken route would otherwise look fast). */
const ANSWER = "83.5";

interface Target {
  name: string;
  app: FetchApp;
  path: string;
  body: unknown;
  headers?: Record<string, string>;
  /** What its answer must hold before it is loaded (default {@link ANSWER}). */
  expect?: string;
}

/** Search-R1's batched request: 32 queries, the top 3 passages each (answered one query per macrotask). */
const RETRIEVE = { queries: Array.from({ length: 32 }, (_, i) => `Where is town ${i} and which river flows there?`), topk: 3 };

function targets(): Target[] {
  const bare = new Hono();
  bare.post("/calc", async (c) => {
    await c.req.json();
    return c.json({ text: ANSWER, error: null });
  });
  const tools = createToolServer({ plugins: [calculator(), wiki()] });
  return [
    { name: "bare hono handler", app: bare, path: "/calc", body: EXPRESSION },
    { name: "POST /tools/calculator", app: tools, path: "/tools/calculator", body: EXPRESSION },
    {
      name: "POST /mcp tools/call calculator",
      app: tools,
      path: "/mcp",
      body: { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "calculator", ...EXPRESSION } },
      headers: { accept: "application/json, text/event-stream" },
    },
    { name: "POST /retrieve 32 queries top 3", app: tools, path: "/retrieve", body: RETRIEVE, expect: '"contents"' },
  ];
}

function runtimeVersion(): string {
  const runtime = globalThis as { Deno?: { version: { deno: string } }; process?: { version: string } };
  return runtimeName === "deno" ? `deno ${runtime.Deno?.version.deno}` : `node ${runtime.process?.version}`;
}

/**
 * Serves every target on 127.0.0.1 and loads them one at a time in order and then in reverse, A B C D D C B A (half of
 * `seconds` each time), so that a drift of the machine's speed during the run falls evenly on all.
 *
 * @example
 * ```ts
 * const report = await runServerBench({ clients: 16, seconds: 3 });
 * console.log(formatTable(report));
 * ```
 */
export async function runServerBench(options: ServerBenchOptions = {}): Promise<ServerBenchReport> {
  const { clients = 16, seconds = 3 } = options;
  const list = targets();
  const servers = await Promise.all(list.map((target) => serve({ app: target.app, port: 0, hostname: "127.0.0.1" })));
  const samples: LoadSample[][] = list.map(() => []);
  try {
    const requests: LoadRequest[] = list.map((target, i) => ({
      url: `${servers[i].url}${target.path}`,
      method: "POST",
      headers: { "content-type": "application/json", ...target.headers },
      body: JSON.stringify(target.body),
    }));
    for (const [i, request] of requests.entries()) {
      const check = await (await fetch(request.url, request)).text();
      const expect = list[i].expect ?? ANSWER;
      if (!check.includes(expect)) throw new Error(`server_bench: ${list[i].name} answered ${check.slice(0, 200)}, not ${expect}`);
    }
    const order = [...list.keys(), ...[...list.keys()].reverse()];
    for (const i of order) {
      samples[i].push(await sampleLoad(requests[i], { clients, seconds: seconds / 2, warmupSeconds: Math.min(0.3, seconds / 8) }));
    }
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
  const measured = list.map((target, i) => ({ name: target.name, ...summarizeLoad(samples[i]) }));
  const bare = measured[0];
  const rows = measured.map((row) => ({
    ...row,
    relativeRps: row.requestsPerSecond / bare.requestsPerSecond,
    relativeP99: row.p99Ms / bare.p99Ms,
  }));
  const serverErrors = rows.reduce((sum, row) => sum + (row.statuses["5xx"] ?? 0), 0);
  return { bench: "server", runtime: runtimeVersion(), date: new Date().toISOString(), clients, seconds, rows, serverErrors };
}

/** The report as a fixed-width table, under a title line. */
export function formatTable(report: ServerBenchReport): string {
  const header = ["target", "req/s", "p50 ms", "p99 ms", "2xx", "non-2xx", "req/s vs bare", "p99 vs bare"];
  const rows = report.rows.map((row) => [
    row.name,
    row.requestsPerSecond,
    row.p50Ms,
    row.p99Ms,
    row.statuses["2xx"] ?? 0,
    row.requests - (row.statuses["2xx"] ?? 0),
    `${row.relativeRps.toFixed(2)}x`,
    `${row.relativeP99.toFixed(2)}x`,
  ]);
  const title = `tool server on loopback — ${report.runtime}, ${report.clients} clients, ${report.seconds} s per target`;
  return `${title}\n${formatCells(header, rows, { digits: [0, 0, 2, 2, 0, 0] })}`;
}
