import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * Replaces the app's default guest-only sign-in page with one that also
 * offers the example users, see ./ExampleSignInPage.
 */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: async () =>
          (await import('./ExampleSignInPage')).ExampleSignInPage,
      },
    }),
  ],
});
