// The identity-mismatch report: why someone cannot sign in, and how to fix it. Resolve offers only
// the values already in the row — typing an arbitrary identifier could sign a person into someone
// else's account.
import { badge, code, dash, h, time, toast, uid } from '../dom.js';
import { api } from '../api.js';
import { confirmDialog } from '../components/dialog.js';
import { listView } from '../components/list-view.js';
import { section } from '../components/layout.js';

export const KIND_LABELS = {
  scim_saml_mismatch: 'SCIM and SAML identifiers differ',
  name_id_mismatch: 'Sign-in sent a different NameID',
  saml_not_linked: 'Not linked to a SAML account',
  scim_missing: 'No SCIM identity',
  scim_inactive_member: 'SCIM state and membership disagree',
};

const RESOLVABLE = new Set(['scim_saml_mismatch', 'name_id_mismatch']);
/** Kinds that only say "does not use SAML / SCIM": an Owner may mark that as expected. */
const EXPECTABLE = new Set(['saml_not_linked', 'scim_missing']);

/** The distinct values shown in a row, each with where it was seen. */
export function candidateValues(row) {
  const seen = new Map();
  const add = (value, source) => {
    if (value === null || value === undefined || value === '') return;
    if (!seen.has(value)) seen.set(value, []);
    seen.get(value).push(source);
  };
  add(row.observed_name_id, 'NameID the IdP sent at the last sign-in');
  add(row.saml_extern_uid, 'current SAML extern_uid');
  add(row.scim_extern_uid, 'current SCIM externalId');
  return [...seen.entries()].map(([value, sources]) => ({ value, sources }));
}

function valuesCell(row) {
  const item = (label, value, extra) => [h('dt', { text: label }), h('dd', {}, value ? code(value) : dash(), extra)];
  return h(
    'dl',
    { class: 'values-list' },
    item('SCIM externalId', row.scim_extern_uid),
    item('SAML extern_uid', row.saml_extern_uid),
    item('Last NameID', row.observed_name_id, row.observed_at ? h('div', { class: 'small muted' }, time(row.observed_at)) : null),
  );
}

/**
 * What Resolve with `choice` changes, in Roster and at the IdP, as sentences. The SCIM id keeps
 * working for the IdP under its old value (an alias) until the IdP uses the new one.
 */
export function resolveEffects(row, choice) {
  const roster = [];
  const idp = [];
  const scim = row.scim_extern_uid;
  const saml = row.saml_extern_uid;
  if (scim === null || scim === undefined) roster.push('No SCIM identity: nothing to change on the SCIM side.');
  else if (scim === choice) roster.push(`SCIM id and externalId: unchanged ("${choice}").`);
  else roster.push(`SCIM id and externalId: "${scim}" becomes "${choice}".`);
  if (saml === null || saml === undefined) roster.push('No SAML identity: none is created here; the person links one by signing in through the group’s SSO URL.');
  else if (saml === choice) roster.push(`SAML extern_uid: unchanged ("${choice}").`);
  else roster.push(`SAML extern_uid: "${saml}" becomes "${choice}".`);
  roster.push('Both changes and their audit events are saved together, or nothing is.');
  if (scim !== null && scim !== undefined && scim !== choice) {
    idp.push(
      `Nothing is sent to the IdP. It keeps addressing this person as Users/${scim}; Roster keeps answering that id with this person (now "${choice}") until the IdP first uses Users/${choice}, or an owner drops the old id.`,
    );
    idp.push(`If the IdP sends externalId "${scim}" again in an update, the SCIM id goes back to "${scim}" and this problem returns: make the IdP send "${choice}" as this person’s externalId.`);
  } else {
    idp.push(`Nothing is sent to the IdP, and its SCIM id for this person${scim ? ` (${scim})` : ''} keeps working.`);
  }
  idp.push(`Sign-in works when the IdP sends the NameID "${choice}".`);
  return { roster, idp };
}

function effectsBlock(row, choice) {
  const { roster, idp } = resolveEffects(row, choice);
  const list = (items) =>
    h(
      'ul',
      { class: 'effects-list' },
      items.map((text) => h('li', { text })),
    );
  return [h('h3', { class: 'dialog-subtitle', text: 'In Roster' }), list(roster), h('h3', { class: 'dialog-subtitle', text: 'At the identity provider' }), list(idp)];
}

function resolveDialog(endpoint, row) {
  const candidates = candidateValues(row);
  const name = uid('resolve');
  const preferred = row.observed_name_id ?? candidates[0]?.value;
  const options = candidates.map((c) => {
    const id = uid('candidate');
    return h(
      'div',
      { class: 'radio-option' },
      h('input', { type: 'radio', name, id, value: c.value, checked: c.value === preferred, class: 'radio' }),
      h('label', { for: id }, code(c.value), h('span', { class: 'small muted', text: ` — ${c.sources.join('; ')}` })),
    );
  });
  const effects = h('div', { class: 'resolve-effects', 'aria-live': 'polite' }, effectsBlock(row, preferred));
  const fieldset = h('fieldset', { class: 'radio-group' }, h('legend', { text: 'Set both identifiers to' }), options);
  fieldset.addEventListener('change', (event) => effects.replaceChildren(...effectsBlock(row, event.target.value)));
  return confirmDialog({
    title: `Resolve the identities of ${row.name}?`,
    confirmLabel: 'Resolve',
    body: [h('p', { text: 'Choose the NameID your identity provider really sends for this person.' }), fieldset, effects],
    onConfirm: async (form) => {
      const choice = form.querySelector(`input[name="${name}"]:checked`)?.value;
      if (!choice) throw Object.assign(new Error('choose'), { status: 400, serverMessage: 'Choose one of the values', fields: null });
      const { data } = await api.post(`${endpoint}/${row.user_id}/resolve`, { extern_uid: choice });
      return { choice, remaining: data?.mismatch ?? null };
    },
  });
}

