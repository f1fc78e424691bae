import { JObj, type JVal } from "./ast.js";

/**
 * Lossy slimming of one object, used before any item is dropped: fields an agent can derive or does
 * not read are removed, long free text is cut to its opening, and every identifying field (ids, names,
 * titles, logins, states, flags, numbers, html links) stays. The whole original is in the store, so
 * nothing is lost; the point is that every item of a long array can stay visible in a slimmed form
 * instead of most items disappearing whole.
 */

/** Opaque per-object ids that repeat what `id` says (GitHub GraphQL node ids, legacy gravatar ids). */
const OPAQUE_KEYS = new Set(["node_id", "gravatar_id"]);

/** Absolute URLs, scp-style git remotes and root-relative paths (`/api/v2/move/5/`). */
const URL_RE = /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$|^git@[^\s]+$|^\/[^\s/][^\s]*$/i;

/** Host of a URL-like string, lower-cased, or "" when it has none. */
function host(u: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:]+)/i.exec(u);
  return m ? m[1]!.toLowerCase() : "";
}

/** True for links into a machine API (api.* hosts or an /api/ path): the agent reads the html form. */
function isApiLink(u: string): boolean {
  const h = host(u);
  return h.startsWith("api.") || /^(?:[a-z][a-z0-9+.-]*:\/\/[^/]+)?\/api\//i.test(u);
}

/**
 * Whether field `k` of an object can be dropped as a link derivable from the object's other fields:
 * URL templates (`…{/privacy}`), links under the object's own `url`, api links that sit beside another
 * identifying field, and clone-style links that repeat the path of its `html_url`.
 */
function derivableLink(k: string, v: string, url: string | undefined, htmlPath: string | undefined, id: string | undefined, names: IdTest): boolean {
  if (!URL_RE.test(v)) return false;
  if (k !== "url" && !k.endsWith("_url")) return false;
  // Links built from the object's own id or sha (avatars, per-id resources); a page named by a commit
  // sha is derivable too, while other html links (named by number or login) are what a reader follows.
  const byId = id !== undefined && names(v);
  if (k === "html_url") return byId && /^[0-9a-f]{7,}$/.test(id!);
  if (/\{[^}]*\}/.test(v)) return true;
  if (byId && k !== "url") return true;
  if (url !== undefined && k !== "url" && v.startsWith(url)) return true;
  if (k !== "url" && isApiLink(v)) return true;
  if (htmlPath && k !== "url" && v.includes(htmlPath)) return true;
  return false;
}

/** Whether a link names the object's id as a path segment (`/<id>` then `/`, `?`, `#` or the end). */
type IdTest = (v: string) => boolean;

/**
 * The id test of one object, built once for all its links. Ids of word characters (nearly all) are
 * found by plain search; any other id keeps the pattern it always had (its `.` or `+` act as regex
 * syntax there, and outputs must not change).
 */
export function idTest(id: string | undefined): IdTest {
  if (id === undefined) return () => false;
  if (!/^\w+$/.test(id)) {
    const re = new RegExp(`/${id}(?:[/?#]|$)`);
    return (v) => re.test(v);
  }
  const needle = "/" + id;
  return (v) => {
    for (let i = v.indexOf(needle); i >= 0; i = v.indexOf(needle, i + 1)) {
      const end = i + needle.length;
      if (end === v.length) return true;
      const c = v.charCodeAt(end);
      if (c === 47 || c === 63 || c === 35) return true;
    }
    return false;
  };
}

/** Cuts free text to about `max` characters at a word boundary, with a visible note of what was cut. */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  // A first line of some substance is the summary (commit subject, issue opening sentence).
  const nl = s.indexOf("\n");
  if (nl >= 20 && nl <= max) return `${s.slice(0, nl).trimEnd()}… (+${s.length - nl} chars)`;
  let end = max;
  const sp = s.lastIndexOf(" ", max);
  if (sp > max * 0.6) end = sp;
  return `${s.slice(0, end)}… (+${s.length - end} chars)`;
}

