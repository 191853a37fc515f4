import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Scope, scopeGroupId } from '../common/scope.js';
import { utcDay } from '../common/clock.js';
import { MembershipService } from '../groups/membership.service.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import { SamlIdentitiesService } from '../saml/saml-identities.service.js';
import { SamlSignInsService } from '../saml/saml-sign-ins.service.js';
import type { SamlSignInEntity } from '../saml/saml-sign-in.entity.js';
import { ScimIdentitiesService } from '../scim/scim-identities.service.js';
import { ScimRequestLogService } from '../scim/scim-request-log.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { signInVerdict, Verdict } from './sign-in-verdict.js';
import { unattributedRefusalWarning } from './unattributed-refusals.js';

/** People shown for one search; a search that needs more is too vague to troubleshoot one person. */
const MAX_PEOPLE = 10;
const TIMELINE = 30;
/** How far back, and how many, refusals that named no one are read for the scope's warning. */
const REFUSAL_WINDOW_MS = 24 * 3600_000;
const REFUSAL_WINDOW_WORDS = 'last 24 hours';
const REFUSALS_READ = 50;

export type MatchedOn = 'username' | 'email' | 'extern_uid' | 'name_id' | 'search';

export interface TimelineEntry {
  at: string;
  source: 'audit' | 'sign_in' | 'scim_request';
  summary: string;
  request_id?: string | null;
}

export interface PersonDiagnosis {
  /** Null for a NameID (or email) the IdP sent that matched no account. */
  user: { id: number; username: string; name: string; email: string; state: string } | null;
  name_id: string | null;
  matched_on: MatchedOn[];
  member: { access_level: number; expires_at: string | null } | null;
  scim_identity: { extern_uid: string; active: boolean } | null;
  saml_identity: { extern_uid: string } | null;
  last_sign_in: { name_id: string; outcome: string; at: string } | null;
  verdict: Verdict;
  timeline: TimelineEntry[];
}

export interface Diagnosis {
  query: string;
  people: PersonDiagnosis[];
  /** More people matched than are shown: narrow the search. */
  truncated: boolean;
  /** About the scope, whoever is searched: e.g. SAML responses refused before anyone could be named. */
  scope_warnings: string[];
}

/**
 * "Why can't this person sign in?" in one search (owners for their group, admins for any scope):
 * a name, email, username, externalId or NameID → the people it names — current members, removed
 * people, and NameIDs that matched nobody — each with their identities, a merged timeline and a
 * verdict in words. Only people connected to the scope are shown (a member, an identity or a
 * sign-in there): an Owner learns nothing about accounts outside the group.
 */
@Injectable()
export class SignInDiagnosisService {
  constructor(
    private readonly users: UsersService,
    private readonly membership: MembershipService,
    private readonly providers: SamlProviderService,
    private readonly scimIdentities: ScimIdentitiesService,
    private readonly samlIdentities: SamlIdentitiesService,
    private readonly signIns: SamlSignInsService,
    private readonly audit: AuditService,
    private readonly requestLog: ScimRequestLogService,
  ) {}

