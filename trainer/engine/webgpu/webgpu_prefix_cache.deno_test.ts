// The prefix cache on webgpu: chunked prefill over cached keys and values (cacheWrite, attentionDecode,
// gatherRows on the device) writes the same greedy tokens as full prefill, over three turns.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkPrefixCache } from "../conformance/prefix_cache_check.ts";
import { createWebGpuBackend } from "./webgpu_backend.ts";

const backend = await createWebGpuBackend();

test(`webgpu generates the same tokens with the prefix cache as without it (${backend.adapter.description})`, async () => {
  const report = await checkPrefixCache(backend);
  if (!report.ok) console.log(report.text);
  console.log(`  largest logprob difference ${report.maxLogprobDiff.toExponential(2)}, hit rate ${report.hitRate.toFixed(2)}`);
  assert.ok(report.ok);
  assert.ok(report.hits > 0);
});

test.run();
