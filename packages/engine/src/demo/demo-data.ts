import type { Engine } from '../engine.js';
import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import { DEMO_DOCUMENTS } from './demo-documents.js';

type DocKey = (typeof DEMO_DOCUMENTS)[number]['key'];

/**
 * Seeds the demo project on an empty database: six documents and four workflows, one of them
 * the three-step investor research of the original story with per-step documents. Without API
 * keys the workflows run on the simulator. Returns false when the database already had workflows.
 */
export async function seedDemoData(engine: Engine): Promise<boolean> {
  if ((await engine.listWorkflows({ first: 1 })).totalCount > 0) return false;
  const ids = {} as Record<DocKey, string>;
  for (const doc of DEMO_DOCUMENTS) ids[doc.key] = (await engine.createDocument({ name: doc.name, mimeType: doc.mimeType, content: doc.content })).id;
  for (const workflow of demoWorkflows(ids)) await engine.createWorkflow(workflow);
  return true;
}

function demoWorkflows(d: Record<DocKey, string>): WorkflowDefinitionInput[] {
  return [
    {
      name: 'Investor research brief',
      description: 'Profiles seed investors, matches them to our thesis and drafts outreach. Each step gets only the documents it needs.',
      pattern: 'SEQUENCE',
      budgetUsd: 2,
      documentIds: [d.pitch],
      steps: [
        { id: 'profile', name: 'Profile the investors', prompt: 'For each fund in the investor longlist, summarise stage, check size and thesis, and note how it relates to our market sizing.', documentIds: [d.investors, d.market] },
        { id: 'match', name: 'Match to our thesis', prompt: 'Rank the profiled investors by fit with our product and traction. Give a one-line reason per fund and flag poor fits.', documentIds: [d.onepager, d.traction] },
        { id: 'outreach', name: 'Draft outreach', prompt: 'Write a short personalised outreach email to the three best-fit investors, citing one traction figure each.', documentIds: [d.founders] },
      ],
    },
    {
      name: 'Competitive scan',
      description: 'Three research branches in parallel, then one synthesis.',
      pattern: 'PARALLEL',
      config: { concurrency: 3 },
      documentIds: [d.onepager],
      steps: [
        { id: 'pricing', name: 'Pricing models', prompt: 'Describe how workflow and agent platforms price their products.' },
        { id: 'reliability', name: 'Reliability features', prompt: 'List the retry, resume and cost-control features competitors advertise.' },
        { id: 'buyers', name: 'Buyer objections', prompt: 'List the objections operations buyers raise about agent automation.' },
        { id: 'synthesis', name: 'Positioning memo', prompt: 'Write a one-page positioning memo from the three branches.' },
      ],
    },
    {
      name: 'Weekly metrics report (with approval)',
      description: 'Drafts the weekly report and waits for approval before sending it.',
      pattern: 'CHECKPOINT',
      config: { checkpoints: ['send'] },
      documentIds: [d.traction],
      steps: [
        { id: 'draft', name: 'Draft the report', prompt: 'Summarise the last three months of traction with the trend in failed-run share.' },
        { id: 'send', name: 'Prepare the send-out', prompt: 'Turn the approved draft into an email to the design partners.' },
      ],
    },
    {
      name: 'Pitch polish loop',
      description: 'Improves the pitch narrative until it is done or three iterations have run.',
      pattern: 'LOOP',
      config: { maxIterations: 3 },
      documentIds: [d.pitch],
      steps: [{ id: 'polish', name: 'Polish the pitch', prompt: 'Tighten the pitch narrative: shorter sentences, one number per claim.' }],
    },
  ];
}