  async diagnose(scope: Scope, query: string, now = new Date()): Promise<Diagnosis> {
    const groupId = scopeGroupId(scope);
    const matches = new Map<number, Set<MatchedOn>>();
    const note = (userId: number | null | undefined, on: MatchedOn) => {
      if (userId == null) return;
      if (!matches.has(userId)) matches.set(userId, new Set());
      matches.get(userId)!.add(on);
    };

    // Indexed equalities first: an email, username, externalId or NameID names one person.
    const [byUsername, byEmail, scim, saml, observations] = await Promise.all([
      this.users.findByUsername(query),
      this.users.findByEmail(query),
      this.scimIdentities.find(scope, query),
      this.samlIdentities.findByExternUid(scope, query),
      this.signIns.findByNameIdOrEmail(scope, query, 20),
    ]);
    note(scim?.userId, 'extern_uid');
    note(saml?.userId, 'extern_uid');
    for (const o of observations) note(o.userId, 'name_id');
    // An account found by username or email counts only if it is connected to this scope.
    for (const [user, on] of [
      [byUsername, 'username'],
      [byEmail, 'email'],
    ] as const) {
      if (user && (matches.has(user.id) || (await this.connected(scope, user.id)))) note(user.id, on);
    }
    // Only when nothing matched exactly: part of a name, username or email among the members
    // (a scan of the group, so not for a query that already named someone).
    let searched: number[] = [];
    if (matches.size === 0 && observations.length === 0 && groupId !== null) {
      searched = await this.membership.searchUserIds(groupId, query, MAX_PEOPLE + 1);
      for (const userId of searched) note(userId, 'search');
    }

    const unknownNameIds = [...new Set(observations.filter((o) => o.userId === null).map((o) => o.nameId))];
    const ids = [...matches.keys()];
    const truncated = ids.length + unknownNameIds.length > MAX_PEOPLE || searched.length > MAX_PEOPLE;
    const provider = await this.providers.find(scope);
    const providerFacts = provider ? { enabled: provider.enabled, enforcedSso: provider.enforcedSso } : null;
    const today = utcDay(now);

    const people: PersonDiagnosis[] = [];
    for (const userId of ids.slice(0, MAX_PEOPLE)) {
      const user = await this.users.findById(userId);
      if (user) people.push(await this.person(scope, user, [...matches.get(userId)!], providerFacts, today));
    }
    for (const nameId of unknownNameIds.slice(0, Math.max(0, MAX_PEOPLE - people.length))) {
      people.push(this.unknown(nameId, observations, providerFacts, today));
    }
    return { query, people, truncated, scope_warnings: await this.scopeWarnings(scope, now) };
  }

  /** Recent SAML responses refused before they could be tied to a person (audited without a target). */
  private async scopeWarnings(scope: Scope, now: Date): Promise<string[]> {
    const since = new Date(now.getTime() - REFUSAL_WINDOW_MS).toISOString();
    const events = await this.audit.newestWithoutTarget({ groupId: scopeGroupId(scope), eventName: 'saml_sign_in_refused', createdAfter: since }, REFUSALS_READ);
    const refusals = events.map((e) => ({ at: e.created_at, reason: typeof e.details.reason === 'string' ? e.details.reason : '' }));
    const warning = unattributedRefusalWarning(refusals, REFUSAL_WINDOW_WORDS);
    return warning === null ? [] : [warning];
  }

  private async connected(scope: Scope, userId: number): Promise<boolean> {
    const groupId = scopeGroupId(scope);
    const [member, scim, saml, seen] = await Promise.all([
      groupId === null ? null : this.membership.find(groupId, userId),
      this.scimIdentities.findByUser(scope, userId),
      this.samlIdentities.findByUser(scope, userId),
      this.signIns.recentForUser(scope, userId, 1),
    ]);
    return member !== null || scim !== null || saml !== null || seen.length > 0;
  }

