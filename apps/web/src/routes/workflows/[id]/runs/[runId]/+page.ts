import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load = (({ params }) => {
  if (!params.id || !params.runId) error(404, 'No such run');
  return { workflowId: params.id, runId: params.runId };
}) satisfies PageLoad;
