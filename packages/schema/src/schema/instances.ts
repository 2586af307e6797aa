import type { InstanceView } from '@stagent/engine';
import { builder } from '../builder.js';

// Scale-out: the Stagent processes on one database (contract section "scale-out: instances").

const InstanceRef = builder.objectRef<InstanceView>('Instance').implement({
  description:
    'A live Stagent process on this database: it registers when it starts, heartbeats every 15 s and unregisters when it stops. One that stops heartbeating for 60 s (it died) is no longer listed.',
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
      description: 'When it last said it is alive (every 15 s); listed only while this is within 60 s.',
      resolve: (i) => i.heartbeatAt,
    }),
    runningSteps: t.exposeInt('runningSteps', { description: 'Steps it was running at its last heartbeat (at most 15 s old), steps.' }),
  }),
});

builder.queryField('instances', (t) =>
  t.field({
    type: [InstanceRef],
    description: 'Live Stagent instances on this database (heartbeat within 60 s), first started first.',
    resolve: (_root, _args, ctx) => ctx.engine.listInstances(),
  }),
);