/**
 * The report of a group, or of the instance (`instance`: `endpoint` is the instance report, which has
 * no "Mark as expected": administrators are already expected not to use SAML).
 */
export async function identityMismatches(container, { group, signal, query, onCount, endpoint = `/groups/${group.id}/identity_mismatches`, instance = false }) {
  const highlight = query.user ? Number(query.user) : null;
  let list;
  list = listView({
    what: 'the identity-mismatch report',
    caption: 'Identity mismatches',
    empty: instance ? 'No identity problems: every instance SCIM and SAML identity agrees.' : 'No identity problems: every member’s SCIM and SAML identities agree.',
    className: 'report-table',
    signal,
    address: query,
    load: ({ page, signal: s }) => api.get(endpoint, { query: { page, per_page: 20 }, signal: s }),
    onLoaded: (_rows, page) => onCount?.(page?.total ?? null),
    rowClass: (row) => (row.user_id === highlight ? 'row-highlight' : null),
    columns: [
      {
        label: 'Person',
        className: 'col-person',
        render: (row) =>
          h(
            'div',
            { class: 'person' },
            h('div', { class: 'person-name' }, h('span', { class: 'strong', text: row.name })),
            h('div', { class: 'person-meta' }, h('span', { text: `@${row.username}` }), h('span', { class: 'sep', 'aria-hidden': 'true', text: '·' }), h('span', { text: row.email })),
          ),
      },
      {
        label: 'Problem',
        className: 'col-problem',
        render: (row) =>
          h(
            'div',
            { class: 'stack' },
            badge(KIND_LABELS[row.kind] ?? row.kind, row.kind === 'saml_not_linked' || row.kind === 'scim_missing' ? 'warning' : 'danger'),
            h('p', { class: 'explanation', text: row.explanation }),
          ),
      },
      { label: 'Values', render: valuesCell, className: 'col-values' },
      { label: 'Suggested fix', className: 'col-fix', render: (row) => h('p', { class: 'fix', text: row.suggested_fix }) },
      {
        label: 'Action',
        className: 'col-action',
        render: (row) =>
          RESOLVABLE.has(row.kind) && candidateValues(row).length > 0
            ? h('button', {
                type: 'button',
                class: 'button button-secondary button-small',
                text: 'Resolve',
                'aria-label': `Resolve the identities of ${row.name}`,
                onclick: async (event) => {
                  const button = event.currentTarget;
                  const result = await resolveDialog(endpoint, row);
                  if (result !== null) {
                    toast(
                      result.remaining
                        ? `${row.name} now uses ${result.choice}; one problem remains: ${KIND_LABELS[result.remaining.kind] ?? result.remaining.kind}`
                        : `${row.name} now uses ${result.choice} for SCIM and SAML`,
                    );
                    await list.refresh();
                    container.querySelector('.list-status')?.focus?.();
                  } else button.focus();
                },
              })
            : EXPECTABLE.has(row.kind) && !instance
              ? h('button', {
                  type: 'button',
                  class: 'button button-secondary button-small',
                  text: 'Mark as expected',
                  'aria-label': `Mark ${row.name} as not using SAML`,
                  onclick: async (event) => {
                    const button = event.currentTarget;
                    const done = await confirmDialog({
                      title: `Mark ${row.name} as not using SAML?`,
                      confirmLabel: 'Mark as expected',
                      body: [
                        h('p', {
                          text: 'Use this for people who sign in without SAML on purpose, such as a break-glass or service account. They leave this report and the Members flags; nothing else changes, and the mark is audited.',
                        }),
                        h('p', { class: 'small muted', text: 'A disagreement between their SCIM and SAML identifiers would still be reported.' }),
                      ],
                      onConfirm: () => api.put(`${endpoint}/${row.user_id}/expected`, {}),
                    });
                    if (done !== null) {
                      toast(`${row.name} is marked as not using SAML`);
                      await list.refresh();
                      container.querySelector('.list-status')?.focus?.();
                    } else button.focus();
                  },
                })
              : h('span', { class: 'muted small', text: 'See the suggested fix' }),
      },
    ],
  });
  container.append(
    section(
      {
        title: 'Identity mismatches',
        id: 'mismatches',
        description: instance
          ? 'People whose instance SCIM externalId, instance SAML extern_uid and the NameID the IdP sends at the instance SSO URL disagree, worst first. Each row says what it breaks and how to fix it.'
          : 'Members whose SCIM externalId, SAML extern_uid and the NameID the IdP sends disagree, worst first. Each row says what it breaks and how to fix it.',
      },
      list.el,
    ),
  );
  await list.reload();
}
