import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFlags, settingsObject, tryReadFlags } from "./flags.ts";

const spec = { steps: "number", out: "string", plugin: "list", "no-tool-mask": "boolean" } as const;

test("readFlags() reads values, = forms, repeated lists, switches and positionals", () => {
  const { flags, positional } = readFlags(
    ["calculator", "--steps", "5", "--out=runs/x", "--plugin", "a.ts", "--plugin", "b.ts", "--no-tool-mask"],
    spec,
  );
  assert.equal(positional, ["calculator"]);
  assert.equal(flags, { steps: 5, out: "runs/x", plugin: ["a.ts", "b.ts"], "no-tool-mask": true });
});

test("readFlags() names unknown options, missing values and non-numbers", () => {
  assert.throws(() => readFlags(["--setps", "5"], spec), /unknown option --setps; known options: --steps/);
  assert.throws(() => readFlags(["--steps"], spec), /--steps needs a value/);
  assert.throws(() => readFlags(["--steps", "many"], spec), /--steps must be a number, got "many"/);
  assert.throws(() => readFlags(["--no-tool-mask=1"], spec), /takes no value/);
});

test("tryReadFlags() gives the error sentence instead of throwing, for commands that exit 2 on bad options", () => {
  assert.is(tryReadFlags(["--bogus"], { text: "string" }), "unknown option --bogus; known options: --text");
  assert.equal(tryReadFlags(["dir", "--text=hi"], { text: "string" }), { flags: { text: "hi" }, positional: ["dir"] });
});

test("every command reads its flags with the one reader: a bad option is named the same way by each", async () => {
  const { main } = await import("../main.ts");
  const { memoryIO } = await import("../io.ts");
  for (const argv of [["train", "calculator"], ["eval", "a", "b"], ["parse"], ["serve"], ["logits", "dir"], ["export-onnx", "a", "b"], ["template", "dir"], ["export", "verl-dataset", "calculator"], ["init-model", "dir"], ["merge-lora", "a", "b"]]) {
    const io = memoryIO();
    assert.is.not(await main([...argv, "--bogus-flag", "1"], io), 0, argv.join(" "));
    assert.match(io.err, /unknown option --bogus-flag; known options: (--|none)/, argv.join(" "));
  }
});

test("settingsObject() builds nested settings and parses JSON values", () => {
  assert.equal(settingsObject(["ppo.learningRate=1e-4", "format=hermes", "model.nLayer=2", "plugins=[\"a\"]"]), {
    ppo: { learningRate: 1e-4 },
    format: "hermes",
    model: { nLayer: 2 },
    plugins: ["a"],
  });
  assert.throws(() => settingsObject(["nokey"]), /key=value/);
});

test("settingsObject() refuses keys that would pollute Object.prototype", () => {
  for (const key of ["__proto__.x=1", "a.constructor.prototype.y=2", "prototype=3"]) {
    assert.throws(() => settingsObject([key]), /is not a setting/);
  }
  assert.is(({} as Record<string, unknown>).x, undefined);
});

test.run();
