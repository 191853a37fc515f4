/**
 * The seeded people's identifiers, as pure functions of (group, index): the seeder writes them and
 * the load drivers pick random existing ones by drawing an index, so no value list is passed around.
 */
export const BIG_GROUP_PATH = 'acme';
export const SMALL_GROUP_COUNT = 10;

export function smallGroupPath(n: number): string {
  return `team-${String(n).padStart(2, '0')}`;
}

/** Every hundredth member of the big group has a SAML extern_uid that differs from its SCIM one. */
export function isMismatched(index: number): boolean {
  return index % 100 === 0;
}

export interface Person {
  userName: string;
  externalId: string;
  givenName: string;
  familyName: string;
  email: string;
}

/** Member `index` (1-based) of the big group: Okta-shaped ids, email as userName. */
export function bigGroupPerson(index: number): Person {
  return {
    userName: `person${index}@acme.test`,
    externalId: `00u${index.toString(36).padStart(8, '0')}`,
    givenName: 'Pat',
    familyName: `Person${index}`,
    email: `person${index}@acme.test`,
  };
}

export function smallGroupPerson(group: number, index: number): Person {
  const tag = smallGroupPath(group);
  return {
    userName: `${tag}.member${index}@example.test`,
    externalId: `${tag}-${index}`,
    givenName: 'Sam',
    familyName: `Member${index}`,
    email: `${tag}.member${index}@example.test`,
  };
}

/** The SCIM User body an IdP would POST for `person`. */
export function scimUserBody(person: Person): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: person.userName,
    externalId: person.externalId,
    name: { givenName: person.givenName, familyName: person.familyName },
    emails: [{ primary: true, value: person.email, type: 'work' }],
    displayName: `${person.givenName} ${person.familyName}`,
    active: true,
  };
}
