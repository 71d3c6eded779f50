export { PromotionWorkflow } from './PromotionWorkflow';
export type { EntityLoader, Requester } from './PromotionWorkflow';
export { scheduleWorkflow } from './scheduleWorkflow';
export type { Caller } from './allowedActions';
