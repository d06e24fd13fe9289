import { test } from "uvu";
import * as assert from "uvu/assert";
import { percentile, runLoad } from "./load.ts";
import { formatTable, runServerBench } from "./suite.ts";
import { serve } from "../../server/adapter/serve.ts";

test("percentile() takes the nearest rank", () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.is(percentile(sorted, 0.5), 50);
  assert.is(percentile(sorted, 0.99), 99);
  assert.is(percentile(sorted, 1), 100);
  assert.is(percentile([7], 0.99), 7);
});

test("runLoad() counts every response by status class", async () => {
  let served = 0;
  const app = { fetch: () => new Response(null, { status: ++served % 2 === 0 ? 503 : 200 }) };
  const server = await serve({ app, port: 0 });
  try {
    const result = await runLoad({ url: `${server.url}/` }, { clients: 2, seconds: 0.2, warmupSeconds: 0 });
    assert.is(result.requests, (result.statuses["2xx"] ?? 0) + (result.statuses["5xx"] ?? 0));
    assert.ok(Math.abs((result.statuses["2xx"] ?? 0) - (result.statuses["5xx"] ?? 0)) <= 2, JSON.stringify(result.statuses));
    assert.ok(result.p50Ms <= result.p99Ms && result.p99Ms <= result.maxMs);
  } finally {
    await server.close();
  }
});

test("runServerBench() loads every target with no 5xx and relates them to the bare handler", async () => {
  const report = await runServerBench({ clients: 2, seconds: 0.25 });
  assert.equal(report.rows.map((row) => row.name), [
    "bare hono handler", "POST /tools/calculator", "POST /mcp tools/call calculator", "POST /retrieve 32 queries top 3",
  ]);
  assert.is(report.serverErrors, 0);
  for (const row of report.rows) {
    assert.ok(row.requests > 0, row.name);
    assert.is(row.statuses["2xx"], row.requests, `${row.name}: every answer is 2xx`);
  }
  assert.is(report.rows[0].relativeRps, 1);
  const table = formatTable(report);
  assert.is(table.split("\n").length, 7, "title, header, rule, four rows");
  assert.ok(table.includes("POST /tools/calculator"));
});

test.run();
