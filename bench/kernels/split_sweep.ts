/**
 * Where splitting a kernel call across two threads starts to pay: matmul forward and backward at
 * growing sizes, each repetition timing one thread and two threads back to back (so that both see the
 * same load on a shared machine), the call cut into the fewest chunks a split makes (two, by setting
 * minWorkPerChunk to half the call's multiply-adds). `MIN_WORK_PER_CHUNK` in trainer/engine/wasm/wasm_kernels.ts comes from this sweep.
 */
import { createWasmKernels } from "../../trainer/engine/wasm/wasm_kernels.ts";

/**
 * One size of the sweep: multiply-adds per call, median microseconds on 1 and 2 threads, the median of
 * the paired speed-ups (what a busy machine gives) and the ratio of the fastest calls (an idle one).
 */
export interface SweepRow {
  BT: number;
  C: number;
  OC: number;
  multiplyAdds: number;
  forwardUs: [number, number];
  backwardUs: [number, number];
  forwardSpeedup: number;
  backwardSpeedup: number;
  forwardBestSpeedup: number;
  backwardBestSpeedup: number;
}

const SIZES = [[8, 32, 32], [16, 64, 64], [32, 64, 96], [32, 64, 176], [64, 64, 176], [128, 64, 176], [256, 64, 176], [1024, 64, 176]];

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1];

/**
 * Runs the sweep (`timeMs` of repetitions per size, 300 by default).
 *
 * @example
 * ```ts
 * console.log(formatSweep(await runSplitSweep()));
 * ```
 */
export async function runSplitSweep(sizes = SIZES, timeMs = 300): Promise<SweepRow[]> {
  const one = await createWasmKernels({ threads: 1 });
  const rows: SweepRow[] = [];
  try {
    for (const [BT, C, OC] of sizes) {
      const two = await createWasmKernels({ threads: 2, minWorkPerChunk: Math.floor((BT * C * OC) / 2) });
      const calls = [one, two].map((kernels) => {
        const inp = kernels.alloc(BT * C).fill(0.5), weight = kernels.alloc(OC * C).fill(0.25), out = kernels.alloc(BT * OC);
        const dout = kernels.alloc(BT * OC).fill(0.1), dinp = kernels.alloc(BT * C), dweight = kernels.alloc(OC * C);
        return [
          () => kernels.matmulForward(out, inp, weight, null, BT, C, OC),
          () => kernels.matmulBackward(dinp, dweight, null, dout, inp, weight, BT, C, OC),
        ];
      });
      const times = [[[], []], [[], []]] as number[][][]; // [op][threads] -> ms per repetition
      const started = performance.now();
      for (let rep = 0; rep < 3 || performance.now() - started < timeMs; rep++) {
        for (let op = 0; op < 2; op++) {
          for (let t = 0; t < 2; t++) {
            const t0 = performance.now();
            calls[t][op]();
            times[op][t].push(performance.now() - t0);
          }
        }
      }
      const speedup = (op: number) => median(times[op][0].map((single, i) => single / times[op][1][i]));
      const best = (op: number) => Math.min(...times[op][0]) / Math.min(...times[op][1]);
      rows.push({
        BT, C, OC, multiplyAdds: BT * C * OC,
        forwardUs: [median(times[0][0]) * 1000, median(times[0][1]) * 1000],
        backwardUs: [median(times[1][0]) * 1000, median(times[1][1]) * 1000],
        forwardSpeedup: speedup(0),
        backwardSpeedup: speedup(1),
        forwardBestSpeedup: best(0),
        backwardBestSpeedup: best(1),
      });
      one.reset();
      two.dispose();
    }
  } finally {
    one.dispose();
  }
  return rows;
}

/** The sweep as a table with the two-thread speed-up per size. */
export function formatSweep(rows: SweepRow[]): string {
  const lines = [
    "split sweep: median us on 1 and 2 threads; x = median paired speed-up of 2 threads over 1, best = ratio of the fastest calls",
    "BT x C x OC        mult-adds   fwd 1t   fwd 2t     x  best   bwd 1t   bwd 2t     x  best",
  ];
  const us = (value: number) => value.toFixed(1).padStart(8);
  for (const r of rows) {
    lines.push(
      `${`${r.BT}x${r.C}x${r.OC}`.padEnd(17)} ${String(r.multiplyAdds).padStart(10)} ${us(r.forwardUs[0])} ${us(r.forwardUs[1])} ` +
        `${r.forwardSpeedup.toFixed(2).padStart(5)} ${r.forwardBestSpeedup.toFixed(2).padStart(5)} ${us(r.backwardUs[0])} ${us(r.backwardUs[1])} ` +
        `${r.backwardSpeedup.toFixed(2).padStart(5)} ${r.backwardBestSpeedup.toFixed(2).padStart(5)}`,
    );
  }
  return lines.join("\n");
}
