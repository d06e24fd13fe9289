import { test } from "uvu";
import { settingDocs, settingsHelp } from "./config_help.ts";
import { shapeScore } from "./rl_step.ts";
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
  assert.throws(() => parseTrainConfig({ task: "calculator", format: "two words" }), /format: a format name is a word/);
  assert.throws(() => parseTrainConfig({ task: "calculator", steps: -1 }), /steps/);
});

test("parseTrainConfig() takes any format name; the registry judges it once the run's plugins are loaded", () => {
  assert.is(parseTrainConfig({ task: "calculator", format: "mistral" }).format, "mistral");
  assert.is(parseTrainConfig({ task: "calculator", format: "hermes" }).format, "hermes");
});

test("mergeConfig() merges nested objects and replaces arrays and values", () => {
  assert.equal(mergeConfig({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2] }), { a: { b: 1, c: 3 }, d: [2] });
});

test("parseTrainConfig() checks fields against each other, naming both", () => {
  assert.throws(() => parseTrainConfig({ task: "calculator", ppo: { batchSize: 64, miniBatchSize: 24 } }), /ppo\.batchSize \(64\) must be a multiple of ppo\.miniBatchSize \(24\)/);
  assert.throws(
    () => parseTrainConfig({ task: "calculator", ppo: { miniBatchSize: 16, gradientAccumulationSteps: 3 } }),
    /gradientAccumulationSteps \(3\)/,
  );
  assert.throws(
    () => parseTrainConfig({ task: "calculator", algo: "grpo", grpo: { promptsPerStep: 3, numGenerations: 8, miniBatchSize: 16 } }),
    /grpo\.promptsPerStep \* grpo\.numGenerations \(24\) must be a multiple of grpo\.miniBatchSize \(16\)/,
  );
  assert.throws(
    () => parseTrainConfig({ task: "calculator", algo: "grpo", grpo: { epsilon: 0.2, epsilonHigh: 0.1 } }),
    /epsilonHigh \(0\.1\) must be at least grpo\.epsilon/,
  );
  // the inactive algorithm's settings are not held against the run
  assert.is(parseTrainConfig({ task: "calculator", algo: "grpo", ppo: { batchSize: 64, miniBatchSize: 24 } }).algo, "grpo");
});

test("settingDocs() lists every leaf setting with its preset value and description; the help shows them", () => {
  const docs = settingDocs("calculator");
  const byKey = new Map(docs.map((doc) => [doc.key, doc]));
  for (const key of ["ppo.entCoef", "ppo.klPenalty", "grpo.lossType", "grpo.epsilonHigh", "sft.toolRate", "rewardClip", "evalEvery"]) {
    assert.ok(byKey.has(key), `missing ${key}`);
    assert.ok(byKey.get(key)!.description.length > 10, `${key} has no description`);
  }
  assert.is(byKey.get("ppo.learningRate")!.value, parseTrainConfig({ task: "calculator" }).ppo.learningRate);
  assert.is(byKey.get("grpo.lossType")!.type, "grpo|bnpo|dr_grpo|dapo");
  assert.ok(docs.every((doc) => doc.description !== ""), `undocumented: ${docs.filter((d) => !d.description).map((d) => d.key)}`);
  const help = settingsHelp("calculator");
  for (const doc of docs.filter((d) => d.key !== "task")) assert.ok(help.includes(`  ${doc.key} `), doc.key);
});

test("shapeScore() scales, then clips when rewardClip is set", () => {
  assert.is(shapeScore(3, { rewardScale: 0.5, rewardClip: 1 }), 1);
  assert.is(shapeScore(-3, { rewardScale: 1, rewardClip: 2 }), -2);
  assert.is(shapeScore(0.4, { rewardScale: 2, rewardClip: 0 }), 0.8);
});

test.run();
