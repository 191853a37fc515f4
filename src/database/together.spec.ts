import { together } from './together.js';

describe('together', () => {
  it('answers every result in order', async () => {
    await expect(together([Promise.resolve(1), Promise.resolve('two')] as const)).resolves.toEqual([1, 'two']);
  });

  it('reports the first failure only after every statement has finished', async () => {
    let slowFinished = false;
    const slow = new Promise<number>((resolve) => setTimeout(() => ((slowFinished = true), resolve(1)), 30));
    const failing = Promise.reject(new Error('unique violation'));
    await expect(together([slow, failing] as const)).rejects.toThrow('unique violation');
    expect(slowFinished).toBe(true);
  });
});
