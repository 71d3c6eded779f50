import {
  gateRun,
  pipeline,
  environment,
  promotion,
} from '../testUtils/fixtures';
import { deployment } from '../testUtils/deploymentFixtures';
import {
  FAST_REFRESH_MS,
  pipelineRefreshMs,
  requestRefreshMs,
  SLOW_REFRESH_MS,
} from './refreshIntervals';

describe('requestRefreshMs', () => {
  it.each([
    ['approved', promotion({ status: 'approved' })],
    ['executing', promotion({ status: 'executing' })],
    ['gating before any gate ran', promotion({ status: 'gating' })],
    [
      'gating with every gate passed',
      promotion({
        status: 'gating',
        gateRuns: [gateRun(), gateRun({ gate: 'version', status: 'warning' })],
      }),
    ],
  ])(
    'is fast while a request is %s: it moves on by itself soon',
    (_, request) => {
      expect(requestRefreshMs(request)).toBe(FAST_REFRESH_MS);
    },
  );

  it.each([
    [
      'gating on a pending gate',
      promotion({
        status: 'gating',
        gateRuns: [gateRun(), gateRun({ gate: 'soak', status: 'pending' })],
      }),
    ],
    ['awaiting its merge', promotion({ status: 'awaiting-merge' })],
  ])(
    'is slow while a request is %s: it moves by itself, but not soon',
    (_, request) => {
      expect(requestRefreshMs(request)).toBe(SLOW_REFRESH_MS);
    },
  );

  it.each([
    ['awaiting approval', promotion({ status: 'awaiting-approval' })],
    [
      'gating on a failed gate',
      promotion({
        status: 'gating',
        gateRuns: [gateRun({ status: 'failed' })],
      }),
    ],
    ['ended', promotion({ status: 'succeeded' })],
  ])('is none while a request is %s: only people move it on', (_, request) => {
    expect(requestRefreshMs(request)).toBeUndefined();
  });
});

describe('pipelineRefreshMs', () => {
  it('follows the soonest-moving open request', () => {
    expect(
      pipelineRefreshMs(
        pipeline(
          environment('staging', null, {
            activeRequests: [promotion({ status: 'awaiting-merge' })],
          }),
          environment('prod', null, {
            activeRequests: [promotion({ id: 'p-2', status: 'executing' })],
          }),
        ),
        false,
      ),
    ).toBe(FAST_REFRESH_MS);
  });

  it('follows a deployment while a sync runs or it progresses, not once it settled', () => {
    const withDeployment = (overrides: Parameters<typeof deployment>[0]) =>
      pipelineRefreshMs(
        pipeline(
          environment('prod', null, { deployment: deployment(overrides) }),
        ),
        false,
      );
    expect(withDeployment({ operationRunning: true })).toBe(FAST_REFRESH_MS);
    expect(withDeployment({ health: 'progressing' })).toBe(FAST_REFRESH_MS);
    expect(withDeployment({})).toBeUndefined();
    expect(withDeployment({ health: 'degraded' })).toBeUndefined();
    expect(
      withDeployment({
        health: 'unknown',
        sync: 'unknown',
        error: 'Argo CD could not be reached',
      }),
    ).toBeUndefined();
  });

  it('is none without open requests, and slow after a failed read', () => {
    const quiet = pipeline(environment('staging', null));
    expect(pipelineRefreshMs(quiet, false)).toBeUndefined();
    expect(pipelineRefreshMs(quiet, true)).toBe(SLOW_REFRESH_MS);
    expect(pipelineRefreshMs(undefined, true)).toBe(SLOW_REFRESH_MS);
  });
});
