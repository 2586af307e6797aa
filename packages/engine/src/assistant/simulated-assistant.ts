import { formatUsd } from '../format/index.js';
import type { SimulatedScript, SimulatedToolResult, SimulatedTurn, SimulatedTurnContext } from '../runtimes/simulated.js';
import { newestUserMessage } from './assistant-prompt-format.js';

/**
 * The Stagent assistant on the offline simulator: no model, so it understands a few phrasings by
 * keyword and plays each as a short scripted tool conversation over the assistant's tools (the
 * GraphQL operations), reading their real results. Every answer says it is simulated, so the
 * demo never passes it off as a model.
 */

/** The first line of every answer of the scripted assistant. */
export const SIMULATED_ASSISTANT_LABEL = '_Simulated assistant: no model was called._';

/** What the scripted assistant understood a message as. */
export type AssistantIntent =
  | { kind: 'run' | 'delete'; target: string }
  | { kind: 'set'; key: string; value: unknown }
  | { kind: 'list-workflows' | 'runtimes' | 'settings' | 'documents' | 'schedules' | 'help' };

/** The simulator script of the assistant (the simulator uses it for `purpose: 'assistant'` tasks). */
export function simulatedAssistant(): SimulatedScript {
  return { respond: respondAsAssistant };
}

/** The assistant's next turn, from the user's newest message and the tool results so far; a turn without calls is its answer. */
export function respondAsAssistant(context: SimulatedTurnContext): SimulatedTurn | null {
  const intent = assistantIntent(newestUserMessage(context.request.prompt));
  const turn = play(intent, context.results);
  // Labelled once, on the first turn: the task's output (every turn's text) starts with it.
  return context.turn === 1 ? { ...turn, text: `${SIMULATED_ASSISTANT_LABEL}\n\n${turn.text ?? ''}` } : turn;
}

/** Reads a message by keywords, case-insensitive; the most specific phrasing wins. */
export function assistantIntent(message: string): AssistantIntent {
  const text = message.trim();
  const set = /\bset\s+`?([a-z][\w.-]*)`?\s+(?:to|=)\s+(.+?)\s*$/is.exec(text);
  if (set) return { kind: 'set', key: set[1]!, value: parseValue(set[2]!) };
  const del = /\b(?:delete|remove)\b\s*(.*)$/is.exec(text);
  if (del && !/\b(documents?|schedules?)\b/i.test(text)) return { kind: 'delete', target: cleanTarget(del[1]!) };
  if (/\b(list|show)\b/i.test(text) && /\bworkflows?\b/i.test(text)) return { kind: 'list-workflows' };
  const run = /\b(?:run|execute|start)\b\s*(.*)$/is.exec(text);
  if (run) return { kind: 'run', target: cleanTarget(run[1]!) };
  if (/\b(runtimes?|models?)\b/i.test(text)) return { kind: 'runtimes' };
  if (/\bsettings?\b/i.test(text)) return { kind: 'settings' };
  if (/\bdocuments?\b/i.test(text)) return { kind: 'documents' };
  if (/\bschedules?\b/i.test(text)) return { kind: 'schedules' };
  if (/\bworkflows?\b/i.test(text)) return { kind: 'list-workflows' };
  return { kind: 'help' };
}

