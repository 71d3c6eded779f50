export { usePipeline } from './usePipeline';
export { useAwaitingMyApproval } from './useAwaitingMyApproval';
export { useRequestActions } from './useRequestActions';
export type { ActionResult, RequestActions } from './useRequestActions';
export { usePromotionTabLink } from './usePromotionTabLink';
export {
  FAST_REFRESH_MS,
  SLOW_REFRESH_MS,
  pipelineRefreshMs,
  requestRefreshMs,
} from './refreshIntervals';
