/** Deno's WebSocket upgrade for the environment server's `/ws` (hono's helper over `Deno.upgradeWebSocket`). */
export { upgradeWebSocket } from "hono/deno";
