import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { exampleUsersAuthenticator } from './exampleUsersAuthenticator';

/** The auth provider id, i.e. `auth.providers.example-users` and `/api/auth/example-users`. */
export const EXAMPLE_USERS_PROVIDER_ID = 'example-users';

/**
 * The provider lets anyone choose who they are, so a backend configured with
 * it must not start outside development. The auth backend itself only warns
 * about a failing provider in development, hence the check at module start.
 * Like Backstage's guest provider it goes by NODE_ENV, which `yarn start` sets
 * to development, and not by `auth.environment`, which only selects the
 * providers' credentials and defaults to development everywhere.
 */
export function assertDevelopmentEnvironment(config: Config) {
  const nodeEnv = process.env.NODE_ENV;
  if (nodeEnv === 'development' || nodeEnv === 'test') {
    return;
  }
  const allowKey = `auth.providers.${EXAMPLE_USERS_PROVIDER_ID}.dangerouslyAllowOutsideDevelopment`;
  if (config.getOptionalBoolean(allowKey) === true) {
    return;
  }
  throw new Error(
    `The '${EXAMPLE_USERS_PROVIDER_ID}' auth provider lets anyone sign in as any example user ` +
      `and is for local development only, but NODE_ENV is '${
        nodeEnv ?? '(not set)'
      }'. Remove auth.providers.${EXAMPLE_USERS_PROVIDER_ID} from the configuration, ` +
      `or set ${allowKey}: true if you really mean to run it here.`,
  );
}

/**
 * Signs in as one of the example users (`riley`, `morgan`) named by the
 * `x-example-user` header, with ownership resolved from the catalog, so that
 * one person can try the approval flow as a requester and as an approver.
 */
export const exampleUsersAuthModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'example-users-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        providers: authProvidersExtensionPoint,
      },
      async init({ config, providers }) {
        if (config.has(`auth.providers.${EXAMPLE_USERS_PROVIDER_ID}`)) {
          assertDevelopmentEnvironment(config);
        }
        providers.registerProvider({
          providerId: EXAMPLE_USERS_PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: exampleUsersAuthenticator,
            async signInResolver({ result }, ctx) {
              return ctx.signInWithCatalogUser({
                entityRef: `user:default/${result.user}`,
              });
            },
          }),
        });
      },
    });
  },
});
