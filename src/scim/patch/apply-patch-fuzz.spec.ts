/**
 * quality.md "Bad input": whatever a client sends, PATCH/PUT either succeed or throw a DomainError
 * (rendered as a 4xx), never anything that would become a 500, and never mutate the stored doc.
 */
import { DomainError } from '../../common/domain-error.js';
import { applyPatch } from './apply-patch.js';
import { applyPut } from './apply-put.js';
import { ENT, PATCH_OP, aliceDoc, deepFreeze } from './patch-test-helpers.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = [
  'active',
  'userName',
  'USERNAME',
  'name',
  'name.givenName',
  'name.nope',
  'emails',
  'emails.value',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[primary eq true].primary',
  'emails[type',
  'emails[value co "a" or not (type pr)].display',
  'phoneNumbers[type eq "mobile"]',
  'groups',
  'meta.created',
  'id',
  'externalId',
  'password',
  'schemas',
  ENT,
  `${ENT}:manager`,
  `${ENT}:manager.value`,
  `${ENT}:manager.displayName`,
  'urn:x:y:1.0:User:z',
  'urn:x',
  'x.y.z',
  '__proto__',
  'constructor',
  'toString',
  'a b',
  '',
  ']',
  '[',
  '.',
];
const VALUES: unknown[] = [
  null,
  '',
  'x',
  'True',
  'false',
  'maybe',
  0,
  1.5,
  true,
  false,
  [],
  {},
  [null],
  [{}],
  ['a'],
  [{ value: 'v', type: 'work', primary: 'True' }],
  { value: 'm' },
  { givenName: 'G', familyName: null },
  { active: false },
  { 'name.givenName': 'N' },
  { [`${ENT}:department`]: 'D' },
  { __proto__: { polluted: 1 } },
  JSON.parse('{"__proto__":{"polluted":1}}'),
  [[['deep']]],
  { a: { b: { c: null } } },
];

describe('PATCH and PUT under random input', () => {
  it('throw only DomainErrors and never mutate the input (2,000 random requests)', () => {
    const random = rng(7643);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const stored = deepFreeze(aliceDoc());
    let applied = 0;
    for (let i = 0; i < 2000; i++) {
      const operations = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const op: Record<string, unknown> = { op: pick(['add', 'Replace', 'remove', 'bogus', 7]) };
        if (random() < 0.85) op.path = pick(PATHS);
        if (random() < 0.85) op.value = pick(VALUES);
        return op;
      });
      const body = random() < 0.95 ? { schemas: [PATCH_OP], Operations: operations } : pick(VALUES);
      try {
        const { doc } = random() < 0.8 ? applyPatch(stored, body) : applyPut(stored, pick([...VALUES, { ...aliceDoc(), ...pick(VALUES as object[]) }]));
        expect(JSON.parse(JSON.stringify(doc))).toEqual(doc); // plain JSON, nothing odd inside
        expect(JSON.stringify(doc)).not.toContain('polluted');
        applied++;
      } catch (e) {
        if (!(e instanceof DomainError)) throw new Error(`request ${i} threw ${String(e)}: ${JSON.stringify(body)}`, { cause: e });
      }
    }
    expect(stored).toEqual(aliceDoc());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(applied).toBeGreaterThan(100);
  });
});
