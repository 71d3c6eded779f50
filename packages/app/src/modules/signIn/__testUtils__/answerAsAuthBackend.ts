// A token that ProxiedSignInIdentity can read an expiry from.
const token = [
  'header',
  btoa(JSON.stringify({ exp: Date.now() / 1000 + 3600 })),
  'signature',
].join('.');

/** A JSON answer, as the backend's routes give it. */
export const jsonResponse = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

/**
 * Answers a call to the auth backend's refresh endpoints as its providers do:
 * the guest provider signs in `user:development/guest`, the example-users
 * provider the user its `x-example-user` header names (401 without one).
 */
export function answerAsAuthBackend(
  input: RequestInfo | URL,
  init?: RequestInit,
): Response {
  const url = String(input);
  const headers = new Headers(init?.headers);
  const user = url.endsWith('/guest/refresh')
    ? 'user:development/guest'
    : `user:default/${headers.get('x-example-user')}`;
  if (url.endsWith('/example-users/refresh') && user.endsWith('/null')) {
    return jsonResponse(
      {
        error: { name: 'AuthenticationError', message: 'No example user' },
        response: { statusCode: 401 },
      },
      401,
    );
  }
  return jsonResponse({
    profile: {},
    backstageIdentity: {
      token,
      identity: {
        type: 'user',
        userEntityRef: user,
        ownershipEntityRefs: [user],
      },
    },
  });
}
