/**
 * Gates: the built-in gate types, the window gate made from an environment's
 * `windows`, and the runner that builds an environment's gates from config and
 * evaluates them.
 */
export { GateRunner } from './GateRunner';
export type { ConfiguredGate, GateMode } from './GateRunner';
export { builtInGateFactories } from './builtInGateFactories';
export { createWindowGate } from './WindowGate';
export { summarise } from './summarise';
export type { GateSummary } from './summarise';
export { GateConfigError } from './GateConfigError';
