import type { Client } from '@urql/core';
import { toasts } from '$lib/state/toasts.svelte';
import { CreateDocumentMutation, DeleteDocumentMutation } from '$lib/graphql/document';
import { runMutation, type UserError } from './operation';

/** File types the Documents page accepts, by extension. */
export const DOCUMENT_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  json: 'application/json',
  csv: 'text/csv',
};

export function mimeTypeFor(fileName: string, fallback = 'text/plain'): string {
  const ext = fileName.split('.').pop()?.toLowerCase() ?? '';
  return DOCUMENT_TYPES[ext] ?? fallback;
}

export async function createDocument(client: Client, name: string, mimeType: string, content: string): Promise<UserError[]> {
  const outcome = await runMutation(client, CreateDocumentMutation, { name, mimeType, content });
  if (!outcome.ok) {
    toasts.show(`Upload failed: ${outcome.errors[0].message}`, 'error');
    return outcome.errors;
  }
  toasts.show(`Uploaded ${name}.`, 'success');
  return [];
}

export async function deleteDocument(client: Client, id: string): Promise<boolean> {
  const outcome = await runMutation(client, DeleteDocumentMutation, { id });
  if (!outcome.ok) toasts.show(outcome.errors[0].message, 'error');
  else toasts.show('Document deleted.', 'info');
  return outcome.ok;
}
