/**
 * @headroom/text — the shared toolkit of Headroom compressors: the size-aware budget curve every
 * compressor uses instead of a fixed ratio, and the query/tool-argument terms and rarity-weighted
 * relevance that decide what is kept first. No dependencies; runs on any JavaScript runtime.
 */
export { keepBudget, keepShare, keepChars, aboveFloor, estimateTokens, BUDGET_DEFAULTS, type BudgetOptions } from "./budget.js";
export { queryTerms, isExactToken, noTerms, STOPWORDS, type QueryTerms } from "./terms.js";
export { relevance, stem, type Relevance, type RelevanceOptions } from "./relevance.js";
