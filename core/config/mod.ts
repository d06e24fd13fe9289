/**
 * Settings validation shared by every config reader: `parseConfig` (valibot schema → value or one clear
 * error) and `formatIssues` (valibot issues as `path: message`).
 * @module
 */
export * from "./parse_config.ts";
