import { safeEqual } from '../tokens/secret.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export type MetricsAccess = 'allowed' | 'unauthenticated' | 'off';

/**
 * Who may read /metrics. With METRICS_TOKEN set, whoever sends it as a bearer token (whatever
 * the bind). Without it, only a Roster bound to loopback serves metrics (a sidecar or node agent
 * scrapes it); a Roster reachable from the network keeps them off, because metrics reveal group
 * paths and traffic patterns.
 */
export function metricsAccess(host: string, token: string | undefined, authorization: string | undefined): MetricsAccess {
  if (token === undefined) return LOOPBACK_HOSTS.has(host) ? 'allowed' : 'off';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match !== null && safeEqual(match[1], token) ? 'allowed' : 'unauthenticated';
}