/**
 * Slims one object's own fields (not its children: the caller recurses). Returns the same object when
 * nothing changed, so callers can tell whether the document was touched. Long free text is cut by the
 * caller's string rule (`cutText`), after the checks for blobs and stringified JSON.
 */
export function slimObject(o: JObj): JObj {
  const urlIdx = o.keys.indexOf("url");
  const url = urlIdx >= 0 && typeof o.vals[urlIdx] === "string" ? (o.vals[urlIdx] as string) : undefined;
  const htmlIdx = o.keys.indexOf("html_url");
  let htmlPath: string | undefined;
  if (htmlIdx >= 0 && typeof o.vals[htmlIdx] === "string") {
    const m = /^[a-z]+:\/\/[^/]+\/(.+?)\/?$/i.exec(o.vals[htmlIdx] as string);
    // Only paths specific enough to mean "this object" (owner/name), never a bare host.
    if (m && m[1]!.includes("/")) htmlPath = m[1];
  }
  let idIdx = o.keys.indexOf("id");
  if (idIdx < 0) idIdx = o.keys.indexOf("sha");
  const idv = idIdx >= 0 ? o.vals[idIdx] : undefined;
  const id = typeof idv === "number" || (typeof idv === "string" && /^\w{4,}$/.test(idv)) ? String(idv) : undefined;
  // An object with nothing but links keeps its `url` (it would otherwise become empty and meaningless).
  const hasIdentity = htmlIdx >= 0 || o.keys.some((k, i) => k !== "url" && !k.endsWith("_url") && !OPAQUE_KEYS.has(k) && o.vals[i] !== null);
  const keys: string[] = [];
  const vals: JVal[] = [];
  let changed = false;
  const names = idTest(id);
  for (let i = 0; i < o.keys.length; i++) {
    const k = o.keys[i]!;
    const v = o.vals[i]!;
    if (OPAQUE_KEYS.has(k) && (typeof v === "string" || typeof v === "number")) {
      changed = true;
      continue;
    }
    if (typeof v === "string") {
      if (derivableLink(k, v, url, htmlPath, id, names) || (k === "url" && hasIdentity && isApiLink(v))) {
        changed = true;
        continue;
      }
      // Renderings of a sibling field (`body_html`, `body_text` beside `body`) repeat it.
      const base = /^(.+)_(?:html|text)$/.exec(k);
      if (base && o.keys.includes(base[1]!)) {
        changed = true;
        continue;
      }
    }
    keys.push(k);
    vals.push(v);
  }
  return changed ? new JObj(keys, vals) : o;
}

/** Keys that name or identify an object: what a skeleton keeps of nested objects. */
const IDENTITY_KEY = /^(?:id|name|title|login|state|status|action|type|number|sha|ref|key|label|full_name|display_name|(?:\w+_)?(?:id|name|number))$/;

/**
 * Skeleton of an item that does not fit in full: its short top-level scalars and, from nested objects
 * (up to three levels), only the identifying fields; arrays and long text are left out. Returns null
 * when nothing identifying is left. The reader still sees that the item exists and what it is called.
 */
export function skeleton(v: JVal, depth = 0): JVal | null {
  if (!(v instanceof JObj)) return typeof v === "string" && v.length > 100 ? null : Array.isArray(v) ? null : v;
  const keys: string[] = [];
  const vals: JVal[] = [];
  for (let i = 0; i < v.keys.length; i++) {
    const k = v.keys[i]!;
    const x = v.vals[i]!;
    if (x instanceof JObj) {
      if (depth >= 3) continue;
      const s = skeleton(x, depth + 1);
      if (s instanceof JObj && s.keys.length > 0) {
        keys.push(k);
        vals.push(s);
      }
      continue;
    }
    if (Array.isArray(x) || (typeof x === "string" && x.length > 100)) continue;
    if (depth > 0 && !IDENTITY_KEY.test(k)) continue;
    keys.push(k);
    vals.push(x);
  }
  return keys.length ? new JObj(keys, vals) : null;
}
