import { setContextClient } from '@urql/svelte';
import { getContext, setContext } from 'svelte';
import { createStagentClient, type StagentClient } from './client';

const KEY = Symbol('stagent-client');

/** Creates the one client of the app and shares it (urql context + the raw graphql-ws client). Root layout only. */
export function provideStagentClient(): StagentClient {
  const client = createStagentClient();
  setContextClient(client.urql);
  setContext(KEY, client);
  return client;
}

/** The client shared by the root layout. */
export function useStagentClient(): StagentClient {
  const client = getContext<StagentClient | undefined>(KEY);
  if (!client) throw new Error('useStagentClient() outside the root layout');
  return client;
}