  private async person(scope: Scope, user: UserEntity, matchedOn: MatchedOn[], provider: { enabled: boolean; enforcedSso: boolean } | null, today: string): Promise<PersonDiagnosis> {
    const groupId = scopeGroupId(scope);
    const [member, scim, saml, signIns, events] = await Promise.all([
      groupId === null ? null : this.membership.find(groupId, user.id),
      this.scimIdentities.findByUser(scope, user.id),
      this.samlIdentities.findByUser(scope, user.id),
      this.signIns.recentForUser(scope, user.id, 10),
      this.audit.list({ groupId, targetId: user.id }, { page: 1, perPage: 20 }),
    ]);
    const requests = scim ? (await this.requestLog.list({ groupId, externalId: scim.externUid }, { page: 1, perPage: 10 })).items : [];
    const last = signIns[0] ?? null;
    const facts = {
      provider,
      user: { state: user.state },
      scim: scim ? { externUid: scim.externUid, active: Boolean(scim.active) } : null,
      saml: saml ? { externUid: saml.externUid } : null,
      member: member ? { accessLevel: member.accessLevel, expiresAt: member.expiresAt ?? null } : null,
      lastSignIn: last ? { nameId: last.nameId, outcome: last.outcome, at: last.createdAt } : null,
      today,
      scope: scope.kind,
    };
    const timeline: TimelineEntry[] = [
      ...events.items.map((e) => ({ at: e.created_at, source: 'audit' as const, summary: auditSummary(e.event_name, e.details), request_id: e.request_id })),
      ...signIns.map(signInEntry),
      ...requests.map((r) => ({
        at: r.created_at,
        source: 'scim_request' as const,
        summary: `${r.method} ${r.path} → ${r.status}${r.error_detail ? `: ${r.error_detail}` : ''}`,
        request_id: r.request_id,
      })),
    ];
    return {
      user: { id: user.id, username: user.username, name: user.name, email: user.email, state: user.state },
      name_id: saml?.externUid ?? null,
      matched_on: matchedOn,
      member: member ? { access_level: member.accessLevel, expires_at: member.expiresAt ?? null } : null,
      scim_identity: facts.scim ? { extern_uid: facts.scim.externUid, active: facts.scim.active } : null,
      saml_identity: facts.saml ? { extern_uid: facts.saml.externUid } : null,
      last_sign_in: last ? { name_id: last.nameId, outcome: last.outcome, at: last.createdAt } : null,
      verdict: signInVerdict(facts),
      timeline: newestFirst(timeline),
    };
  }

  /** A NameID the IdP sent that matched nobody: only its observations are known. */
  private unknown(nameId: string, observations: SamlSignInEntity[], provider: { enabled: boolean; enforcedSso: boolean } | null, today: string): PersonDiagnosis {
    const mine = observations.filter((o) => o.userId === null && o.nameId === nameId);
    const last = mine[0];
    return {
      user: null,
      name_id: nameId,
      matched_on: ['name_id'],
      member: null,
      scim_identity: null,
      saml_identity: null,
      last_sign_in: { name_id: last.nameId, outcome: last.outcome, at: last.createdAt },
      verdict: signInVerdict({ provider, user: null, scim: null, saml: null, member: null, lastSignIn: { nameId: last.nameId, outcome: last.outcome, at: last.createdAt }, today }),
      timeline: newestFirst(mine.map(signInEntry)),
    };
  }
}

function signInEntry(o: SamlSignInEntity): TimelineEntry {
  const outcome = o.outcome.startsWith('refused_') ? `refused (${o.outcome.slice('refused_'.length)})` : o.outcome.replace(/_/g, ' ');
  return { at: o.createdAt, source: 'sign_in', summary: `SAML sign-in with NameID ${o.nameId}${o.email ? ` (email ${o.email})` : ''}: ${outcome}` };
}

/** An audit event in a line: its name in words, and the details that say most. */
function auditSummary(name: string, details: Record<string, unknown>): string {
  const spaced = name
    .replace(/_/g, ' ')
    .replace(/\bsaml\b/g, 'SAML')
    .replace(/\bscim\b/g, 'SCIM');
  const words = spaced.charAt(0).toUpperCase() + spaced.slice(1);
  const said = ['reason', 'from', 'to', 'access_level', 'extern_uid', 'name_id']
    .filter((key) => details[key] !== undefined && details[key] !== null)
    .map((key) => `${key.replace(/_/g, ' ')} ${typeof details[key] === 'object' ? JSON.stringify(details[key]) : String(details[key])}`);
  return said.length > 0 ? `${words} (${said.join(', ')})` : words;
}

function newestFirst(entries: TimelineEntry[]): TimelineEntry[] {
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, TIMELINE);
}
