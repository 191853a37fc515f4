import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst, then refuses with a retry delay, then refills at the sustained rate', () => {
    let now = 0;
    const limiter = new RateLimiter(50, 200, () => now);
    for (let i = 0; i < 200; i++) expect(limiter.take(1)).toBe(0);
    expect(limiter.take(1)).toBe(1);
    now += 1000; // 50 more
    for (let i = 0; i < 50; i++) expect(limiter.take(1)).toBe(0);
    expect(limiter.take(1)).toBeGreaterThan(0);
  });

  it('keeps tokens apart', () => {
    const limiter = new RateLimiter(1, 1, () => 0);
    expect(limiter.take(1)).toBe(0);
    expect(limiter.take(2)).toBe(0);
    expect(limiter.take(1)).toBe(1);
  });

  it('is off at rate 0', () => {
    const limiter = new RateLimiter(0, 1, () => 0);
    for (let i = 0; i < 1000; i++) expect(limiter.take(1)).toBe(0);
  });
});