function cleanTarget(raw: string): string {
  return raw
    .trim()
    .replace(/^(?:the\s+)?workflows?\b\s*/i, '')
    .replace(/^["'`“]+|["'`”.!?]+$/g, '')
    .trim();
}

/** A setting's value as typed: a number when numeric, true/false, null for "default", else the text. */
function parseValue(raw: string): unknown {
  const value = raw.trim().replace(/^(["'`])(.*)\1$/s, '$2');
  const numeric = value.replace(/\.$/, '');
  if (numeric !== '' && Number.isFinite(Number(numeric))) return Number(numeric);
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (/^(null|default)$/i.test(value)) return null;
  return value;
}

// ---- Playing an intent ----

type ReadIntent = 'list-workflows' | 'runtimes' | 'settings' | 'documents' | 'schedules';

/** The read-only intents: one tool call, then its result rendered. */
const READS: Record<ReadIntent, { tool: string; input: Record<string, unknown>; what: string; render: (data: unknown) => string }> = {
  'list-workflows': { tool: 'list_workflows', input: { first: 100 }, what: 'your workflows', render: renderWorkflows },
  runtimes: { tool: 'list_runtimes', input: {}, what: 'the runtimes', render: renderRuntimes },
  settings: { tool: 'get_settings', input: {}, what: 'the settings', render: renderSettings },
  documents: { tool: 'list_documents', input: {}, what: 'your documents', render: renderDocuments },
  schedules: { tool: 'list_schedules', input: {}, what: 'your schedules', render: renderSchedules },
};

function play(intent: AssistantIntent, results: readonly SimulatedToolResult[]): SimulatedTurn {
  switch (intent.kind) {
    case 'help':
      return answer(HELP);
    case 'set':
      return playSet(intent.key, intent.value, results);
    case 'run':
    case 'delete':
      return playOnWorkflow(intent.kind, intent.target, results);
    default: {
      const read = READS[intent.kind];
      const result = last(results, read.tool);
      if (!result) return call(`Looking up ${read.what}.`, read.tool, read.input);
      if (result.isError) return answer(`I could not look up ${read.what}. Stagent said: ${failureText(result)}`);
      return answer(read.render(parse(result)));
    }
  }
}

const HELP = [
  'Offline, I understand a few requests by their keywords:',
  '',
  '- **run** _workflow name_: starts a run (after your approval) and links it with its cost estimate',
  '- **list workflows**, **delete workflow** _name_',
  '- **runtimes** or **models**, **settings**, **set** _key_ **to** _value_',
  '- **documents**, **schedules**',
  '',
  'A real runtime understands free text: set an API key in [Settings](/settings).',
].join('\n');

function answer(text: string): SimulatedTurn {
  return { text };
}

/** A turn that calls a tool; its text ends in a blank line, so the next turn's markdown (a list, a table) starts a block of its own. */
function call(text: string, name: string, input: Record<string, unknown>): SimulatedTurn {
  return { text: `${text}\n\n`, toolCalls: [{ name, input }] };
}

/** The latest result of a tool in this task. */
function last(results: readonly SimulatedToolResult[], name: string): SimulatedToolResult | undefined {
  return results.filter((r) => r.name === name).at(-1);
}

function parse(result: SimulatedToolResult): unknown {
  try {
    return JSON.parse(result.content) as unknown;
  } catch {
    return undefined;
  }
}

/** Why a call did not do its work, in the tool's own words (without the `Tool <name> failed: ` prefix). */
function failureText(result: SimulatedToolResult): string {
  const prefix = `Tool ${result.name} failed: `;
  return result.content.startsWith(prefix) ? result.content.slice(prefix.length) : result.content;
}

/** What a person who refused a call said, if anything. */
function reviewerComment(result: SimulatedToolResult): string {
  const said = /The reviewer said: (.*) Go on without it\.$/s.exec(result.content);
  return said ? ` The reviewer said: ${said[1]}` : '';
}

interface WorkflowNode {
  id: string;
  name: string;
  status?: string;
  latestRun?: { id: string; runNumber: number; status: string; costUsd?: number | null } | null;
}

function workflowsOf(data: unknown): { nodes: WorkflowNode[]; totalCount: number } {
  const page = (data as { workflows?: { nodes?: WorkflowNode[]; totalCount?: number } } | undefined)?.workflows;
  const nodes = page?.nodes ?? [];
  return { nodes, totalCount: page?.totalCount ?? nodes.length };
}

/** Run or delete a workflow named in the message: list them, call the tool on the best match, report. */
function playOnWorkflow(kind: 'run' | 'delete', target: string, results: readonly SimulatedToolResult[]): SimulatedTurn {
  const list = last(results, 'list_workflows');
  if (!list) return call(`Looking up your workflows to find the one to ${kind}.`, 'list_workflows', { first: 100 });
  if (list.isError) return answer(`I could not look up your workflows. Stagent said: ${failureText(list)}`);
  const { nodes } = workflowsOf(parse(list));
  const tool = kind === 'run' ? 'execute_workflow' : 'delete_workflow';
  const done = last(results, tool);
  if (!done) {
    const pick = bestMatch(nodes, target, kind === 'run');
    if (!pick) return answer(noMatch(kind, target, nodes));
    const guessed = pick.guessed ? ' You named no workflow, so I picked the most recently updated one.' : '';
    return kind === 'run'
      ? call(`Starting a run of **${pick.workflow.name}**.${guessed} A run spends money, so it may wait for your approval.`, tool, { id: pick.workflow.id })
      : call(`Deleting **${pick.workflow.name}** with its runs; this may wait for your approval.`, tool, { id: pick.workflow.id });
  }
  const name = nodes.find((w) => w.id === done.input.id)?.name ?? 'the workflow';
  const verb = kind === 'run' ? 'start a run of' : 'delete';
  if (done.status === 'DENIED') return answer(`I did not ${verb} **${name}**: the call was not approved, so nothing changed.${reviewerComment(done)}`);
  if (done.isError) return answer(`I could not ${verb} **${name}**. Stagent said: ${failureText(done)}`);
  return answer(kind === 'run' ? renderStartedRun(parse(done), name) : `Deleted **${name}** with its runs and events.`);
}

function noMatch(kind: 'run' | 'delete', target: string, nodes: readonly WorkflowNode[]): string {
  if (!nodes.length) return 'You have no workflows yet. Create one under [Workflows](/workflows/new).';
  const asked = target ? `No workflow matches “${target}”.` : `Name the workflow to ${kind}.`;
  return [`${asked} Your workflows:`, '', ...nodes.map((w) => `- ${w.name}`)].join('\n');
}

const STOP_WORDS = new Set(
  'a an and the my our your this that it its of for to in on with me please now again can could would you i want workflow workflows run execute start delete remove named called one'.split(
    ' ',
  ),
);
/** Words that name no particular workflow ("run the demo workflow"): a run then takes the most recently updated one (the approval shows which). */
const GENERIC_WORDS = new Set('demo sample example latest last recent first any some'.split(' '));

function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (!w || STOP_WORDS.has(w)) continue;
    out.add(w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);
  }
  return out;
}

/** The workflow whose name shares the most words with the message (a name quoted whole wins). */
function bestMatch(nodes: readonly WorkflowNode[], target: string, guessWhenUnnamed: boolean): { workflow: WorkflowNode; guessed: boolean } | null {
  const asked = words(target);
  const phrase = target.toLowerCase();
  let best: { workflow: WorkflowNode; score: number } | null = null;
  for (const workflow of nodes) {
    const named = words(workflow.name);
    const shared = [...named].filter((w) => asked.has(w)).length;
    const score = (phrase.includes(workflow.name.toLowerCase()) ? 100 : 0) + shared + shared / Math.max(1, named.size);
    if (shared > 0 && (!best || score > best.score)) best = { workflow, score };
  }
  if (best) return { workflow: best.workflow, guessed: false };
  // Only a generic word guesses: a bare "start" names nothing and gets the list instead.
  const generic = asked.size > 0 && [...asked].every((w) => GENERIC_WORDS.has(w));
  return guessWhenUnnamed && generic && nodes[0] ? { workflow: nodes[0], guessed: true } : null;
}

// ---- Rendering results ----

function escapeLink(text: string): string {
  return text.replace(/([[\]])/g, '\\$1');
}

function renderStartedRun(data: unknown, name: string): string {
  const payload = (data as { executeWorkflow?: ExecutePayload } | undefined)?.executeWorkflow;
  const run = payload?.run;
  if (!run) return `I could not start a run of **${name}**: ${payload?.errors?.map((e) => e.message).join(' ') || 'Stagent returned no run.'}`;
  const estimate = payload.costEstimate;
  const lines = [`Started [Run #${run.runNumber} of ${escapeLink(name)}](/workflows/${run.workflowId}/runs/${run.id}) (${run.status}).`, ''];
  if (estimate) {
    const budget = estimate.budgetUsd != null ? ` against a budget of ${formatUsd(estimate.budgetUsd)}` : '';
    lines.push(`Estimated cost: **${formatUsd(estimate.totalUsd)}**${budget}${estimate.overBudget ? ' (over budget)' : ''}.`);
    if (estimate.warnings?.length) lines.push('', 'Warnings:', ...estimate.warnings.map((w) => `- ${w}`));
  }
  lines.push('', 'Follow it on the run page: steps, tokens and cost stream there live.');
  return lines.join('\n');
}

interface ExecutePayload {
  run?: { id: string; workflowId: string; runNumber: number; status: string } | null;
  costEstimate?: { totalUsd: number; budgetUsd?: number | null; overBudget?: boolean; warnings?: string[] } | null;
  errors?: { message: string }[];
}

function renderWorkflows(data: unknown): string {
  const { nodes, totalCount } = workflowsOf(data);
  if (!nodes.length) return 'You have no workflows yet. Create one under [Workflows](/workflows/new).';
  const lines = nodes.map((w) => {
    const run = w.latestRun ? `latest run #${w.latestRun.runNumber} ${w.latestRun.status} (${formatUsd(w.latestRun.costUsd)})` : 'no runs yet';
    return `- [${escapeLink(w.name)}](/workflows/${w.id}): ${w.status ?? 'unknown status'}, ${run}`;
  });
  const more = totalCount > nodes.length ? ['', `Showing ${nodes.length} of ${totalCount}.`] : [];
  return [`Your workflows (${totalCount}):`, '', ...lines, ...more].join('\n');
}

interface RuntimeNode {
  id: string;
  label: string;
  available: boolean;
  unavailableReason?: string | null;
  simulated?: boolean;
  models?: { default: string };
}

function renderRuntimes(data: unknown): string {
  const runtimes = (data as { runtimes?: RuntimeNode[] } | undefined)?.runtimes ?? [];
  if (!runtimes.length) return 'No runtimes are registered.';
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = runtimes.map((r) => {
    const availability = r.available ? 'yes' : `no: ${r.unavailableReason ?? 'unavailable'}`;
    return `| ${cell(r.label)} (\`${r.id}\`)${r.simulated ? ', simulated' : ''} | ${cell(availability)} | \`${r.models?.default ?? '-'}\` |`;
  });
  return ['| Runtime | Available | Default model |', '|---|---|---|', ...rows, '', 'Details under [Runtimes](/runtimes).'].join('\n');
}

interface SettingNode {
  key: string;
  value: unknown;
  writable: boolean;
  secret: boolean;
  isSet?: boolean;
}

function settingValue(s: SettingNode): string {
  if (s.secret) return s.isSet ? 'set (secret, never shown)' : 'not set';
  if (s.value === null || s.value === undefined) return 'default';
  return `\`${typeof s.value === 'string' ? s.value : JSON.stringify(s.value)}\``;
}

function renderSettings(data: unknown): string {
  const settings = ((data as { settings?: SettingNode[] } | undefined)?.settings ?? []).filter((s) => s.writable);
  if (!settings.length) return 'No writable settings were returned.';
  return [
    'Writable settings:',
    '',
    ...settings.map((s) => `- \`${s.key}\`: ${settingValue(s)}`),
    '',
    'Change one with “set _key_ to _value_”, or under [Settings](/settings).',
  ].join('\n');
}

function renderDocuments(data: unknown): string {
  const documents = (data as { documents?: { name: string; mimeType: string; sizeBytes: number }[] } | undefined)?.documents ?? [];
  if (!documents.length) return 'You have no documents yet. Add them under [Documents](/documents).';
  const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);
  return [`Your documents (${documents.length}):`, '', ...documents.map((d) => `- **${d.name}** (${d.mimeType}, ${size(d.sizeBytes)})`)].join('\n');
}

interface ScheduleNode {
  name: string;
  expression: string;
  active: boolean;
  nextFireAt?: string | null;
  pausedReason?: string | null;
}

function renderSchedules(data: unknown): string {
  const schedules = (data as { schedules?: ScheduleNode[] } | undefined)?.schedules ?? [];
  if (!schedules.length) return 'You have no schedules yet. Add one under [Schedules](/schedules).';
  const line = (s: ScheduleNode) =>
    `- **${s.name}**: ${s.expression}, ${s.active ? `next at ${s.nextFireAt ?? 'n/a'}` : `paused${s.pausedReason ? ` (${s.pausedReason})` : ''}`}`;
  return [`Your schedules (${schedules.length}):`, '', ...schedules.map(line)].join('\n');
}

/** Setting a value: one set_settings call, then what Stagent stored or why it refused, verbatim. */
function playSet(key: string, value: unknown, results: readonly SimulatedToolResult[]): SimulatedTurn {
  const done = last(results, 'set_settings');
  // A secret's value is not repeated in the answer.
  const secret = /key|secret|token|password/i.test(key);
  if (!done) return call(`Setting \`${key}\`${secret ? '' : ` to \`${JSON.stringify(value)}\``}.`, 'set_settings', { input: [{ key, value }] });
  if (done.status === 'DENIED') return answer(`I did not change \`${key}\`: the call was not approved.${reviewerComment(done)}`);
  if (done.isError) return answer(`\`${key}\` was not changed. Stagent said: ${failureText(done)}`);
  const stored = (parse(done) as { updateSettings?: { settings?: SettingNode[] } } | undefined)?.updateSettings?.settings?.find((s) => s.key === key);
  return answer(stored ? `\`${key}\` is now ${settingValue(stored)}.` : `\`${key}\` was set.`);
}
