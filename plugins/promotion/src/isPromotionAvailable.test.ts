import { Entity } from '@backstage/catalog-model';
import { isPromotionAvailable } from './isPromotionAvailable';

function entity(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', annotations },
  };
}

describe('isPromotionAvailable', () => {
  it('is true when the image annotation is set', () => {
    expect(
      isPromotionAvailable(
        entity({ 'promotion.backstage.io/image': 'ghcr.io/acme/payments' }),
      ),
    ).toBe(true);
  });

  it('is false without annotations, without the image one, or when it is empty', () => {
    expect(isPromotionAvailable(entity())).toBe(false);
    expect(
      isPromotionAvailable(entity({ 'backstage.io/techdocs-ref': 'dir:.' })),
    ).toBe(false);
    expect(
      isPromotionAvailable(entity({ 'promotion.backstage.io/image': '' })),
    ).toBe(false);
  });
});
