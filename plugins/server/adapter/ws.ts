/** The WebSocket upgrade of this runtime, or undefined where the adapter has none yet (Node: issue 19 follow-up). */
import type { UpgradeWebSocket } from "hono/ws";

const isDeno = typeof (globalThis as { Deno?: { upgradeWebSocket?: unknown } }).Deno?.upgradeWebSocket === "function";

/** hono/deno's `upgradeWebSocket` on Deno; undefined on Node. */
export async function runtimeUpgradeWebSocket(): Promise<UpgradeWebSocket | undefined> {
  return isDeno ? (await import("./deno/ws.ts")).upgradeWebSocket as unknown as UpgradeWebSocket : undefined;
}
