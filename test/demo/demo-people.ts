/**
 * The people of the demo company and the SCIM bodies their IdPs send for them, in the shapes
 * Okta and Microsoft Entra ID really use (shared/reference/idp-clients.md §1.3 and §2.4).
 */
import { createHash } from 'node:crypto';

export interface DemoPerson {
  given: string;
  family: string;
  email: string;
  idp: 'okta' | 'entra';
  externalId: string;
  department: string;
  title: string;
}

const OKTA = [
  ['Alex', 'Rivera', 'Engineering', 'Staff Engineer'],
  ['Priya', 'Natarajan', 'Engineering', 'Engineering Manager'],
  ['Tomás', 'Álvarez', 'Engineering', 'Backend Engineer'],
  ['Mei', 'Chen', 'Design', 'Product Designer'],
  ['Jonas', 'Becker', 'Engineering', 'Site Reliability Engineer'],
  ['Amara', 'Okafor', 'Product', 'Product Manager'],
  ['Liam', 'O’Connor', 'Sales', 'Account Executive'],
  ['Sofia', 'Rossi', 'Marketing', 'Content Lead'],
  ['Noah', 'Kim', 'Engineering', 'Frontend Engineer'],
  ['Hannah', 'Schmidt', 'Finance', 'Controller'],
  ['Mateo', 'García', 'Support', 'Support Engineer'],
  ['Aisha', 'Rahman', 'Security', 'Security Engineer'],
  ['Lucas', 'Martin', 'Engineering', 'Data Engineer'],
  ['Yuki', 'Tanaka', 'Design', 'UX Researcher'],
  ['Ethan', 'Brooks', 'Sales', 'Sales Engineer'],
  ['Olivia', 'Nowak', 'People', 'People Partner'],
  ['Ravi', 'Shah', 'Engineering', 'Platform Engineer'],
  ['Chloé', 'Dubois', 'Legal', 'Counsel'],
  ['Samuel', 'Mensah', 'Engineering', 'QA Engineer'],
  ['Ingrid', 'Larsen', 'Operations', 'Operations Lead'],
] as const;

const ENTRA = [
  ['Grace', 'Liu', 'Engineering', 'Mobile Engineer'],
  ['Daniel', 'Cohen', 'Finance', 'Financial Analyst'],
  ['Fatima', 'Haddad', 'Product', 'Product Analyst'],
  ['Oscar', 'Lindqvist', 'Engineering', 'Backend Engineer'],
  ['Zoe', 'Papadopoulos', 'Marketing', 'Growth Marketer'],
  ['Kwame', 'Asante', 'Support', 'Support Lead'],
  ['Elena', 'Popescu', 'Engineering', 'Engineering Manager'],
  ['Marcus', 'Webb', 'IT', 'IT Administrator'],
  ['Nadia', 'Ivanova', 'Security', 'Compliance Analyst'],
  ['Hugo', 'Lefèvre', 'Sales', 'Account Manager'],
] as const;

const digest = (seed: string) => createHash('sha256').update(seed).digest();

/** Okta user ids look like 00u1ab2cd3EF4gh5i6j7 (20 characters, base62). */
function oktaId(seed: string): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `00u${[...digest(seed)]
    .slice(0, 17)
    .map((b) => alphabet[b % 62])
    .join('')}`;
}

/** Entra sends the object id (a GUID) as externalId by default. */
function guid(seed: string): string {
  const hex = digest(seed).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function emailLocal(given: string, family: string): string {
  return `${given}.${family}`
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’']/g, '')
    .toLowerCase();
}

export function demoPeople(domain = 'acme.example'): DemoPerson[] {
  const make =
    (idp: 'okta' | 'entra') =>
    ([given, family, department, title]: readonly string[]): DemoPerson => {
      const email = `${emailLocal(given, family)}@${domain}`;
      return { given, family, email, idp, department, title, externalId: idp === 'okta' ? oktaId(email) : guid(email) };
    };
  return [...OKTA.map(make('okta')), ...ENTRA.map(make('entra'))];
}

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Okta's POST /Users body: always a placeholder password and an empty groups list. */
export function oktaCreateBody(p: DemoPerson) {
  return {
    schemas: [CORE],
    userName: p.email,
    name: { givenName: p.given, familyName: p.family },
    emails: [{ primary: true, value: p.email, type: 'work' }],
    displayName: `${p.given} ${p.family}`,
    locale: 'en-US',
    externalId: p.externalId,
    groups: [],
    password: digest(`pw${p.email}`).toString('base64url').slice(0, 10),
    active: true,
  };
}

/** Entra's POST /Users body: core and enterprise schemas, meta.resourceType, roles. */
export function entraCreateBody(p: DemoPerson) {
  return {
    schemas: [CORE, ENTERPRISE],
    externalId: p.externalId,
    userName: p.email,
    active: true,
    displayName: `${p.given} ${p.family}`,
    emails: [{ primary: true, type: 'work', value: p.email }],
    meta: { resourceType: 'User' },
    name: { formatted: `${p.given} ${p.family}`, familyName: p.family, givenName: p.given },
    title: p.title,
    roles: [],
    [ENTERPRISE]: { department: p.department },
  };
}

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
