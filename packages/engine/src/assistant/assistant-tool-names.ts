/**
 * The assistant's tools that change, delete or spend something, and so wait for approval unless
 * setting `assistant.autoApprove` lists them. The tools themselves are GraphQL operations
 * (packages/schema/src/assistant/tool-operations.ts); a schema test checks that this list is
 * exactly their non-read tools, so the setting's options cannot drift from them.
 */
export const ASSISTANT_APPROVABLE_TOOLS = [
  'create_workflow',
  'update_workflow',
  'delete_workflow',
  'execute_workflow',
  'cancel_workflow',
  'retry_workflow_step',
  'resume_workflow_step',
  'apply_suggestion',
  'set_settings',
  'delete_document',
  'create_schedule',
  'delete_schedule',
] as const;
