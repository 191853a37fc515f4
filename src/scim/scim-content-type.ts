export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
