export { GateRunChips } from './GateRunChips';
export { GateRunList } from './GateRunList';
export { GateStatusIcon } from './GateStatusIcon';
export {
  blockingRuns,
  gateRunText,
  GATE_STATUS_TEXT,
  retryText,
} from './gateRunText';
export { gateSummary } from './gateSummary';
