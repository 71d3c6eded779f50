import {
  GateRun,
  GateStatus,
} from '@promotion-for-backstage/plugin-promotion-common';
import { gateSummary } from './gateSummary';

const run = (gate: string, status: GateStatus): GateRun => ({
  gate,
  status,
  message: '',
  startedAt: '2024-05-01T10:00:00.000Z',
  finishedAt: '2024-05-01T10:00:01.000Z',
});

describe('gateSummary', () => {
  it('says when there are no gates', () => {
    expect(gateSummary(undefined)).toEqual({ text: 'No gates' });
    expect(gateSummary([])).toEqual({ text: 'No gates' });
  });

  it('says all passed when they did', () => {
    expect(gateSummary([run('a', 'passed'), run('b', 'passed')])).toEqual({
      text: 'All 2 passed',
      worst: 'passed',
    });
    expect(gateSummary([run('a', 'passed')])).toEqual({
      text: 'Passed',
      worst: 'passed',
    });
  });

  it('counts each verdict, worst first', () => {
    expect(
      gateSummary([
        run('a', 'passed'),
        run('b', 'warning'),
        run('c', 'failed'),
        run('d', 'passed'),
        run('e', 'pending'),
      ]),
    ).toEqual({
      text: '1 failed, 1 pending, 1 warning, 2 passed',
      worst: 'failed',
    });
  });
});
