/**
 * @headroom/image — edge-safe root: per-provider image cost models, the size planner, image header
 * parsing and what `headroom_retrieve` answers for a stored image. The sharp-based compressor is in
 * `@headroom/image/node`.
 */
export { costModelFor, imageCost, ANTHROPIC_MAX_EDGE, ANTHROPIC_MAX_PIXELS, OPENAI_PATCH, OPENAI_MAX_PATCHES } from "./cost.js";
export type { CostModel, CostFormula, ImageCost, ImageDetail } from "./cost.js";
export { planSize, queryNeedsDetail, DETAIL_QUERY, DEFAULT_RULES, LOW_DETAIL_EDGE } from "./plan.js";
export type { PlanRules, ImageFacts, SizePlan } from "./plan.js";
export { readImageHeader, base64ToBytes, base64Size, formatBytes, parseImageDataUrl, describeStoredImage, imageRetrieveContent } from "./info.js";
export type { ImageHeader } from "./info.js";
