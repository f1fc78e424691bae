#!/usr/bin/env node
// Keeps every public package's published metadata in one shape: license file, repository/homepage/bugs
// (one place to change the URL), keywords, `prepack` build, caret ranges for third-party dependencies,
// `files` including LICENSE, and no monorepo-only scripts. Run after adding a package:
//   node scripts/package-meta.mjs          (writes)      node scripts/package-meta.mjs --check (CI)
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const REPO = "https://github.com/headroom-ts/headroom";
const BASE_KEYWORDS = ["headroom", "llm", "context-compression", "tokens", "ai"];
const EXTRA = {
  "@headroom/core": ["compression-pipeline", "openai", "anthropic"],
  "@headroom/tokenizer": ["tiktoken", "o200k_base", "cl100k_base"],
  "@headroom/router": ["content-detection", "plugins"],
  "@headroom/smart-crusher": ["json"],
  "@headroom/code": ["tree-sitter", "ast"],
  "@headroom/log": ["logs"],
  "@headroom/search": ["ripgrep", "search-results"],
  "@headroom/diff": ["git-diff"],
  "@headroom/prose": ["text", "summarization"],
  "@headroom/ccr": ["retrieval", "sqlite"],
  "@headroom/proxy": ["proxy", "hono", "claude-code", "codex"],
  "@headroom/cli": ["cli", "claude-code", "codex"],
};
const check = process.argv.includes("--check");
const problems = [];

for (const group of ["packages", "apps"]) {
  for (const d of readdirSync(join(root, group)).sort()) {
    const dir = join(root, group, d);
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const before = readFileSync(file, "utf8");
    const pkg = JSON.parse(before);
    if (pkg.private) continue;
    const where = relative(root, dir);
    pkg.license = "Apache-2.0";
    pkg.repository = { type: "git", url: `git+${REPO}.git`, directory: where };
    pkg.homepage = `${REPO}/tree/main/${where}#readme`;
    pkg.bugs = { url: `${REPO}/issues` };
    pkg.keywords = [...new Set([...BASE_KEYWORDS, ...(EXTRA[pkg.name] ?? []), ...(pkg.keywords ?? [])])];
    pkg.files = [...new Set([...(pkg.files ?? ["dist"]), "README.md", "LICENSE"])];
    const scripts = { ...(pkg.scripts ?? {}) };
    // `vitest run --root ../..` only works inside this repo: tests run from the root (`npm test`).
    if (/\.\.\/\.\./.test(scripts.test ?? "")) delete scripts.test;
    if (scripts.build) scripts.prepack = scripts.build;
    pkg.scripts = scripts;
    for (const field of ["dependencies", "optionalDependencies"]) {
      for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
        if (!dep.startsWith("@headroom/") && /^\d/.test(range)) pkg[field][dep] = `^${range}`;
      }
    }
    const after = JSON.stringify(orderKeys(pkg), null, 2) + "\n";
    const license = join(dir, "LICENSE");
    const licenseOk = existsSync(license) && readFileSync(license, "utf8") === readFileSync(join(root, "LICENSE"), "utf8");
    if (check) {
      if (after !== before) problems.push(`${where}/package.json is out of date`);
      if (!licenseOk) problems.push(`${where}/LICENSE is missing or differs from the root LICENSE`);
    } else {
      if (after !== before) writeFileSync(file, after);
      if (!licenseOk) copyFileSync(join(root, "LICENSE"), license);
    }
  }
}

/** Conventional key order, so the rewrite keeps diffs small. */
function orderKeys(pkg) {
  const order = ["name", "version", "description", "keywords", "homepage", "bugs", "repository", "license", "type", "sideEffects", "main", "module", "types", "typesVersions", "exports", "bin", "files", "engines", "scripts"];
  const out = {};
  for (const k of order) if (k in pkg) out[k] = pkg[k];
  for (const k of Object.keys(pkg)) if (!(k in out)) out[k] = pkg[k];
  return out;
}

if (problems.length) {
  for (const p of problems) console.error(`package-meta: ${p} (run node scripts/package-meta.mjs)`);
  process.exit(1);
}
