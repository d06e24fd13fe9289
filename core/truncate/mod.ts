/** Truncation of tool responses by characters or tokens, with visible cut marks. */
export * from "./truncate.ts";
