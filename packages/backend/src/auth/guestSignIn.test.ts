import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import guestProviderModule from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';

// The example org, read by the real catalog so that the relations are the
// ones the example app gets.
const ORG_YAML = path.resolve(__dirname, '../../../../examples/org.yaml');

async function signInAsGuest(server: Parameters<typeof request>[0]) {
  return request(server)
    .get('/api/auth/guest/refresh')
    .set('x-requested-with', 'XMLHttpRequest');
}

describe('the guest of the example app', () => {
  const nodeEnv = process.env.NODE_ENV;
  beforeAll(() => {
    // As under `yarn start`: the guest provider works in development only.
    process.env.NODE_ENV = 'development';
  });
  afterAll(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  it('signs in as user:development/guest of examples/org.yaml, owning what team-payments owns', async () => {
    const { server } = await startTestBackend({
      features: [
        authPlugin,
        guestProviderModule,
        catalogPlugin,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth: { providers: { guest: {} } },
            catalog: {
              locations: [
                {
                  type: 'file',
                  target: ORG_YAML,
                  rules: [{ allow: ['User', 'Group'] }],
                },
              ],
            },
          },
        }),
      ],
    });

    // The catalog reads the file in the background after start; until then
    // the guest provider finds no user and signs in owning nothing.
    let identity: { userEntityRef: string; ownershipEntityRefs: string[] };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await signInAsGuest(server);
      expect(res.status).toBe(200);
      identity = res.body.backstageIdentity.identity;
      if (identity.ownershipEntityRefs.length > 1 || Date.now() > deadline) {
        break;
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }

    expect(identity).toEqual({
      type: 'user',
      userEntityRef: 'user:development/guest',
      ownershipEntityRefs: [
        'user:development/guest',
        'group:default/team-payments',
      ],
    });
  }, 60_000);
});
