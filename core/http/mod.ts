/** JSON over HTTP with a time limit, retries and refused redirects: the one client every HTTP caller shares. */
export * from "./request_json.ts";
