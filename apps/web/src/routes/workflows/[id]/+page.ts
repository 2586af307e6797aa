import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load = (({ params }) => {
  if (!params.id) error(404, 'No such workflow');
  return { workflowId: params.id };
}) satisfies PageLoad;
