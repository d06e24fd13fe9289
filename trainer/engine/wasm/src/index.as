// Entry of the kernels module: one exported `run` that executes share `part` of `parts` of the job
// described at `job` (i32 slots written by the loader, wasm_kernels.ts). Every thread calls it on the
// same job with its own part; the loader waits for all parts.
//   slot 0 op | flags << 8 (flag 1: the gemm micro-kernel broadcasts by shuffles, see gemm.as),
//   1 scratch base, 2 scratch bytes per part, 3.. the op's arguments in signature order (pointers are
//   byte offsets, 0 for null; f32 arguments as their bits).
import { matmulBackward, matmulForward } from "./matmul";
import { attentionBackward, attentionDecode, attentionForward } from "./attention";
import { adamwUpdate, logprobsBackward, logprobsForward, sumSquares, swigluBackward, swigluForward } from "./pointwise";
import { rmsnormBackward, rmsnormForward } from "./norm";
import { GEMM_SCRATCH_BYTES, splatByShuffle } from "./gemm";
export { timeMicroKernel } from "./gemm";

export const OP_MATMUL_FORWARD = 1;
export const OP_MATMUL_BACKWARD = 2;
export const OP_ATTENTION_FORWARD = 3;
export const OP_ATTENTION_BACKWARD = 4;
export const OP_SWIGLU_FORWARD = 5;
export const OP_SWIGLU_BACKWARD = 6;
export const OP_LOGPROBS_FORWARD = 7;
export const OP_LOGPROBS_BACKWARD = 8;
export const OP_ADAMW_UPDATE = 9;
export const OP_RMSNORM_FORWARD = 10;
export const OP_RMSNORM_BACKWARD = 11;
export const OP_SUM_SQUARES = 12;
export const OP_ATTENTION_DECODE = 13;

@inline
function u(job: usize, slot: i32): usize {
  return <usize>load<u32>(job + (<usize>slot << 2));
}

@inline
function i(job: usize, slot: i32): i32 {
  return load<i32>(job + (<usize>slot << 2));
}

@inline
function f(job: usize, slot: i32): f32 {
  return load<f32>(job + (<usize>slot << 2));
}

/** Scratch bytes each part needs for a job with sequence length T (attention) or any matmul. */
export function scratchBytes(T: i32): usize {
  return max(GEMM_SCRATCH_BYTES, (<usize>T << 2) + 64);
}

export function run(job: usize, part: i32, parts: i32): void {
  const scratch = u(job, 1) + <usize>part * u(job, 2);
  const word = i(job, 0);
  splatByShuffle = (word & 0x100) != 0;
  switch (word & 0xff) {
    case OP_MATMUL_FORWARD:
      matmulForward(u(job, 3), u(job, 4), u(job, 5), u(job, 6), i(job, 7), i(job, 8), i(job, 9), part, parts, scratch);
      break;
    case OP_MATMUL_BACKWARD:
      matmulBackward(
        u(job, 3), u(job, 4), u(job, 5), u(job, 6), u(job, 7), u(job, 8),
        i(job, 9), i(job, 10), i(job, 11), part, parts, scratch,
      );
      break;
    case OP_ATTENTION_FORWARD:
      attentionForward(
        u(job, 3), u(job, 4), u(job, 5), u(job, 6), u(job, 7), u(job, 8),
        i(job, 9), i(job, 10), i(job, 11), i(job, 12), i(job, 13), part, parts,
      );
      break;
    case OP_ATTENTION_BACKWARD:
      attentionBackward(
        u(job, 3), u(job, 4), u(job, 5), u(job, 6), u(job, 7), u(job, 8), u(job, 9), u(job, 10), u(job, 11),
        i(job, 12), i(job, 13), i(job, 14), i(job, 15), i(job, 16), part, parts, scratch,
      );
      break;
    case OP_SWIGLU_FORWARD:
      swigluForward(u(job, 3), u(job, 4), u(job, 5), i(job, 6), part, parts);
      break;
    case OP_SWIGLU_BACKWARD:
      swigluBackward(u(job, 3), u(job, 4), u(job, 5), u(job, 6), u(job, 7), i(job, 8), part, parts);
      break;
    case OP_LOGPROBS_FORWARD:
      logprobsForward(u(job, 3), u(job, 4), u(job, 5), u(job, 6), u(job, 7), i(job, 8), i(job, 9), part, parts);
      break;
    case OP_LOGPROBS_BACKWARD:
      logprobsBackward(
        u(job, 3), u(job, 4), u(job, 5), u(job, 6), u(job, 7), u(job, 8), u(job, 9), i(job, 10), i(job, 11), part, parts,
      );
      break;
    case OP_RMSNORM_FORWARD:
      rmsnormForward(u(job, 3), u(job, 4), u(job, 5), u(job, 6), i(job, 7), i(job, 8), f(job, 9), part, parts);
      break;
    case OP_RMSNORM_BACKWARD:
      rmsnormBackward(u(job, 3), u(job, 4), u(job, 5), u(job, 6), u(job, 7), u(job, 8), i(job, 9), i(job, 10), part, parts);
      break;
    case OP_SUM_SQUARES:
      // each part's f64 sum at the start of its own scratch
      sumSquares(u(job, 3), i(job, 4), scratch, part, parts);
      break;
    case OP_ADAMW_UPDATE:
      adamwUpdate(
        u(job, 3), u(job, 4), u(job, 5), u(job, 6), i(job, 7),
        f(job, 8), f(job, 9), f(job, 10), f(job, 11), f(job, 12), f(job, 13), f(job, 14), f(job, 15), part, parts,
      );
      break;
    case OP_ATTENTION_DECODE:
      attentionDecode(
        u(job, 3), u(job, 4), u(job, 5), u(job, 6), u(job, 7), u(job, 8), u(job, 9),
        i(job, 10), i(job, 11), i(job, 12), i(job, 13), i(job, 14), part, parts,
      );
      break;
  }
}
