#!/usr/bin/env node
// The installed `headroom` command. Relative paths resolve from the directory the user runs it in.
let cli;
try {
  cli = await import("../dist/index.js");
} catch (e) {
  if (e?.code !== "ERR_MODULE_NOT_FOUND" || !String(e.message).includes("dist")) throw e;
  process.stderr.write("headroom: this copy of @headroom/cli has no dist/ (a broken install): reinstall it\n");
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2), cli.processIO());
