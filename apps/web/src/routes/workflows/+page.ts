import { parseWorkflowStatus } from '$lib/workflow-status';
import type { PageLoad } from './$types';

export const load = (({ url }) => ({ status: parseWorkflowStatus(url.searchParams.get('status')) })) satisfies PageLoad;
