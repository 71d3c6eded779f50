import { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import { alertApiRef } from '@backstage/core-plugin-api';
import { mockApis, TestApiProvider } from '@backstage/frontend-test-utils';
import { promotionApiRef } from '../../api';
import { SLOW_REFRESH_MS } from '../../hooks';
import { mockPromotionApi, promotion } from '../../testUtils/fixtures';
import {
  FOLLOW_FAST_FOR_MS,
  FOLLOW_INTERVAL_MS,
  usePromotionRunner,
} from './usePromotionRunner';

describe('usePromotionRunner', () => {
  let hidden = false;

  beforeAll(() => {
    Object.defineProperty(document, 'hidden', {
      configurable: true,
      get: () => hidden,
    });
  });

  afterAll(() => {
    delete (document as { hidden?: boolean }).hidden;
  });

  beforeEach(() => {
    hidden = false;
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  function setup() {
    const promotionApi = mockPromotionApi();
    promotionApi.createPromotion.mockResolvedValue(
      promotion({ status: 'approved' }),
    );
    promotionApi.getPromotion.mockResolvedValue(
      promotion({ status: 'executing' }),
    );
    const onSettled = jest.fn();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider
        apis={[
          [promotionApiRef, promotionApi],
          [alertApiRef, mockApis.alert()],
        ]}
      >
        {children}
      </TestApiProvider>
    );
    const { result, unmount } = renderHook(
      () => usePromotionRunner({ onSettled }),
      { wrapper },
    );
    return { promotionApi, result, unmount };
  }

  // One step at a time: each read schedules the next wait only once it
  // has been answered.
  async function advance(ms: number, step = FOLLOW_INTERVAL_MS) {
    for (let passed = 0; passed < ms; passed += step) {
      await act(async () => {
        jest.advanceTimersByTime(step);
      });
    }
  }

  it('reads a running promotion every second at first, then every half minute', async () => {
    const { promotionApi, result } = setup();

    await act(async () => {
      await result.current.promote({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    });
    await advance(FOLLOW_FAST_FOR_MS);
    const fast = FOLLOW_FAST_FOR_MS / FOLLOW_INTERVAL_MS;
    expect(promotionApi.getPromotion).toHaveBeenCalledTimes(fast);

    await advance(SLOW_REFRESH_MS - FOLLOW_INTERVAL_MS);
    expect(promotionApi.getPromotion).toHaveBeenCalledTimes(fast);
    await advance(FOLLOW_INTERVAL_MS);
    expect(promotionApi.getPromotion).toHaveBeenCalledTimes(fast + 1);
    expect(result.current.running.staging.status).toBe('executing');
  });

  it('reads nothing while the page is hidden', async () => {
    const { promotionApi, result } = setup();
    hidden = true;

    await act(async () => {
      await result.current.promote({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    });
    await advance(10 * FOLLOW_INTERVAL_MS);
    expect(promotionApi.getPromotion).not.toHaveBeenCalled();

    hidden = false;
    await act(async () => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(promotionApi.getPromotion).toHaveBeenCalledTimes(1);
  });

  it('stops waiting for a hidden page when it is left', async () => {
    const { promotionApi, result, unmount } = setup();
    const added = jest.spyOn(document, 'addEventListener');
    const removed = jest.spyOn(document, 'removeEventListener');
    hidden = true;

    try {
      await act(async () => {
        await result.current.promote({
          entityRef: 'component:default/payments',
          targetEnvironment: 'staging',
        });
      });
      await advance(FOLLOW_INTERVAL_MS);
      const waiting = added.mock.calls.filter(
        ([type]) => type === 'visibilitychange',
      );
      expect(waiting).toHaveLength(1);

      unmount();

      expect(removed).toHaveBeenCalledWith('visibilitychange', waiting[0][1]);
      hidden = false;
      await act(async () => {
        document.dispatchEvent(new Event('visibilitychange'));
      });
      expect(promotionApi.getPipeline).not.toHaveBeenCalled();
      expect(promotionApi.getPromotion).not.toHaveBeenCalled();
    } finally {
      added.mockRestore();
      removed.mockRestore();
    }
  });
});
