import { hasEntityKind } from './hasEntityKind';
import { isEntityOwner } from './isEntityOwner';
import { isTargetEnvironment } from './isTargetEnvironment';

/**
 * The plugin's built-in permission rules for `promotion-target`.
 *
 * @public
 */
export const promotionTargetRules = {
  isTargetEnvironment,
  isEntityOwner,
  hasEntityKind,
};
