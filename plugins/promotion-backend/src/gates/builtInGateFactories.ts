import { GateFactory } from '@internal/plugin-promotion-node';
import { httpGateFactory } from './HttpGate';
import { registryGateFactory } from './RegistryGate';
import { soakGateFactory } from './SoakGate';
import { sourceMatchGateFactory } from './SourceMatchGate';
import { versionConstraintGateFactory } from './VersionConstraintGate';

/**
 * The gate types this plugin ships. The window gate is not among them: it is
 * made from an environment's `windows` list, not from `gates`.
 */
export function builtInGateFactories(): GateFactory[] {
  return [
    sourceMatchGateFactory,
    soakGateFactory,
    httpGateFactory,
    versionConstraintGateFactory,
    registryGateFactory,
  ];
}
