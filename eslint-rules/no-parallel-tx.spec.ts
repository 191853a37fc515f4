import { RuleTester } from 'eslint';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import rule from './no-parallel-tx.js';

// A file of this repository, so that relative imports resolve against src/ as they do in the code.
const inScim = fileURLToPath(new URL('../src/scim/some.service.ts', import.meta.url));
const inDatabase = fileURLToPath(new URL('../src/database/some.ts', import.meta.url));

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run('no-parallel-tx', rule, {
  valid: [
    // Parallel reads outside any transaction (the members view's reads, the guard's lookups).
    'async function one(userId: number) { const [member, user] = await Promise.all([membership.find(userId), users.findById(userId)]); }',
    // Statements of a transaction awaited in turn.
    'db.transaction(async (tx) => { const user = await users.create(tx, input); await audit.record(tx, event(user)); });',
    // Other Promise methods are not combinators.
    'db.transaction(async (tx) => { await Promise.resolve(tx); return new Promise((resolve) => resolve(tx)); });',
    // Another object's `all`.
    'db.transaction(async (tx) => { await workers.all([a(tx), b(tx)]); });',
    // `tx` only as a property name or object key is not the handle.
    'async function f(job: Job) { await Promise.all([job.tx, send({ tx: 1 })]); }',
    // A parameter whose *type* is a function taking `tx` is not a handle itself.
    'async function transaction<T>(work: (tx: Tx) => Promise<T>) { await Promise.all([open(), warm()]); return work(manager); }',
    // Another handle type (the reader is an EntityManager but never a transaction).
    'async function read(em: EntityManager) { return Promise.all([em.query("SELECT 1"), em.query("SELECT 2")]); }',
    // Importing something else from together.js, or a different `together`.
    { code: "import { settle } from '../database/together.js';", filename: inScim },
    { code: "import { together } from './together.js';", filename: inScim },
    { code: "import { together } from 'some-package';", filename: inScim },
    // The files that still use together() until it is removed.
    { code: "import { together } from '../database/together.js';", filename: inScim, options: [{ allowTogetherImport: true }] },
  ],
  invalid: [
    {
      code: 'db.transaction(async (tx) => { await Promise.all([users.create(tx, input), audit.record(tx, event)]); });',
      errors: [{ messageId: 'inTransaction', data: { name: 'all', handle: 'tx' } }],
    },
    {
      code: 'db.transaction(async (tx) => { await Promise.allSettled([a(tx), b(tx)]); });',
      errors: [{ messageId: 'inTransaction', data: { name: 'allSettled', handle: 'tx' } }],
    },
    {
      code: 'db.transaction(async (tx) => Promise.race([a(tx), timeout()]));',
      errors: [{ messageId: 'inTransaction', data: { name: 'race', handle: 'tx' } }],
    },
    {
      code: "db.transaction(async (tx) => { await Promise['any']([a(tx), b(tx)]); });",
      errors: [{ messageId: 'inTransaction', data: { name: 'any', handle: 'tx' } }],
    },
    {
      // A helper that receives the handle: its parallel work need not name it to use it.
      code: 'class S { async restore(tx: Tx, user: User) { await Promise.all([this.members.restore(user), this.identities.reactivate(user)]); } }',
      errors: [{ messageId: 'inTransaction', data: { name: 'all', handle: 'tx' } }],
    },
    {
      // Any name, typed Tx (optional or in a union).
      code: 'function find(id: number, em?: Tx) { return Promise.all([a(id, em), b(id, em)]); }',
      errors: [{ messageId: 'inTransaction', data: { name: 'all', handle: 'em' } }],
    },
    {
      code: 'const f = async (id: number, em: db.Tx | undefined) => Promise.all([a(id), b(id)]);',
      errors: [{ messageId: 'inTransaction', data: { name: 'all', handle: 'em' } }],
    },
    {
      // Destructured and defaulted handles.
      code: 'const f = async ({ tx }: Ctx) => Promise.all([a(), b()]); const g = async (tx = current()) => Promise.all([a(), b()]);',
      errors: [
        { messageId: 'inTransaction', data: { name: 'all', handle: 'tx' } },
        { messageId: 'inTransaction', data: { name: 'all', handle: 'tx' } },
      ],
    },
    {
      // Nested deeper inside the body: the handle is still in scope.
      code: 'db.transaction(async (tx) => { for (const group of groups) { await (async () => Promise.all(group.map((m) => remove(tx, m))))(); } });',
      errors: [{ messageId: 'inTransaction', data: { name: 'all', handle: 'tx' } }],
    },
    {
      // Not inside a function with the handle, but over it.
      code: 'async function run(runner: QueryRunner) { const tx = runner.manager; await Promise.all([read(tx), write(tx)]); }',
      errors: [{ messageId: 'overHandle', data: { name: 'all', handle: 'tx' } }],
    },
    {
      code: 'const done = Promise.all(ids.map((id) => load(tx, id)));',
      errors: [{ messageId: 'overHandle', data: { name: 'all', handle: 'tx' } }],
    },
    {
      code: 'const done = Promise.all(managers.map((m: Tx) => m.query("SELECT 1")));',
      errors: [{ messageId: 'overHandle', data: { name: 'all', handle: 'm' } }],
    },
    {
      code: 'const done = Promise.all([a(), b({ tx })]);',
      errors: [{ messageId: 'overHandle', data: { name: 'all', handle: 'tx' } }],
    },
    // together(), however it is brought in.
    { code: "import { together } from '../database/together.js';", filename: inScim, errors: [{ messageId: 'together' }] },
    { code: "import { together as both } from '../database/together.js';", filename: inScim, errors: [{ messageId: 'together' }] },
    { code: "import * as helpers from '../database/together.js';", filename: inScim, errors: [{ messageId: 'together' }] },
    { code: "import { together } from './together.js';", filename: inDatabase, errors: [{ messageId: 'together' }] },
    { code: "import { together } from '../database/together';", filename: inScim, errors: [{ messageId: 'together' }] },
    { code: "export { together } from '../database/together.js';", filename: inScim, errors: [{ messageId: 'together' }] },
    { code: "export * from '../database/together.js';", filename: inScim, errors: [{ messageId: 'together' }] },
  ],
});
