/**
 * Adapter (Node and Deno, through node:child_process): the near-peak matmul yardstick, NumPy's
 * float32 `@` on OpenBLAS with its default threads (every core), measured by a python3 child at the
 * same shapes and with the same flop counts as the wasm kernels (median and fastest of 5 to 60 calls).
 * Skipped, with the reason, where python3 or NumPy is missing.
 */
import { execFile } from "node:child_process";
import type { MatmulShape, Yardstick } from "./suite.ts";

const SCRIPT = `
import json, sys, time
import numpy as np
shapes = json.loads(sys.argv[1])
rng = np.random.default_rng(0)
def seconds(f, flops):
    f()
    reps = max(5, min(60, int(3e9 / flops)))
    times = []
    for _ in range(reps):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2], times[0]
figures = []
for s in shapes:
    BT, C, OC = s["BT"], s["C"], s["OC"]
    inp = rng.standard_normal((BT, C), dtype=np.float32)
    weight = rng.standard_normal((OC, C), dtype=np.float32)
    dout = rng.standard_normal((BT, OC), dtype=np.float32)
    flops = 2 * BT * C * OC
    forward, forward_best = seconds(lambda: inp @ weight.T, flops)
    backward, backward_best = seconds(lambda: (dout @ weight, dout.T @ inp), 2 * flops)
    figures.append({
        "forwardGflops": flops / forward / 1e9, "backwardGflops": 2 * flops / backward / 1e9,
        "bestForwardGflops": flops / forward_best / 1e9, "bestBackwardGflops": 2 * flops / backward_best / 1e9,
    })
print(json.dumps({"version": np.__version__, "figures": figures}))
`;

/** NumPy's GFLOP/s at `shapes`, or why it was skipped. */
export const numpyYardstick: Yardstick = (shapes: MatmulShape[]) =>
  new Promise((resolve) => {
    const arg = JSON.stringify(shapes.map(({ BT, C, OC }) => ({ BT, C, OC })));
    execFile("python3", ["-c", SCRIPT, arg], { timeout: 300_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "python3 not found" : (stderr.trim().split("\n").pop() ?? error.message);
        resolve({ skipped: `numpy yardstick unavailable (${why})` });
        return;
      }
      const { version, figures } = JSON.parse(stdout);
      resolve({ name: `numpy ${version} (openblas, all cores)`, figures });
    });
  });
