export { PlanChanges } from './PlanChanges';
export { PlanDelivery } from './PlanDelivery';
export { PlanGates } from './PlanGates';
export { PlanRegistry } from './PlanRegistry';
