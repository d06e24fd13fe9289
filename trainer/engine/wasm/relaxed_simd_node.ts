/**
 * Node adapter: turns on WebAssembly relaxed SIMD in V8 for this process. Node 20's V8 (11.3) has the
 * complete proposal behind `--experimental-wasm-relaxed-simd`; V8 11.4 (Node 22) ships it on by default,
 * so there this is never called. The flag only widens what validates; it changes no other behaviour.
 */
import { setFlagsFromString } from "node:v8";

/** Sets V8's relaxed-SIMD flag; modules compiled afterwards may use relaxed SIMD instructions. */
export function enableRelaxedSimd(): void {
  setFlagsFromString("--experimental-wasm-relaxed-simd");
}
