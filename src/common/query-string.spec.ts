import { parseQueryString } from './query-string.js';

describe('parseQueryString', () => {
  it('parses flat parameters, decoding values', () => {
    expect({ ...parseQueryString('filter=userName%20eq%20%22a%22&count=10') }).toEqual({ filter: 'userName eq "a"', count: '10' });
  });

  it('gives a repeated name as an array', () => {
    expect({ ...parseQueryString('method=get&method=post') }).toEqual({ method: ['get', 'post'] });
  });

  it('folds bracketed keys into their base name as repeated values', () => {
    expect({ ...parseQueryString('page[]=1') }).toEqual({ page: ['1', '1'] });
    expect({ ...parseQueryString('search[$ne]=x&per_page=5') }).toEqual({ search: ['x', 'x'], per_page: '5' });
    expect({ ...parseQueryString('search=a&search[x]=b') }).toEqual({ search: ['a', 'b'] });
  });

  it('keeps a key that starts with a bracket as it is', () => {
    expect({ ...parseQueryString('[x]=1') }).toEqual({ '[x]': '1' });
  });

  it('answers an empty object for an empty query', () => {
    expect({ ...parseQueryString('') }).toEqual({});
  });
});
