import { assertNever } from '../errors.js';
import type { FixSuggestion } from './intelligence-types.js';
import type { FailureCategory } from '../runtimes/failure-category.js';
import { MAX_BUDGET_USD, MAX_STEP_TURNS } from '../workflows/definition-schema.js';
import { actions, fix, stepLabel, suggestedBudgetUsd, suggestedMaxTurns, type FixContext } from './fix-context.js';
import { providerFixes } from './fix-suggestions-provider.js';
import { formatCount, formatDuration, formatUsd } from '../format/index.js';

/**
 * Three fixes (QUICK, BETTER, BEST) for a failure category, quoting the run's own numbers.
 * Exhaustive: a new {@link FailureCategory} breaks `tsc` here until it has its fixes.
 */
export function fixesFor(category: FailureCategory, ctx: FixContext): FixSuggestion[] {
  switch (category) {
    case 'BUDGET_EXCEEDED':
      return budgetFixes(ctx);
    case 'TURN_LIMIT':
      return turnLimitFixes(ctx);
    case 'TIMEOUT':
      return timeoutFixes(ctx);
    case 'CONTEXT_TOO_LARGE':
      return contextFixes(ctx);
    case 'RATE_LIMITED':
    case 'PROVIDER_OVERLOADED':
    case 'CONNECTION':
    case 'AUTH':
    case 'INVALID_REQUEST':
    case 'CANCELLED':
    case 'CRASHED':
    case 'TOOL_ERROR':
    case 'UNKNOWN':
      return providerFixes(category, ctx);
    default:
      return assertNever(category, 'FailureCategory');
  }
}

/** BETTER tier shared by the size-driven categories: fewer documents in, or a tighter prompt. */
function lessInputFix(ctx: FixContext, why: string): FixSuggestion {
  const drop = actions.dropGlobalDocs(ctx);
  if (drop) {
    const own = ctx.stepDocIds.length;
    return fix(
      'BETTER',
      `Send ${stepLabel(ctx)} only its own documents`,
      `${why} It receives ${ctx.globalDocIds.length} global document(s) on top of its ${own} own; bind documents per step so it reads only what it needs.`,
      drop,
    );
  }
  const input = ctx.step?.inputTokens ?? 0;
  return fix(
    'BETTER',
    `Tighten the prompt of ${stepLabel(ctx)}`,
    `${why} Its calls read ${formatCount(input)} input tokens in total; ask for a shorter answer and remove context it does not use.`,
    null,
  );
}

/** BEST tier shared by the size-driven categories: split the step. */
function splitFix(ctx: FixContext, why: string): FixSuggestion {
  const split = actions.split(ctx);
  const how = split
    ? "Split it into two steps; the second receives the first one's output."
    : `Split the work across several steps by hand: it cannot be split automatically. ${ctx.splitBlocker ?? ''}`.trim();
  return fix('BEST', `Split ${stepLabel(ctx)} into smaller steps`, `${why} ${how}`, split);
}

function budgetFixes(ctx: FixContext): FixSuggestion[] {
  const ev = ctx.evidence;
  if (ev.dailyCapUsd != null && ev.dailySpentUsd != null && ev.dailySpentUsd >= ev.dailyCapUsd) {
    const spend = `Today's spend is ${formatUsd(ev.dailySpentUsd)} of the ${formatUsd(ev.dailyCapUsd)} daily cap.`;
    return [
      fix('QUICK', 'Retry after the daily cap resets', `${spend} Retry ${stepLabel(ctx)} tomorrow; completed steps are reused.`, actions.retryStep(ctx)),
      fix(
        'BETTER',
        'Raise the daily spend cap',
        `${spend} Raise setting budget.maxDailyCostUsd above ${formatUsd(ev.dailySpentUsd)} if this spend is expected.`,
        null,
      ),
      splitFix(ctx, 'Smaller steps spread the spend and lose less work when a cap stops one.'),
    ];
  }
  if (ev.tokenCap != null && ev.tokensUsed != null && ev.tokensUsed >= ev.tokenCap) {
    const used = `It used ${formatCount(ev.tokensUsed)} of the ${formatCount(ev.tokenCap)}-token cap per task.`;
    return [
      fix('QUICK', 'Raise the token cap per task', `${used} Raise setting budget.maxTokensPerTask (at most 500,000), then retry.`, null),
      lessInputFix(ctx, used),
      splitFix(ctx, used),
    ];
  }
  const spent = ev.spentUsd ?? ctx.step?.costUsd ?? 0;
  const cap = ev.capUsd ?? ctx.step?.budgetUsd ?? null;
  const amount = suggestedBudgetUsd(spent, cap, ctx.estimateUsd);
  const capText = cap === null ? 'its cap' : `its ${formatUsd(cap)} cap`;
  const basis = ctx.estimateUsd === null ? 'twice what it spent' : `the larger of twice what it spent and spent + the ${formatUsd(ctx.estimateUsd)} estimate`;
  const quick =
    amount === null
      ? fix(
          'QUICK',
          `Budget needed exceeds ${formatUsd(MAX_BUDGET_USD)}`,
          `${stepLabel(ctx)} spent ${formatUsd(spent)} of ${capText}; a cap above ${formatUsd(MAX_BUDGET_USD)} cannot be set. Reduce its input instead.`,
          null,
        )
      : fix(
          'QUICK',
          `Raise the budget of ${stepLabel(ctx)} to ${formatUsd(amount)}`,
          `${stepLabel(ctx)} spent ${formatUsd(spent)} of ${capText} before it was stopped. ${formatUsd(amount)} is ${basis}, rounded up to cents. Apply it, then retry the step; completed steps are reused.`,
          ctx.step ? { type: 'SET_BUDGET', payload: { stepId: ctx.step.stepId, budgetUsd: amount } } : null,
        );
  const why = `It spent ${formatUsd(spent)} of ${capText}.`;
  // A paused step keeps its conversation: going on from there beats raising the cap and starting over.
  if (ctx.step?.status === 'PAUSED' && amount !== null) {
    const resume = fix(
      'QUICK',
      `Resume ${stepLabel(ctx)} with a cap of ${formatUsd(amount)}`,
      `${stepLabel(ctx)} paused after turn ${ctx.step.turns} with ${formatUsd(spent)} spent of ${capText}. Resuming goes on from that turn: its ${ctx.step.turns} finished turns (${formatUsd(spent)}) are not paid again. ${formatUsd(amount)} is ${basis}, rounded up to cents.`,
      actions.resume(ctx, amount),
    );
    return [resume, lessInputFix(ctx, why), splitFix(ctx, why)];
  }
  return [quick, lessInputFix(ctx, why), splitFix(ctx, why)];
}

