import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import App from './App';
import {
  answerAsAuthBackend,
  jsonResponse,
} from './modules/signIn/__testUtils__/answerAsAuthBackend';

// The app gets the notifications plugin from `app.packages: all`, which the build does
// and the test runner does not; its sidebar item would find no notifications API.
jest.mock('@backstage/plugin-notifications', () => ({
  ...jest.requireActual('@backstage/plugin-notifications'),
  NotificationsSidebarItem: () => null,
}));

/**
 * The backend as far as the app's first screens need it: the guest provider, an
 * empty catalog and a promotion plugin with nothing to approve. Every call is
 * kept, so the test can tell which plugin's API the app reached.
 */
function fakeBackend() {
  return jest.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.pathname === '/api/auth/guest/refresh') {
      return answerAsAuthBackend(url);
    }
    if (url.pathname === '/api/promotion/promotions') {
      return jsonResponse({ items: [] });
    }
    if (url.pathname.startsWith('/api/catalog/entities')) {
      return jsonResponse({ items: [], totalItems: 0, pageInfo: {} });
    }
    return jsonResponse(
      { error: { name: 'NotFoundError', message: 'none' } },
      404,
    );
  });
}

describe('App', () => {
  const originalFetch = global.fetch;
  let backend: ReturnType<typeof fakeBackend>;

  beforeEach(() => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test', baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    localStorage.clear();
    backend = fakeBackend();
    global.fetch = backend as typeof fetch;
  });

  afterEach(() => {
    global.fetch = originalFetch;
  });

  it('signs in as the guest and reaches the promotion approvals page from the sidebar', async () => {
    render(App.createRoot());

    // The example sign-in page (signInModule): the guest and the example users.
    const enter = await screen.findByRole(
      'button',
      { name: 'Enter' },
      { timeout: 10_000 },
    );
    expect(
      screen.getByRole('button', { name: 'Sign in as Riley' }),
    ).toBeInTheDocument();
    await userEvent.click(enter);

    // The sidebar (navModule) lists the promotion plugin's page by its own title.
    const nav = await screen.findByRole('navigation', {}, { timeout: 10_000 });
    const approvals = await within(nav).findByRole('link', {
      name: /Approvals/,
    });
    expect(approvals).toHaveAttribute('href', '/promotion/approvals');
    await userEvent.click(approvals);

    // The page asks the promotion backend, with the guest's token, what waits.
    expect(
      await screen.findByText(
        'Nothing waits for your approval',
        {},
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    await waitFor(() => {
      const asked = backend.mock.calls.map(([input]) =>
        input instanceof Request ? input.url : String(input),
      );
      expect(asked).toContainEqual(
        expect.stringContaining(
          '/api/promotion/promotions?awaitingMyApproval=true',
        ),
      );
    });
  }, 30_000);
});
