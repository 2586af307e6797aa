import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type { EngineApi, WorkflowDefinitionInput } from '@stagent/engine';
import { parse as parseYaml, YAMLParseError } from 'yaml';

/**
 * A workflow file (YAML or JSON): the contract's `WorkflowDefinitionInput`, where documents may
 * also be given as file paths relative to the workflow file (`documents` at the top level for
 * global documents, `steps[].documents` for step-scoped ones). See `examples/`.
 */
export interface WorkflowFile {
  /** Absolute path of the file. */
  path: string;
  definition: WorkflowDefinitionInput;
  /** Document paths (absolute) by binding: `null` = global, else the step index. */
  documentPaths: { path: string; stepIndex: number | null; field: string }[];
}

/** A problem with a workflow file, worded as one line that names the field. */
export class WorkflowFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | null,
    message: string,
  ) {
    super(`${file}${field ? `: ${field}` : ''}: ${message}`);
    this.name = 'WorkflowFileError';
  }
}

const MIME_BY_EXTENSION: Record<string, string> = {
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.html': 'text/html',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathList(value: unknown, file: string, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new WorkflowFileError(file, field, 'must be a list of file paths.');
  return value as string[];
}

/** Reads and parses a workflow file; syntax and shape problems become one {@link WorkflowFileError}. */
export async function readWorkflowFile(path: string): Promise<WorkflowFile> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch {
    throw new WorkflowFileError(path, null, 'cannot be read (does the file exist?).');
  }
  let data: unknown;
  try {
    data = extname(absolute).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? `line ${error.linePos[0].line}` : null;
    const reason = (error as Error).message.split('\n')[0].replace(/:\s*$/, '');
    throw new WorkflowFileError(path, where, `not valid ${extname(absolute).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${reason}`);
  }
  if (!isRecord(data)) throw new WorkflowFileError(path, null, 'must contain an object with name, pattern and steps.');
  const base = dirname(absolute);
  const documentPaths: WorkflowFile['documentPaths'] = pathList(data.documents, path, 'documents').map((p, i) => ({
    path: resolve(base, p),
    stepIndex: null,
    field: `documents.${i}`,
  }));
  const steps = Array.isArray(data.steps) ? data.steps : data.steps;
  if (Array.isArray(steps)) {
    steps.forEach((step, index) => {
      if (!isRecord(step)) return;
      pathList(step.documents, path, `steps.${index}.documents`).forEach((p, i) =>
        documentPaths.push({ path: resolve(base, p), stepIndex: index, field: `steps.${index}.documents.${i}` }),
      );
    });
  }
  const stripDocs = (step: unknown) => {
    if (!isRecord(step)) return step;
    const { documents: _documents, ...rest } = step;
    return rest;
  };
  const { documents: _documents, ...rest } = data;
  const definition = { ...rest, steps: Array.isArray(steps) ? steps.map(stripDocs) : steps } as unknown as WorkflowDefinitionInput;
  return { path: absolute, definition, documentPaths };
}

/**
 * Stores the file's documents through the engine (reusing a stored document with the same name
 * and size) and returns the definition with their ids bound.
 */
export async function bindDocuments(engine: EngineApi, file: WorkflowFile, displayPath: string): Promise<WorkflowDefinitionInput> {
  if (!file.documentPaths.length) return file.definition;
  const stored = await engine.listDocuments();
  const definition: WorkflowDefinitionInput = { ...file.definition, steps: file.definition.steps.map((s) => ({ ...s })) };
  for (const doc of file.documentPaths) {
    let content: string;
    try {
      content = await readFile(doc.path, 'utf8');
    } catch {
      throw new WorkflowFileError(displayPath, doc.field, `document ${doc.path} cannot be read.`);
    }
    const name = basename(doc.path);
    const size = Buffer.byteLength(content, 'utf8');
    const existing = stored.find((d) => d.name === name && d.sizeBytes === size);
    const mimeType = MIME_BY_EXTENSION[extname(doc.path).toLowerCase()] ?? 'text/plain';
    const id = existing?.id ?? (await engine.createDocument({ name, mimeType, content })).id;
    if (doc.stepIndex === null) definition.documentIds = [...(definition.documentIds ?? []), id];
    else {
      const step = definition.steps[doc.stepIndex];
      step.documentIds = [...(step.documentIds ?? []), id];
    }
  }
  return definition;
}

/**
 * Forces one runtime on the workflow and on every step (the CLI's `--runtime`). A step with an
 * agent profile names the runtime and its default model itself, since the profile's runtime and
 * model would otherwise come before the workflow's.
 */
export function withRuntime(definition: WorkflowDefinitionInput, runtimeId: string | undefined, defaultModelId: string | null = null): WorkflowDefinitionInput {
  if (!runtimeId) return definition;
  const steps = definition.steps.map((s) => (s.profileId ? { ...s, runtimeId, modelId: defaultModelId } : { ...s, runtimeId: null, modelId: null }));
  return { ...definition, runtimeId, steps };
}
