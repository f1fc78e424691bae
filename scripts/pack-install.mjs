#!/usr/bin/env node
// Pack-and-install check (CI): packs every public workspace package with `pnpm pack`, checks each
// tarball's metadata, installs the tarballs with npm into a fresh project in a temp directory (outside
// the workspace, so nothing resolves through it), then runs scripts/consumer/* there: ESM imports, CJS
// requires, a real compression, the installed `headroom` bin, and tsc under node16, bundler and node10.
// A second project installs only @headroom/cli, to measure what `npm i -g @headroom/cli` costs.
//   node scripts/pack-install.mjs [--keep]
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const keep = process.argv.includes("--keep");
const tmp = mkdtempSync(join(tmpdir(), "headroom-pack-"));
const t0 = Date.now();
const failures = [];
const fail = (m) => failures.push(m);
const step = (m) => console.log(`pack-install [${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: opts.stdio ?? "pipe", ...opts, env: { ...process.env, ...opts.env } });
  if (r.error) throw r.error;
  if (r.status !== 0 && !opts.allowFail) {
    console.error(r.stdout ?? "", r.stderr ?? "");
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status} (cwd ${opts.cwd ?? "."})`);
  }
  return r;
}

function pnpmCmd() {
  const v = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  return !v.error && v.status === 0 && v.stdout.trim().startsWith("12.") ? ["pnpm"] : ["npx", "-y", "pnpm@12.21.0"];
}

/** Public workspace packages (packages/*, apps/*), with their directory and manifest. */
function workspacePackages() {
  const out = [];
  for (const group of ["packages", "apps"]) {
    for (const d of readdirSync(join(root, group)).sort()) {
      const pj = join(root, group, d, "package.json");
      if (!existsSync(pj)) continue;
      const pkg = JSON.parse(readFileSync(pj, "utf8"));
      if (!pkg.private) out.push({ dir: join(root, group, d), pkg });
    }
  }
  return out;
}

const THIRD_PARTY_RANGE = /^\^\d/;

