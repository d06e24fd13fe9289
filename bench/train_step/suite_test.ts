// The train-step suite's quick run: the engine and (where torch is present) PyTorch agree on the first
// loss, a ratio is reported against the named baseline, and the profile accounts for the step.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { run } from "./suite.ts";

test("train-step --quick: same first loss on both sides, a ratio per config and a per-op profile", async () => {
  const output = await run({ quick: true, backend: "wasm", child: false, log: () => {} });
  const [config] = output.figures.configs;
  assert.is(output.figures.configs.length, 1);
  assert.ok(config.engineMs > 0 && config.firstLoss.engine > 0);
  if (config.ratio === null) {
    assert.match(output.figures.baseline, /pytorch yardstick unavailable/);
  } else {
    assert.match(output.figures.baseline, /^pytorch \d+\.\d+.* best of 1 and 2 threads/);
    assert.ok(Math.abs(config.firstLoss.engine - config.firstLoss.pytorch!) < 2e-3);
    assert.ok(config.ratio > 0 && Object.keys(config.pytorchMs).length === 2);
  }
  const ops = config.profile.map((p) => p.op);
  for (const op of ["forward: matmulForward", "backward: matmulBackward", "forward: logprobsForward", "adamw: adamwUpdate"]) {
    assert.ok(ops.includes(op), `${op} in ${ops.join(", ")}`);
  }
  const counted = config.profile.reduce((a, p) => a + p.ms, 0);
  assert.ok(counted > 0 && counted <= config.profileStepMs * 1.01, `${counted} of ${config.profileStepMs}`);
  assert.ok(output.table.includes("profile of an engine step"));
});

test.run();
