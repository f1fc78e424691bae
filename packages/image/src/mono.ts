/**
 * Monospaced text (terminals, logs, code) needs more pixels than prose: its tokens are identifiers,
 * digits and hashes where one misread glyph breaks the token, and no word shape helps the reader guess.
 * Detected from the image alone: in monospaced text every glyph sits in a fixed-width cell and lines
 * start at the same column, so the gaps between glyphs line up across lines and the column profile of
 * all text rows repeats at the cell pitch. Proportional text has gaps everywhere; its profile is smooth.
 */

/** Result of `monospaceScore`. */
export interface MonoMeasure {
  /** Normalised autocorrelation of the column ink profile at the pitch (0–1; higher = more regular). */
  score: number;
  /** Cell pitch in px of the measured image (0 when no peak was found). */
  pitch: number;
}

/**
 * Score of monospaced layout. `rows` marks the text rows (from the band search); ink is any pixel more
 * than `ink` grey levels from the row's background (its most common value). The column profile P[x] sums
 * ink over those rows; its mean-removed autocorrelation R(lag) is searched for a peak past its first
 * minimum, for lags up to `maxLag` (the caller passes three text heights: a few glyph cells).
 */
export function monospaceScore(gray: Uint8Array, w: number, h: number, rows: Uint8Array, maxLag: number, ink = 50): MonoMeasure {
  const prof = new Float64Array(w);
  const hist = new Uint32Array(256);
  let n = 0;
  for (let y = 0; y < h; y++) {
    if (!rows[y]) continue;
    hist.fill(0);
    const o = y * w;
    for (let x = 0; x < w; x++) hist[gray[o + x]!]!++;
    let bg = 0;
    for (let v = 1; v < 256; v++) if (hist[v]! > hist[bg]!) bg = v;
    for (let x = 0; x < w; x++) if (Math.abs(gray[o + x]! - bg) > ink) prof[x]!++;
    n++;
  }
  if (n === 0) return { score: 0, pitch: 0 };
  // Only the span that holds ink: margins would add a large step that every lag correlates with.
  let x0 = 0;
  let x1 = w;
  while (x0 < w && prof[x0] === 0) x0++;
  while (x1 > x0 && prof[x1 - 1] === 0) x1--;
  const len = x1 - x0;
  const lagMax = Math.min(Math.floor(maxLag), Math.floor(len / 4));
  if (lagMax < 4) return { score: 0, pitch: 0 };
  // High-pass: the profile minus its moving average over `lagMax` columns, so that the ragged right edge,
  // margins and table columns (slow changes) do not correlate at every lag; glyph cells remain.
  const d = new Float64Array(len);
  const half = Math.max(2, Math.floor(lagMax / 2));
  const cum = new Float64Array(len + 1);
  for (let i = 0; i < len; i++) cum[i + 1] = cum[i]! + prof[x0 + i]!;
  for (let i = 0; i < len; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(len, i + half + 1);
    d[i] = prof[x0 + i]! - (cum[b]! - cum[a]!) / (b - a);
  }
  let r0 = 0;
  for (let i = 0; i < len; i++) r0 += d[i]! * d[i]!;
  if (r0 === 0) return { score: 0, pitch: 0 };
  const r = (lag: number) => {
    let s = 0;
    for (let i = 0; i + lag < len; i++) s += d[i]! * d[i + lag]!;
    return s / r0;
  };
  // Past the first local minimum (the glyph's own width), the highest peak is the pitch.
  let prev = r(1);
  let lag = 2;
  for (; lag <= lagMax; lag++) {
    const cur = r(lag);
    if (cur > prev) break;
    prev = cur;
  }
  let best = { score: 0, pitch: 0 };
  for (let l = lag; l <= lagMax; l++) {
    const v = r(l);
    if (v > best.score) best = { score: v, pitch: l };
  }
  return best;
}
