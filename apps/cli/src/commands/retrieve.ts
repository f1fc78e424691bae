import { existsSync } from "node:fs";
import { numberOption, stringOption } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";
import { cliStorePath } from "../engine.js";

/**
 * `headroom retrieve HASH [--query Q] [--store PATH]`: prints the original a marker points to.
 * With a query only the matching items/lines are printed (the "returned K of N" note goes to stderr, so
 * stdout stays pipeable). A miss is one line on stderr and exit code 1; a HASH that is not one (or a bad
 * store path) is a usage error, exit code 2.
 */
export const command: CliCommand = {
  name: "retrieve",
  summary: "print the original behind a marker's hash (from the CCR store)",
  usage: [
    "headroom retrieve HASH [--query Q] [--store PATH] [--max-items N] [--json]",
    "",
    "  HASH             the 24 hex characters after hash= in a marker (a whole marker works too)",
    "  --query Q, -q Q  only the items of a JSON array (or the lines of a text) that match Q (BM25)",
    "  --store PATH     store to read, as given to compress (default: $HEADROOM_STORE, else the user",
    "                   data directory; a directory that is not a store means the ccr/ inside it)",
    "  --max-items N    with --query: at most N items (default 50)",
    "  --json           print the retrieval result as JSON ({found, hash, content, note, …})",
    "",
    "Exit codes: 0 found, 1 not in the store (expired or unknown), 2 usage error.",
    "",
    "Examples:",
    "  headroom retrieve 3f2a9c0b1d4e5f60718293a4",
    '  headroom retrieve 3f2a9c0b1d4e5f60718293a4 --query "ERROR timeout"',
  ].join("\n"),
  options: { query: true, store: true, "max-items": true, json: false, help: false },
  async run(args, io) {
    const [hash, ...extra] = args.positionals;
    if (!hash) throw new UsageError("missing HASH (the 24 hex characters after hash= in a marker)");
    if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
    const query = stringOption(args, "query");
    const maxItems = numberOption(args, "max-items");
    const ccr = await import("@headroom/ccr/node");
    const key = ccr.normalizeHash(hash);
    if (!ccr.isCcrKey(key)) throw new UsageError(`${JSON.stringify(hash)} is not a CCR hash: give the 24 hex characters after hash= in a marker (or the whole marker)`);
    const path = await cliStorePath(stringOption(args, "store"), io);
    const json = args.options.json === true;

    // Reading must not create a store: a missing file is simply a miss.
    if (!existsSync(path)) {
      const message = `No CCR store at ${path}, so nothing is stored for hash ${key}. Pass --store PATH (the one given to compress), or re-run the tool that produced the output.`;
      if (json) io.stdout(JSON.stringify({ found: false, hash: key, status: "unknown", message }, null, 2) + "\n");
      else io.stderr(`headroom retrieve: ${message}\n`);
      return 1;
    }
    const store = ccr.openStore(path, { onWarning: (m) => io.stderr(`headroom: ${m}\n`) });
    try {
      const r = await ccr.retrieve(store, key, { ...(query !== undefined ? { query } : {}), ...(maxItems !== undefined ? { maxItems } : {}) });
      if (json) {
        io.stdout(JSON.stringify(r, null, 2) + "\n");
        return r.found ? 0 : 1;
      }
      if (!r.found) {
        io.stderr(`headroom retrieve: ${r.message}\n`);
        return 1;
      }
      if (r.query === undefined) {
        // Byte for byte: `headroom retrieve H > file` recreates the original exactly.
        io.stdout(r.content);
        return 0;
      }
      io.stderr(`${r.note}\n`);
      io.stdout(r.content && !r.content.endsWith("\n") ? `${r.content}\n` : r.content);
      return 0;
    } finally {
      store.close();
    }
  },
};
