/**
 * Continuous batching across `generate` calls: every call's rows join one running decode batch at the
 * next step (their new tokens prefilled in the same forward pass as the others' next tokens), and each
 * row leaves at the step it finishes, so a call returns as soon as its own rows are done and never
 * waits for another call's longest row. A rollout that calls once per episode thus keeps one batch
 * busy while episodes come back from their tools at different times (vLLM's scheduler, in small).
 *
 * Each row samples from its own stream (per-row seeds), so what it writes does not depend on which
 * rows it was batched with.
 */
import type { Generation, Tokenizer } from "../../../core/types.ts";
import { nextMacrotask } from "../../../core/runtime/mod.ts";
import { createRows, type EngineGenerateOptions, result, type Row, tokenTaker } from "./rows.ts";

/** A cache row to feed: tokens[start..] at positions start.., after copying `follow.length` positions of row `follow.from`. */
export interface StepItem {
  row: number;
  tokens: readonly number[];
  start: number;
  /** Copy positions 0..length-1 of row `from` first; `from` is another item of the same step without a `follow`. */
  follow: { from: number; length: number } | null;
}

/** A decoder whose cache rows can join and leave between steps. */
export interface StepDecoder {
  readonly vocabSize: number;
  readonly maxSeqLen: number;
  /** Leases a cache row per context (room for `maxT` positions) and says what is already cached in it. */
  admit(contexts: number[][], maxT: number): Promise<{ rows: Int32Array; starts: number[]; follows: StepItem["follow"][] }>;
  /** Feeds every item's new tokens in one step; returns the next-token logits of each item's last token (items, V). */
  step(items: readonly StepItem[]): Promise<Float32Array>;
  /** Ends the lease of `row`: it holds the keys and values of `sequence`, or of nothing worth keeping (null). */
  release(row: number, sequence: number[] | null): void;
}

interface Call {
  rows: Row[];
  left: number;
  signal?: AbortSignal;
  take: (row: Row, logits: Float32Array, offset: number) => void;
  resolve(generations: Generation[]): void;
  reject(error: unknown): void;
}

interface Live {
  call: Call;
  row: Row;
  cacheRow: number;
  /** The tokens fed so far, plus the next one to feed. */
  sequence: number[];
  /** First position of the next step's tokens. */
  start: number;
  follow: StepItem["follow"];
}

/**
 * A `generate` over `decoder` that batches concurrent calls per step; `schedule` runs the batch loop
 * (e.g. on the model's queue, so nothing else touches the buffers while rows are live).
 *
 * @example
 * ```ts
 * const batcher = createStepBatcher({ decoder, tokenizer }, (loop) => serial(loop));
 * const [a, b] = await Promise.all([batcher.generate([ctxA], options), batcher.generate([ctxB], options)]);
 * ```
 */
export function createStepBatcher(
  model: { decoder: StepDecoder; tokenizer: Tokenizer },
  schedule: (loop: () => Promise<void>) => Promise<void>,
) {
  const { decoder, tokenizer } = model;
  const V = decoder.vocabSize;
  const waiting: Call[] = [];
  let live: Live[] = [];
  let running = false;

  const settle = (call: Call) => {
    call.left -= 1;
    if (call.left === 0) call.resolve(call.rows.map(result));
  };
  const drop = (call: Call, error: unknown) => {
    live = live.filter((l) => {
      if (l.call !== call) return true;
      try {
        decoder.release(l.cacheRow, null);
      } catch {
        // the call fails with `error` either way; a release that fails too must not leave it unsettled
      }
      return false;
    });
    call.reject(error);
  };

  const admit = async (calls: Call[]) => {
    const joining = calls.flatMap((call) => call.rows.filter((row) => row.finish === null).map((row) => ({ call, row })));
    const maxT = Math.max(...joining.map(({ row }) => row.context.length + row.budget));
    const plan = await decoder.admit(joining.map(({ row }) => row.context), maxT);
    joining.forEach(({ call, row }, j) => {
      live.push({ call, row, cacheRow: plan.rows[j], sequence: [...row.context], start: plan.starts[j], follow: plan.follows[j] });
    });
  };

  const loop = async () => {
    try {
      // calls made in the same task as the first one join its first step
      await nextMacrotask();
      while (waiting.length > 0 || live.length > 0) {
        for (const call of new Set(live.map((l) => l.call))) if (call.signal?.aborted) drop(call, call.signal.reason);
        if (waiting.length > 0) {
          const calls = waiting.splice(0);
          try {
            await admit(calls);
          } catch (error) {
            for (const call of calls) drop(call, error);
          }
        }
        if (live.length === 0) continue;
        const items = live.map((l) => ({ row: l.cacheRow, tokens: l.sequence, start: l.start, follow: l.follow }));
        let logits: Float32Array;
        try {
          logits = await decoder.step(items);
        } catch (error) {
          for (const call of new Set(live.map((l) => l.call))) drop(call, error);
          continue;
        }
        const next: Live[] = [];
        live.forEach((l, j) => {
          l.call.take(l.row, logits, j * V);
          if (l.row.finish !== null) {
            // every token but the last was fed: the row holds its context and tokens[..-1]
            decoder.release(l.cacheRow, l.sequence);
            settle(l.call);
            return;
          }
          l.start = l.sequence.length;
          l.follow = null;
          l.sequence.push(l.row.tokens[l.row.tokens.length - 1]);
          next.push(l);
        });
        live = next;
        // let tool results land and their episodes' calls join the next step (on Deno, immediates run ahead
        // of worker messages for tens of milliseconds, so results of worker-backed tools gather into larger
        // joins there; a MessageChannel turn made joins of ~5 rows and python-math rollouts slower)
        await nextMacrotask();
      }
    } catch (error) {
      // nothing above should throw; if something does, no call may be left waiting forever
      for (const call of new Set([...live.map((l) => l.call), ...waiting.splice(0)])) drop(call, error);
    } finally {
      running = false;
    }
  };

  return {
    /** Generates continuations of `contexts` as `generate` does, sharing decode steps with concurrent calls. */
    async generate(contexts: number[][], options: EngineGenerateOptions): Promise<Generation[]> {
      options.signal?.throwIfAborted();
      const rows = createRows(contexts, options, decoder);
      const left = rows.filter((row) => row.finish === null).length;
      if (left === 0) return rows.map(result);
      return await new Promise<Generation[]>((resolve, reject) => {
        waiting.push({ rows, left, signal: options.signal, take: tokenTaker(tokenizer, options, V), resolve, reject });
        if (!running) {
          running = true;
          // the loop settles every call itself; a failure of the scheduling (the model's queue) rejects those waiting
          schedule(loop).catch((error) => {
            for (const call of waiting.splice(0)) call.reject(error);
          });
        }
      });
    },
  };
}

