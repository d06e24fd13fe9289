import { test } from "uvu";
import * as assert from "uvu/assert";
import { invokeTool } from "../../core/plugin/invoke_tool.ts";
import { startTestServer, type TestServer } from "../http/testing/server_node.ts";
import { generateKnowledgeBase } from "./kb.ts";
import { createSearchIndex, type RetrieveRequest } from "./search_index.ts";
import { wikiTool } from "./tool.ts";

const kb = generateKnowledgeBase({ seed: 1, size: 50 });
const town = kb.towns[7];
const local = wikiTool({ corpus: kb.corpus });
let server: TestServer;
let slowMs = 0;

test.before(async () => {
  // A Search-R1 /retrieve service over the same corpus, as `toolrl serve` would run it.
  const index = createSearchIndex(kb.corpus);
  server = await startTestServer((request) => {
    if (request.path !== "/retrieve") return { status: 404, text: "no such route" };
    const body = request.body as RetrieveRequest;
    if (body.queries[0] === "boom") return { status: 500, text: "index not loaded" };
    return { body: index.retrieve(body), delayMs: slowMs };
  });
});
test.after(() => server.close());

test("wiki returns the top hit in the Search-R1 format", async () => {
  const out = await invokeTool(local, { query: town.name });
  assert.is(out.error, null);
  assert.is(out.text, `Doc 1 (Title: ${town.name})\n${kb.corpus[7].text}`);
  assert.ok(out.text.includes(`founded by ${town.founder} in ${town.year}`));
});

test("wiki finds the town from a whole question, honours topk and says when nothing matches", async () => {
  const out = await invokeTool(local, { query: `Who founded ${town.name}?` });
  assert.ok(out.text.startsWith(`Doc 1 (Title: ${town.name})`), out.text);
  const two = await invokeTool(wikiTool({ corpus: kb.corpus, topk: 2 }), { query: `${town.name} ${kb.towns[3].name}` });
  assert.match(two.text, new RegExp(`^Doc 1 \\(Title: (${town.name}|${kb.towns[3].name})\\)\\n.*\\nDoc 2 \\(Title: `));
  assert.is((await invokeTool(local, { query: "qqqq" })).text, 'No results for "qqqq".');
});

test("wiki maps the submit format's raw query and rejects an empty one", async () => {
  assert.is((await invokeTool(local, ` ${town.name} `, { rawText: true })).text, (await invokeTool(local, { query: town.name })).text);
  const empty = await invokeTool(local, { query: "" });
  assert.is(empty.error, "invalid_arguments");
});

test("wiki in remote mode asks a real /retrieve service and reads the same answer as locally", async () => {
  const remote = wikiTool({ remote: { url: `${server.url}/retrieve` } });
  assert.is(remote.index, null);
  const before = server.requests.length;
  const out = await invokeTool(remote, { query: town.name });
  assert.is(out.error, null);
  assert.is(out.text, (await invokeTool(local, { query: town.name })).text);
  assert.equal(server.requests[before].body, { queries: [town.name], topk: 1, return_scores: true });
  assert.is(server.requests[before].method, "POST");
});

test("wiki in remote mode turns a server error and a time-out into tool errors", async () => {
  const remote = wikiTool({ remote: { url: `${server.url}/retrieve`, timeoutMs: 300 } });
  const failed = await invokeTool(remote, { query: "boom" });
  assert.is(failed.error, "tool_exception");
  assert.match(failed.text, `/retrieve answered 500: index not loaded`);
  const missing = await invokeTool(wikiTool({ remote: { url: `${server.url}/nope` } }), { query: "x" });
  assert.match(missing.text, "answered 404");
  slowMs = 1000;
  const started = performance.now();
  const slow = await invokeTool(remote, { query: town.name });
  slowMs = 0;
  assert.match(slow.text, "did not answer within 300 ms");
  assert.ok(performance.now() - started < 900);
});

test("wikiTool() wants exactly one source and a usable URL", () => {
  assert.throws(() => wikiTool({}), /exactly one of corpus, index or remote \(got 0\)/);
  assert.throws(() => wikiTool({ corpus: [], remote: { url: "http://x" } }), /got 2/);
  assert.throws(() => wikiTool({ remote: { url: "ftp://x" } }), /must be an http\(s\) URL/);
  assert.throws(() => wikiTool({ corpus: [], topk: 0 }), /topk 0/);
});

test.run();
