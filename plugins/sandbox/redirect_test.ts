import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer, type TestServer } from "../http/testing/server_node.ts";
import { retrieveRemote } from "../wiki/remote.ts";
import { runCode } from "./client.ts";

// `elsewhere` stands for another host: a redirect must never carry the request body to it.
let elsewhere: TestServer;
let redirecting: TestServer;
const reached: string[] = [];
test.before(async () => {
  elsewhere = await startTestServer((request) => {
    reached.push(request.path);
    return Promise.resolve({ body: { result: [[]], status: "Success", run_result: null } });
  });
  redirecting = await startTestServer((request) =>
    Promise.resolve({ status: 307, headers: { location: `${elsewhere.url}${request.path}` }, text: "" })
  );
});
test.after(async () => {
  await redirecting.close();
  await elsewhere.close();
});

test("the sandbox client refuses a redirect instead of re-sending the code to another host", async () => {
  const error = await runCode({ url: redirecting.url, retries: 0 }, { code: "print(1)", language: "python" })
    .then(() => "followed", (e: Error) => e.message);
  assert.match(error, /answered a redirect to http:\/\/127\.0\.0\.1:\d+\/run_code/);
  assert.equal(reached, []);
});

test("the remote wiki refuses a redirect instead of re-sending the query to another host", async () => {
  const error = await retrieveRemote({ url: `${redirecting.url}/retrieve` }, "Velmora", { topk: 1 })
    .then(() => "followed", (e: Error) => e.message);
  assert.match(error, /answered a redirect to/);
  assert.equal(reached, []);
});

test.run();
