import { entityName, requestName } from './requestName';

describe('requestName', () => {
  it('names the entity and the target environment', () => {
    expect(
      requestName({
        entityRef: 'component:default/payments-api',
        targetEnvironment: 'prod',
      }),
    ).toBe('promotion of payments-api to prod');
  });

  it('names a rollback by the environment it sets back', () => {
    expect(
      requestName({
        kind: 'rollback',
        entityRef: 'component:default/payments-api',
        targetEnvironment: 'prod',
      }),
    ).toBe('rollback of payments-api in prod');
  });

  it('names the namespace outside the default one', () => {
    expect(entityName('component:finance/billing')).toBe('finance/billing');
    expect(entityName('component:default/billing')).toBe('billing');
  });
});
