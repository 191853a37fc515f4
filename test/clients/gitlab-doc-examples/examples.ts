/**
 * curl examples of GitLab's API documentation (doc/api/saml.md, doc/api/scim.md, doc/api/members.md,
 * doc/api/audit_events.md, doc/api/users.md, and the internal SCIM API page). Only the host, the
 * token placeholders and the ids of the documentation's own instance are replaced when they are
 * replayed (doc-examples.e2e-spec.ts). `verbatim` marks the commands checked character by character
 * against the documentation's text; the others follow the pages' endpoints and parameters in the
 * documentation's style and are still to be checked against the current pages.
 */
export interface DocExample {
  page: string;
  verbatim: boolean;
  curl: string;
  /** A SCIM-provisioned person the example acts on, created first when it is not there. */
  needs?: { scope: 'group' | 'instance'; externalId: string };
  status: number;
  /** What the answer must hold, beside the status. */
  body?: unknown;
  /** The state of the `needs` person afterwards, read back through SCIM. */
  afterwards?: { active: boolean };
}

export const DOC_EXAMPLES: DocExample[] = [
  {
    page: 'saml.md: Get SAML identities for a group',
    verbatim: true,
    curl: `curl --location --request GET "https://gitlab.com/api/v4/groups/33/saml/identities" --header "PRIVATE-TOKEN: <PRIVATE-TOKEN>"`,
    status: 200,
  },
  {
    page: 'saml.md: Get a single SAML identity',
    verbatim: true,
    curl: `curl --location --request GET "https://gitlab.com/api/v4/groups/33/saml/yrnZW46BrtBFqM7xDzE7dddd" --header "PRIVATE-TOKEN: <PRIVATE TOKEN>"`,
    status: 200,
  },
  {
    page: 'saml.md: Update extern_uid field for a SAML identity',
    verbatim: true,
    curl: `curl --location --request PATCH "https://gitlab.com/api/v4/groups/33/saml/yrnZW46BrtBFqM7xDzE7dddd" \\
--header "PRIVATE-TOKEN: <PRIVATE TOKEN>" \\
--form "extern_uid=be20d8dcc028677c931e04f387"`,
    status: 200,
  },
  {
    page: 'saml.md: Delete a single SAML identity',
    verbatim: true,
    curl: `curl --request DELETE --header "PRIVATE-TOKEN: <your_access_token>" "https://gitlab.com/api/v4/groups/33/saml/be20d8dcc028677c931e04f387"`,
    status: 204,
  },
  {
    page: 'scim.md: Get SCIM identities for a group',
    verbatim: true,
    curl: `curl --location --request GET "https://gitlab.example.com/api/v4/groups/33/scim/identities" \\
--header "PRIVATE-TOKEN: <PRIVATE-TOKEN>"`,
    status: 200,
  },
  {
    page: 'scim.md: Get a single SCIM identity',
    verbatim: true,
    curl: `curl --location --request GET "https://gitlab.example.com/api/v4/groups/33/scim/be20d8dcc028677c931e04f387" --header "PRIVATE-TOKEN: <PRIVATE TOKEN>"`,
    status: 200,
  },
  {
    page: 'scim.md: Update extern_uid field for a SCIM identity',
    verbatim: true,
    curl: `curl --location --request PATCH "https://gitlab.example.com/api/v4/groups/33/scim/be20d8dcc028677c931e04f387" \\
--header "PRIVATE-TOKEN: <PRIVATE TOKEN>" \\
--form "extern_uid=yrnZW46BrtBFqM7xDzE7dddd"`,
    status: 200,
  },
  {
    page: 'scim.md: Delete a single SCIM identity',
    verbatim: true,
    curl: `curl --location --request DELETE "https://gitlab.example.com/api/v4/groups/33/scim/yrnZW46BrtBFqM7xDzE7dddd" --header "PRIVATE-TOKEN: <your_access_token>"`,
    status: 204,
  },
  {
    page: 'members.md: List all members of a group',
    verbatim: true,
    curl: `curl --header "PRIVATE-TOKEN: <your_access_token>" "https://gitlab.example.com/api/v4/groups/:id/members"`,
    status: 200,
  },
  {
    page: 'members.md: List all members of a group including inherited',
    verbatim: true,
    curl: `curl --header "PRIVATE-TOKEN: <your_access_token>" "https://gitlab.example.com/api/v4/groups/:id/members/all"`,
    status: 200,
  },
  {
    page: 'members.md: Add a member to a group',
    verbatim: true,
    curl: `curl --request POST --header "PRIVATE-TOKEN: <your_access_token>" \\
     --data "user_id=1&access_level=30" "https://gitlab.example.com/api/v4/groups/:id/members"`,
    status: 201,
  },
  {
    page: 'members.md: Get a member of a group',
    verbatim: true,
    curl: `curl --header "PRIVATE-TOKEN: <your_access_token>" "https://gitlab.example.com/api/v4/groups/:id/members/:user_id"`,
    status: 200,
  },
  {
    page: 'members.md: Get a member of a group, including inherited',
    verbatim: true,
    curl: `curl --header "PRIVATE-TOKEN: <your_access_token>" "https://gitlab.example.com/api/v4/groups/:id/members/all/:user_id"`,
    status: 200,
  },
  {
    page: 'members.md: Edit a member of a group',
    verbatim: true,
    curl: `curl --request PUT --header "PRIVATE-TOKEN: <your_access_token>" "https://gitlab.example.com/api/v4/groups/:id/members/:user_id?access_level=40"`,
    status: 200,
  },
  {
    page: 'members.md: Remove a member from a group',
    verbatim: true,
    curl: `curl --request DELETE --header "PRIVATE-TOKEN: <your_access_token>" "https://gitlab.example.com/api/v4/groups/:id/members/:user_id"`,
    status: 204,
  },
  {
    page: 'audit_events.md: Retrieve all instance audit events',
    verbatim: true,
    curl: `curl --header "PRIVATE-TOKEN: <your_access_token>" "https://primary.example.com/api/v4/audit_events"`,
    status: 200,
  },
  {
    page: 'audit_events.md: Retrieve single instance audit event',
    verbatim: true,
    curl: `curl --header "PRIVATE-TOKEN: <your_access_token>" "https://primary.example.com/api/v4/audit_events/1"`,
    status: 200,
  },
  {
    page: 'audit_events.md: Retrieve all group audit events',
    verbatim: true,
    curl: `curl --header "PRIVATE-TOKEN: <your_access_token>" "https://primary.example.com/api/v4/groups/60/audit_events"`,
    status: 200,
  },
  {
    page: 'audit_events.md: Retrieve a specific group audit event',
    verbatim: true,
    curl: `curl --header "PRIVATE-TOKEN: <your_access_token>" "https://primary.example.com/api/v4/groups/60/audit_events/2"`,
    status: 200,
  },
  {
    page: 'users.md: List users (for administrators), GET /users?extern_uid=1234567&provider=scim (a plaintext example there)',
    verbatim: false,
    curl: `curl --header "PRIVATE-TOKEN: <your_access_token>" "https://gitlab.example.com/api/v4/users?extern_uid=1234567&provider=scim"`,
    status: 200,
  },
  {
    page: 'users.md: Modify a user, provider and extern_uid',
    verbatim: false,
    curl: `curl --request PUT --header "PRIVATE-TOKEN: <your_access_token>" --data "provider=group_saml&extern_uid=1234567&group_id_for_saml=33" "https://gitlab.example.com/api/v4/users/48"`,
    status: 200,
  },
  {
    page: 'users.md: Delete authentication identity from a user',
    verbatim: false,
    curl: `curl --request DELETE --header "PRIVATE-TOKEN: <your_access_token>" "https://gitlab.example.com/api/v4/users/48/identities/group_saml"`,
    status: 204,
  },
  {
    page: 'internal_api (group SCIM API): Get a list of SCIM provisioned users',
    verbatim: true,
    curl: `curl "https://gitlab.example.com/api/scim/v2/groups/test_group/Users?filter=id%20eq%20%220b1d561c-21ff-4092-beab-8154b17f82f2%22" \\
     --header "Authorization: Bearer <your_scim_token>" \\
     --header "Content-Type: application/scim+json"`,
    status: 200,
  },
  {
    page: 'internal_api (group SCIM API): Get a single SCIM provisioned user',
    verbatim: true,
    needs: { scope: 'group', externalId: 'f0b1d561c-21ff-4092-beab-8154b17f82f2' },
    curl: `curl "https://gitlab.example.com/api/scim/v2/groups/test_group/Users/f0b1d561c-21ff-4092-beab-8154b17f82f2" \\
     --header "Authorization: Bearer <your_scim_token>" --header "Content-Type: application/scim+json"`,
    status: 200,
  },
  {
    page: 'internal_api (group SCIM API): Create a SCIM provisioned user',
    verbatim: true,
    curl: `curl --verbose --request POST "https://gitlab.example.com/api/scim/v2/groups/test_group/Users" \\
     --data '{"externalId":"test_uid","active":null,"userName":"username","emails":[{"primary":true,"type":"work","value":"name@example.com"}],"name":{"formatted":"Test User","familyName":"User","givenName":"Test"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"meta":{"resourceType":"User"}}' \\
     --header "Authorization: Bearer <your_scim_token>" --header "Content-Type: application/scim+json"`,
    status: 201,
  },
  {
    page: "internal_api (group SCIM API): Update a single SCIM provisioned user, the user's active state",
    verbatim: true,
    needs: { scope: 'group', externalId: 'f0b1d561c-21ff-4092-beab-8154b17f82f2' },
    curl: `curl --verbose --request PATCH "https://gitlab.example.com/api/scim/v2/groups/test_group/Users/f0b1d561c-21ff-4092-beab-8154b17f82f2" \\
     --data '{ "Operations": [{"op":"replace","path":"active","value":"true"}] }' \\
     --header "Authorization: Bearer <your_scim_token>" --header "Content-Type: application/scim+json"`,
    status: 204,
  },
  {
    page: 'SAML SSO troubleshooting: reactivate through the internal SCIM API',
    verbatim: true,
    needs: { scope: 'group', externalId: 'f0b1d561c-21ff-4092-beab-8154b17f82f2' },
    curl: `curl --request PATCH "https://gitlab.example.com/api/scim/v2/groups/test_group/Users/f0b1d561c-21ff-4092-beab-8154b17f82f2" --header "Authorization: Bearer <SCIM_TOKEN>" --header "Content-Type: application/scim+json" --data '{ "Operations": [{"op":"Replace","path":"active","value":"true"}] }'`,
    status: 204,
  },
  {
    page: "internal_api (group SCIM API): Update a single SCIM provisioned user, Operations only (name.formatted, the page's operation example)",
    verbatim: false,
    needs: { scope: 'group', externalId: 'f0b1d561c-21ff-4092-beab-8154b17f82f2' },
    curl: `curl --request PATCH "https://gitlab.example.com/api/scim/v2/groups/test_group/Users/f0b1d561c-21ff-4092-beab-8154b17f82f2" \\
     --header "Authorization: Bearer <your_scim_token>" \\
     --header "Content-Type: application/scim+json" \\
     --data '{ "Operations": [{ "op": "Add", "path": "name.formatted", "value": "New Name" }] }'`,
    status: 204,
  },
  {
    page: "internal_api (group SCIM API): Update a single SCIM provisioned user, the user's id",
    verbatim: true,
    needs: { scope: 'group', externalId: 'f0b1d561c-21ff-4092-beab-8154b17f82f2' },
    curl: `curl --verbose --request PATCH "https://gitlab.example.com/api/scim/v2/groups/test_group/Users/f0b1d561c-21ff-4092-beab-8154b17f82f2" \\
     --data '{ "Operations": [{"op":"replace","path":"id","value":"1234abcd"}] }' \\
     --header "Authorization: Bearer <your_scim_token>" --header "Content-Type: application/scim+json"`,
    status: 204,
  },
  {
    page: 'internal_api (group SCIM API): Remove a single SCIM provisioned user',
    verbatim: true,
    needs: { scope: 'group', externalId: 'f0b1d561c-21ff-4092-beab-8154b17f82f2' },
    curl: `curl --verbose --request DELETE "https://gitlab.example.com/api/scim/v2/groups/test_group/Users/f0b1d561c-21ff-4092-beab-8154b17f82f2" \\
     --header "Authorization: Bearer <your_scim_token>" --header "Content-Type: application/scim+json"`,
    status: 204,
  },
  {
    page: 'internal_api (instance SCIM API): Get a list of SCIM provisioned users',
    verbatim: true,
    curl: `curl "https://gitlab.example.com/api/scim/v2/application/Users?filter=id%20eq%20%220b1d561c-21ff-4092-beab-8154b17f82f2%22" \\
     --header "Authorization: Bearer <your_scim_token>" \\
     --header "Content-Type: application/scim+json"`,
    status: 200,
  },
  {
    page: 'internal_api (instance SCIM API): Get a single SCIM provisioned user',
    verbatim: true,
    needs: { scope: 'instance', externalId: 'f0b1d561c-21ff-4092-beab-8154b17f82f2' },
    curl: `curl "https://gitlab.example.com/api/scim/v2/application/Users/f0b1d561c-21ff-4092-beab-8154b17f82f2" \\
     --header "Authorization: Bearer <your_scim_token>" --header "Content-Type: application/scim+json"`,
    status: 200,
  },
  {
    page: 'internal_api (instance SCIM API): Create a SCIM provisioned user',
    verbatim: true,
    curl: `curl --verbose --request POST "https://gitlab.example.com/api/scim/v2/application/Users" \\
     --data '{"externalId":"test_uid","active":null,"userName":"username","emails":[{"primary":true,"type":"work","value":"name@example.com"}],"name":{"formatted":"Test User","familyName":"User","givenName":"Test"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"meta":{"resourceType":"User"}}' \\
     --header "Authorization: Bearer <your_scim_token>" --header "Content-Type: application/scim+json"`,
    status: 201,
  },
  {
    // The page's op "Update" is not an RFC 7644 operation; Roster reads it as "replace", so the copied
    // command does what the page says it does: the account is deactivated.
    page: 'internal_api (instance SCIM API): Update a single SCIM provisioned user ("op":"Update")',
    verbatim: true,
    needs: { scope: 'instance', externalId: 'f0b1d561c-21ff-4092-beab-8154b17f82f2' },
    curl: `curl --verbose --request PATCH "https://gitlab.example.com/api/scim/v2/application/Users/f0b1d561c-21ff-4092-beab-8154b17f82f2" \\
     --data '{ "Operations": [{"op":"Update","path":"active","value":"false"}] }' \\
     --header "Authorization: Bearer <your_scim_token>" --header "Content-Type: application/scim+json"`,
    status: 204,
    afterwards: { active: false },
  },
  {
    page: 'internal_api (instance SCIM API): Block a single SCIM provisioned user',
    verbatim: true,
    needs: { scope: 'instance', externalId: 'f0b1d561c-21ff-4092-beab-8154b17f82f2' },
    curl: `curl --verbose --request DELETE "https://gitlab.example.com/api/scim/v2/application/Users/f0b1d561c-21ff-4092-beab-8154b17f82f2" \\
     --header "Authorization: Bearer <your_scim_token>" --header "Content-Type: application/scim+json"`,
    status: 204,
  },
];
