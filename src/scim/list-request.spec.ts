import { decodeCursor, encodeCursor, parseListRequest } from './list-request.js';

describe('list request', () => {
  it('defaults to startIndex 1 and count 100', () => {
    expect(parseListRequest({})).toMatchObject({ startIndex: 1, count: 100, cursor: undefined });
  });

  it('treats startIndex below 1 as 1 and clamps count to 0..1000', () => {
    expect(parseListRequest({ startIndex: '0', count: '5000' })).toMatchObject({ startIndex: 1, count: 1000 });
    expect(parseListRequest({ startIndex: '-7', count: '-1' })).toMatchObject({ startIndex: 1, count: 0 });
    expect(parseListRequest({ startIndex: 3, count: 0 })).toMatchObject({ startIndex: 3, count: 0 });
  });

  it('clamps integers of any length instead of refusing them', () => {
    expect(parseListRequest({ count: '99999999999999999999999' })).toMatchObject({ count: 1000 });
    expect(parseListRequest({ count: '+5', startIndex: '+2' })).toMatchObject({ count: 5, startIndex: 2 });
    expect(parseListRequest({ startIndex: '1' + '0'.repeat(40) })).toMatchObject({ startIndex: Number.MAX_SAFE_INTEGER });
    expect(parseListRequest({ startIndex: 1e300, count: -1e300 })).toMatchObject({ startIndex: Number.MAX_SAFE_INTEGER, count: 0 });
  });

  it('refuses non-integers', () => {
    expect(() => parseListRequest({ count: 'ten' })).toThrow('count must be an integer');
    expect(() => parseListRequest({ startIndex: '1.5' })).toThrow('startIndex must be an integer');
    expect(() => parseListRequest({ filter: 5 })).toThrow('filter must be a string');
  });

  it('starts cursor paging with an empty cursor and round-trips issued cursors', () => {
    expect(parseListRequest({ cursor: '' }).cursor).toEqual({ after: 0 });
    expect(parseListRequest({ cursor: encodeCursor({ after: 42 }) }).cursor).toEqual({ after: 42 });
    expect(decodeCursor(encodeCursor({ offset: 200 }))).toEqual({ offset: 200 });
  });

  it('refuses forged cursors and cursor together with startIndex', () => {
    expect(() => parseListRequest({ cursor: 'not-a-cursor' })).toThrow('The cursor is not valid');
    expect(() => parseListRequest({ cursor: encodeCursor({ after: -1 }) })).toThrow('The cursor is not valid');
    expect(() => parseListRequest({ cursor: '', startIndex: '2' })).toThrow('either cursor or startIndex');
  });
});
