/**
 * The official MCP SDK client, over streamable HTTP, lists and calls the served tools on a real server.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Client } from "@modelcontextprotocol/sdk/client";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ServerHandle } from "./adapter/types.ts";
import { startServer } from "./testing/fixtures.ts";
import { MCP_SERVER_INFO } from "./mcp.ts";

const TOKEN = "mcp-token";
let server: ServerHandle;
let client: Client;

test.before(async () => {
  server = await startServer({ auth: { token: TOKEN } });
  client = new Client({ name: "toolrl-test", version: "0.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
  });
  await client.connect(transport);
});
test.after(async () => {
  await client.close();
  await server.close();
});

test("an MCP client connects and reads the server's name", () => {
  assert.equal(client.getServerVersion(), MCP_SERVER_INFO);
});

test("tools/list gives every tool with its JSON Schema", async () => {
  const { tools } = await client.listTools();
  assert.equal(tools.map((t) => t.name), ["add", "hang", "sleep", "boom", "wiki"]);
  assert.is(tools[0].description, "Adds two numbers.");
  assert.equal(tools[0].inputSchema.properties, { a: { type: "number" }, b: { type: "number" } });
});

test("tools/call runs a tool and returns its text", async () => {
  const result = await client.callTool({ name: "add", arguments: { a: 20, b: 22 } });
  assert.equal(result.content, [{ type: "text", text: "42" }]);
  assert.is(result.isError, false);
});

test("tools/call reports invalid arguments, exceptions and time-outs as isError results", async () => {
  const invalid = await client.callTool({ name: "add", arguments: { a: "x" } });
  assert.is(invalid.isError, true);
  assert.ok((invalid.content as { text: string }[])[0].text.includes("Invalid arguments"));
  const thrown = await client.callTool({ name: "boom", arguments: {} });
  assert.is(thrown.isError, true);
  assert.ok((thrown.content as { text: string }[])[0].text.includes("boom went the tool"));
  const hung = await client.callTool({ name: "hang", arguments: {} });
  assert.is(hung.isError, true);
  assert.ok((hung.content as { text: string }[])[0].text.includes("timed out"));
});

test("tools/call of an unknown tool is a JSON-RPC error naming the tools there are", async () => {
  let error: Error | undefined;
  try {
    await client.callTool({ name: "nope", arguments: {} });
  } catch (e) {
    error = e as Error;
  }
  assert.ok(error?.message.includes("no tool named \"nope\""), error?.message);
  assert.ok(error?.message.includes("add"), error?.message);
});

test("an MCP client without the token is refused with 401", async () => {
  const stranger = new Client({ name: "stranger", version: "0.0.0" });
  let error: Error | undefined;
  try {
    await stranger.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
  } catch (e) {
    error = e as Error;
  }
  assert.ok(error, "connect failed");
  assert.ok(/401|nauthorized/.test(error!.message), error!.message);
});

test.run();
