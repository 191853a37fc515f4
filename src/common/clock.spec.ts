import { isoPlus, utcDay } from './clock.js';

describe('utcDay', () => {
  it('is the UTC calendar day, whatever the local time zone says', () => {
    expect(utcDay(new Date('2026-12-06T23:59:59.999Z'))).toBe('2026-12-06');
    expect(utcDay(new Date('2026-12-07T00:00:00.000Z'))).toBe('2026-12-07');
    // 01:30 in UTC+02:00 is still the previous day in UTC.
    expect(utcDay(new Date('2026-12-07T01:30:00+02:00'))).toBe('2026-12-06');
  });

  it('sorts like the dates it names, so expiry compares as strings', () => {
    expect(utcDay(new Date('2026-12-31T12:00:00Z')) < utcDay(new Date('2027-01-01T12:00:00Z'))).toBe(true);
  });
});

describe('isoPlus', () => {
  it('adds milliseconds to the given moment', () => {
    expect(isoPlus(1_500, new Date('2026-12-06T00:00:00.000Z'))).toBe('2026-12-06T00:00:01.500Z');
  });
});
