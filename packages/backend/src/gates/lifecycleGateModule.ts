import { createBackendModule } from '@backstage/backend-plugin-api';
import { promotionGatesExtensionPoint } from '@promotion-for-backstage/plugin-promotion-node';
import { LifecycleGateFactory } from './LifecycleGate';

/**
 * Adds the example `lifecycle` gate type to the promotion backend, the way an
 * adopter adds their own gates: a backend module for plugin `promotion` that
 * registers a GateFactory through `promotionGatesExtensionPoint`.
 */
export default createBackendModule({
  pluginId: 'promotion',
  moduleId: 'lifecycle-gate',
  register(env) {
    env.registerInit({
      deps: { gates: promotionGatesExtensionPoint },
      async init({ gates }) {
        gates.addGateFactory(new LifecycleGateFactory());
      },
    });
  },
});