/** Checks one unpacked tarball's manifest and files. */
function checkTarball(name, dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  for (const f of ["LICENSE", "README.md"]) if (!existsSync(join(dir, f))) fail(`${name}: tarball has no ${f}`);
  if (existsSync(join(dir, "LICENSE")) && !readFileSync(join(dir, "LICENSE"), "utf8").includes("Apache License")) fail(`${name}: LICENSE is not Apache-2.0`);
  if (pkg.license !== "Apache-2.0") fail(`${name}: license ${pkg.license}`);
  for (const k of ["repository", "homepage", "bugs", "keywords", "description"]) if (!pkg[k]) fail(`${name}: package.json has no ${k}`);
  for (const [k, v] of Object.entries(pkg.scripts ?? {})) if (/\.\.\/\.\.|--root|vitest|turbo/.test(v)) fail(`${name}: monorepo-only script ${k}: ${v}`);
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith("workspace:")) fail(`${name}: ${field}.${dep} is ${range}`);
      else if (!dep.startsWith("@headroom/") && field === "dependencies" && !THIRD_PARTY_RANGE.test(range)) fail(`${name}: ${dep}@${range} is not a caret range`);
    }
  }
  const text = (p) => (statSync(p).isDirectory() ? readdirSync(p).flatMap((c) => text(join(p, c))) : /\.(m?js|cjs|md)$/.test(p) ? [[p, readFileSync(p, "utf8")]] : []);
  for (const [p, t] of text(dir)) {
    if (/pnpm build` in the repository|INIT_CWD|packages\/[a-z-]+\/src/.test(t)) fail(`${name}: ${relative(dir, p)} carries a monorepo-only message or path`);
  }
}

/** Total bytes, package count and install scripts of a node_modules tree. */
function footprint(nm) {
  let bytes = 0;
  const packages = [];
  const walk = (p) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const c = join(p, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) walk(c);
      else bytes += statSync(c).size;
    }
  };
  walk(nm);
  const scan = (dir) => {
    if (!existsSync(dir)) return;
    for (const n of readdirSync(dir)) {
      if (n.startsWith(".")) continue;
      if (n.startsWith("@")) {
        for (const s of readdirSync(join(dir, n))) visit(join(dir, n, s));
      } else visit(join(dir, n));
    }
  };
  const visit = (d) => {
    const pj = join(d, "package.json");
    if (!existsSync(pj)) return;
    const p = JSON.parse(readFileSync(pj, "utf8"));
    const s = p.scripts ?? {};
    const install = ["preinstall", "install", "postinstall"].filter((k) => s[k]);
    if (!install.length && existsSync(join(d, "binding.gyp"))) install.push("binding.gyp");
    packages.push({ name: p.name, install });
    scan(join(d, "node_modules"));
  };
  scan(nm);
  return { bytes, packages };
}

function npmInstall(dir, deps, overrides) {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "headroom-consumer", private: true, type: "module", dependencies: deps, overrides }, null, 2));
  // Install scripts are not run: the footprint check below lists which packages would run one.
  run("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir });
}

try {
  const pnpm = pnpmCmd();
  const pkgs = workspacePackages();
  const tarballs = join(tmp, "tarballs");
  mkdirSync(tarballs);
  step(`packing ${pkgs.length} packages`);
  for (const { dir, pkg } of pkgs) {
    // dist/ is already built (turbo); prepack would rebuild each package, which CI has just done.
    run(pnpm[0], [...pnpm.slice(1), "pack", "--ignore-scripts", "--pack-destination", tarballs], { cwd: dir });
    const file = readdirSync(tarballs).find((f) => f.startsWith(pkg.name.replace("@", "").replace("/", "-") + "-" + pkg.version));
    if (!file) throw new Error(`no tarball for ${pkg.name}`);
    const un = join(tmp, "unpacked", pkg.name);
    mkdirSync(un, { recursive: true });
    run("tar", ["xzf", join(tarballs, file), "-C", un, "--strip-components=1"]);
    checkTarball(pkg.name, un);
    pkg.tarball = join(tarballs, file);
  }
  const all = Object.fromEntries(pkgs.map(({ pkg }) => [pkg.name, `file:${pkg.tarball}`]));

  step("installing every tarball into a fresh npm project");
  const app = join(tmp, "app");
  mkdirSync(app);
  // The consumer loads every entry of every package, so the optional third-party peers those entries
  // name (for example onnx-proto for @headroom/text-ml/testing) are installed beside them.
  const optionalPeers = {};
  for (const { pkg } of pkgs)
    for (const [dep, meta] of Object.entries(pkg.peerDependenciesMeta ?? {}))
      if (meta?.optional && !dep.startsWith("@headroom/") && pkg.peerDependencies?.[dep]) optionalPeers[dep] = pkg.peerDependencies[dep];
  npmInstall(app, { ...optionalPeers, ...all }, all);
  cpSync(join(root, "scripts", "consumer"), app, { recursive: true });
  writeFileSync(join(app, "packages.json"), JSON.stringify(pkgs.map(({ pkg }) => pkg.name)));

  step("ESM, CJS and a real compression in the consumer");
  for (const f of ["esm.mjs", "cjs.cjs", "smoke.mjs"]) {
    const r = run(process.execPath, [f], { cwd: app, allowFail: true });
    process.stdout.write(r.stdout);
    if (r.status !== 0) fail(`consumer ${f} exited ${r.status}: ${r.stderr.trim()}`);
  }

  step("types: tsc under node16, bundler and node10");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const typeRoots = [join(root, "node_modules", "@types")];
  const configs = {
    node16: { module: "node16", moduleResolution: "node16", files: ["types.mts", "types.cts"] },
    bundler: { module: "esnext", moduleResolution: "bundler", files: ["types.mts"] },
    node10: { module: "commonjs", moduleResolution: "node10", files: ["types-node10.ts"] },
  };
  for (const [name, c] of Object.entries(configs)) {
    const cfg = { compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, target: "es2022", module: c.module, moduleResolution: c.moduleResolution, typeRoots, types: ["node"] }, files: c.files };
    writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify(cfg, null, 2));
    const r = run(process.execPath, [tsc, "-p", `tsconfig.${name}.json`], { cwd: app, allowFail: true });
    if (r.status !== 0) fail(`tsc (${name}) failed:\n${r.stdout}${r.stderr}`);
  }

  step("installing @headroom/cli alone (the global install's tree)");
  const cliOnly = join(tmp, "cli-only");
  mkdirSync(cliOnly);
  npmInstall(cliOnly, { "@headroom/cli": all["@headroom/cli"] }, all);
  const fp = footprint(join(cliOnly, "node_modules"));
  const mb = fp.bytes / 1e6;
  const scripts = fp.packages.filter((p) => p.install.length);
  console.log(`pack-install: @headroom/cli installs ${fp.packages.length} packages, ${mb.toFixed(1)} MB; install scripts: ${scripts.map((p) => `${p.name} (${p.install.join(", ")})`).join(", ") || "none"}`);
  if (mb > 60) fail(`@headroom/cli installs ${mb.toFixed(1)} MB (goal ≤ 60 MB)`);
  // No exceptions: the CLI's store is dependency-free (SQLite is an optional peer the user may add).
  for (const p of scripts) fail(`@headroom/cli pulls in an install script: ${p.name}`);
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
} finally {
  if (!keep) rmSync(tmp, { recursive: true, force: true });
  else console.log(`pack-install: kept ${tmp}`);
}
step(failures.length ? "FAILED" : "ok");
for (const f of failures) console.error(`  ✗ ${f}`);
process.exit(failures.length ? 1 : 0);
