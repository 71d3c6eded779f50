import { GateFactory } from '@promotion-for-backstage/plugin-promotion-node';
import { deployedGateFactory } from './DeployedGate';
import { httpGateFactory } from './HttpGate';
import type { RegistryService } from '../registry/RegistryService';
import { createRegistryGateFactory } from './RegistryGate';
import { soakGateFactory } from './SoakGate';
import { sourceMatchGateFactory } from './SourceMatchGate';
import { versionConstraintGateFactory } from './VersionConstraintGate';

/**
 * The gate types this plugin ships. The window gate is not among them: it is
 * made from an environment's `windows` list, not from `gates`. The registry
 * gate asks the registries of `promotion.registries` through `registries`.
 */
export function builtInGateFactories(
  registries?: RegistryService,
): GateFactory[] {
  return [
    sourceMatchGateFactory,
    soakGateFactory,
    deployedGateFactory,
    httpGateFactory,
    versionConstraintGateFactory,
    createRegistryGateFactory(registries),
  ];
}
