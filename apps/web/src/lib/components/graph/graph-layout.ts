import { graphlib, layout } from '@dagrejs/dagre';

/** One step as the graph needs it (a form draft or a saved step both fit). */
export interface GraphStep {
  id: string;
  name: string;
  runtimeId?: string | null;
  modelId?: string | null;
  documentIds?: readonly string[] | null;
}

/** A workflow definition as the graph draws it: the pattern decides the shape. */
export interface GraphDefinition {
  name: string;
  pattern: string;
  steps: readonly GraphStep[];
  /** Pattern options; undefined when not known (the run view), so no stop condition or marks are claimed. */
  config?: Record<string, unknown> | null;
}

/** What a node is in its pattern (drawn as a small caption above its name). */
export type StepRole = 'step' | 'branch' | 'synthesis' | 'planner' | 'worker' | 'refinery' | 'executor' | 'loop';

export interface GraphNode {
  id: string;
  step: GraphStep;
  index: number;
  role: StepRole;
  /** CHECKPOINT: waits for approval before it runs. */
  gate: boolean;
  /** SEQUENCE / CHECKPOINT: a pure wait (`30m`, `2h`, `1d`), or null. */
  delay: string | null;
  x: number;
  y: number;
}

export type EdgeKind = 'flow' | 'plan' | 'order' | 'loop';

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  label?: string;
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 220;
/** Node heights, px: a run's nodes carry two lines more (usage, a waiting approval) than the editor's. */
export const NODE_HEIGHTS = { estimated: 140, spent: 166 } as const;

const ROLE_LABELS: Record<StepRole, string> = {
  step: 'Step',
  branch: 'Branch',
  synthesis: 'Synthesis',
  planner: 'Planner',
  worker: 'Worker',
  refinery: 'Refinery',
  executor: 'Executor',
  loop: 'Loop step',
};

export function roleLabel(role: StepRole): string {
  return ROLE_LABELS[role];
}

function roleOf(pattern: string, index: number, count: number): StepRole {
  const last = index === count - 1 && count > 1;
  switch (pattern) {
    case 'PARALLEL':
      return last ? 'synthesis' : 'branch';
    case 'SWARM':
      return index === 0 ? 'planner' : last ? 'refinery' : 'worker';
    case 'PLANNER_EXECUTOR':
      return index === 0 ? 'planner' : 'executor';
    case 'LOOP':
      return 'loop';
    default:
      return 'step';
  }
}

/** The loop's stop condition as one line: its iteration cap, time budget and completion phrases. */
export function loopStopLabel(config: Record<string, unknown> | null | undefined): string {
  if (config === undefined) return 'repeats on its last output until it stops';
  const parts: string[] = [];
  const max = config?.maxIterations;
  parts.push(typeof max === 'number' && Number.isFinite(max) ? `at most ${max} ${max === 1 ? 'iteration' : 'iterations'}` : 'at most 3 iterations');
  const time = config?.timeBudgetMs;
  if (typeof time === 'number' && time > 0) parts.push(`${Math.round(time / 1000)} s`);
  const signals = Array.isArray(config?.completionSignals) ? config.completionSignals.filter((s): s is string => typeof s === 'string') : [];
  parts.push(signals.length ? `or "${signals.join('" / "')}"` : 'or finish');
  return `repeat until ${parts.join(', ')}`;
}

function edgesFor(pattern: string, ids: string[], config: Record<string, unknown> | null | undefined): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const add = (source: string, target: string, kind: EdgeKind = 'flow', label?: string) =>
    edges.push({ id: `${kind}:${source}->${target}`, source, target, kind, ...(label ? { label } : {}) });
  const chain = (list: string[], kind: EdgeKind = 'flow') => list.slice(1).forEach((id, i) => add(list[i]!, id, kind));
  if (ids.length === 0) return edges;
  switch (pattern) {
    case 'PARALLEL': {
      // Every step but the last is a branch; the last synthesises their outputs.
      const synthesis = ids.at(-1)!;
      for (const branch of ids.slice(0, -1)) add(branch, synthesis);
      break;
    }
    case 'SWARM': {
      // The planner assigns work to the workers; the refinery merges every worker's output.
      if (ids.length < 2) break;
      const planner = ids[0]!;
      const refinery = ids.at(-1)!;
      const workers = ids.slice(1, -1);
      if (workers.length === 0) add(planner, refinery);
      for (const worker of workers) {
        add(planner, worker);
        add(worker, refinery);
      }
      break;
    }
    case 'PLANNER_EXECUTOR': {
      // Every executor gets the plan; they run one after another.
      const [planner, ...executors] = ids;
      for (const executor of executors) add(planner!, executor, 'plan');
      chain(executors, 'order');
      break;
    }
    case 'LOOP':
      // The single step repeats, each iteration seeing the previous one's output.
      add(ids[0]!, ids[0]!, 'loop', loopStopLabel(config));
      chain(ids);
      break;
    default:
      chain(ids);
  }
  return edges;
}

