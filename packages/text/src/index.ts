/**
 * @headroom/text — the shared toolkit of Headroom compressors: the size-aware budget curve every
 * compressor uses instead of a fixed ratio, query terms and rarity-weighted relevance, word tokens with
 * identifier splitting, BM25, shingles and Jaccard, a heap and top-k, path predicates, the extension →
 * language table and the bias rule. No dependencies; runs on any JavaScript runtime.
 */
export { keepBudget, keepShare, keepChars, aboveFloor, estimateTokens, BUDGET_DEFAULTS, PROSE_BUDGET, type BudgetOptions } from "./budget.js";
export { queryTerms, isExactToken, noTerms, STOPWORDS, FUNCTION_WORDS, type QueryTerms } from "./terms.js";
export { idfWeight, relevance, stem, stemLoose, type Relevance, type RelevanceOptions } from "./relevance.js";
export { tokenize, splitIdentifier, isSpaceCode, type TokenizeOptions } from "./words.js";
export { Bm25Index, bm25Idf, rankBm25, queryWords, type Bm25Doc, type Bm25Options, type RankOptions, type Scored } from "./bm25.js";
export { shingles, jaccard, containment, shingleIds, NearDuplicateIndex } from "./similarity.js";
export { Heap, topK } from "./heap.js";
export { isTestPath, isDocPath, isHistoryPath, isLockPath, isGeneratedPath, isDataPath, isFixturePath } from "./paths.js";
export {
  LANGUAGE_IDS,
  EXTENSION_LANGUAGES,
  EXTENSION_KINDS,
  fileExtension,
  languageFromFileName,
  normalizeLanguage,
  kindFromFileName,
  type LanguageId,
} from "./languages.js";
export { normalizeBias, combineBias, scaleByBias } from "./bias.js";
