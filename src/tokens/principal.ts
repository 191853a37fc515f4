import type { UserEntity } from '../users/user.entity.js';

/** The person behind an admin API request and how they proved it. */
export interface PersonPrincipal {
  user: UserEntity;
  via: 'pat' | 'session';
  /** The personal access token used, when via is 'pat'. */
  patId?: number;
  sessionId?: number;
  csrfToken?: string;
}
