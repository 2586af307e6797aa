/** The six documents of the demo project (a seed-round investor research, as in the original story). */
export const DEMO_DOCUMENTS = [
  {
    key: 'pitch',
    name: 'Pitch narrative.md',
    mimeType: 'text/markdown',
    content: `# Stagent: pitch narrative

## Problem
Teams automate research and reporting with multi-step LLM workflows, and the runs fail silently,
overspend, and cannot be resumed. In interviews, 11 of 14 operations leads said they had lost a
day's work to a run that died at step 3 of 4 with nothing to show for steps 1 and 2.

## Product
A local-first engine that estimates cost per step before a run, streams what every step is doing,
explains failures with a root cause and one-click fixes, and retries one step without paying again
for the finished ones.

## Why now
Agentic workloads moved from demos to weekly operations in 2025-2026; budgets and reliability
became the blocker, not model quality.

## Ask
$1.8M seed to reach 40 paying design partners and a hosted control plane.`,
  },
  {
    key: 'onepager',
    name: 'Product one-pager.md',
    mimeType: 'text/markdown',
    content: `# Product one-pager

- Six workflow patterns: sequence, parallel, checkpoint, loop, swarm, planner-executor.
- Runs on Anthropic, OpenAI or local Ollama models; a simulator for demos and tests.
- Pre-flight cost estimate per step against a budget cap; caps enforced after every model call.
- Live step metrics: tokens, tokens per second, cost against budget, current tool, turn.
- Debug analysis: timeline, root cause with evidence, fixes in three tiers.
- Optimizer: per-step document binding, budgets from history, runtime and pattern advice.
- Typed GraphQL API with subscriptions; SvelteKit dashboard; CLI.`,
  },
  {
    key: 'market',
    name: 'Market sizing.md',
    mimeType: 'text/markdown',
    content: `# Market sizing (bottom-up)

| segment | teams | share running agent workflows | price / year | SAM |
|---|---|---|---|---|
| research and strategy teams | 42,000 | 35% | $6,000 | $88M |
| revenue operations | 65,000 | 25% | $4,800 | $78M |
| internal reporting / BI | 80,000 | 20% | $3,600 | $58M |

Serviceable market: about $224M. Comparable developer-tool seed rounds in 2026 priced at
$10-14M post-money with 5-15 design partners.`,
  },
  {
    key: 'traction',
    name: 'Traction Q3.csv',
    mimeType: 'text/csv',
    content: `month,active_workspaces,weekly_runs,failed_run_share,median_cost_per_run_usd,design_partners
2026-07,18,410,0.21,0.84,3
2026-08,27,760,0.14,0.79,5
2026-09,41,1290,0.09,0.71,8`,
  },
  {
    key: 'investors',
    name: 'Investor longlist.json',
    mimeType: 'application/json',
    content: JSON.stringify(
      [
        {
          fund: 'Northbeam Ventures',
          stage: 'pre-seed/seed',
          checkUsd: '250k-1M',
          thesis: 'developer infrastructure, open core',
          portfolio: ['queue engines', 'observability'],
        },
        {
          fund: 'Lattice Capital',
          stage: 'seed',
          checkUsd: '500k-2M',
          thesis: 'AI tooling for operations teams',
          portfolio: ['workflow builders', 'data quality'],
        },
        { fund: 'Harbor Street Partners', stage: 'seed/Series A', checkUsd: '1M-4M', thesis: 'vertical SaaS', portfolio: ['legal tech', 'insurance'] },
        {
          fund: 'Quarry Fund',
          stage: 'seed',
          checkUsd: '300k-1.5M',
          thesis: 'local-first and privacy-preserving software',
          portfolio: ['sync engines', 'edge databases'],
        },
        { fund: 'Tidewater Angels', stage: 'pre-seed', checkUsd: '25k-150k', thesis: 'technical founders, any sector', portfolio: ['dev tools', 'fintech'] },
        {
          fund: 'Meridian AI Fund',
          stage: 'seed',
          checkUsd: '1M-3M',
          thesis: 'applied AI with measurable cost control',
          portfolio: ['LLM gateways', 'evaluation'],
        },
      ],
      null,
      2,
    ),
  },
  {
    key: 'founders',
    name: 'Founder bios.txt',
    mimeType: 'text/plain',
    content: `Founders

Ana Ribeiro, CEO. Ran data operations at a 300-person research firm; built its internal report
automation used weekly by 60 analysts. Previously a product manager for a scheduling product.

Jonas Weber, CTO. Eight years on workflow engines and job queues; maintainer of an open-source
durable-execution library; led the migration of a payments pipeline to exactly-once processing.`,
  },
] as const;
