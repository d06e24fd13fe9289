/**
 * The prefix cache's bookkeeping, without tensors: which cache row holds the keys and values of which
 * token sequence, and, for a new batch of contexts, the plan — each context's longest cached prefix
 * (an exact token-prefix match), the row it prefills into, the rows to copy first, and the contexts
 * that share a longer prefix inside the batch (a GRPO group of one prompt: the first prefills it, the
 * others copy it). Least recently used entries go first when the rows held exceed what the budget allows.
 * A planned row is leased to its sequence until `retain` (or `release`) gives it back, so several plans can
 * be live at once (rows that join a running decode batch) without handing out a row in use.
 */

/** A copy of positions 0..length-1 of cache row `from` into cache row `to`. */
export interface RowCopy {
  from: number;
  to: number;
  length: number;
}

/** A context that copies its first `length` positions from the row of context `leader` once that is prefilled. */
export interface Follower {
  index: number;
  leader: number;
  length: number;
}

/** How one batch of contexts is prefilled. */
export interface PrefillPlan {
  /** Cache row of each context. */
  rows: Int32Array;
  /** Positions 0..starts[b]-1 of rows[b] are reused (or copied in); prefill computes the rest. */
  starts: number[];
  /** Copies out of retained entries, made before anything is prefilled. */
  copies: RowCopy[];
  /** Contexts prefilled first. */
  leaders: number[];
  /** Contexts prefilled after copying a prefix from their leader's row. */
  followers: Follower[];
  /** Rows the cache must have for this plan. */
  capacity: number;
}

/** Running counts of the prefix cache. */
export interface PrefixCounts {
  /** Contexts looked up. */
  lookups: number;
  /** Contexts that reused at least one cached position (from an earlier call or from another context of the call). */
  hits: number;
  misses: number;
  /** Positions not prefilled thanks to the cache. */
  reusedTokens: number;
  /** Positions prefilled. */
  prefilledTokens: number;
  /** Entries dropped to stay within the budget. */
  evictions: number;
}

interface Entry {
  row: number;
  tokens: number[];
  lastUse: number;
}

/** Length of the common prefix of a and b. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * An empty index; `minShared` is the fewest positions a context must gain by copying another
 * context's prefix inside a batch (a second prefill pass costs a pass's fixed overhead).
 *
 * @example
 * ```ts
 * const index = createPrefixIndex({ minShared: 16 });
 * const plan = index.plan(contexts);
 * // ...prefill and decode by the plan, then:
 * index.retain(plan.rows, sequences, 64);
 * ```
 */
export function createPrefixIndex(options: { minShared?: number } = {}) {
  const minShared = options.minShared ?? 16;
  const entries = new Map<number, Entry>();
  const leased = new Set<number>();
  const counts: PrefixCounts = { lookups: 0, hits: 0, misses: 0, reusedTokens: 0, prefilledTokens: 0, evictions: 0 };
  let capacity = 0;
  let tick = 0;

  const evictOldest = (keep: Set<number>): number | null => {
    let oldest: Entry | null = null;
    for (const e of entries.values()) if (!keep.has(e.row) && (!oldest || e.lastUse < oldest.lastUse)) oldest = e;
    if (!oldest) return null;
    entries.delete(oldest.row);
    counts.evictions += 1;
    return oldest.row;
  };

  return {
    counts,
    /** Rows held by entries. */
    get size() {
      return entries.size;
    },
    /** Rows leased to sequences still being decoded. */
    get leased() {
      return leased.size;
    },
    /** Plans the prefill of `contexts` (each non-empty) and leases its rows; entries whose rows the plan takes over are dropped. */
    plan(contexts: readonly number[][]): PrefillPlan {
      tick += 1;
      const B = contexts.length;
      // 1. the longest retained prefix of each context, at most all but its last token (prefill gives that one's logits)
      const hits = contexts.map((ctx) => {
        let entry: Entry | null = null, length = 0;
        for (const e of entries.values()) {
          const n = Math.min(commonPrefix(ctx, e.tokens), ctx.length - 1);
          if (n > length) [entry, length] = [e, n];
        }
        return { entry, length };
      });
      // 2. contexts of the batch that share a longer prefix with an earlier one copy it from that one's row
      const leaders: number[] = [], followers: Follower[] = [];
      for (let b = 0; b < B; b++) {
        let leader = -1, length = 0;
        for (const j of leaders) {
          const n = Math.min(commonPrefix(contexts[b], contexts[j]), contexts[b].length - 1);
          if (n > length) [leader, length] = [j, n];
        }
        if (leader >= 0 && length >= hits[b].length + minShared) followers.push({ index: b, leader, length });
        else leaders.push(b);
      }
      // 3. rows: a leader takes over the row of its entry (the first to claim it) or copies out of it
      const rows = new Int32Array(B).fill(-1);
      const starts = new Array<number>(B).fill(0);
      const copies: (RowCopy & { index: number })[] = [];
      const keep = new Set<number>();
      for (const b of leaders) {
        const { entry, length } = hits[b];
        if (!entry) continue;
        starts[b] = length;
        entry.lastUse = tick;
        if (!keep.has(entry.row)) rows[b] = entry.row;
        else copies.push({ from: entry.row, to: -1, length, index: b });
        keep.add(entry.row);
      }
      for (const f of followers) starts[f.index] = f.length;
      for (const b of leaders) if (rows[b] >= 0) entries.delete(rows[b]);
      const free: number[] = [];
      for (let r = capacity - 1; r >= 0; r--) if (!entries.has(r) && !keep.has(r) && !leased.has(r)) free.push(r);
      const fresh = () => free.pop() ?? evictOldest(keep) ?? capacity++;
      for (const c of copies) c.to = rows[c.index] = fresh();
      for (let b = 0; b < B; b++) if (rows[b] < 0) rows[b] = fresh();
      for (const row of rows) leased.add(row);
      // 4. counts
      for (let b = 0; b < B; b++) {
        counts.lookups += 1;
        if (starts[b] > 0) counts.hits += 1;
        else counts.misses += 1;
        counts.reusedTokens += starts[b];
        counts.prefilledTokens += contexts[b].length - starts[b];
      }
      return { rows, starts, copies: copies.map(({ from, to, length }) => ({ from, to, length })), leaders, followers, capacity };
    },
    /** Records that rows[b] holds the keys and values of sequences[b] (ending their lease), then evicts down to `maxRows` entries. */
    retain(rows: Int32Array, sequences: readonly number[][], maxRows: number): void {
      sequences.forEach((tokens, b) => {
        leased.delete(rows[b]);
        entries.set(rows[b], { row: rows[b], tokens, lastUse: tick });
      });
      while (entries.size > Math.max(0, maxRows) && evictOldest(new Set()) !== null);
    },
    /** Ends the lease of `rows` without keeping what they hold (a sequence abandoned mid-way). */
    release(rows: Iterable<number>): void {
      for (const row of rows) leased.delete(row);
    },
    /** Drops every entry (the counts stay); leased rows stay leased, their sequences are still running. */
    clear(): void {
      entries.clear();
    },
    /** Rows every plan so far needed at once (the cache's row count). */
    get capacity() {
      return capacity;
    },
  };
}

/** The index type `createPrefixIndex` returns. */
export type PrefixIndex = ReturnType<typeof createPrefixIndex>;
