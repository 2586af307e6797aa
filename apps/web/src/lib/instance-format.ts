import { formatDuration } from '@stagent/engine/format';

/** How long ago an instance last heartbeated: "3 s ago" under a minute (whole seconds), else "1m 05s ago". */
export function heartbeatAgo(heartbeatAt: string, now: number): string {
  const ms = Math.max(0, now - Date.parse(heartbeatAt));
  if (Number.isNaN(ms)) return '—';
  return ms < 59_500 ? `${Math.round(ms / 1000)} s ago` : `${formatDuration(ms)} ago`;
}

/** What each role does, for a person reading the instances list. */
export function roleText(role: string): string {
  if (role === 'api') return 'API: serves GraphQL and subscriptions';
  if (role === 'worker') return 'worker: drives runs and fires schedules';
  if (role === 'all') return 'all: serves the API and drives runs';
  return role;
}

/** The instance id as a run view shows it: "host (pid 123)" for ids of the form host:pid:random, else the id. */
export function instanceLabel(id: string): string {
  const [host, pid, ...rest] = id.split(':');
  return host && pid && /^\d+$/.test(pid) && rest.length ? `${host} (pid ${pid})` : id;
}
