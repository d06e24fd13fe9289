import { test } from "uvu";
import * as assert from "uvu/assert";
import { main } from "../main.ts";
import { memoryIO } from "../io.ts";
import { run } from "./serve.ts";

/** Starts `toolrl serve` in-process; resolves with its URL once it logs that it listens. */
async function start(args: string[]) {
  const io = memoryIO();
  const controller = new AbortController();
  const exited = run(["--port", "0", ...args], io, { signal: controller.signal });
  let url: string | undefined;
  for (let i = 0; i < 200 && url === undefined; i++) {
    url = io.err.match(/listening on (http:\/\/\S+)/)?.[1];
    if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (url === undefined) throw new Error(`toolrl serve did not start: ${io.err}`);
  return { io, url, exited, stop: () => controller.abort() };
}

test("toolrl serve serves the built-in calculator until closed, one log line per request", async () => {
  const server = await start(["--plugins", "calculator"]);
  let returned = false;
  server.exited.then(() => (returned = true));
  const response = await fetch(`${server.url}/tools/calculator`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ arguments: { expression: "7*6" } }),
  });
  assert.is((await response.json()).text, "42");
  await fetch(`${server.url}/tools/nope`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
    .then((r) => r.body?.cancel());
  assert.match(server.io.err, /tools: calculator\)/);
  assert.match(server.io.err, /\nPOST \/tools\/calculator 200 \d+\.\dms\n/);
  assert.match(server.io.err, /\nPOST \/tools\/nope 404 \d+\.\dms\n/);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(returned, false, "still serving");
  server.stop();
  assert.is(await server.exited, 0);
});

test("toolrl serve --plugin loads a plugin module and --token guards it", async () => {
  const server = await start(["--plugins", "calculator", "--plugin", "./server/testing/fixtures.ts", "--token", "t0k"]);
  const names = (token: string) =>
    fetch(`${server.url}/tools`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status === 200 ? r.json() : r.status);
  assert.is(await names("wrong"), 401);
  const tools = await names("t0k");
  assert.equal(tools.map((t: { function: { name: string } }) => t.function.name), ["calculator", "add", "hang", "sleep", "boom", "wiki"]);
  server.stop();
  assert.is(await server.exited, 0);
});

test("toolrl serve --env serves the task as an environment beside the tools", async () => {
  const server = await start(["--plugins", "calculator", "--env", "calculator"]);
  const response = await fetch(`${server.url}/reset`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"seed":4,"format":"submit"}' });
  const { observation, done } = await response.json();
  assert.is(done, false);
  assert.is(observation.format, "submit");
  assert.match(observation.prompt, /\?/);
  server.stop();
  assert.is(await server.exited, 0);
});

test("toolrl serve --env names a task no served plugin has", async () => {
  const io = memoryIO();
  assert.is.not(await main(["serve", "--plugins", "calculator", "--env", "chess", "--port", "0"], io), 0);
  assert.match(io.err, /chess/);
});

test("toolrl serve rejects unknown options and bad numbers with exit code 2", async () => {
  for (const args of [["--bogus", "1"], ["--port", "-1"], ["--max-concurrent", "x"], ["--host"]]) {
    const io = memoryIO();
    assert.is(await main(["serve", ...args], io), 2, args.join(" "));
    assert.ok(io.err.includes("toolrl serve:"), io.err);
  }
});

test("toolrl serve --token with an empty value (an unset $TOKEN) is refused in the flag's terms", async () => {
  const io = memoryIO();
  assert.is(await main(["serve", "--plugins", "calculator", "--port", "0", "--token", ""], io), 2);
  assert.match(io.err, /toolrl serve: --token is empty \(was \$TOKEN set\?\)/);
  assert.not.match(io.err, /createToolServer/);
});

test("toolrl serve --help lists the routes and options", async () => {
  const io = memoryIO();
  assert.is(await main(["serve", "--help"], io), 0);
  for (const word of ["/run_code", "/retrieve", "/mcp", "--token", "--plugin"]) assert.ok(io.out.includes(word), word);
});

test.run();
