// The tools' JSON Schemas as tools/list shows them, converted from zod when the bundle is built instead of at
// every start: the conversion was a noticeable share of the time a host waits for its first tools/list.
// scripts/bundle-cli.mjs fills the table from the very functions the server would run (listedSchemasOf in
// register-tools.ts), and test/integration/precomputed-listing.test.ts checks that it equals a live conversion.

import type { Tool } from "@modelcontextprotocol/server";

export type ListedSchemas = { input: Tool["inputSchema"]; output: Tool["outputSchema"] };

/** Tool name -> its listed schemas. Empty from tsc's output (tests, tsx): there each listing is converted live. */
export const PRECOMPUTED_SCHEMAS: Readonly<Record<string, ListedSchemas>> = {};