function turnLimitFixes(ctx: FixContext): FixSuggestion[] {
  const turns = ctx.evidence.turns ?? ctx.step?.turns ?? 0;
  const defined = ctx.workflow.steps.find((s) => s.id === ctx.step?.stepId)?.maxTurns ?? null;
  // The limit that stopped it: recorded evidence, else the step's own setting, else the turns it used.
  const limit = ctx.evidence.maxTurns ?? defined ?? (turns > 0 ? turns : null);
  const next = limit === null ? null : suggestedMaxTurns(limit);
  const used = `${stepLabel(ctx)} used ${turns} of its ${limit ?? 'allowed'} turns without finishing.`;
  const quick =
    next !== null && ctx.step
      ? fix('QUICK', `Allow ${stepLabel(ctx)} ${next} turns`, `${used} Raise its turn limit to ${next}, then retry the step.`, {
          type: 'SET_MAX_TURNS',
          payload: { stepId: ctx.step.stepId, maxTurns: next },
        })
      : limit !== null && limit >= MAX_STEP_TURNS
        ? fix('QUICK', 'The turn limit is at its maximum', `${used} ${limit} is the most a step may have; make the step smaller instead.`, null)
        : fix('QUICK', 'Raise the turn limit', `${used} Raise setting runtime.maxTurns or the step's maxTurns, then retry.`, null);
  return [quick, lessInputFix(ctx, used), splitFix(ctx, used)];
}

function timeoutFixes(ctx: FixContext): FixSuggestion[] {
  const deadline = ctx.evidence.deadlineMs;
  const ran = ctx.step?.durationMs ?? null;
  const facts = [ran !== null ? `ran for ${formatDuration(ran)}` : null, deadline != null ? `against a ${formatDuration(deadline)} deadline` : null]
    .filter(Boolean)
    .join(' ');
  const why = `${stepLabel(ctx)} timed out${facts ? ` (${facts})` : ''}.`;
  const other = actions.switchRuntime(ctx);
  const better = other
    ? fix('BETTER', `Run ${stepLabel(ctx)} on ${ctx.alternativeRuntimeId}`, `${why} ${ctx.alternativeRuntimeId} completed other steps of this run.`, other)
    : lessInputFix(ctx, why);
  return [
    fix('QUICK', `Retry ${stepLabel(ctx)}`, `${why} Stalls are often temporary; retry the step, completed steps are reused.`, actions.retryStep(ctx)),
    better,
    splitFix(ctx, why),
  ];
}

function contextFixes(ctx: FixContext): FixSuggestion[] {
  const prompt = ctx.evidence.promptTokens;
  const window = ctx.evidence.contextWindow;
  const over = prompt != null && window != null ? prompt - window : null;
  const why =
    prompt != null && window != null
      ? `The prompt of ${stepLabel(ctx)} was ${formatCount(prompt)} tokens; the model's window is ${formatCount(window)} (${formatCount(Math.max(0, over ?? 0))} over).`
      : `The prompt of ${stepLabel(ctx)} did not fit the model's context window.`;
  const drop = actions.dropGlobalDocs(ctx);
  const quick = drop
    ? fix(
        'QUICK',
        `Stop sending global documents to ${stepLabel(ctx)}`,
        `${why} Drop the ${ctx.globalDocIds.length} global document(s) from this step, then retry it.`,
        drop,
      )
    : fix(
        'QUICK',
        `Cut ${over !== null && over > 0 ? `at least ${formatCount(over)} tokens` : 'input'} from ${stepLabel(ctx)}`,
        `${why} Shorten its prompt or its documents, then retry.`,
        null,
      );
  const other = actions.switchRuntime(ctx);
  const best = other
    ? fix(
        'BEST',
        `Run ${stepLabel(ctx)} on ${ctx.alternativeRuntimeId}`,
        `${why} It completed other steps of this run; choose a model with a larger window there.`,
        other,
      )
    : fix(
        'BEST',
        'Use a model with a larger context window',
        `${why} Set the step's model to one whose window exceeds ${prompt != null ? formatCount(prompt) : 'the prompt size in'} tokens.`,
        null,
      );
  return [quick, { ...splitFix(ctx, why), tier: 'BETTER' }, best];
}
