import { test } from "uvu";
import * as assert from "uvu/assert";
import { connect } from "node:net";
import { startServer } from "./testing/fixtures.ts";

test("a client that drops mid-body is logged as a client abort (499), not a server failure (500)", async () => {
  const lines: string[] = [];
  const server = await startServer({ logger: (line) => lines.push(line) });
  const url = new URL(server.url);
  const socket = connect(Number(url.port), url.hostname, () => {
    socket.write(`POST /tools/add HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"argu`);
    setTimeout(() => socket.destroy(), 100);
  });
  for (let waited = 0; lines.length === 0 && waited < 3000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  await server.close();
  assert.equal(lines.map((line) => line.split(" ").slice(0, 3).join(" ")), ["POST /tools/add 499"]);
});

test.run();
