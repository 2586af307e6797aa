import { Migration } from '@mikro-orm/migrations';

export class Migration20261206225413_tool_calls extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`mcp_tool_pins\` (\`id\` text not null, \`fingerprint\` text not null, \`pinned_at\` bigint not null, primary key (\`id\`));`);

    this.addSql(
      `create table \`step_journals\` (\`id\` text not null, \`created_at\` bigint not null, \`step_run_id\` text not null, \`turn\` integer not null, \`conversation\` json not null, \`output\` text not null, \`pending_calls\` json not null, primary key (\`id\`));`,
    );
    this.addSql(`create unique index \`step_journals_step_run_id_turn_unique\` on \`step_journals\` (\`step_run_id\`, \`turn\`);`);

    this.addSql(
      `create table \`tool_calls\` (\`id\` text not null, \`created_at\` bigint not null, \`workflow_id\` text null, \`run_id\` text null, \`step_id\` text null, \`step_run_id\` text null, \`task_id\` text null, \`conversation_id\` text null, \`provider_call_id\` text not null, \`turn\` integer not null, \`tool_name\` text not null, \`input\` json not null, \`approval\` text not null, \`status\` text not null, \`output\` text null, \`error\` text null, \`comment\` text null, \`requested_at\` bigint not null, \`resolved_at\` bigint null, \`started_at\` bigint null, \`finished_at\` bigint null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`tool_calls_workflow_id_index\` on \`tool_calls\` (\`workflow_id\`);`);
    this.addSql(`create index \`tool_calls_run_id_index\` on \`tool_calls\` (\`run_id\`);`);
    this.addSql(`create index \`tool_calls_step_run_id_index\` on \`tool_calls\` (\`step_run_id\`);`);
    this.addSql(`create index \`tool_calls_conversation_id_index\` on \`tool_calls\` (\`conversation_id\`);`);
    this.addSql(`create index \`tool_calls_status_index\` on \`tool_calls\` (\`status\`);`);
  }
}
