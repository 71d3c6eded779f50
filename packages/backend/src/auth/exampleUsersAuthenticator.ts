import { AuthenticationError } from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';

/** The request header that names the example user to sign in as. */
export const EXAMPLE_USER_HEADER = 'x-example-user';

/**
 * The people of examples/org.yaml that the example app lets a developer act
 * as: a service owner who requests promotions and a release manager who
 * approves them.
 */
export const EXAMPLE_USERS = ['riley', 'morgan'] as const;

/** One of {@link EXAMPLE_USERS}. */
export type ExampleUser = (typeof EXAMPLE_USERS)[number];

function isExampleUser(value: unknown): value is ExampleUser {
  return EXAMPLE_USERS.includes(value as ExampleUser);
}

/**
 * Takes the identity from the `x-example-user` header, like a proxy provider
 * takes it from a header set by an authenticating proxy; here nothing but the
 * list of example users stands between the caller and the identity.
 */
export const exampleUsersAuthenticator = createProxyAuthenticator({
  async defaultProfileTransform(result: { user: ExampleUser }, ctx) {
    try {
      const { entity } = await ctx.findCatalogUser({
        entityRef: { kind: 'User', name: result.user },
      });
      const profile = entity.spec?.profile as
        | { displayName?: string; email?: string; picture?: string }
        | undefined;
      return {
        profile: {
          displayName: profile?.displayName ?? result.user,
          email: profile?.email,
          picture: profile?.picture,
        },
      };
    } catch {
      // The sign-in resolver reports the missing user.
      return { profile: { displayName: result.user } };
    }
  },
  initialize() {},
  async authenticate({ req }) {
    const user = req.header(EXAMPLE_USER_HEADER);
    if (!isExampleUser(user)) {
      throw new AuthenticationError(
        `The '${EXAMPLE_USER_HEADER}' header must name one of the example users: ${EXAMPLE_USERS.join(
          ', ',
        )}`,
      );
    }
    return { result: { user } };
  },
});
