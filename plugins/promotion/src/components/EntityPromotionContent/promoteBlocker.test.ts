import {
  PipelineEnvironment,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { promoteBlocker, supersededBy } from './promoteBlocker';

const image = 'ghcr.io/acme/payments';
const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;

function env(
  name: string,
  artifact: PipelineEnvironment['artifact'],
  allowedActions: PipelineEnvironment['allowedActions'] = ['promote'],
): PipelineEnvironment {
  return { name, artifact, commit: null, activeRequests: [], allowedActions };
}

function request(
  status: Promotion['status'],
  digest: string = digestB,
): Promotion {
  return { id: 'p-1', status, artifact: { image, digest } } as Promotion;
}

describe('promoteBlocker', () => {
  it('allows promoting a different build', () => {
    expect(
      promoteBlocker(
        env('dev', { image, digest: digestA }),
        env('staging', { image, digest: digestB }),
        [],
      ),
    ).toBeUndefined();
  });

  it('allows promoting into an empty environment', () => {
    expect(
      promoteBlocker(
        env('dev', { image, digest: digestA }),
        env('staging', null),
        [],
      ),
    ).toBeUndefined();
  });

  it('blocks when the target already runs the same digest, whatever the tags', () => {
    expect(
      promoteBlocker(
        env('dev', { image, digest: digestA, tag: '1.4.0' }),
        env('staging', { image, digest: digestA, tag: 'latest' }),
        [],
      ),
    ).toBe('staging already runs this build');
  });

  it('compares tags only when neither side pins a digest', () => {
    expect(
      promoteBlocker(
        env('dev', { image, tag: '1.4.0' }),
        env('staging', { image, tag: '1.4.0' }),
        [],
      ),
    ).toBe('staging already runs this build');
    expect(
      promoteBlocker(
        env('dev', { image, tag: '1.4.0' }),
        env('staging', { image, tag: '1.3.0' }),
        [],
      ),
    ).toBeUndefined();
  });

  it.each(['executing', 'awaiting-merge'] as const)(
    'blocks while a request into the target is %s: the backend refuses a new one then',
    status => {
      expect(
        promoteBlocker(
          env('dev', { image, digest: digestA }),
          env('staging', null),
          [request(status)],
        ),
      ).toBe('A promotion to staging is under way; promote again once it ends');
    },
  );

  it.each(['gating', 'awaiting-approval', 'approved'] as const)(
    'allows promoting another build over a %s request, which it supersedes',
    status => {
      const open = [request(status)];
      expect(
        promoteBlocker(
          env('dev', { image, digest: digestA }),
          env('staging', null),
          open,
        ),
      ).toBeUndefined();
      expect(supersededBy(open)).toEqual(open);
    },
  );

  it('does not supersede a request for the same build', () => {
    expect(
      promoteBlocker(
        env('dev', { image, digest: digestA }),
        env('staging', null),
        [request('awaiting-approval', digestA)],
      ),
    ).toBe('A promotion of this build to staging is already open');
  });

  it('blocks when the server does not allow the caller to promote into the target', () => {
    expect(
      promoteBlocker(
        env('dev', { image, digest: digestA }),
        env('staging', { image, digest: digestB }, []),
        [],
      ),
    ).toBe('You may not promote to staging');
  });

  it('blocks when the source runs nothing', () => {
    expect(promoteBlocker(env('dev', null), env('staging', null), [])).toBe(
      'Nothing is deployed to dev yet',
    );
  });
});
