/**
 * What a file path says about its content, by the conventions of common ecosystems: tests, docs,
 * release history, generated and lock files, data and fixtures. Both `/` and `\` separate directories.
 * Each predicate is the union of the rules the compressors used before they shared this module.
 */

// Test directories and file-name conventions: `tests/`, `__tests__/`, `spec/`, `testdata/`, `a.test.ts`,
// `a_spec.rb`, `a.tests.js`, `x_test.go`, `test_x.py`, JVM/.NET/Swift `FooTest.java`, `FooTests.cs`.
const TEST_PATH = /(?:^|[\\/])(?:tests?|__tests__|specs?|testdata)[\\/]|[._-](?:test|spec)s?\.\w+$|_test\.go$|(?:^|[\\/])test_[^\\/]*\.py$/i;
// Case matters here: `FooTest.java` is a test, `latest.java` is not.
const JVM_TEST = /(?:^|[\\/]|[\p{L}\p{N}])Tests?\.(?:java|kt|kts|scala|groovy|cs|swift)$/u;

/** True for paths of tests (and the data directories beside them, such as Go's `testdata/`). */
export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path) || JVM_TEST.test(path);
}

const DOC_EXT = /\.(?:md|mdx|markdown|rst|txt|adoc|asciidoc)$/i;
const DOC_DIR = /(?:^|[\\/])docs?[\\/]/i;
// A suffix after the name (`README_zh`, `CHANGELOG-1.x`, `NEWS.rst`) but not a longer word: `Newsfeed.ts`
// and `HistoryService.java` are code.
const DOC_NAME = /(?:^|[\\/])(?:README|CHANGELOG|CHANGES|HISTORY|NEWS|AUTHORS)(?:[._-][^\\/]*)?$/i;

/**
 * True for documentation: markup and text files, anything under `doc/` or `docs/`, and the
 * conventional documents (README, CHANGELOG, CHANGES, HISTORY, NEWS, AUTHORS, with or without a suffix).
 * Release history counts as documentation; {@link isHistoryPath} tells it apart.
 */
export function isDocPath(path: string): boolean {
  return DOC_EXT.test(path) || DOC_DIR.test(path) || DOC_NAME.test(path);
}

// Release notes mention a symbol when it changed, not where it lives.
const HISTORY_PATH =
  /(?:^|[\\/])(?:CHANGELOG|CHANGES|HISTORY|NEWS|RELEASE[\w-]*|change_?logs?|release_?notes?)[^\\/]*$|(?:^|[\\/])(?:change_?logs?|releases?|release_?notes)[\\/]/i;

/** True for release history: changelogs, release notes, NEWS/HISTORY files and their directories. */
export function isHistoryPath(path: string): boolean {
  return HISTORY_PATH.test(path);
}

const LOCK_PATH =
  /(?:^|[\\/])(?:package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock|bun\.lockb?|Cargo\.lock|Gemfile\.lock|composer\.lock|poetry\.lock|uv\.lock|Pipfile\.lock|go\.sum|flake\.lock|mix\.lock|pubspec\.lock|Podfile\.lock|packages\.lock\.json|gradle\.lockfile)$|\.lock$/;

/** True for dependency lock files (`pnpm-lock.yaml`, `Cargo.lock`, `go.sum`, any `*.lock`). */
export function isLockPath(path: string): boolean {
  return LOCK_PATH.test(path);
}

// Minified bundles, source maps, snapshots, protobuf/codegen output, and vendored or built trees.
const GENERATED =
  /\.min\.(?:js|css|mjs)$|\.(?:js|css)\.map$|(?:^|[\\/])__snapshots__[\\/]|\.snap$|\.pb\.go$|_pb2\.py$|\.generated\.\w+$|(?:^|[\\/])(?:dist|vendor)[\\/]/;

/**
 * True for files no one reads line by line: lock files, minified bundles and source maps, snapshots,
 * generated code (`*.pb.go`, `*_pb2.py`, `*.generated.*`) and `dist/`/`vendor/` trees.
 */
export function isGeneratedPath(path: string): boolean {
  return GENERATED.test(path) || isLockPath(path);
}

// Data, lock, log, snapshot, minified and configuration-data files: whatever their lines look like
// (a CSV row can pass for a C prototype), they define nothing.
const DATA_PATH = /\.(?:csv|tsv|json|jsonl|ndjson|lock|log|svg|map|min\.js|min\.css|snap|xml|ya?ml|toml|ini|dat)$/i;

/** True for data files by extension (CSV, JSON, logs, YAML/TOML, XML, SVG, maps, snapshots, locks). */
export function isDataPath(path: string): boolean {
  return DATA_PATH.test(path);
}

const FIXTURE_PATH = /(?:^|[\\/])(?:__fixtures__|fixtures?|testdata|test[_-]?data|__mocks__|mocks?)[\\/]|\.(?:fixture|golden)(?:\.\w+)?$/i;

/** True for test fixtures and golden files (`fixtures/`, `testdata/`, `__mocks__/`, `*.golden`). */
export function isFixturePath(path: string): boolean {
  return FIXTURE_PATH.test(path);
}
