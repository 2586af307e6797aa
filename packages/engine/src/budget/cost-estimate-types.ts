/** Pre-flight estimate for one step. Money in USD, sizes in tokens. */
export interface StepCostEstimate {
  stepId: string;
  name: string;
  runtimeId: string;
  modelId: string;
  inputTokens: number;
  outputTokens: number;
  turns: number;
  estimatedUsd: number;
  budgetUsd: number;
  overBudget: boolean;
  /** Whether the input count comes from a real tokenizer (otherwise a calibrated chars/token ratio). */
  exactTokenizer: boolean;
  /** Whether output tokens and turns come from comparable past runs. */
  fromHistory: boolean;
  /** Whether the model has a price in the registry (otherwise the estimate is 0 and flagged). */
  priced: boolean;
  /** Expected wall-clock duration from history, ms, when known. */
  expectedDurationMs?: number;
}

/** Pre-flight estimate for a whole workflow; advisory, never blocks a run. */
export interface CostEstimate {
  totalUsd: number;
  /** Sum of the step caps that apply, USD. */
  budgetUsd: number;
  overBudget: boolean;
  warnings: string[];
  steps: StepCostEstimate[];
}
