import type { LayoutLoad } from './$types';

// A local dashboard over a live API: rendered in the browser only (as Immich's web app is).
export const ssr = false;
export const prerender = false;

export const load = (() => ({})) satisfies LayoutLoad;