/** Lays a definition out top to bottom from its pattern (dagre): nodes with positions, and edges. */
export function layoutWorkflow(definition: GraphDefinition, nodeHeight: number = NODE_HEIGHTS.spent): GraphLayout {
  const { pattern, steps } = definition;
  const config = definition.config ?? null;
  const ids = steps.map((s) => s.id);
  const edges = edgesFor(pattern, ids, config);
  const checkpoints = pattern === 'CHECKPOINT' && Array.isArray(config?.checkpoints) ? new Set(config.checkpoints as unknown[]) : new Set<unknown>();
  const delays =
    (pattern === 'SEQUENCE' || pattern === 'CHECKPOINT') && config?.delays && typeof config.delays === 'object'
      ? (config.delays as Record<string, unknown>)
      : {};

  const g = new graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 64, ranksep: 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of ids) g.setNode(id, { width: NODE_WIDTH, height: nodeHeight });
  // Self-loops and the executors' order edges do not shape the layout.
  for (const e of edges) if (e.source !== e.target && e.kind !== 'order') g.setEdge(e.source, e.target);
  layout(g);

  const nodes = steps.map((step, index): GraphNode => {
    const pos = g.node(step.id);
    const delay = delays[step.id];
    return {
      id: step.id,
      step,
      index,
      role: roleOf(pattern, index, steps.length),
      gate: checkpoints.has(step.id),
      delay: typeof delay === 'string' && delay.trim() ? delay.trim() : null,
      // dagre gives centres; Svelte Flow wants top-left corners.
      x: (pos?.x ?? 0) - NODE_WIDTH / 2,
      y: (pos?.y ?? 0) - nodeHeight / 2,
    };
  });
  // Steps on one rank read left to right in definition order (branches, workers, executors).
  const ranks = new Map<number, GraphNode[]>();
  for (const node of nodes) ranks.set(node.y, [...(ranks.get(node.y) ?? []), node]);
  for (const rank of ranks.values()) {
    const xs = rank.map((n) => n.x).sort((a, b) => a - b);
    rank.forEach((n, i) => (n.x = xs[i]!));
  }
  const graph = g.graph();
  return { nodes, edges, width: graph.width ?? NODE_WIDTH, height: graph.height ?? nodeHeight };
}

/** What a node shows besides the definition: where it runs and what it costs (or spent). */
export interface StepInfo {
  runtime: string;
  model: string;
  /** Estimated (editor) or spent (run) USD, when known. */
  usd?: number | null;
  /** The step's cap in USD, when known. */
  capUsd?: number | null;
  /** A run's step status (run view only). */
  status?: string | null;
  /** A run's detail beside the status, e.g. the loop's iteration or the tool being called. */
  detail?: string | null;
  /** Where to act on the step in the page, e.g. a paused step's Resume control (run view only). */
  link?: { href: string; text: string } | null;
  /** The step's own documents by name, when known (else the node counts them). */
  documents?: string | null;
  /** Tokens used and time taken so far, e.g. `1,240 tokens · 12.5 s` (run view only). */
  usage?: string | null;
  /** What the step waits for a person to approve, and where to do it (run view only). */
  approval?: { text: string; href: string } | null;
}

/** Editing the definition from the graph (the editor only); each acts on the form, the one state. */
export interface GraphActions {
  move(stepId: string, delta: -1 | 1): void;
  remove(stepId: string): void;
  addAfter(stepId: string): void;
  /** Why no step can be added now (the pattern takes no more), or null. */
  addBlocked(): string | null;
  /** Why no step can be removed now (the pattern needs them all), or null. */
  removeBlocked(): string | null;
}

/** The data of one Svelte Flow node of the graph. */
export type StepNodeData = { node: GraphNode; info: StepInfo; costLabel: 'estimated' | 'spent'; actions?: GraphActions; count: number };
