/**
 * How each pattern composes the prompt a step receives. Fixed sentences are ours; the shape
 * (what each step sees) is the contract of each pattern, documented in workflows/README.md.
 */

const SEPARATOR = '\n\n---\n\n';

/** Sequence / checkpoint: the previous step's output, then this step's instruction. */
export function withPreviousOutput(previous: string | null, prompt: string): string {
  return previous?.trim() ? `Output of the previous step:\n${previous.trim()}${SEPARATOR}${prompt}` : prompt;
}

/** Planner-executor: every executor sees the plan (not the other executors' outputs). */
export function withPlan(plan: string, prompt: string): string {
  return `Plan from the planner step:\n${plan.trim()}${SEPARATOR}${prompt}`;
}

/** Parallel synthesis: every branch's output in definition order, then the synthesis instruction. */
export function synthesisPrompt(branches: { name: string; output: string }[], prompt: string): string {
  const sections = branches.map((b, i) => `Branch ${i + 1} - ${b.name}:\n${b.output.trim()}`).join(SEPARATOR);
  return `You are combining the results of ${branches.length} research branches that ran in parallel.\n\nBranch outputs:\n${sections}${SEPARATOR}${prompt}`;
}

/** Swarm worker: the planner's assignment, then this worker's slice. */
export function swarmWorkerPrompt(plannerName: string, plan: string, workerName: string, prompt: string): string {
  return [
    'You are one worker in a coordinated team of agents. Do only your part and report findings the final step can merge.',
    `${plannerName}:\n${plan.trim()}`,
    `${workerName} assignment:\n${prompt.trim()}`,
  ].join('\n\n');
}

/** Swarm refinery: the plan and every worker's output, then the merge instruction. */
export function refineryPrompt(plannerName: string, plan: string, workers: { name: string; output: string }[], prompt: string): string {
  const sections = workers.map((w, i) => `Worker ${i + 1} - ${w.name}:\n${w.output.trim()}`).join(SEPARATOR);
  return `You merge the work of a team of agents into one result.\n\n${plannerName}:\n${plan.trim()}\n\nWorker outputs:\n${sections}${SEPARATOR}${prompt.trim()}`;
}

/** Loop iteration: iteration number, the previous iteration's output, the template, and how to stop. */
export function loopIterationPrompt(iteration: number, maxIterations: number, previous: string | null, template: string, signals: string[]): string {
  const head = `Iteration ${iteration} of at most ${maxIterations}.`;
  const prev = previous?.trim() ? `\nOutput of the previous iteration:\n${previous.trim()}` : '';
  const stop = `\n\nWhen the work is complete, say ${signals.map((s) => `"${s}"`).join(' or ')} in your answer (or call the finish tool) so the loop stops.`;
  return `${head}${prev}${SEPARATOR}${template}${stop}`;
}

/** Puts the document block before the composed prompt. */
export function withDocuments(documentBlock: string, prompt: string): string {
  return documentBlock ? `${documentBlock}\n\n${prompt}` : prompt;
}

/**
 * The system prompt every workflow step receives; the text of the step's agent profile, when it
 * has one, follows it (`profiles/effective-step.ts`).
 */
export function stepSystemPrompt(workflowName: string, stepName: string, hasDocuments: boolean, profilePrompt?: string | null): string {
  const frame = [
    `You are an agent executing the step "${stepName}" of the workflow "${workflowName}".`,
    'Answer in Markdown. Be specific and cite the documents you used by name.',
    hasDocuments ? 'Documents are included in the prompt; use read_document or search_documents for parts that were truncated.' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return profilePrompt?.trim() ? `${frame}\n\n${profilePrompt.trim()}` : frame;
}
