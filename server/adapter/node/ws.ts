/**
 * Node's WebSocket upgrade for the environment server's `/ws`: `@hono/node-server`'s helper, which takes
 * its sockets from the `ws` WebSocketServer that `serve()` in `./mod.ts` attaches to the HTTP server.
 */
export { upgradeWebSocket } from "@hono/node-server";
import { WebSocket } from "ws";

/** A WebSocket client class for tests and tools on Node 20, which has no global `WebSocket` without a flag. */
export const ClientWebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
