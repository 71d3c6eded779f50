import {
  GateRun,
  GateStatus,
} from '@promotion-for-backstage/plugin-promotion-common';
import { PENDING_RETRY_WITHOUT_TIME_MS, summarise } from './summarise';

const NOW = new Date('2026-03-02T12:00:01.000Z');

const run = (gate: string, status: GateStatus, retryAt?: string): GateRun => ({
  gate,
  status,
  message: status,
  ...(retryAt ? { retryAt } : {}),
  startedAt: '2026-03-02T12:00:00.000Z',
  finishedAt: '2026-03-02T12:00:01.000Z',
});

describe('summarise', () => {
  it('passes when nothing failed or waits; warnings do not count', () => {
    expect(summarise([run('a', 'passed'), run('b', 'warning')], NOW)).toEqual({
      blocking: [],
      pending: [],
      passed: true,
    });
    expect(summarise([], NOW).passed).toBe(true);
  });

  it('lists failed runs as blocking', () => {
    const failed = run('source-match', 'failed');
    expect(summarise([run('a', 'passed'), failed], NOW)).toEqual({
      blocking: [failed],
      pending: [],
      passed: false,
    });
  });

  it('retries when the last pending gate can pass, as all of them must', () => {
    const soak = run('soak 30m', 'pending', '2026-03-02T12:30:00.000Z');
    const window = run('window', 'pending', '2026-03-02T09:00:00.000+01:00');
    const unknown = run('custom', 'pending');
    const summary = summarise([soak, window, unknown, run('a', 'failed')], NOW);
    expect(summary.pending).toEqual([soak, window, unknown]);
    expect(summary.nextRetryAt).toBe('2026-03-02T12:30:00.000Z');
    expect(summary.passed).toBe(false);
  });

  it('looks again a minute after now at a pending run without a retry time', () => {
    expect(PENDING_RETRY_WITHOUT_TIME_MS).toBe(60_000);
    expect(summarise([run('custom', 'pending')], NOW).nextRetryAt).toBe(
      '2026-03-02T12:01:01.000Z',
    );
    // It counts like any retry time: the latest one wins.
    const soon = run('soak 30s', 'pending', '2026-03-02T12:00:31.000Z');
    const late = run('soak 2h', 'pending', '2026-03-02T14:00:00.000Z');
    expect(summarise([soon, run('custom', 'pending')], NOW).nextRetryAt).toBe(
      '2026-03-02T12:01:01.000Z',
    );
    expect(summarise([late, run('custom', 'pending')], NOW).nextRetryAt).toBe(
      '2026-03-02T14:00:00.000Z',
    );
  });

  it('has no retry time when nothing is pending', () => {
    expect(
      summarise([run('a', 'failed'), run('b', 'passed')], NOW).nextRetryAt,
    ).toBeUndefined();
  });
});
