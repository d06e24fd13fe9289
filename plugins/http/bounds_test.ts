import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer, type TestServer } from "./testing/server_node.ts";
import { checkAllowed, MAX_RESPONSE_BYTES, remoteTools } from "./tool.ts";

let server: TestServer;
/** What the test server lists under GET /tools, as JSON text. */
let listing = "";
const tool = (name: string, parameters: string) => `[{"type": "function", "function": {"name": "${name}", "parameters": ${parameters}}}]`;
test.before(async () => {
  server = await startTestServer(() => Promise.resolve({ text: listing, headers: { "Content-Type": "application/json" } }));
});
test.after(() => server.close());
const listingError = () => {
  const host = new URL(server.url).host;
  return remoteTools({ url: server.url, allowHosts: [host] }).then(() => null, (e: Error) => e.message);
};

test("checkAllowed() matches allow-list entries in any case, bare or bracketed IPv6, and with default ports", () => {
  const cases: [string, string][] = [
    ["http://localhost:8787", "LOCALHOST:8787"],
    ["http://[::1]:8787", "::1"],
    ["http://[::1]:8787", "[::1]:8787"],
    ["http://127.0.0.1/", "127.0.0.1:80"],
    ["https://tools.example/", "tools.example:443"],
  ];
  for (const [url, entry] of cases) assert.ok(checkAllowed(url, [entry]), `${url} with ${entry}`);
  for (const [url, entry] of [["http://[::1]:8787", "[::1]:9000"], ["http://127.0.0.1:81", "127.0.0.1:80"], ["http://evil.example", "example"]]) {
    assert.throws(() => checkAllowed(url, [entry]), /not in allowHosts/, `${url} with ${entry}`);
  }
});

test("remoteTools() refuses a GET /tools listing larger than MAX_RESPONSE_BYTES", async () => {
  listing = tool("x", `{"description": "${"d".repeat(MAX_RESPONSE_BYTES)}"}`);
  assert.match(await listingError() ?? "", /larger than 4194304 bytes/);
});

test("remoteTools() refuses a tool whose schema has a catastrophic pattern, at once and naming it", async () => {
  listing = tool("redos", '{"type": "object", "properties": {"q": {"type": "string", "pattern": "^(a+)+$"}}, "required": ["q"]}');
  const started = performance.now();
  const error = await listingError();
  assert.ok(performance.now() - started < 1000);
  assert.match(error ?? "", `the tool server's tool "redos": the pattern "^(a+)+$" at parameters.properties.q could take exponential time`);
});

test("remoteTools() refuses a 20,000-deep schema with an error instead of a stack overflow", async () => {
  listing = tool("deep", '{"type": "array", "items": '.repeat(20_000) + '{"type": "string"}' + "}".repeat(20_000));
  assert.match(await listingError() ?? "", `the tool server's tool "deep": the schema nests deeper than 32 levels at parameters.items.items`);
  listing = tool("fine", '{"type": "object", "properties": {"q": {"type": "string", "pattern": "^[a-z]+$"}}, "required": ["q"]}');
  assert.is(await listingError(), null, "an ordinary schema is accepted");
});

test.run();
