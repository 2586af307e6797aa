import { assertNever } from '../errors.js';
import type { FixSuggestion } from './intelligence-types.js';
import type { FailureCategory } from '../runtimes/failure-category.js';
import { actions, fix, stepLabel, type FixContext } from './fix-context.js';

/** Categories whose cause lies with the provider, the network or the process, not the step's size. */
export type ProviderCategory = Extract<
  FailureCategory,
  'RATE_LIMITED' | 'PROVIDER_OVERLOADED' | 'CONNECTION' | 'AUTH' | 'INVALID_REQUEST' | 'CANCELLED' | 'CRASHED' | 'TOOL_ERROR' | 'UNKNOWN'
>;

/** What the provider said, with its HTTP status and the retries spent, as one clause. */
function providerFacts(ctx: FixContext): string {
  const ev = ctx.evidence;
  const parts = [
    ev.httpStatus != null ? `HTTP ${ev.httpStatus}` : null,
    ev.retries != null ? `after ${ev.retries} ${ev.retries === 1 ? 'retry' : 'retries'}` : null,
    ev.providerMessage || ctx.step?.error ? `"${truncate(ev.providerMessage || ctx.step?.error || '', 160)}"` : null,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The runtime the failing step ran on, for text. */
function runtimeOf(ctx: FixContext): string {
  return ctx.step?.runtimeId ?? ctx.workflow.runtimeId ?? 'its runtime';
}

/** BEST/BETTER fix that moves the step to a runtime that worked in this run, or advice when none did. */
function switchFix(ctx: FixContext, tier: 'BETTER' | 'BEST', fallbackTitle: string, fallbackText: string): FixSuggestion {
  const other = actions.switchRuntime(ctx);
  if (other)
    return fix(
      tier,
      `Run ${stepLabel(ctx)} on ${ctx.alternativeRuntimeId}`,
      `${ctx.alternativeRuntimeId} completed other steps of this run while ${runtimeOf(ctx)} failed.`,
      other,
    );
  return fix(tier, fallbackTitle, fallbackText, null);
}

/** Three fixes for a provider-side category. Exhaustive over {@link ProviderCategory}. */
export function providerFixes(category: ProviderCategory, ctx: FixContext): FixSuggestion[] {
  const what = `${stepLabel(ctx)} failed on ${runtimeOf(ctx)}${providerFacts(ctx)}.`;
  const retry = (why: string) =>
    fix('QUICK', `Retry ${stepLabel(ctx)}`, `${what} ${why} Completed steps are reused.`, actions.retryStep(ctx) ?? actions.rerun());
  switch (category) {
    case 'RATE_LIMITED': {
      const concurrency = ctx.workflow.config.concurrency;
      const load =
        ctx.workflow.pattern === 'PARALLEL' || ctx.workflow.pattern === 'SWARM'
          ? `This ${ctx.workflow.pattern} workflow runs ${concurrency ?? 'several'} steps at once; lower config.concurrency so fewer calls share the limit.`
          : 'Other workflows or schedules on the same key share the limit; stagger them.';
      return [
        retry('The rate limit resets with time.'),
        fix('BETTER', 'Send fewer calls at once', `${what} ${load}`, null),
        switchFix(ctx, 'BEST', 'Raise the provider rate limit', `${what} Ask the provider for a higher tier on ${runtimeOf(ctx)}.`),
      ];
    }
    case 'PROVIDER_OVERLOADED':
      return [
        retry('Overload is usually brief.'),
        switchFix(ctx, 'BETTER', 'Keep a second runtime configured', `${what} With another runtime set up, an overloaded provider's steps can move there.`),
        fix('BEST', 'Schedule the workflow off-peak', `${what} A schedule that runs it at night avoids peak overload.`, null),
      ];
    case 'CONNECTION':
      return [
        retry('Network drops are usually transient.'),
        fix('BETTER', `Check the connection to ${runtimeOf(ctx)}`, `${what} Check the base URL setting and that the server (or Ollama) is reachable.`, null),
        switchFix(ctx, 'BEST', 'Keep a second runtime configured', `${what} Configure another runtime so a step can move when one is unreachable.`),
      ];
    case 'AUTH':
      return [
        fix(
          'QUICK',
          'Update the API key, then retry',
          `${what} Set a valid key in the settings for ${runtimeOf(ctx)}, then retry the step.`,
          actions.retryStep(ctx),
        ),
        switchFix(ctx, 'BETTER', "Check the key's access", `${what} Make sure the key may use the step's model.`),
        fix('BEST', 'Check the account', `${what} A rejected key can mean a suspended account or an exhausted balance; check it with the provider.`, null),
      ];
    case 'INVALID_REQUEST':
      return [
        fix('QUICK', `Fix the request of ${stepLabel(ctx)}`, `${what} The provider rejected the request itself; check the step's model id and prompt.`, null),
        switchFix(ctx, 'BETTER', 'Choose a supported model', `${what} Pick a model that ${runtimeOf(ctx)} lists as supported.`),
        fix('BEST', 'Re-run after editing', `${what} After changing the step, run the workflow again.`, actions.rerun()),
      ];
    case 'CANCELLED':
      // A cancelled run is final (it cannot be retried), so the quick path is a new run.
      return [
        fix('QUICK', 'Run the workflow again', `${what} A cancelled run cannot resume; start a new run.`, actions.rerun()),
        fix(
          'BETTER',
          'Add a checkpoint before costly steps',
          `${what} A CHECKPOINT pattern asks for approval before a step instead of cancelling it midway.`,
          null,
        ),
        fix('BEST', `Make ${stepLabel(ctx)} smaller`, `${what} Smaller steps finish sooner and lose less work when stopped.`, actions.split(ctx)),
      ];
    case 'CRASHED':
      return [
        retry('The process running it stopped before it finished.'),
        fix('BETTER', 'Run the workflow again', `${what} Start a fresh run if earlier outputs are stale.`, actions.rerun()),
        fix(
          'BEST',
          'Keep the server running during long steps',
          `${what} Check the server log for why the process stopped; long steps split into shorter ones lose less work.`,
          actions.split(ctx),
        ),
      ];
    case 'TOOL_ERROR': {
      const tool = ctx.evidence.toolName ?? 'a tool';
      const server = /^mcp__([^_][^]*?)__/.exec(ctx.evidence.toolName ?? '')?.[1];
      const said = ctx.evidence.toolError ? ` It said: "${truncate(ctx.evidence.toolError, 200)}".` : '';
      return [
        retry(`${tool} kept failing.${said} A server that was down or slow may answer now.`),
        fix(
          'BETTER',
          server ? `Check the MCP server "${server}"` : 'Check the MCP servers',
          `${what}${said} Open MCP servers to see whether ${server ? `"${server}"` : 'it'} is connected, its last error and its tools.`,
          null,
        ),
        fix(
          'BEST',
          `Tell ${stepLabel(ctx)} how to use ${tool}`,
          `${what} When the model keeps sending arguments the tool refuses, say in the prompt what the tool expects, or grant a tool that fits the task.`,
          null,
        ),
      ];
    }
    case 'UNKNOWN':
      return [
        retry('The failure was not classified; a retry shows whether it repeats.'),
        switchFix(ctx, 'BETTER', "Read the step's error", `${what} The message above is the provider's own; search it in the provider's status page.`),
        fix('BEST', `Split ${stepLabel(ctx)}`, `${what} A smaller step narrows down which part fails.`, actions.split(ctx)),
      ];
    default:
      return assertNever(category, 'FailureCategory');
  }
}
