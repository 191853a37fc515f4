import { Mutex } from './mutex.js';

describe('Mutex', () => {
  it('runs critical sections one at a time, in arrival order', async () => {
    const mutex = new Mutex();
    const events: string[] = [];
    const section = (name: string, ms: number) =>
      mutex.run(async () => {
        events.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`end ${name}`);
        return name;
      });
    const results = await Promise.all([section('a', 20), section('b', 1), section('c', 5)]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('releases the lock when a section throws', async () => {
    const mutex = new Mutex();
    await expect(
      mutex.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(mutex.run(async () => 'next')).resolves.toBe('next');
  });
});
