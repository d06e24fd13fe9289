// Packaging: the npm tarball works in a fresh Node project (library import without a TypeScript loader,
// the CLI through npx) and the JSR package passes `deno publish --dry-run` (no slow types).
// Offline: the tarball is unpacked into the project's node_modules and its dependencies are linked from
// this checkout's node_modules, as `npm install` would place them; no registry is asked.
// Node only: it drives npm, npx, tar and deno as child processes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const deno = join(root, "node_modules", ".bin", "deno");
let work: string;
let project: string;
let packedFiles: string[];

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
function sh(
  command: string,
  args: string[],
  options: { cwd: string; input?: string; env?: Record<string, string> },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    // Deno colours its output whenever FORCE_COLOR is set, even to 0 (as test/run.mjs sets it).
    // deno-lint-ignore no-control-regex
    const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");
    child.on("close", (code) => resolve({ code, stdout: plain(stdout), stderr: plain(stderr) }));
    child.stdin.end(options.input ?? "");
  });
}

const offline = { npm_config_offline: "true", npm_config_update_notifier: "false", npm_config_fund: "false" };

test.before(async () => {
  work = await mkdtemp(join(tmpdir(), "toolrl-package-"));
  project = join(work, "project");
  const packed = await sh("npm", ["pack", "--json", "--pack-destination", work], { cwd: root, env: offline });
  assert.is(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout);
  packedFiles = info.files.map((f: { path: string }) => f.path);
  const target = join(project, "node_modules", "toolrl");
  await mkdir(target, { recursive: true });
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "fresh", private: true, type: "module" }));
  const untar = await sh("tar", ["-xzf", join(work, info.filename), "-C", target, "--strip-components=1"], { cwd: work });
  assert.is(untar.code, 0, untar.stderr);
  const manifest = JSON.parse(await readFile(join(target, "package.json"), "utf8"));
  for (const name of Object.keys(manifest.dependencies)) {
    await mkdir(dirname(join(project, "node_modules", name)), { recursive: true });
    await symlink(join(root, "node_modules", name), join(project, "node_modules", name), "dir");
  }
  await mkdir(join(project, "node_modules", ".bin"));
  await symlink(join("..", "toolrl", manifest.bin.toolrl), join(project, "node_modules", ".bin", "toolrl"));
});

test.after(async () => {
  await rm(work, { recursive: true, force: true });
});

test("npm pack builds dist/ and ships the library, its JavaScript build, the CLI and the demo; no tests", () => {
  for (const path of ["mod.ts", "dist/mod.js", "bin/toolrl.mjs", "cli/main.ts", "core/datasets/mod.ts", "dist/demo/index.html", "dist/demo/demo.js"]) {
    assert.ok(packedFiles.includes(path), `the package holds ${path}`);
  }
  assert.equal(packedFiles.filter((path) => path.endsWith("_test.ts") || path.includes("/fixtures/")), []);
  assert.equal(packedFiles.filter((path) => path.startsWith("node_modules/") || path.startsWith(".tmp/")), []);
});

test("import from \"toolrl\" works in plain Node (no TypeScript loader) and exports what mod.ts exports", async () => {
  await writeFile(join(project, "index.mjs"), `
import * as toolrl from "toolrl";
const { calculatorTask, charTokenizer, rollout, solverPolicy, episodesToTrlJSONL } = toolrl;
const task = calculatorTask();
const tokenizer = charTokenizer();
const samples = task.samples({ seed: 1, n: 4 });
const policy = solverPolicy(task, "submit", tokenizer, samples);
const items = samples.map((sample) => ({ prompt: task.prompt(sample, "submit"), sample }));
const { episodes } = await rollout({ policy, tokenizer, format: "submit", tools: task.tools, items, limits: task.limits, verifier: task.verifier });
const lines = episodesToTrlJSONL(episodes).trim().split("\\n").length;
console.log(JSON.stringify({ rewards: episodes.map((e) => e.reward), lines, resolved: import.meta.resolve("toolrl"), names: Object.keys(toolrl).sort() }));
`);
  const ran = await sh(process.execPath, ["index.mjs"], { cwd: project });
  assert.is(ran.code, 0, ran.stderr);
  const out = JSON.parse(ran.stdout);
  assert.equal(out.rewards, [1, 1, 1, 1], "the solver solves the calculator through the packed library");
  assert.is(out.lines, 4);
  assert.ok(out.resolved.endsWith("/node_modules/toolrl/dist/mod.js"), out.resolved);
  const source = await import("../../mod.ts");
  assert.equal(out.names, Object.keys(source).sort(), "dist/mod.js exports every value mod.ts exports");
});

