import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  assertDevelopmentEnvironment,
  exampleUsersAuthModule,
} from './exampleUsersAuthModule';

const riley = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'riley', namespace: 'default' },
  spec: { profile: { displayName: 'Riley' }, memberOf: ['team-payments'] },
  relations: [{ type: 'memberOf', targetRef: 'group:default/team-payments' }],
};

describe('exampleUsersAuthModule', () => {
  async function startBackend() {
    const { server } = await startTestBackend({
      features: [
        authPlugin,
        exampleUsersAuthModule,
        catalogServiceMock.factory({ entities: [riley] }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth: { providers: { 'example-users': {} } },
          },
        }),
      ],
    });
    return server;
  }

  it('signs in as the example user named by the header, with ownership from the catalog', async () => {
    const server = await startBackend();

    const res = await request(server)
      .get('/api/auth/example-users/refresh')
      .set('x-requested-with', 'XMLHttpRequest')
      .set('x-example-user', 'riley');

    expect(res.status).toBe(200);
    expect(res.body.profile).toEqual({ displayName: 'Riley' });
    expect(res.body.backstageIdentity.identity).toEqual({
      type: 'user',
      userEntityRef: 'user:default/riley',
      ownershipEntityRefs: [
        'user:default/riley',
        'group:default/team-payments',
      ],
    });
  });

  it.each([
    ['an unknown name', 'guest'],
    ['a full entity ref', 'user:default/riley'],
  ])('refuses %s in the header', async (_, value) => {
    const server = await startBackend();

    const res = await request(server)
      .get('/api/auth/example-users/refresh')
      .set('x-requested-with', 'XMLHttpRequest')
      .set('x-example-user', value);

    expect(res.status).toBe(401);
    expect(res.body.backstageIdentity).toBeUndefined();
  });

  it('refuses a request without the header', async () => {
    const server = await startBackend();

    const res = await request(server)
      .get('/api/auth/example-users/refresh')
      .set('x-requested-with', 'XMLHttpRequest');

    expect(res.status).toBe(401);
  });

  it('refuses an example user that is missing from the catalog', async () => {
    const server = await startBackend();

    const res = await request(server)
      .get('/api/auth/example-users/refresh')
      .set('x-requested-with', 'XMLHttpRequest')
      .set('x-example-user', 'morgan');

    expect(res.status).toBe(404);
    expect(res.body.backstageIdentity).toBeUndefined();
  });
});

describe('assertDevelopmentEnvironment', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  const config = (auth: object) => mockServices.rootConfig({ data: { auth } });

  it('allows a NODE_ENV of development or test', () => {
    process.env.NODE_ENV = 'development';
    expect(() => assertDevelopmentEnvironment(config({}))).not.toThrow();
    process.env.NODE_ENV = 'test';
    expect(() => assertDevelopmentEnvironment(config({}))).not.toThrow();
  });

  it.each([
    ['production', 'production'],
    ['not set', undefined],
  ])('refuses a NODE_ENV of %s', (_, value) => {
    if (value === undefined) {
      delete process.env.NODE_ENV;
    } else {
      process.env.NODE_ENV = value;
    }
    expect(() => assertDevelopmentEnvironment(config({}))).toThrow(
      /for local development only/,
    );
  });

  it('is not fooled by an auth environment of development in production', () => {
    process.env.NODE_ENV = 'production';
    expect(() =>
      assertDevelopmentEnvironment(config({ environment: 'development' })),
    ).toThrow(/for local development only/);
  });

  it('allows production only with dangerouslyAllowOutsideDevelopment: true', () => {
    process.env.NODE_ENV = 'production';
    const withAllow = (value: unknown) =>
      config({
        providers: {
          'example-users': { dangerouslyAllowOutsideDevelopment: value },
        },
      });
    expect(() => assertDevelopmentEnvironment(withAllow(true))).not.toThrow();
    expect(() => assertDevelopmentEnvironment(withAllow(false))).toThrow(
      /dangerouslyAllowOutsideDevelopment: true/,
    );
  });

  it('stops the backend from starting outside development', async () => {
    process.env.NODE_ENV = 'production';
    await expect(
      startTestBackend({
        features: [
          authPlugin,
          exampleUsersAuthModule,
          catalogServiceMock.factory(),
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://localhost:3000' },
              auth: { providers: { 'example-users': {} } },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/for local development only/);
  });

  it('lets the backend start outside development when explicitly allowed', async () => {
    process.env.NODE_ENV = 'production';
    const { server } = await startTestBackend({
      features: [
        authPlugin,
        exampleUsersAuthModule,
        catalogServiceMock.factory({ entities: [riley] }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth: {
              providers: {
                'example-users': { dangerouslyAllowOutsideDevelopment: true },
              },
            },
          },
        }),
      ],
    });

    const res = await request(server)
      .get('/api/auth/example-users/refresh')
      .set('x-requested-with', 'XMLHttpRequest')
      .set('x-example-user', 'riley');
    expect(res.status).toBe(200);
  });
});
