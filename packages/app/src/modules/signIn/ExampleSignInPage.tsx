import { useCallback, useMemo, useState } from 'react';
import {
  coreComponentsTranslationRef,
  ProxiedSignInPage,
} from '@backstage/core-components';
import { IdentityApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import { ForgetOnSignOutIdentity } from './ForgetOnSignOutIdentity';
import { SignInChoices } from './SignInChoices';
import { exampleUserOptions, SignInOption } from './signInOptions';

/** Where the last successful choice is kept, so that a reload signs in again. */
export const SIGN_IN_STORAGE_KEY = '@internal/app:example-sign-in';

/**
 * The example app's sign-in page: the guest, or one of the example users, so
 * that one person can request a promotion as Riley and approve it as Morgan.
 * Every choice is a proxied sign-in: the backend provider decides who the
 * user is and resolves ownership from the catalog.
 */
export function ExampleSignInPage(props: SignInPageProps) {
  const { onSignInSuccess } = props;
  const { t } = useTranslationRef(coreComponentsTranslationRef);

  const options = useMemo<SignInOption[]>(
    () => [
      // The same card as the guest of Backstage's SignInPage, signed in by the
      // backend's guest provider.
      {
        id: 'guest',
        title: t('signIn.guestProvider.title'),
        description: t('signIn.guestProvider.subtitle'),
        action: t('signIn.guestProvider.enter'),
        provider: 'guest',
      },
      ...exampleUserOptions,
    ],
    [t],
  );

  // Each attempt mounts a fresh ProxiedSignInPage, which signs in on mount.
  const [attempt, setAttempt] = useState<
    { option: SignInOption; count: number } | undefined
  >(() => {
    const remembered = localStorage.getItem(SIGN_IN_STORAGE_KEY);
    const option = options.find(o => o.id === remembered);
    return option && { option, count: 0 };
  });

  const choose = useCallback((option: SignInOption) => {
    setAttempt(previous => ({ option, count: (previous?.count ?? 0) + 1 }));
  }, []);

  const ErrorComponent = useCallback(
    ({ error }: { error?: Error }) => (
      <SignInChoices options={options} onChoose={choose} error={error} />
    ),
    [options, choose],
  );

  if (!attempt) {
    return <SignInChoices options={options} onChoose={choose} />;
  }

  const { option } = attempt;
  return (
    <ProxiedSignInPage
      key={attempt.count}
      provider={option.provider}
      headers={option.headers}
      ErrorComponent={ErrorComponent}
      onSignInSuccess={(identity: IdentityApi) => {
        localStorage.setItem(SIGN_IN_STORAGE_KEY, option.id);
        onSignInSuccess(
          new ForgetOnSignOutIdentity(identity, () =>
            localStorage.removeItem(SIGN_IN_STORAGE_KEY),
          ),
        );
      }}
    />
  );
}
