// Work splitting between threads. Results go to module globals (each thread has its own instance).

export let rows0 = 0;
export let rows1 = 0;
export let cols0 = 0;
export let cols1 = 0;

// Sets rows0..rows1 to share `part` of `parts` of `total` items, cut at multiples of `unit`.
export function rangeOf(total: i32, unit: i32, part: i32, parts: i32): void {
  const units = (total + unit - 1) / unit;
  rows0 = min(total, <i32>(<i64>units * part / parts) * unit);
  rows1 = min(total, <i32>(<i64>units * (part + 1) / parts) * unit);
}

// Sets rows0..rows1 × cols0..cols1 to share `part` of an M×N output: cut along whichever side has more
// micro tiles (4 rows, 8 columns), the other side whole.
export function blockOf(M: i32, N: i32, part: i32, parts: i32): void {
  if ((M + 3) / 4 >= (N + 7) / 8) {
    rangeOf(M, 4, part, parts);
    cols0 = 0;
    cols1 = N;
  } else {
    rangeOf(N, 8, part, parts);
    cols0 = rows0;
    cols1 = rows1;
    rows0 = 0;
    rows1 = M;
  }
}
