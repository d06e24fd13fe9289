#!/usr/bin/env node
// Builds what the npm package ships beside its TypeScript source, with esbuild:
//   dist/mod.js    the library (mod.ts) as JavaScript for Node; its npm dependencies stay imports.
//                  package.json's "exports" points Node here, Deno at mod.ts.
//   dist/{server,trainer,engine,policies,plugins}.js  the subpath entries, sharing dist/chunks/.
//   dist/browser.js  the same for browser bundlers (export condition "browser"), with the `*_node.ts`
//                  runtime adapters replaced by stubs that throw.
//   dist/demo/     the browser demo: demo/index.html, demo/main.ts bundled into demo.js, and chunks/
//                  with the runtime adapters the page never loads.
// Run by `npm run build`, and by `prepack` before `npm pack` and `npm publish`.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import process from "node:process";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runtime adapters (files named `*_node.ts`) replaced by a module that throws when used: what the
 * browser build gets in their place, so nothing Node-only reaches a page.
 */
const nodeAdaptersStubbed = {
  name: "node-adapters-stubbed",
  setup(b) {
    b.onResolve({ filter: /_node\.ts$/ }, (args) => ({ path: args.path, namespace: "node-adapter" }));
    b.onLoad({ filter: /.*/, namespace: "node-adapter" }, (args) => ({
      contents: `const fail = () => { throw new Error(${JSON.stringify(
        "toolrl: " + "ADAPTER" + " is a Node/Deno adapter and does not run in browsers",
      )}.replace("ADAPTER", ${JSON.stringify(args.path)})); };
export default new Proxy({}, { get: fail });
export const __esModule = true;`,
      loader: "js",
    }));
  },
};

/**
 * Bundles mod.ts twice, dependencies external: `outDir/mod.js` for Node and Deno (platform neutral),
 * and `outDir/browser.js` for bundlers targeting browsers (the `browser` export condition), where the
 * `*_node.ts` adapters are stubs.
 */
export async function buildLibrary(outDir = `${root}dist`) {
  const common = {
    bundle: true,
    format: "esm",
    packages: "external",
    target: "es2022",
    sourcemap: true,
    logLevel: "warning",
  };
  // the main entry and the subpath entries (toolrl/server, /trainer, /engine, /policies, /plugins), sharing chunks
  const entries = Object.fromEntries(ENTRIES.map((name) => [name, `${root}${name}.ts`]));
  await build({
    ...common,
    entryPoints: entries,
    outdir: outDir,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    platform: "neutral",
    external: ["node:*"],
  });
  await build({ ...common, entryPoints: [`${root}mod.ts`], outfile: `${outDir}/browser.js`, platform: "browser", plugins: [nodeAdaptersStubbed] });
}

/** The package's entry modules: `mod` is "toolrl", the others its subpaths ("toolrl/server", ...). */
export const ENTRIES = ["mod", "server", "trainer", "engine", "policies", "plugins"];

/** The demo page's files by path (index.html, demo.js, chunks/...), bundled in memory for browsers. */
export async function bundleDemo() {
  const result = await build({
    entryPoints: { demo: `${root}demo/main.ts` },
    outdir: "/demo",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    // Runtime adapters are imported dynamically; as chunks of their own they load only where they run.
    splitting: true,
    format: "esm",
    platform: "browser",
    // Reached only outside browsers (Node adapters, transformers.js tokenizers): never loaded by the page.
    external: ["node:*", "@huggingface/transformers"],
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "warning",
  });
  const files = new Map(result.outputFiles.map((file) => [file.path.slice("/demo/".length), file.contents]));
  files.set("index.html", await readFile(`${root}demo/index.html`));
  return files;
}

/** Writes the demo page into `outDir`. */
export async function buildDemo(outDir = `${root}dist/demo`) {
  const files = await bundleDemo();
  await rm(outDir, { recursive: true, force: true });
  for (const [path, contents] of files) {
    await mkdir(dirname(`${outDir}/${path}`), { recursive: true });
    await writeFile(`${outDir}/${path}`, contents);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildLibrary();
  await buildDemo();
  process.stderr.write(`built dist/{${ENTRIES.join(",")}}.js, dist/browser.js and dist/demo/\n`);
}
