/** One way to sign in that the example app's sign-in page offers. */
export type SignInOption = {
  /** Remembered in local storage between page loads. */
  id: string;
  title: string;
  description: string;
  /** The button's label, and so its accessible name. */
  action: string;
  /** The auth provider id of the backend, see app-config.yaml `auth.providers`. */
  provider: string;
  /** Sent to the provider's refresh endpoint on every sign-in and token refresh. */
  headers?: Record<string, string>;
};

/**
 * The example users of examples/org.yaml, signed in by the backend's
 * `example-users` provider from the `x-example-user` header.
 */
export const exampleUserOptions: SignInOption[] = [
  {
    id: 'riley',
    title: 'Riley — service owner (team-payments)',
    description:
      "Requests promotions and rollbacks of team-payments' services, e.g. payments-api.",
    action: 'Sign in as Riley',
    provider: 'example-users',
    headers: { 'x-example-user': 'riley' },
  },
  {
    id: 'morgan',
    title: 'Morgan — release manager',
    description:
      'Approves promotions to prod and may bypass gates in an incident.',
    action: 'Sign in as Morgan',
    provider: 'example-users',
    headers: { 'x-example-user': 'morgan' },
  },
];
