/** Episodes, their segments and masks, terminal rendering and JSONL export. */
export * from "./episode.ts";
export * from "./show.ts";
