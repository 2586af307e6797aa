import { describe, expect, it } from 'vitest';
import { layoutWorkflow, loopStopLabel, type GraphDefinition } from './graph-layout';

const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `s${i + 1}`, name: `Step ${i + 1}`, documentIds: [] }));
const def = (pattern: string, n: number, config: GraphDefinition['config'] = null): GraphDefinition => ({ name: 'W', pattern, steps: steps(n), config });
const pairs = (d: GraphDefinition) =>
  layoutWorkflow(d)
    .edges.map((e) => `${e.source}>${e.target}:${e.kind}`)
    .sort();

describe('layoutWorkflow', () => {
  it('chains a sequence top to bottom', () => {
    const layout = layoutWorkflow(def('SEQUENCE', 3));
    expect(pairs(def('SEQUENCE', 3))).toEqual(['s1>s2:flow', 's2>s3:flow']);
    const [a, b, c] = layout.nodes;
    expect(a!.y).toBeLessThan(b!.y);
    expect(b!.y).toBeLessThan(c!.y);
    expect(layout.nodes.map((n) => n.role)).toEqual(['step', 'step', 'step']);
  });

  it('joins parallel branches at the synthesis step (the last)', () => {
    const d = def('PARALLEL', 4);
    expect(pairs(d)).toEqual(['s1>s4:flow', 's2>s4:flow', 's3>s4:flow']);
    const layout = layoutWorkflow(d);
    expect(layout.nodes.map((n) => n.role)).toEqual(['branch', 'branch', 'branch', 'synthesis']);
    const [b1, b2, b3, synthesis] = layout.nodes;
    expect(new Set([b1!.y, b2!.y, b3!.y]).size).toBe(1);
    expect(b1!.x).toBeLessThan(b2!.x);
    expect(b2!.x).toBeLessThan(b3!.x);
    expect(synthesis!.y).toBeGreaterThan(b1!.y);
  });

  it('draws a swarm as planner → workers → refinery', () => {
    const d = def('SWARM', 4);
    expect(pairs(d)).toEqual(['s1>s2:flow', 's1>s3:flow', 's2>s4:flow', 's3>s4:flow']);
    expect(layoutWorkflow(d).nodes.map((n) => n.role)).toEqual(['planner', 'worker', 'worker', 'refinery']);
  });

  it('gives the planner-executor plan edges to every executor and order edges between them', () => {
    const d = def('PLANNER_EXECUTOR', 4);
    expect(pairs(d)).toEqual(['s1>s2:plan', 's1>s3:plan', 's1>s4:plan', 's2>s3:order', 's3>s4:order']);
    const layout = layoutWorkflow(d);
    expect(layout.nodes.map((n) => n.role)).toEqual(['planner', 'executor', 'executor', 'executor']);
    expect(layout.nodes[1]!.x).toBeLessThan(layout.nodes[3]!.x);
  });

  it('draws a loop edge labelled with its stop condition', () => {
    const d = def('LOOP', 1, { maxIterations: 5, completionSignals: ['DONE'] });
    const { edges, nodes } = layoutWorkflow(d);
    expect(edges).toEqual([{ id: 'loop:s1->s1', source: 's1', target: 's1', kind: 'loop', label: 'repeat until at most 5 iterations, or "DONE"' }]);
    expect(nodes[0]!.role).toBe('loop');
    expect(loopStopLabel({ maxIterations: 1, timeBudgetMs: 60_000 })).toBe('repeat until at most 1 iteration, 60 s, or finish');
    expect(loopStopLabel(undefined)).toBe('repeats on its last output until it stops');
  });

  it('marks checkpoint gates and delay steps, only in the patterns that have them', () => {
    const config = { checkpoints: ['s2'], delays: { s3: ' 2h ' } };
    const checkpoint = layoutWorkflow(def('CHECKPOINT', 3, config)).nodes;
    expect(checkpoint.map((n) => n.gate)).toEqual([false, true, false]);
    expect(checkpoint.map((n) => n.delay)).toEqual([null, null, '2h']);
    const sequence = layoutWorkflow(def('SEQUENCE', 3, config)).nodes;
    expect(sequence.map((n) => n.gate)).toEqual([false, false, false]);
    expect(sequence[2]!.delay).toBe('2h');
    expect(layoutWorkflow(def('PARALLEL', 3, config)).nodes.every((n) => !n.gate && n.delay === null)).toBe(true);
  });

  it('lays out no overlapping nodes and reports its size', () => {
    const layout = layoutWorkflow(def('PARALLEL', 6));
    const boxes = layout.nodes.map((n) => `${Math.round(n.x)},${Math.round(n.y)}`);
    expect(new Set(boxes).size).toBe(6);
    expect(layout.width).toBeGreaterThan(0);
    expect(layout.height).toBeGreaterThan(0);
  });

  it('copes with an empty or single-step definition', () => {
    expect(layoutWorkflow(def('SEQUENCE', 0))).toMatchObject({ nodes: [], edges: [] });
    expect(layoutWorkflow(def('PARALLEL', 1)).edges).toEqual([]);
    expect(layoutWorkflow(def('SWARM', 1)).edges).toEqual([]);
  });
});
