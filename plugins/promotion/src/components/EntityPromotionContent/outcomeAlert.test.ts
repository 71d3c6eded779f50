import { gateRun, promotion } from '../../testUtils/fixtures';
import { outcomeAlert } from './outcomeAlert';

describe('outcomeAlert', () => {
  it('confirms a success briefly', () => {
    expect(outcomeAlert(promotion({ status: 'succeeded' }))).toEqual({
      message: 'Promoted to staging',
      severity: 'success',
      display: 'transient',
    });
  });

  it('keeps a failure with its reason on screen', () => {
    expect(
      outcomeAlert(promotion({ status: 'failed', error: 'merge conflict' })),
    ).toEqual({
      message: 'Promotion to staging failed: merge conflict',
      severity: 'error',
    });
    expect(outcomeAlert(promotion({ status: 'failed' })).message).toBe(
      'Promotion to staging failed: no reason given',
    );
  });

  it('warns about other endings', () => {
    expect(outcomeAlert(promotion({ status: 'superseded' }))).toEqual({
      message: 'Promotion to staging ended: superseded',
      severity: 'warning',
    });
  });

  it('says what a request waits for', () => {
    expect(outcomeAlert(promotion({ status: 'awaiting-approval' }))).toEqual({
      message: 'Promotion to staging is awaiting approval',
      severity: 'info',
      display: 'transient',
    });
  });

  it('names the gates a request waits for', () => {
    expect(
      outcomeAlert(
        promotion({
          status: 'gating',
          gateRuns: [
            gateRun(),
            gateRun({
              gate: 'soak',
              status: 'pending',
              message: 'dev has run it for 10m of 1h',
            }),
            gateRun({
              gate: 'window',
              status: 'failed',
              message: 'staging is frozen',
            }),
          ],
        }),
      ),
    ).toEqual({
      message:
        'Promotion to staging waits for its gates: soak: dev has run it for 10m of 1h; window: staging is frozen',
      severity: 'info',
      display: 'transient',
    });
  });
});
