/** Public entry point of @stagent/engine. */
export { Engine, type EngineOptions } from './engine.js';
export * from './engine-api.js';
export * from './errors.js';
export { SystemClock, ManualClock, type Clock } from './clock.js';
export { consoleLogger, silentLogger, type Logger } from './resources.js';
export { WorkflowPattern, type WorkflowDefinition, type WorkflowDefinitionInput, type StepDefinition, type PatternConfig } from './workflows/definition.js';
export type { WorkflowView, WorkflowRunView, StepRunView, WorkflowStepView, DocumentView } from './workflows/read-models.js';
export { WorkflowStatus } from './workflows/workflow-state.js';
export { RunStatus } from './workflows/run-state.js';
export { StepStatus } from './workflows/step-state.js';
export { FailureCategory, type ClassifiedFailure } from './runtimes/failure-category.js';
export { WorkflowEventKind } from './events/event-kind.js';
export type { WorkflowEvent } from './events/workflow-event.js';
export type { CostEstimate, StepCostEstimate } from './budget/cost-estimate-types.js';
export type { RuntimeDescriptor } from './runtimes/runtime.js';
export type { SettingView } from './settings/settings-system.js';
export type { FailureEvidence } from './db/entities/step-run.entity.js';
export { DOCUMENT_MIME_TYPES } from './documents/document-system.js';
