import { redirect } from '@sveltejs/kit';
import { Route } from '$lib/route';
import type { PageLoad } from './$types';

export const load = (() => {
  redirect(307, Route.workflows());
}) satisfies PageLoad;
