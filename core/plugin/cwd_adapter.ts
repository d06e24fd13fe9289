/**
 * Runtime adapter: the URL of the current working directory, against which `loadPlugin` resolves
 * relative paths. Deno and Node have a working directory; a browser uses the page's address.
 */

interface RuntimeGlobals {
  Deno?: { cwd(): string };
  process?: { cwd(): string };
  location?: { href: string };
}

function directoryUrl(path: string): string {
  const slashed = path.replaceAll("\\", "/");
  const absolute = slashed.startsWith("/") ? slashed : `/${slashed}`;
  const url = new URL("file:///");
  url.pathname = absolute.endsWith("/") ? absolute : `${absolute}/`;
  return url.href;
}

/** The working directory as a `file:` URL ending in `/`, or the page address in a browser; `undefined` if neither exists. */
export function workingDirectoryUrl(): string | undefined {
  const runtime = globalThis as unknown as RuntimeGlobals;
  if (runtime.Deno?.cwd) return directoryUrl(runtime.Deno.cwd());
  if (runtime.process?.cwd) return directoryUrl(runtime.process.cwd());
  return runtime.location?.href;
}
