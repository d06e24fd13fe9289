#!/usr/bin/env node
// Node entry of the toolrl CLI: registers the TypeScript loader, then runs the shared CLI.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../cli/main.ts");
const code = await main(process.argv.slice(2));
process.exitCode = code;
