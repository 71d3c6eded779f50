import { RecentAnswers } from './RecentAnswers';

describe('RecentAnswers', () => {
  let now = 0;
  const answers = (maxEntries?: number) =>
    new RecentAnswers<string>(5_000, { now: () => now, maxEntries });

  beforeEach(() => {
    now = 1_000_000;
  });

  it('asks once within the window and again after it', async () => {
    const recent = answers();
    let asked = 0;
    const ask = jest.fn(async (): Promise<string> => `answer ${++asked}`);
    expect(await recent.get('alice', ask)).toBe('answer 1');
    now += 5_000;
    expect(await recent.get('alice', ask)).toBe('answer 1');
    now += 1;
    expect(await recent.get('alice', ask)).toBe('answer 2');
    expect(ask).toHaveBeenCalledTimes(2);
  });

  it('keeps answers apart per key and shares one that is still pending', async () => {
    const recent = answers();
    let resolve!: (value: string) => void;
    const ask = jest.fn(() => new Promise<string>(r => (resolve = r)));
    const first = recent.get('alice', ask);
    const second = recent.get('alice', ask);
    resolve('for alice');
    expect(await Promise.all([first, second])).toEqual([
      'for alice',
      'for alice',
    ]);
    expect(await recent.get('bob', async () => 'for bob')).toBe('for bob');
    expect(ask).toHaveBeenCalledTimes(1);
  });

  it('does not keep a failed answer', async () => {
    const recent = answers();
    await expect(
      recent.get('alice', async () =>
        Promise.reject(new Error('catalog down')),
      ),
    ).rejects.toThrow('catalog down');
    expect(await recent.get('alice', async () => 'back')).toBe('back');
  });

  it('drops the oldest keys beyond its size', async () => {
    const recent = answers(2);
    await recent.get('a', async () => 'a1');
    await recent.get('b', async () => 'b1');
    await recent.get('c', async () => 'c1');
    expect(await recent.get('b', async () => 'b2')).toBe('b1');
    expect(await recent.get('a', async () => 'a2')).toBe('a2');
  });
});
