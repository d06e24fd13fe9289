/**
 * `/mcp`: the same tools over the Model Context Protocol (streamable HTTP), through the official SDK's
 * web-standard transport. Stateless: each POST gets its own MCP server and transport and a plain JSON
 * answer, so the route runs unchanged on Deno, Node and edge workers, where no session outlives a request.
 */
import type { Hono } from "hono";
import { Server } from "@modelcontextprotocol/sdk/server";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
// The SDK's wildcard exports give Deno's type checker no .d.ts for ".js" paths; @ts-types names them.
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { toolSchemas } from "../core/plugin/tool_schemas.ts";
import { jsonError } from "./errors.ts";
import type { ToolRunner } from "./runner.ts";

/** Name and version the server reports to MCP clients. */
export const MCP_SERVER_INFO = { name: "toolrl", version: "0.1.0" };

/**
 * Adds `POST /mcp` (and 405 answers to GET and DELETE, which a stateless server has no use for).
 *
 * @example
 * ```ts
 * mountMcp(app, runner); // then: new Client(...).connect(new StreamableHTTPClientTransport(new URL(".../mcp")))
 * ```
 */
export function mountMcp(app: Hono, runner: ToolRunner): void {
  const tools = toolSchemas([...runner.tools.values()]).map(({ function: f }) => ({
    name: f.name,
    description: f.description,
    inputSchema: { type: "object" as const, ...f.parameters },
  }));
  // One validator for all requests: building it (ajv and its formats) per request would dominate the route.
  let validator: AjvJsonSchemaValidator | undefined;

  function createServer(): Server {
    validator ??= new AjvJsonSchemaValidator();
    const server = new Server(MCP_SERVER_INFO, { capabilities: { tools: {} }, jsonSchemaValidator: validator });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const tool = runner.tools.get(request.params.name);
      if (!tool) {
        const known = [...runner.tools.keys()].join(", ");
        throw new McpError(ErrorCode.InvalidParams, `no tool named ${JSON.stringify(request.params.name)}; this server has: ${known}`);
      }
      const result = await runner.run(tool, request.params.arguments ?? {}, { signal: extra.signal });
      if (result.kind === "busy") return { content: [{ type: "text", text: result.reason }], isError: true };
      const outcome = result.value;
      return { content: [{ type: "text", text: outcome.text }], isError: outcome.error !== null };
    });
    return server;
  }

  app.post("/mcp", async (c) => {
    const server = createServer();
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    try {
      await server.connect(transport);
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });
  app.on(["GET", "DELETE"], "/mcp", (c) => {
    c.header("Allow", "POST");
    return jsonError(c, 405, "method_not_allowed", "this MCP endpoint is stateless: send JSON-RPC messages with POST");
  });
}
