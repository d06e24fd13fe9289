/** The request a load run sends (load.ts runs it, send_node.ts sends it on Node). */

/** One request to send (the same one every time). */
export interface LoadRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}
