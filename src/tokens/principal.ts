import type { UserEntity } from '../users/user.entity.js';

/** The person behind an admin API request and how they proved it. */
export interface PersonPrincipal {
  user: UserEntity;
  via: 'pat' | 'session';
  sessionId?: number;
  csrfToken?: string;
}
