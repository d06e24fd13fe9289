/**
 * A small closed-loop load generator for HTTP servers on loopback: `clients` concurrent loops, each
 * sending its next request as soon as the last one answers, for `seconds`. Reports requests/s,
 * latency percentiles and status classes. Requests go through fetch on Deno and through `node:http`
 * on Node (see `send_node.ts`), chosen once when this module loads.
 */
import type { LoadRequest } from "./types.ts";
import { runtime } from "../../core/runtime/mod.ts";

export type { LoadRequest };

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Concurrent clients (default 16). */
  clients?: number;
  /** Measured duration in seconds (default 3). */
  seconds?: number;
  /** Unmeasured warm-up before it, in seconds (default 0.3). */
  warmupSeconds?: number;
}

/** What one load run measured. */
export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses by status class: "2xx", "4xx", "5xx", and "failed" for requests that got no response. */
  statuses: Record<string, number>;
}

/** The `q`-quantile (0..1) of sorted values, nearest-rank. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

type Send = () => Promise<number>;

function fetchSender(request: LoadRequest): Send {
  const init: RequestInit = { method: request.method ?? "GET", headers: request.headers, body: request.body };
  return async () => {
    const response = await fetch(request.url, init);
    await response.arrayBuffer();
    return response.status;
  };
}

const createSender: (request: LoadRequest) => Send = runtime === "deno" ? fetchSender : (await import("./send_node.ts")).nodeSender;

async function loop(send: Send, until: number, latencies: number[] | null, statuses: Record<string, number>) {
  while (performance.now() < until) {
    const started = performance.now();
    let key = "failed";
    try {
      key = `${Math.floor((await send()) / 100)}xx`;
    } catch {
      // counted as "failed" below
    }
    if (latencies) {
      latencies.push(performance.now() - started);
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
  }
}

/** Raw measurements of one load run, to be summarised alone or merged with others. */
export interface LoadSample {
  latencies: number[];
  statuses: Record<string, number>;
  seconds: number;
}

/**
 * Sends `request` from `clients` loops for `seconds` and records every latency.
 *
 * @example
 * ```ts
 * const sample = await sampleLoad({ url: "http://127.0.0.1:8000/health" }, { clients: 8, seconds: 1 });
 * ```
 */
export async function sampleLoad(request: LoadRequest, options: LoadOptions = {}): Promise<LoadSample> {
  const { clients = 16, seconds = 3, warmupSeconds = 0.3 } = options;
  const send = createSender(request);
  const ignored: Record<string, number> = {};
  await Promise.all(Array.from({ length: clients }, () => loop(send, performance.now() + warmupSeconds * 1000, null, ignored)));
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, () => loop(send, until, latencies, statuses)));
  return { latencies, statuses, seconds: (performance.now() - started) / 1000 };
}

/** Requests/s, percentiles and status counts over one or more samples of the same target. */
export function summarizeLoad(samples: readonly LoadSample[]): LoadResult {
  const latencies = samples.flatMap((sample) => sample.latencies).sort((a, b) => a - b);
  const seconds = samples.reduce((sum, sample) => sum + sample.seconds, 0);
  const statuses: Record<string, number> = {};
  for (const sample of samples) {
    for (const [key, count] of Object.entries(sample.statuses)) statuses[key] = (statuses[key] ?? 0) + count;
  }
  return {
    requests: latencies.length,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p90Ms: percentile(latencies, 0.9),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? NaN,
    statuses,
  };
}

/**
 * Sends `request` from `clients` loops for `seconds` and measures.
 *
 * @example
 * ```ts
 * const result = await runLoad({ url: "http://127.0.0.1:8000/health" }, { clients: 8, seconds: 2 });
 * result.requestsPerSecond;
 * ```
 */
export async function runLoad(request: LoadRequest, options: LoadOptions = {}): Promise<LoadResult> {
  return summarizeLoad([await sampleLoad(request, options)]);
}
