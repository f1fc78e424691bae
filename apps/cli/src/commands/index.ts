import type { CliCommand } from "../command.js";
import { command as compress } from "./compress.js";
import { command as demo } from "./demo.js";
import { command as litellm } from "./litellm.js";
import { command as mcp } from "./mcp.js";
import { command as proxy } from "./proxy.js";
import { command as retrieve } from "./retrieve.js";
import { command as wrap, unwrapCommand as unwrap } from "./wrap.js";

/** Every `headroom` subcommand, in the order `headroom help` lists them. */
export const commands: CliCommand[] = [compress, demo, proxy, retrieve, wrap, unwrap, mcp, litellm];
