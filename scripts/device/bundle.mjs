#!/usr/bin/env node
// Bundles scripts/device/engine_deno.ts (toolrl logits, the WebGPU adapter probe and the training-step
// timing) into one JavaScript file that Deno runs on the GPU machine, where there is no node_modules:
// npm packages are bundled in, `node:*` stays (Deno provides it), and @huggingface/transformers (reached
// only for a folder with tokenizer.json) becomes a module that throws, saying so.
//   node scripts/device/bundle.mjs .device/toolrl_device.js
import { writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import process from "node:process";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Packages left out of the device bundle: importing one throws an error that names it. */
export const LEFT_OUT = ["@huggingface/transformers"];

const leftOut = {
  name: "left-out",
  setup(b) {
    const filter = new RegExp(`^(${LEFT_OUT.map((p) => p.replace(/[/.]/g, "\\$&")).join("|")})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "left-out" }));
    b.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(
        `${args.path} is not in the device bundle: give token ids (--tokens) for folders with a tokenizer.json`,
      )});`,
      loader: "js",
    }));
  },
};

/**
 * The bundle's text and the module specifiers it still imports (statically or dynamically).
 *
 * @example const { code, imports } = await bundleDevice(); // imports: ["node:process", ...]
 */
export async function bundleDevice() {
  const result = await build({
    entryPoints: [`${root}scripts/device/engine_deno.ts`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["node:*"],
    plugins: [leftOut],
    write: false,
    metafile: true,
    logLevel: "warning",
  });
  const imports = new Set();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const i of input.imports) if (i.external) imports.add(i.path);
  }
  return { code: result.outputFiles[0].text, imports: [...imports].sort() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? `${root}.device/toolrl_device.js`;
  const { code, imports } = await bundleDevice();
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, code);
  process.stderr.write(`wrote ${out} (${(code.length / 1024).toFixed(0)} KiB; imports ${imports.join(", ")})\n`);
}
