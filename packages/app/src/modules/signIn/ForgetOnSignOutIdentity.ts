import { IdentityApi } from '@backstage/frontend-plugin-api';

/** An identity that runs `onSignOut` (e.g. forgets a remembered choice) when signing out. */
export class ForgetOnSignOutIdentity implements IdentityApi {
  constructor(
    private readonly identity: IdentityApi,
    private readonly onSignOut: () => void,
  ) {}

  getProfileInfo() {
    return this.identity.getProfileInfo();
  }

  getBackstageIdentity() {
    return this.identity.getBackstageIdentity();
  }

  getCredentials() {
    return this.identity.getCredentials();
  }

  async signOut() {
    this.onSignOut();
    await this.identity.signOut();
  }
}
