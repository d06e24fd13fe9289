/**
 * The demo site behind `toolrl serve --demo` (Node and Deno, through `node:fs`): the page under
 * `/demo/` and, when given, a checkpoint folder under `/demo/checkpoint/` for the page to load. In a
 * source checkout the page is bundled with esbuild in memory on start (nothing is written, so it is
 * always current); an installed package serves its prebuilt `dist/demo/`. Every response is
 * cross-origin isolated (COOP/COEP), so the WebAssembly kernels may use threads.
 */
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { FetchApp } from "../server/adapter/types.ts";

/** Where the demo's files come from. */
export interface DemoSiteOptions {
  /** A checkpoint folder (config.json, model.safetensors, char_tokenizer.json) served as /demo/checkpoint/. */
  checkpoint?: string;
  /** The built page (default: dist/demo of this package). */
  pageDir?: string;
}

/** Answers requests under `/demo/`; null for any other path. */
export type DemoSite = (request: Request) => Promise<Response | null>;

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  map: "application/json",
  json: "application/json",
  safetensors: "application/octet-stream",
};
const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};

/**
 * The demo site: in a source checkout the page is bundled afresh in memory, else read from `dist/demo/`.
 *
 * @example
 * ```ts
 * const site = await demoSite({ checkpoint: "runs/calculator/checkpoint" });
 * await serve({ app: withDemo(createToolServer({ plugins }), site), port: 8000 }); // open /demo/
 * ```
 */
export async function demoSite(options: DemoSiteOptions = {}): Promise<DemoSite> {
  const page = options.pageDir === undefined ? await bundleInCheckout() : null;
  const pageDir = (options.pageDir ?? fileURLToPath(new URL("../dist/demo", import.meta.url))).replace(/[\\/]+$/, "");
  if (page === null && !(await isFile(`${pageDir}/index.html`))) {
    throw new Error(`the demo page is not built: ${pageDir}/index.html is missing; run "npm run build" first`);
  }
  if (options.checkpoint !== undefined && !(await isFile(`${options.checkpoint}/config.json`))) {
    throw new Error(`--demo-checkpoint ${options.checkpoint} is not a checkpoint folder: it has no config.json`);
  }
  const pageFile = async (name: string) =>
    page !== null ? page.get(name) ?? null : (await isFile(`${pageDir}/${name}`)) ? await readFile(`${pageDir}/${name}`) : null;
  const checkpointFile = async (name: string) =>
    options.checkpoint !== undefined && (await isFile(`${options.checkpoint}/${name}`)) ? await readFile(`${options.checkpoint}/${name}`) : null;
  return async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path === "/demo") return new Response(null, { status: 308, headers: { location: "/demo/" } });
    if (!path.startsWith("/demo/")) return null;
    if (request.method !== "GET" && request.method !== "HEAD") return text(405, "the demo serves GET and HEAD only");
    const rest = path.slice("/demo/".length);
    if (rest.split("/").some((part) => part === ".." || part.startsWith("."))) return text(404, "no such file");
    const body = rest.startsWith("checkpoint/")
      ? await checkpointFile(rest.slice("checkpoint/".length))
      : await pageFile(rest === "" ? "index.html" : rest);
    if (body === null) return text(404, `no demo file ${rest}`);
    const type = TYPES[rest.slice(rest.lastIndexOf(".") + 1)] ?? (rest === "" ? TYPES.html : "application/octet-stream");
    const headers = { "content-type": type, "cache-control": "no-store", ...ISOLATION };
    return new Response(request.method === "HEAD" ? null : new Uint8Array(body), { headers });
  };
}

/**
 * `app` with the demo site in front of it: `/demo/...` goes to the site, everything else to `app`.
 *
 * @example
 * ```ts
 * const server = await serve({ app: withDemo(app, await demoSite()), port: 0 });
 * ```
 */
export function withDemo(app: FetchApp, site: DemoSite): FetchApp {
  return { fetch: async (request) => (await site(request)) ?? app.fetch(request) };
}

/** The page bundled in memory when this is a source checkout (scripts/build.mjs present), else null. */
async function bundleInCheckout(): Promise<Map<string, Uint8Array> | null> {
  const script = new URL("../scripts/build.mjs", import.meta.url);
  if (!(await isFile(fileURLToPath(script)))) return null;
  const { bundleDemo } = await import(script.href) as { bundleDemo(): Promise<Map<string, Uint8Array>> };
  return await bundleDemo();
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { "content-type": "text/plain; charset=utf-8", ...ISOLATION } });
}
