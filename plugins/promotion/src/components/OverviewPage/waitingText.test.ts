import { waitingText } from './waitingText';

describe('waitingText', () => {
  it('names the gate that blocks, with its message', () => {
    expect(
      waitingText({
        waiting: {
          reason: 'gate',
          gate: 'scanner',
          status: 'failed',
          message: '2 critical vulnerabilities',
        },
      }),
    ).toEqual({
      text: 'Blocked by gate scanner',
      detail: '2 critical vulnerabilities',
    });
  });

  it('says when a waiting gate may pass', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    const { text, detail } = waitingText(
      {
        waiting: {
          reason: 'gate',
          gate: 'soak',
          status: 'pending',
          message: 'has soaked 10 of 30 minutes',
          retryAt: '2026-12-01T12:00:00Z',
        },
      },
      now,
    );
    expect(text).toBe('Waiting on gate soak');
    expect(detail).toMatch(
      /^has soaked 10 of 30 minutes — may pass at .+ \(in 2 hours\)$/,
    );
  });

  it('counts approvals and names the pull request', () => {
    expect(
      waitingText({ waiting: { reason: 'approval', given: 1, required: 2 } })
        .text,
    ).toBe('Awaiting approval 1 of 2');
    expect(
      waitingText({
        waiting: {
          reason: 'merge',
          pullRequest: { url: 'https://example.com/pr/7', number: 7 },
        },
      }).text,
    ).toBe('Awaiting merge of #7');
    expect(waitingText({ waiting: { reason: 'merge' } }).text).toBe(
      'Awaiting merge',
    );
    expect(waitingText({ waiting: { reason: 'gates' } }).text).toBe(
      'Checking gates',
    );
  });
});
