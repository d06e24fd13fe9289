#!/usr/bin/env node
// The whole suite: every `*_test.ts` file under Node (through tsx) and under Deno, one process per
// file, plus a type check of the tree with `deno check`. Prints failing output, a line per file,
// and last `N passed, M failed` summed over both runtimes.
//
// Conventions: `*.node_test.ts` runs only under Node, `*.deno_test.ts` only under Deno.
// Options: `--runtime node|deno`, `--no-check`, and path filters (substrings of file paths).
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const runtimeArg = args.includes("--runtime") ? args[args.indexOf("--runtime") + 1] : null;
const filters = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--runtime");
const runtimes = runtimeArg ? [runtimeArg] : ["node", "deno"];
const check = !args.includes("--no-check") && filters.length === 0;
const fileTimeoutMs = Number(process.env.TOOLRL_TEST_TIMEOUT_MS ?? 300_000);
const parallel = Math.max(1, Math.min(2, cpus().length));
const denoBin = join(root, "node_modules", ".bin", "deno");
const skipDirs = new Set(["node_modules", ".git", "runs", "dist", ".tmp"]);
// `npm pack` in the package test runs the prepare script, which rebuilds dist/ in this checkout: a test reading
// dist/ at the same time (the README example) can load chunks of two builds
const RUN_ALONE = ["test/package/package.node_test.ts"];

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (skipDirs.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith("_test.ts")) out.push(relative(root, path));
  }
  return out.sort();
}

function commandFor(runtime, file) {
  if (runtime === "node") return [process.execPath, ["--import", "tsx", file]];
  return [denoBin, ["run", "-A", "--unstable-webgpu", "--unstable-worker-options", "--no-lock", file]];
}

function run(cmd, argv, timeoutMs) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, argv, {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", TOOLRL_TEST: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch { /* already gone */ }
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut, ms: Date.now() - started });
    });
  });
}

// deno-lint-ignore no-control-regex
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

function totals(output) {
  const text = stripAnsi(output);
  let total = 0, passed = 0, skipped = 0, found = false;
  for (const m of text.matchAll(/Total:\s+(\d+)\s+Passed:\s+(\d+)\s+Skipped:\s+(\d+)/g)) {
    found = true;
    total += Number(m[1]);
    passed += Number(m[2]);
    skipped += Number(m[3]);
  }
  return { found, total, passed, skipped };
}

async function pool(jobs, width) {
  const results = new Array(jobs.length);
  let next = 0;
  async function worker() {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  }
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

const files = findTests(root).filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));
let passed = 0, failed = 0;
const started = Date.now();

if (check) {
  const tsFiles = [];
  (function walk(dir) {
    for (const name of readdirSync(dir)) {
      if (skipDirs.has(name) || name === "fixtures") continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) tsFiles.push(relative(root, path));
    }
  })(root);
  const r = await run(denoBin, ["check", "--quiet", "--no-lock", ...tsFiles], 600_000);
  if (r.code === 0) {
    passed += 1;
    console.log(`ok    typecheck (${tsFiles.length} files, ${(r.ms / 1000).toFixed(1)}s)`);
  } else {
    failed += 1;
    console.log(stripAnsi(r.output).trimEnd());
    console.log(`FAIL  typecheck`);
  }
}

for (const runtime of runtimes) {
  const mine = files.filter((f) =>
    runtime === "node" ? !f.endsWith(".deno_test.ts") : !f.endsWith(".node_test.ts")
  );
  const job = (file) => async () => {
    const [cmd, argv] = commandFor(runtime, file);
    const r = await run(cmd, argv, fileTimeoutMs);
    return { file, ...r, ...totals(r.output) };
  };
  // Files that rewrite what others read (npm pack rebuilds dist/) run alone, first.
  const alone = mine.filter((f) => RUN_ALONE.includes(f));
  const results = [
    ...await pool(alone.map(job), 1),
    ...await pool(mine.filter((f) => !RUN_ALONE.includes(f)).map(job), parallel),
  ];
  for (const r of results) {
    const fileFailed = r.total - r.passed - r.skipped;
    const bad = r.code !== 0 || r.timedOut || !r.found || fileFailed > 0 || r.skipped > 0;
    passed += r.passed;
    // A crash, a time-out or a file that ran no test counts as one failure on top of its failed tests.
    failed += fileFailed + r.skipped + (bad && fileFailed === 0 ? 1 : 0);
    if (bad) {
      console.log(stripAnsi(r.output).trimEnd());
      const why = r.timedOut ? "timed out" : !r.found ? "no uvu summary" : `exit ${r.code}`;
      console.log(`FAIL  ${runtime} ${r.file} (${why}, ${r.passed}/${r.total} passed, ${(r.ms / 1000).toFixed(1)}s)`);
    } else {
      console.log(`ok    ${runtime} ${r.file} (${r.passed} tests, ${(r.ms / 1000).toFixed(1)}s)`);
    }
  }
}

console.log(`suite took ${((Date.now() - started) / 1000).toFixed(0)}s`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
