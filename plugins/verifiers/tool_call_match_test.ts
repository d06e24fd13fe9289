import { test } from "uvu";
import * as assert from "uvu/assert";
import { reactParser } from "../../core/formats/mod.ts";
import { episodeOf } from "../../core/plugin/testing/episodes.ts";
import { type ExpectedCall, matchToolCalls, renderExpectedCalls, toolCallMatch } from "./tool_call_match.ts";

const weather: ExpectedCall = {
  "weather.get": { city: ["New York, NY", "NYC"], date: ["April 1, 2024", ""], days: [3.0] },
};
const call = (name: string, args: unknown) => ({ name, arguments: args });

test("matchToolCalls() standardises strings and accepts an int for a float", () => {
  const result = matchToolCalls([call("weather.get", { city: "new york ny", date: "April 1 2024", days: 3 })], [
    weather,
  ]);
  assert.equal(result, { ok: true });
  assert.ok(matchToolCalls([call("weather.get", { city: "nyc", days: 3 })], [weather]).ok);
});

test("matchToolCalls() says which argument is wrong, missing or unexpected", () => {
  const wrong = matchToolCalls([call("weather.get", { city: "Boston", days: 3 })], [weather]);
  assert.equal(wrong.ok, false);
  assert.match((wrong as { reason: string }).reason, /city = "Boston" is not one of/);
  const missing = matchToolCalls([call("weather.get", { city: "NYC" })], [weather]);
  assert.match((missing as { reason: string }).reason, /missing the required argument "days"/);
  const extra = matchToolCalls([call("weather.get", { city: "NYC", days: 3, units: "C" })], [weather]);
  assert.match((extra as { reason: string }).reason, /unexpected argument "units"/);
  assert.not.ok(matchToolCalls([call("weather.get", { city: "NYC", days: "3" })], [weather]).ok);
  assert.not.ok(matchToolCalls([call("weather.get", "city=NYC")], [weather]).ok);
});

test("matchToolCalls() accepts `_` for `.` in names and nothing else", () => {
  assert.ok(matchToolCalls([call("weather_get", { city: "NYC", days: 3 })], [weather]).ok);
  const other = matchToolCalls([call("weather.set", { city: "NYC", days: 3 })], [weather]);
  assert.match((other as { reason: string }).reason, /called weather.set, expected weather.get/);
});

test("matchToolCalls() rejects a documented function's undocumented parameter even if the gold lists it", () => {
  const functions = [{ name: "weather.get", parameters: { properties: { city: {}, days: {} } } }];
  assert.not.ok(
    matchToolCalls([call("weather.get", { city: "NYC", days: 3, date: "April 1, 2024" })], [weather], { functions }).ok,
  );
  assert.ok(matchToolCalls([call("weather.get", { city: "NYC", days: 3 })], [weather], { functions }).ok);
});

test("matchToolCalls() reads objects in the gold as templates, in lists too", () => {
  const expected: ExpectedCall[] = [{
    query: { filter: [{ field: ["age"], op: [">", "gt"], limit: ["", 10] }], rows: [[{ id: [1] }, { id: [2, 3] }]] },
  }];
  assert.ok(
    matchToolCalls([call("query", { filter: { field: "Age", op: "gt" }, rows: [{ id: 1 }, { id: 3 }] })], expected).ok,
  );
  assert.not.ok(
    matchToolCalls([call("query", { filter: { field: "age", op: ">", x: 1 }, rows: [{ id: 1 }, { id: 3 }] })], expected)
      .ok,
  );
  assert.not.ok(matchToolCalls([call("query", { filter: { op: ">" }, rows: [{ id: 1 }, { id: 3 }] })], expected).ok);
  assert.not.ok(
    matchToolCalls([call("query", { filter: { field: "age", op: ">" }, rows: [{ id: 3 }, { id: 1 }] })], expected).ok,
  );
  assert.equal(renderExpectedCalls(expected), [
    call("query", { filter: { field: "age", op: ">" }, rows: [{ id: 1 }, { id: 2 }] }),
  ]);
});

test("matchToolCalls() finds an assignment of parallel calls that a greedy match would miss", () => {
  const expected: ExpectedCall[] = [{ f: { x: [1, 2] } }, { f: { x: [1] } }];
  assert.ok(matchToolCalls([call("f", { x: 1 }), call("f", { x: 2 })], expected).ok);
  assert.not.ok(matchToolCalls([call("f", { x: 1 }), call("f", { x: 1 }), call("f", { x: 2 })], expected).ok);
  assert.not.ok(matchToolCalls([call("f", { x: 2 }), call("f", { x: 2 })], expected).ok);
});

test("matchToolCalls() wants no call when none is expected", () => {
  assert.ok(matchToolCalls([], []).ok);
  assert.equal(matchToolCalls([call("f", {})], []), { ok: false, reason: "made 1 call(s), expected 0" });
});

test("renderExpectedCalls() takes the first acceptable value and leaves optional parameters out", () => {
  assert.equal(renderExpectedCalls([weather]), [call("weather.get", { city: "New York, NY", days: 3 })]);
  assert.throws(() => renderExpectedCalls([{ a: { x: [1] }, b: { y: [2] } }]), /must be \{ functionName/);
});

test("toolCallMatch() scores parsed calls from every model turn and zero on a malformed call", async () => {
  const verifier = toolCallMatch({ parser: reactParser });
  const sample = { id: "s", question: "q", answer: [{ f: { x: [1] } }, { g: { y: ["a"] } }] };
  const good = episodeOf("Q\n", [
    ["model", 'Action: g\nAction Input: {"y": "A"}\nObservation:'],
    ["tool", " ok\n"],
    ["model", 'Action: f\nAction Input: {"x": 1}\nObservation:'],
  ]);
  assert.is(await verifier.score(good, sample), 1);
  const malformed = episodeOf("Q\n", [[
    "model",
    'Action: g\nAction Input: {"y": "A"}\nAction: f\nAction Input: {x: \nObservation:',
  ]]);
  assert.is(await verifier.score(malformed, sample), 0);
  const fromRecords = episodeOf("Q", [], {
    calls: [{ name: "f", arguments: { x: 1 } }, { name: "g", arguments: { y: "a" } }],
  });
  assert.is(await toolCallMatch().score(fromRecords, sample), 1);
  const badRecord = episodeOf("Q", [], {
    calls: [{ name: "f", arguments: { x: 1 } }, { name: "", error: "bad_json" }],
  });
  assert.is(await toolCallMatch().score(badRecord, sample), 0);
});

test.run();
