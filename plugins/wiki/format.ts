/** How search hits read to the model: the Search-R1/verl convention, `Doc {i} (Title: {title})\n{text}\n`. */

/** A hit's title and text. */
export interface Passage {
  title: string;
  text: string;
}

/**
 * Renders hits one after another, numbered from 1, without a trailing newline.
 *
 * @example
 * ```ts
 * formatHits([{ title: "Velmora", text: "A town on the Osk." }]); // "Doc 1 (Title: Velmora)\nA town on the Osk."
 * ```
 */
export function formatHits(passages: readonly Passage[]): string {
  return passages.map((passage, i) => `Doc ${i + 1} (Title: ${passage.title})\n${passage.text}\n`).join("").trimEnd();
}

/**
 * Splits Search-R1 `contents` (`"Title"\ntext`) into title and text; the title's quotes are dropped.
 *
 * @example
 * ```ts
 * fromContents("\"Velmora\"\nA town."); // { title: "Velmora", text: "A town." }
 * ```
 */
export function fromContents(contents: string): Passage {
  const newline = contents.indexOf("\n");
  const head = (newline === -1 ? contents : contents.slice(0, newline)).trim();
  const title = head.length >= 2 && head.startsWith('"') && head.endsWith('"') ? head.slice(1, -1) : head;
  return { title, text: newline === -1 ? "" : contents.slice(newline + 1).trim() };
}