test("every subpath entry (toolrl/server, /trainer, /engine, /policies, /plugins) imports from the tarball and exports what its .ts does", async () => {
  const subpaths = ["server", "trainer", "engine", "policies", "plugins"];
  await writeFile(join(project, "subpaths.mjs"), `
const out = {};
for (const name of ${JSON.stringify(subpaths)}) {
  const module = await import("toolrl/" + name);
  out[name] = { resolved: import.meta.resolve("toolrl/" + name), names: Object.keys(module).sort() };
}
const { createToolServer } = await import("toolrl/server");
const { calculator } = await import("toolrl/plugins");
const response = await createToolServer({ plugins: [calculator()] }).request("/tools/calculator", {
  method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ arguments: { expression: "6*7" } }),
});
out.call = (await response.json()).text;
out.steps = (await import("toolrl/trainer")).parseTrainConfig({ task: "calculator" }).steps;
console.log(JSON.stringify(out));
process.exit(0);
`);
  const ran = await sh(process.execPath, ["subpaths.mjs"], { cwd: project });
  assert.is(ran.code, 0, ran.stderr);
  const out = JSON.parse(ran.stdout);
  assert.is(out.call, "42");
  assert.type(out.steps, "number");
  for (const name of subpaths) {
    assert.ok(out[name].resolved.endsWith(`/node_modules/toolrl/dist/${name}.js`), out[name].resolved);
    const source = await import(`../../${name}.ts`);
    assert.equal(out[name].names, Object.keys(source).sort(), `dist/${name}.js exports what ${name}.ts exports`);
    assert.ok(packedFiles.includes(`${name}.ts`), `the package ships ${name}.ts for its types`);
  }
  const deno = JSON.parse(await readFile(join(root, "deno.json"), "utf8"));
  assert.equal(Object.keys(deno.exports).sort(), [".", ...subpaths.map((n) => `./${n}`)].sort(), "JSR exports the same subpaths");
});

test("a browser bundle of \"toolrl\" made with esbuild has no Node imports and runs", async () => {
  await writeFile(join(project, "browser.mjs"), `
import { calculatorTask, charTokenizer, rollout, solverPolicy } from "toolrl";
const task = calculatorTask();
const tokenizer = charTokenizer();
const samples = task.samples({ seed: 3, n: 2 });
const policy = solverPolicy(task, "hermes", tokenizer, samples);
const items = samples.map((sample) => ({ prompt: task.prompt(sample, "hermes"), sample }));
const { episodes } = await rollout({ policy, tokenizer, format: "hermes", tools: task.tools, items, limits: task.limits, verifier: task.verifier });
console.log(JSON.stringify(episodes.map((e) => e.reward)));
`);
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [join(project, "browser.mjs")],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].text;
  assert.not.match(code, /from\s*"node:|require\("node:/, "nothing in the bundle needs Node");
  await writeFile(join(project, "browser.bundle.mjs"), code);
  const ran = await sh(process.execPath, ["browser.bundle.mjs"], { cwd: project });
  assert.is(ran.code, 0, ran.stderr);
  assert.equal(JSON.parse(ran.stdout), [1, 1]);
});

test("npx toolrl --help and npx toolrl parse run the packed CLI", async () => {
  const help = await sh("npx", ["toolrl", "--help"], { cwd: project, env: offline });
  assert.is(help.code, 0, help.stderr);
  assert.match(help.stdout, /usage: toolrl <command>/);
  const parsed = await sh("npx", ["toolrl", "parse", "--format", "react"], {
    cwd: project,
    env: offline,
    input: 'Thought: add\nAction: calculator\nAction Input: {"expression": "2 + 3"}\nObservation:',
  });
  assert.is(parsed.code, 0, parsed.stderr);
  assert.equal(JSON.parse(parsed.stdout).calls, [{ name: "calculator", arguments: { expression: "2 + 3" } }]);
});

test("the packed toolrl serve --demo serves the prebuilt page (no esbuild at hand)", async () => {
  const child = spawn(process.execPath, [join(project, "node_modules", ".bin", "toolrl"), "serve", "--demo", "--port", "0", "--plugins", "calculator"], {
    cwd: project,
    stdio: ["ignore", "ignore", "pipe"],
  });
  try {
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on("data", (d) => {
        stderr += d;
        const match = /demo at (\S+)\/demo\//.exec(stderr);
        if (match) resolve(match[1]);
      });
      child.once("exit", () => reject(new Error(`toolrl serve --demo exited: ${stderr}`)));
    });
    const page = await fetch(`${url}/demo/`);
    assert.is(page.status, 200);
    assert.match(await page.text(), /src="demo.js"/);
    const script = await (await fetch(`${url}/demo/demo.js`)).text();
    const shipped = await readFile(join(project, "node_modules", "toolrl", "dist", "demo", "demo.js"), "utf8");
    assert.is(script, shipped, "the page comes from the package's dist/demo");
  } finally {
    child.kill();
  }
});

test("deno publish --dry-run passes: the public API has no slow types", async () => {
  const published = await sh(deno, ["publish", "--dry-run", "--allow-dirty", "--no-check"], { cwd: root, env: { NO_COLOR: "1" } });
  assert.is(published.code, 0, published.stderr);
  const output = published.stdout + published.stderr;
  assert.match(output, /Checking for slow types in the public API/);
  assert.match(output, /Success Dry run complete/);
  const files = [...output.matchAll(/file:\/\/\S+/g)].map((m) => fileURLToPath(m[0]).slice(root.length));
  assert.ok(files.includes("mod.ts") && files.includes("core/datasets/mod.ts"), "the JSR package holds the library");
  assert.equal(files.filter((path) => /^(node_modules|dist|\.tmp)\//.test(path)), []);
});

test("the dry run does catch a slow type (so the check above means something)", async () => {
  const scratch = join(work, "slow");
  await mkdir(scratch);
  await writeFile(join(scratch, "deno.json"), JSON.stringify({ name: "@toolrl/slow", version: "0.0.0", license: "MIT", exports: "./mod.ts" }));
  await writeFile(join(scratch, "mod.ts"), "export function half(x: number) {\n  return x / 2;\n}\n");
  const published = await sh(deno, ["publish", "--dry-run", "--allow-dirty", "--no-check"], { cwd: scratch, env: { NO_COLOR: "1" } });
  assert.is.not(published.code, 0);
  assert.match(published.stdout + published.stderr, /missing-explicit-return-type/);
});

test.run();
