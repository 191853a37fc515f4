import { fuzzRequest } from '../fuzz/scim-fuzz-requests.js';

describe('probe', () => {
  it('times the generator', () => {
    const targets = [{ base: '/api/scim/v2/groups/g', token: 't', ids: ['a', 'b'], otherToken: 'o' }];
    const t0 = Date.now();
    let bytes = 0;
    for (let i = 0; i < 12000; i++) bytes += fuzzRequest(20261123, i, targets).body?.length ?? 0;
    console.log('generate', Date.now() - t0, 'ms', (bytes / 1e6).toFixed(1), 'MB');
  });
});
