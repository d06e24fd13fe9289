import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer, type TestServer } from "./_test_server_node.ts";
import { checkAllowed, MAX_RESPONSE_BYTES, remoteTools } from "./tool.ts";

let server: TestServer;
test.before(async () => {
  const huge = [{ type: "function", function: { name: "x", description: "d".repeat(MAX_RESPONSE_BYTES), parameters: {} } }];
  server = await startTestServer(() => Promise.resolve({ body: huge }));
});
test.after(() => server.close());

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
  const host = new URL(server.url).host;
  const error = await remoteTools({ url: server.url, allowHosts: [host] }).then(() => null, (e: Error) => e.message);
  assert.match(error ?? "", /larger than 4194304 bytes/);
});

test.run();
