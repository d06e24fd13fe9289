// The guides' commands are typed as written: in a clone, `toolrl` is not on the PATH, so shell blocks spell out
// `npx toolrl` (or `deno task toolrl`, `node bin/toolrl.mjs`), and a page that writes bare `toolrl ...` in its prose
// says once how to type it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pages = ["README.md", ...readdirSync(`${root}docs`).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const read = (page: string) => readFileSync(`${root}${page}`, "utf8");

/** Shell lines of fenced sh/bash blocks that run `toolrl` bare (at the start, after a pipe, `&&` or `# or:`). */
function bareShellCommands(markdown: string): string[] {
  const bare: string[] = [];
  let shell: boolean | null = null;
  for (const line of markdown.split("\n")) {
    const fence = /^```(\w*)/.exec(line);
    if (fence) {
      shell = shell === null ? ["sh", "bash", "shell", ""].includes(fence[1]) : null;
      continue;
    }
    if (shell && /(^|\|\s*|&&\s*|#\s*or:\s*)toolrl /.test(line)) bare.push(line);
  }
  return bare;
}

test("bareShellCommands() finds toolrl run bare in shell blocks only", () => {
  const page = "```sh\ntoolrl train calculator\necho x | toolrl parse\nnpx toolrl serve\n```\n```ts\ntoolrl train x\n```\n";
  assert.equal(bareShellCommands(page), ["toolrl train calculator", "echo x | toolrl parse"]);
});

test("every shell block of README.md and docs/ runs the CLI as npx toolrl (or deno task toolrl)", () => {
  const bare = pages.flatMap((page) => bareShellCommands(read(page)).map((line) => `${page}: ${line}`));
  assert.equal(bare, []);
});

test("every page that writes bare `toolrl ...` in its prose says once that a clone types npx toolrl", () => {
  const silent = pages.filter((page) => {
    const text = read(page);
    return /`toolrl (train|eval|serve|parse|bench|export|logits|template|init-model)/.test(text) &&
      !/in a clone[^.]*type `npx toolrl \.\.\.`/.test(text);
  });
  assert.equal(silent, []);
});

test.run();
