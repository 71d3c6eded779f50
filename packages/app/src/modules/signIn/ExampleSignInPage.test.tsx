import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { IdentityApi } from '@backstage/frontend-plugin-api';
import { renderInTestApp as render } from '@backstage/frontend-test-utils';
import { ExampleSignInPage, SIGN_IN_STORAGE_KEY } from './ExampleSignInPage';
import { answerAsAuthBackend } from './__testUtils__/answerAsAuthBackend';

// The auth backend's refresh endpoints, answering as the backend providers do.
function authBackend() {
  return jest.fn(async (input: RequestInfo | URL, init?: RequestInit) =>
    answerAsAuthBackend(input, init),
  );
}

const renderInTestApp = (element: JSX.Element) =>
  render(element, {
    config: {
      app: { title: 'Promotion for Backstage' },
      backend: { baseUrl: 'http://localhost:7007' },
    },
  });

describe('ExampleSignInPage', () => {
  const realFetch = global.fetch;
  let fetchMock: ReturnType<typeof authBackend>;

  beforeEach(() => {
    localStorage.clear();
    fetchMock = authBackend();
    global.fetch = fetchMock as typeof fetch;
  });

  afterEach(() => {
    global.fetch = realFetch;
  });

  async function signInAs(buttonName: string) {
    const onSignInSuccess = jest.fn<void, [IdentityApi]>();
    await renderInTestApp(
      <ExampleSignInPage onSignInSuccess={onSignInSuccess} />,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: buttonName }),
    );
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    return onSignInSuccess.mock.calls[0][0];
  }

  it('offers the guest and the example users', async () => {
    await renderInTestApp(<ExampleSignInPage onSignInSuccess={jest.fn()} />);

    expect(
      await screen.findByRole('button', { name: 'Enter' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Riley — service owner (team-payments)'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as Riley' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Morgan — release manager')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as Morgan' }),
    ).toBeInTheDocument();
  });

  it('signs in as Riley through the example-users provider', async () => {
    const identity = await signInAs('Sign in as Riley');

    await expect(identity.getBackstageIdentity()).resolves.toMatchObject({
      userEntityRef: 'user:default/riley',
    });
    const [url, init] = fetchMock.mock.calls[0];
    expect(String(url)).toMatch(/\/auth\/example-users\/refresh$/);
    expect(new Headers(init?.headers).get('x-example-user')).toBe('riley');
  });

  it('signs in as Morgan through the example-users provider', async () => {
    const identity = await signInAs('Sign in as Morgan');

    await expect(identity.getBackstageIdentity()).resolves.toMatchObject({
      userEntityRef: 'user:default/morgan',
    });
  });

  it('signs in as the guest through the guest provider', async () => {
    const identity = await signInAs('Enter');

    await expect(identity.getBackstageIdentity()).resolves.toMatchObject({
      userEntityRef: 'user:development/guest',
    });
    expect(String(fetchMock.mock.calls[0][0])).toMatch(
      /\/auth\/guest\/refresh$/,
    );
  });

  it('signs in again as the remembered user after a reload, until signing out', async () => {
    const identity = await signInAs('Sign in as Morgan');
    expect(localStorage.getItem(SIGN_IN_STORAGE_KEY)).toBe('morgan');

    // A reload: the page signs in as Morgan without asking.
    const onReload = jest.fn<void, [IdentityApi]>();
    await renderInTestApp(<ExampleSignInPage onSignInSuccess={onReload} />);
    await waitFor(() => expect(onReload).toHaveBeenCalledTimes(1));
    await expect(
      onReload.mock.calls[0][0].getBackstageIdentity(),
    ).resolves.toMatchObject({
      userEntityRef: 'user:default/morgan',
    });

    await identity.signOut();
    expect(localStorage.getItem(SIGN_IN_STORAGE_KEY)).toBeNull();
  });

  it('shows the choices again with the error when the backend refuses', async () => {
    fetchMock.mockResolvedValueOnce(
      new Response(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'User riley not found' },
          response: { statusCode: 404 },
        }),
        { status: 404, headers: { 'content-type': 'application/json' } },
      ),
    );
    const onSignInSuccess = jest.fn();
    await renderInTestApp(
      <ExampleSignInPage onSignInSuccess={onSignInSuccess} />,
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Sign in as Riley' }),
    );

    expect(
      await screen.findByText(/Sign-in failed: User riley not found/),
    ).toBeInTheDocument();
    expect(onSignInSuccess).not.toHaveBeenCalled();
    expect(localStorage.getItem(SIGN_IN_STORAGE_KEY)).toBeNull();

    // Another choice is a fresh attempt.
    await userEvent.click(
      screen.getByRole('button', { name: 'Sign in as Morgan' }),
    );
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
  });
});
