import type { UserEntity } from '../users/user.entity.js';
import type { PatScope } from './pat-scopes.js';

/** The person behind an admin API request and how they proved it. */
export interface PersonPrincipal {
  user: UserEntity;
  via: 'pat' | 'session';
  /** The personal access token used, and what it may do, when via is 'pat'. */
  patId?: number;
  scopes?: PatScope[];
  sessionId?: number;
  csrfToken?: string;
}
