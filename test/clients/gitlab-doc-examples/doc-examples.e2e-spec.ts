import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { auth, oktaUser, SCIM_JSON, setUpGroup, setUpInstance } from '../../support/fixtures.js';
import { createPerson, provision } from '../../support/admin-people.js';
import { linkSamlIdentity } from '../../support/platform-users.js';
import { freePort } from '../../support/server-process.js';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../../support/test-app.js';
import { DOC_EXAMPLES } from './examples.js';

const run = promisify(execFile);

/** The words of a documented curl command as a POSIX shell would split them (quotes, line continuations). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === '\\' && command[i + 1] === '\n') {
      i++;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      for (i++; command[i] !== '"'; i++) text += command[i] === '\\' && '"\\$`'.includes(command[i + 1]) ? command[++i] : command[i];
      word = (word ?? '') + text;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/**
 * GitLab's documented curl examples, replayed with curl itself against a real Roster: the command
 * is split as a shell would, and only the documentation's host, token placeholders and the ids of
 * its own instance are replaced. Each must give the documented status.
 */
describe('GitLab API documentation examples, replayed with curl', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  let instanceToken: string;
  beforeAll(async () => {
    const port = await freePort();
    t = await startTestApp({ PORT: String(port), BASE_URL: `http://127.0.0.1:${port}` });
    const saml = await setUpGroup(t, 'doc-saml');
    const samlHolder = await createPerson(t, 'docsaml');
    await linkSamlIdentity(t, saml.id, samlHolder.id, 'yrnZW46BrtBFqM7xDzE7dddd');
    const scim = await setUpGroup(t, 'doc-scim');
    await provision(t, scim, { externalId: 'be20d8dcc028677c931e04f387' });
    instanceToken = (await setUpInstance(t)).scimToken;
    const members = await setUpGroup(t, 'doc-members');
    const newMember = await createPerson(t, 'docmember');
    const edited = await createPerson(t, 'docedited');
    const [event] = await t.sql<{ id: number }>('SELECT id FROM audit_events WHERE group_id = ? ORDER BY id LIMIT 1', [members.id]);
    Object.assign(ids, {
      samlGroup: String(saml.id),
      scimGroup: String(scim.id),
      scimPath: scim.path,
      scimToken: scim.scimToken,
      membersGroup: String(members.id),
      newMember: String(newMember.id),
      edited: String(edited.id),
      groupEvent: String(event.id),
    });
  });
  afterAll(async () => t.close());

  /** The person an example acts on, provisioned (or reactivated) through SCIM when it is not active there. */
  function scimUserUrl(needs: { scope: 'group' | 'instance'; externalId: string }): { base: string; token: string; url: string } {
    const base = needs.scope === 'group' ? `/api/scim/v2/groups/${ids.scimPath}` : '/api/scim/v2/application';
    const token = needs.scope === 'group' ? ids.scimToken : instanceToken;
    return { base, token, url: `${base}/Users/${encodeURIComponent(needs.externalId)}` };
  }

  async function ensureProvisioned(needs: { scope: 'group' | 'instance'; externalId: string }): Promise<void> {
    const { base, token, url } = scimUserUrl(needs);
    const existing = await t.http().get(url).set(auth(token));
    if (existing.status === 200 && existing.body.active === true) return;
    const body = oktaUser({ externalId: needs.externalId });
    const res = await t.http().post(`${base}/Users`).set(auth(token)).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
    if (res.status !== 201) throw new Error(`could not provision ${needs.externalId}: ${res.status} ${res.text}`);
  }

  /** The documentation's instance → this Roster. */
  function localise(word: string, scope: 'group' | 'instance'): string {
    return word
      .replace(/^https:\/\/(gitlab\.com|gitlab\.example\.com|primary\.example\.com)/, t.config.baseUrl)
      .replace(/<PRIVATE-TOKEN>|<PRIVATE TOKEN>|<your_access_token>/, ADMIN_TOKEN)
      .replace(/<your_scim_token>|<SCIM_TOKEN>/, scope === 'group' ? ids.scimToken : instanceToken)
      .replace('/groups/33/saml/', `/groups/${ids.samlGroup}/saml/`)
      .replace('/groups/33/scim/', `/groups/${ids.scimGroup}/scim/`)
      .replace(/\/groups\/(:id|60)\//, `/groups/${ids.membersGroup}/`)
      .replace('/groups/test_group/', `/groups/${ids.scimPath}/`)
      .replace(/\/members\/(all\/)?:user_id/, `/members/$1${ids.newMember}`)
      .replace('user_id=1&', `user_id=${ids.newMember}&`)
      .replace('/audit_events/2', `/audit_events/${ids.groupEvent}`)
      .replace('/users/48', `/users/${ids.edited}`)
      .replace('group_id_for_saml=33', `group_id_for_saml=${ids.scimGroup}`);
  }

  it.each(DOC_EXAMPLES.map((example) => [example.page, example] as const))('%s', async (_page, example) => {
    if (example.needs) await ensureProvisioned(example.needs);
    const [command, ...args] = shellWords(example.curl);
    expect(command).toBe('curl');
    const scope = example.curl.includes('/api/scim/v2/application/') ? 'instance' : 'group';
    const { stdout } = await run('curl', [...args.map((word) => localise(word, scope)), '--silent', '--show-error', '--write-out', '\n%{http_code} %{content_type}'], { timeout: 20_000 });
    const lines = stdout.split('\n');
    const [status, contentType] = lines.pop()!.split(' ');
    expect({ page: example.page, status: Number(status), body: lines.join('\n').slice(0, 300) }).toEqual({ page: example.page, status: example.status, body: expect.any(String) });
    if (example.status !== 204) expect(contentType).toMatch(/^application\/(scim\+)?json/);
    if (example.afterwards) {
      const { token, url } = scimUserUrl(example.needs!);
      const after = await t.http().get(url).set(auth(token));
      expect({ status: after.status, active: after.body.active }).toEqual({ status: 200, active: example.afterwards.active });
    }
  });

  it('left the database as the examples say', async () => {
    expect(await t.sql('SELECT extern_uid FROM saml_identities WHERE group_id = ?', [Number(ids.samlGroup)])).toEqual([]);
    // The group's last example removed the person; the instance's blocked the account.
    expect(
      await t.sql("SELECT user_id FROM members WHERE group_id = ? AND user_id IN (SELECT user_id FROM scim_identities WHERE extern_uid = 'f0b1d561c-21ff-4092-beab-8154b17f82f2')", [
        Number(ids.scimGroup),
      ]),
    ).toEqual([]);
    expect(await t.sql("SELECT u.state FROM users u JOIN scim_identities i ON i.user_id = u.id WHERE i.group_id IS NULL AND i.extern_uid = 'f0b1d561c-21ff-4092-beab-8154b17f82f2'")).toEqual([
      { state: 'blocked' },
    ]);
    expect(await t.sql('SELECT access_level FROM members WHERE group_id = ? AND user_id = ?', [Number(ids.membersGroup), Number(ids.newMember)])).toEqual([]);
  });
});
