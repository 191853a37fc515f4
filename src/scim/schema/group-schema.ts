import { CORE_GROUP_SCHEMA } from '../filter/group-filter-attributes.js';
import type { AttributeDefinition, SchemaDefinition } from './user-schema.js';

const base = { multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' } as const;

/** RFC 7643 §4.2, as Roster serves it (docs/group-sync.md): members are Users of the same scope. */
const MEMBERS: AttributeDefinition = {
  ...base,
  name: 'members',
  type: 'complex',
  multiValued: true,
  description: 'The Users of this SCIM scope in the group.',
  subAttributes: [
    { ...base, name: 'value', type: 'string', description: 'The id of the User.', mutability: 'immutable' },
    { ...base, name: '$ref', type: 'reference', description: 'The URI of the User.', mutability: 'immutable', referenceTypes: ['User'] },
    { ...base, name: 'display', type: 'string', description: "The User's name.", mutability: 'readOnly' },
  ],
};

export const CORE_GROUP: SchemaDefinition = {
  id: CORE_GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    { ...base, name: 'displayName', type: 'string', description: 'The name of the group, unique within the SCIM scope; it matches SAML Group Links by name.', required: true, uniqueness: 'server' },
    MEMBERS,
  ],
};
