/**
 * Adapter (Node and Deno, through node:child_process): the near-peak matmul yardstick, NumPy's
 * float32 `@` on OpenBLAS with its default threads (every core), timed by one python3 child that stays
 * up for the whole run, at the same shapes and with the same flop counts as the wasm kernels. Each
 * request times forward and backward for about the given milliseconds (at least 3 calls each) and
 * answers the median and the fastest call. Skipped, with the reason, where python3 or NumPy is missing.
 */
import { spawnLineChild } from "../python_child_node.ts";
import type { MatmulShape, OpTiming, Yardstick, YardstickSession } from "./suite.ts";

const SCRIPT = `
import json, sys, time
import numpy as np
rng = np.random.default_rng(0)
arrays = {}
def timing(f, budget):
    f()
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < budget and len(times) < 10000):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    times.sort()
    return {"medianMs": times[len(times) // 2] * 1e3, "minMs": times[0] * 1e3}
print(json.dumps({"version": np.__version__}), flush=True)
for line in sys.stdin:
    s = json.loads(line)
    key = (s["BT"], s["C"], s["OC"])
    if key not in arrays:
        BT, C, OC = key
        arrays = {key: (rng.standard_normal((BT, C), dtype=np.float32), rng.standard_normal((OC, C), dtype=np.float32),
                        rng.standard_normal((BT, OC), dtype=np.float32))}
    inp, weight, dout = arrays[key]
    budget = s["timeMs"] / 1e3
    forward = timing(lambda: inp @ weight.T, budget)
    backward = timing(lambda: (dout @ weight, dout.T @ inp), budget)
    print(json.dumps({"forward": forward, "backward": backward}), flush=True)
`;

/** Opens NumPy in a python3 child, or says why it cannot. */
export const numpyYardstick: Yardstick = () => openNumpy("python3");

/** Opens NumPy in a child running `python` (a command on the PATH or a path), or says why it cannot. */
export function openNumpy(python: string): ReturnType<Yardstick> {
  return new Promise((resolve) => {
    const child = spawnLineChild(python, ["-c", SCRIPT]);
    const { nextLine, why } = child;
    nextLine().then((first) => {
      if (!first) {
        resolve({ skipped: `numpy yardstick unavailable (${why()})` });
        return;
      }
      const { version } = JSON.parse(first);
      const session: YardstickSession = {
        name: `numpy ${version} (openblas, all cores)`,
        async measure({ BT, C, OC }: MatmulShape, timeMs: number) {
          child.send({ BT, C, OC, timeMs });
          const line = await nextLine();
          if (!line) throw new Error(`numpy yardstick stopped: ${why()}`);
          return JSON.parse(line) as { forward: OpTiming; backward: OpTiming };
        },
        close() {
          child.close();
        },
      };
      resolve(session);
    });
  });
}
