import type { Store } from "@headroom/core";
import type { CliCommand } from "../command.js";
import { createEngine } from "../engine.js";
import { sampleConversation } from "../sample.js";
import { summarize } from "./compress.js";

export const command: CliCommand = {
  name: "demo",
  summary: "compress a bundled sample agent conversation in memory and print the savings",
  usage: "headroom demo [--json]\n\nRuns on embedded defaults: no server, no account, an in-memory store.",
  options: { json: false, help: false },
  async run(args, io) {
    const { MemoryStore, retrieve } = await import("@headroom/ccr");
    const store: Store = new MemoryStore();
    const engine = await createEngine(io.cwd);
    const messages = sampleConversation();
    const r = await engine.compress(messages, { model: "gpt-4o", store });
    if (args.options.json) {
      const { messages: _m, ...rest } = r;
      io.stdout(JSON.stringify(rest, null, 2) + "\n");
      return 0;
    }
    io.stdout("Sample on-call session: 3 tool outputs (service log, deploy list JSON, grep results)\n\n");
    io.stdout(summarize(r));
    const first = r.ccrHashes[0];
    if (first) {
      const got = await retrieve(store, first);
      const size = got.found ? got.content.length : 0;
      io.stdout(`\nNothing is lost: hash=${first} retrieves ${size} characters of original output.\n`);
    }
    return 0;
  },
};
