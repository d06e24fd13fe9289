import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseTrainConfig } from "./config.ts";
import { mergeConfig } from "./merge.ts";
import { presetFor } from "./presets.ts";
import { parsePpoConfig } from "../ppo/config.ts";
import { parseGrpoConfig } from "../grpo/config.ts";

test("parseTrainConfig() fills defaults, takes the task's preset, and lets the caller override both", () => {
  const config = parseTrainConfig({ task: "calculator", ppo: { ppoEpochs: 3 } });
  assert.is(config.algo, "ppo");
  assert.is(config.format, "submit");
  assert.is(config.out, "runs/calculator");
  assert.is(config.steps, presetFor("calculator").steps);
  assert.is(config.ppo.ppoEpochs, 3);
  assert.is(config.ppo.learningRate, (presetFor("calculator").ppo as { learningRate: number }).learningRate);
  assert.is(config.ppo.cliprange, 0.2);
  assert.is(config.ppo.vfCoef, 0.1);
  assert.is(config.includeToolTokens, false);
});

test("parseTrainConfig() gives any task the from-scratch preset; the schemas keep TRL's PPO defaults", () => {
  const config = parseTrainConfig({ task: "my-task", out: "x" });
  assert.equal(config.model, presetFor("calculator").model);
  const ppo = parsePpoConfig({});
  assert.is(ppo.learningRate, 1.41e-5);
  assert.is(ppo.batchSize, 128);
  assert.is(ppo.ppoEpochs, 4);
  assert.is(ppo.initKlCoef, 0.2);
  assert.is(ppo.target, 6);
  assert.is(ppo.horizon, 10000);
  assert.is(ppo.lam, 0.95);
  assert.is(ppo.ratioThreshold, 10);
  assert.is(parseGrpoConfig({}).beta, 0.04);
});

test("parseTrainConfig() refuses unknown fields and bad values, naming them", () => {
  assert.throws(() => parseTrainConfig({ task: "calculator", ppo: { clipRange: 0.1 } as never }), /clipRange/);
  assert.throws(() => parseTrainConfig({ task: "calculator", format: "xml" as never }), /format/);
  assert.throws(() => parseTrainConfig({ task: "calculator", steps: -1 }), /steps/);
});

test("mergeConfig() merges nested objects and replaces arrays and values", () => {
  assert.equal(mergeConfig({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2] }), { a: { b: 1, c: 3 }, d: [2] });
});

test.run();
