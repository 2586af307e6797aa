import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import type { DEMO_DOCUMENTS } from './demo-documents.js';

/** Key of a demo document (see demo-documents.ts). */
export type DemoDocumentKey = (typeof DEMO_DOCUMENTS)[number]['key'];

/** Key of a demo workflow. */
export type DemoWorkflowKey = 'research' | 'scan' | 'weekly' | 'pitch';

/** The runtime every demo workflow names. */
export const DEMO_RUNTIME_ID = 'simulated';

/**
 * The four demo workflows (sequence, parallel, checkpoint, loop), bound to the demo documents
 * by key. Each names the {@link DEMO_RUNTIME_ID simulator}: the demo never calls or pays a real
 * model, even when an API key is configured, and every run says it was simulated.
 */
export function demoWorkflows(d: Record<DemoDocumentKey, string>): Record<DemoWorkflowKey, WorkflowDefinitionInput> {
  return {
    research: {
      name: 'Investor research brief',
      description: 'Profiles seed investors, matches them to our thesis and drafts outreach. Each step gets only the documents it needs.',
      pattern: 'SEQUENCE',
      runtimeId: DEMO_RUNTIME_ID,
      budgetUsd: 2,
      documentIds: [d.pitch],
      steps: [
        {
          id: 'profile',
          name: 'Profile the investors',
          prompt: 'For each fund in the investor longlist, summarise stage, check size and thesis, and note how it relates to our market sizing.',
          documentIds: [d.investors, d.market],
        },
        {
          id: 'match',
          name: 'Match to our thesis',
          prompt: 'Rank the profiled investors by fit with our product and traction. Give a one-line reason per fund and flag poor fits.',
          documentIds: [d.onepager, d.traction],
        },
        {
          id: 'outreach',
          name: 'Draft outreach',
          prompt: 'Write a short personalised outreach email to the three best-fit investors, citing one traction figure each.',
          documentIds: [d.founders],
        },
      ],
    },
    scan: {
      name: 'Competitive scan',
      description: 'Three research branches in parallel, then one synthesis.',
      pattern: 'PARALLEL',
      runtimeId: DEMO_RUNTIME_ID,
      config: { concurrency: 3 },
      documentIds: [d.onepager],
      steps: [
        { id: 'pricing', name: 'Pricing models', prompt: 'Describe how workflow and agent platforms price their products.' },
        { id: 'reliability', name: 'Reliability features', prompt: 'List the retry, resume and cost-control features competitors advertise.' },
        { id: 'buyers', name: 'Buyer objections', prompt: 'List the objections operations buyers raise about agent automation.' },
        { id: 'synthesis', name: 'Positioning memo', prompt: 'Write a one-page positioning memo from the three branches.' },
      ],
    },
    weekly: {
      name: 'Weekly metrics report (with approval)',
      description: 'Drafts the weekly report and waits for approval before sending it.',
      pattern: 'CHECKPOINT',
      runtimeId: DEMO_RUNTIME_ID,
      config: { checkpoints: ['send'] },
      documentIds: [d.traction],
      steps: [
        { id: 'draft', name: 'Draft the report', prompt: 'Summarise the last three months of traction with the trend in failed-run share.' },
        { id: 'send', name: 'Prepare the send-out', prompt: 'Turn the approved draft into an email to the design partners.' },
      ],
    },
    pitch: {
      name: 'Pitch polish loop',
      description: 'Improves the pitch narrative until it is done or three iterations have run.',
      pattern: 'LOOP',
      runtimeId: DEMO_RUNTIME_ID,
      config: { maxIterations: 3 },
      documentIds: [d.pitch],
      steps: [{ id: 'polish', name: 'Polish the pitch', prompt: 'Tighten the pitch narrative: shorter sentences, one number per claim.' }],
    },
  };
}
