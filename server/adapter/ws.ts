/** The WebSocket upgrade of this runtime: hono/deno's on Deno, @hono/node-server's (over `ws`) on Node. */
import type { UpgradeWebSocket } from "hono/ws";
import { runtime } from "../../core/runtime/mod.ts";

const isDeno = runtime === "deno";

/** The runtime's `upgradeWebSocket`; on Node it works on servers started by this adapter's `serve()`. */
export async function runtimeUpgradeWebSocket(): Promise<UpgradeWebSocket> {
  const adapter = isDeno ? await import("./deno/ws.ts") : await import("./node/ws.ts");
  return adapter.upgradeWebSocket as unknown as UpgradeWebSocket;
}

/** The runtime's WebSocket client class: the global one where there is one, else `ws`'s (Node 20). */
export async function runtimeWebSocket(): Promise<typeof globalThis.WebSocket> {
  return globalThis.WebSocket ?? (await import("./node/ws.ts")).ClientWebSocket;
}
