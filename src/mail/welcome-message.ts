/** What a welcome names: the person, the group, and where to sign in. */
export interface WelcomeFacts {
  name: string;
  username: string;
  groupName: string;
  ssoUrl: string;
}

/** Control characters out of a header value (a group name is free text). */
function headerText(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * The welcome SCIM provisioning sends: the group's name and its SSO URL, because people otherwise
 * learn of their access by accident and never get the address to sign in at. Plain text: no links
 * to track, nothing to render.
 */
export function welcomeMessage(facts: WelcomeFacts): { subject: string; body: string } {
  return {
    subject: headerText(`You now have access to ${facts.groupName}`),
    body: [
      `Hello ${facts.name},`,
      '',
      `Your organisation's identity provider has given you an account in ${facts.groupName}.`,
      'Sign in with your company account (single sign-on) here:',
      '',
      `  ${facts.ssoUrl}`,
      '',
      `Your username is ${facts.username}. No password is needed: you always sign in through your identity provider.`,
      'If you did not expect this message, tell your administrator.',
      '',
    ].join('\n'),
  };
}
