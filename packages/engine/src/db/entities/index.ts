import { ProjectSchema } from './project.entity.js';
import { WorkflowSchema } from './workflow.entity.js';
import { WorkflowRunSchema } from './workflow-run.entity.js';
import { StepRunSchema } from './step-run.entity.js';
import { TaskSchema } from './task.entity.js';
import { WorkflowEventSchema } from './workflow-event.entity.js';
import { UsageLedgerSchema } from './usage-ledger.entity.js';
import { DocumentSchema } from './document.entity.js';
import { WorkflowDocumentInputSchema } from './workflow-document-input.entity.js';
import { SettingSchema } from './setting.entity.js';
import { ScheduleSchema } from './schedule.entity.js';
import { ScheduleFiringSchema } from './schedule-firing.entity.js';
import { WorkflowExecutionStatsSchema } from './workflow-execution-stats.entity.js';
import { McpServerSchema } from './mcp-server.entity.js';
import { ToolCallSchema } from './tool-call.entity.js';
import { StepJournalSchema } from './step-journal.entity.js';
import { McpToolPinSchema } from './mcp-tool-pin.entity.js';
import { AgentProfileSchema } from './agent-profile.entity.js';
import { InstanceSchema } from './instance.entity.js';
import { AssistantConversationSchema } from './assistant-conversation.entity.js';
import { AssistantMessageSchema } from './assistant-message.entity.js';
import { AssistantEventSchema } from './assistant-event.entity.js';

/** Every entity, listed explicitly (a test compares this list with the files in this folder). */
export const entities = [
  ProjectSchema,
  WorkflowSchema,
  WorkflowRunSchema,
  StepRunSchema,
  TaskSchema,
  WorkflowEventSchema,
  UsageLedgerSchema,
  DocumentSchema,
  WorkflowDocumentInputSchema,
  SettingSchema,
  ScheduleSchema,
  ScheduleFiringSchema,
  WorkflowExecutionStatsSchema,
  McpServerSchema,
  ToolCallSchema,
  StepJournalSchema,
  McpToolPinSchema,
  AgentProfileSchema,
  InstanceSchema,
  AssistantConversationSchema,
  AssistantMessageSchema,
  AssistantEventSchema,
];

export * from './project.entity.js';
export * from './workflow.entity.js';
export * from './workflow-run.entity.js';
export * from './step-run.entity.js';
export * from './task.entity.js';
export * from './workflow-event.entity.js';
export * from './usage-ledger.entity.js';
export * from './document.entity.js';
export * from './workflow-document-input.entity.js';
export * from './setting.entity.js';
export * from './schedule.entity.js';
export * from './schedule-firing.entity.js';
export * from './workflow-execution-stats.entity.js';
export * from './mcp-server.entity.js';
export * from './tool-call.entity.js';
export * from './step-journal.entity.js';
export * from './mcp-tool-pin.entity.js';
export * from './agent-profile.entity.js';
export * from './instance.entity.js';
export * from './assistant-conversation.entity.js';
export * from './assistant-message.entity.js';
export * from './assistant-event.entity.js';
