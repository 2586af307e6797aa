/** Public entry point of @stagent/engine. */
export { Engine, type EngineOptions } from './facade/engine.js';
export type { ScaleOutOptions } from './facade/scale-out.js';
export * from './facade/engine-api.js';
export * from './intelligence/intelligence-types.js';
export * from './schedules/schedule-types.js';
export * from './errors.js';
export { SystemClock, ManualClock, type Clock } from './clock.js';
export { consoleLogger, silentLogger, type Logger } from './resources.js';
export { DEFAULT_DATA_DIR_LABEL, resolveDataDir } from './db/data-dir.js';
export { describeDatabase } from './db/orm.js';
export { WorkflowPattern, type WorkflowDefinition, type WorkflowDefinitionInput, type StepDefinition, type PatternConfig } from './workflows/definition.js';
export type { WorkflowView, WorkflowRunView, StepRunView, WorkflowStepView, DocumentView } from './workflows/read-models.js';
export { WorkflowStatus } from './workflows/workflow-state.js';
export { RunStatus } from './workflows/run-state.js';
export { StepStatus } from './workflows/step-state.js';
export { FailureCategory, type ClassifiedFailure } from './runtimes/failure-category.js';
export { WorkflowEventKind } from './events/event-kind.js';
export type { WorkflowEvent } from './events/workflow-event.js';
export { REPLAY_PAGE_EVENTS, type ConsumerReadiness, type WorkflowEventStream } from './events/event-stream.js';
export { InMemoryEventBus, type EventBus } from './events/event-bus.js';
export {
  checkRedisUrl,
  eventNamespaceFor,
  maskRedisUrl,
  openRedisEventBus,
  REDIS_CONNECT_TIMEOUT_MS,
  REDIS_EVENT_CHANNEL_PREFIX,
  RedisEventBus,
  type RedisEventBusOptions,
} from './events/redis-event-bus.js';
export type { CostEstimate, StepCostEstimate } from './budget/cost-estimate-types.js';
export type { RuntimeDescriptor } from './runtimes/runtime.js';
export type { SettingView } from './settings/settings-system.js';
export type { FailureEvidence } from './db/entities/step-run.entity.js';
export { DOCUMENT_MIME_TYPES, MAX_DOCUMENT_BYTES } from './documents/document-system.js';
export { WORKFLOW_PAGE_SIZE, decodeOffsetCursor } from './workflows/workflow-page.js';
export { MAX_NAME_LENGTH } from './workflows/definition-schema.js';
export { ScheduleSystem } from './schedules/schedule-system.js';
export { MAX_SCHEDULE_EXPRESSION_LENGTH } from './schedules/expression-parser.js';
export { EXCERPT_LENGTH, excerpt } from './input-excerpt.js';
export { FiringStatus, type FiringOutcome, type ScheduleExecutor } from './schedules/schedule-executor.js';
export { seedDemoData } from './demo/demo-data.js';
export { queuedRunCount } from './db/run-queue.js';
export { SecretValues } from './settings/secret-values.js';
export { REDACTED, redactSecrets } from './runtimes/secret-redaction.js';
export { McpTransport, type McpServerInput, type McpServerView } from './tools/mcp-server-registry.js';
export type { McpServerState } from './tools/mcp-servers.js';
export { ToolApproval, type ToolGrant } from './tools/tool-grants.js';
export { ToolCallStatus } from './tools/tool-call-state.js';
export type { ToolCallView } from './tools/tool-call-view.js';
export type { ToolCallFilter } from './db/tool-call-store.js';
export { BUILT_IN_PROFILES } from './profiles/built-in-profiles.js';
export {
  MAX_PROFILE_DESCRIPTION_LENGTH,
  MAX_PROFILE_NAME_LENGTH,
  MAX_PROFILE_SYSTEM_PROMPT_LENGTH,
  type AgentProfileInput,
  type AgentProfileView,
} from './profiles/agent-profile.js';
export { AssistantEventKind, type AssistantEvent } from './assistant/assistant-events.js';
export { AssistantMessageStatus } from './assistant/assistant-message-state.js';
export { MAX_ASSISTANT_MESSAGE_CHARS, type AssistantSend, type SendAssistantMessageInput } from './assistant/assistant-system.js';
export type { AssistantTool, AssistantToolEffect, AssistantToolset } from './assistant/assistant-answer.js';
export type { AssistantConversationView, AssistantLink, AssistantMessageView } from './assistant/assistant-views.js';
export { ASSISTANT_APPROVABLE_TOOLS } from './assistant/assistant-tool-names.js';
export {
  combineTelemetry,
  noTelemetry,
  runTraceContext,
  taskTraceId,
  type EngineTelemetry,
  type ModelCallRecord,
  type RunRecord,
  type SpanIds,
  type StepRecord,
  type TaskRecord,
  type TelemetryTaskKind,
  type ToolCallRecord,
} from './observability/telemetry.js';
