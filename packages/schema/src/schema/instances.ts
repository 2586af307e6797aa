import type { InstanceView } from '@stagent/engine';
import { builder } from '../builder.js';

// Scale-out: the Stagent processes on one database (contract section "scale-out: instances").

const InstanceRef = builder.objectRef<InstanceView>('Instance').implement({
  description:
    'A live Stagent process on this database: it registers when it starts, heartbeats every quarter lease (15 s by default) and unregisters when it stops. One that stops heartbeating for a lease (60 s by default, STAGENT_LEASE_MS) is dead and no longer listed.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Instance id, `host:pid:random`: what a run it drives gives as its `instanceId`.' }),
    host: t.exposeString('host', { description: 'Host name of the machine it runs on.' }),
    pid: t.exposeInt('pid', { description: 'Its operating-system process id on that host.' }),
    role: t.exposeString('role', {
      description:
        'What it does (STAGENT_ROLE): "all" (serves the API and drives runs), "api" (serves GraphQL and subscriptions) or "worker" (drives runs and fires schedules).',
    }),
    version: t.exposeString('version', { description: 'Its Stagent version.' }),
    startedAt: t.field({ type: 'DateTime', description: 'When it started (registered).', resolve: (i) => i.startedAt }),
    heartbeatAt: t.field({
      type: 'DateTime',
      description: 'When it last said it is alive (every 15 s by default); listed only while this is within a lease (60 s by default, STAGENT_LEASE_MS).',
      resolve: (i) => i.heartbeatAt,
    }),
    runningSteps: t.exposeInt('runningSteps', {
      description: 'Steps it was running at its last heartbeat (at most a quarter lease old, 15 s by default), steps.',
    }),
  }),
});

builder.queryField('instances', (t) =>
  t.field({
    type: [InstanceRef],
    description: 'Live Stagent instances on this database (heartbeat within a lease, 60 s by default), first started first.',
    resolve: (_root, _args, ctx) => ctx.engine.listInstances(),
  }),
);
