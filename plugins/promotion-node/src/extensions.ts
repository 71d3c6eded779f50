import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { GateFactory } from './gate';

/** Lets backend modules add gate types to the promotion backend. @public */
export interface PromotionGatesExtensionPoint {
  addGateFactory(...factories: GateFactory[]): void;
}

/**
 * The extension point through which a backend module adds gate types, e.g.
 *
 * ```ts
 * createBackendModule({
 *   pluginId: 'promotion',
 *   moduleId: 'change-ticket-gate',
 *   register(env) {
 *     env.registerInit({
 *       deps: { gates: promotionGatesExtensionPoint },
 *       async init({ gates }) {
 *         gates.addGateFactory(new ChangeTicketGateFactory());
 *       },
 *     });
 *   },
 * });
 * ```
 * @public
 */
export const promotionGatesExtensionPoint =
  createExtensionPoint<PromotionGatesExtensionPoint>({
    id: 'promotion.gates',
  });
