import { describe, expect, it } from 'vitest';
import { heartbeatAgo, instanceLabel, roleText } from './instance-format';

describe('instance formats', () => {
  const at = '2026-12-07T03:00:00.000Z';
  const t = Date.parse(at);

  it('says how long ago a heartbeat was: whole seconds under a minute, then minutes', () => {
    expect(heartbeatAgo(at, t)).toBe('0 s ago');
    expect(heartbeatAgo(at, t + 3_400)).toBe('3 s ago');
    expect(heartbeatAgo(at, t + 59_000)).toBe('59 s ago');
    expect(heartbeatAgo(at, t + 65_000)).toBe('1m 05s ago');
    // A browser clock a little behind the server's never says "in the future".
    expect(heartbeatAgo(at, t - 2_000)).toBe('0 s ago');
    expect(heartbeatAgo('not a time', t)).toBe('—');
  });

  it('names roles and instance ids for people', () => {
    expect(roleText('worker')).toBe('worker: drives runs and fires schedules');
    expect(roleText('api')).toBe('API: serves GraphQL and subscriptions');
    expect(roleText('all')).toBe('all: serves the API and drives runs');
    expect(instanceLabel('box-1:4242:k3j9x0')).toBe('box-1 (pid 4242)');
    expect(instanceLabel('something-else')).toBe('something-else');
  });
});
