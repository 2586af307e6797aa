import { Migration } from '@mikro-orm/migrations';

export class Migration20261126020030_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`documents\` (\`id\` text not null, \`created_at\` bigint not null, \`project_id\` text null, \`name\` text not null, \`mime_type\` text not null, \`content\` text not null, \`size_bytes\` integer not null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`documents_project_id_index\` on \`documents\` (\`project_id\`);`);

    this.addSql(
      `create table \`projects\` (\`id\` text not null, \`created_at\` bigint not null, \`name\` text not null, \`description\` text null, primary key (\`id\`));`,
    );

    this.addSql(
      `create table \`schedule_firings\` (\`id\` text not null, \`created_at\` bigint not null, \`schedule_id\` text not null, \`due_at\` bigint not null, \`fired_at\` bigint not null, \`finished_at\` bigint null, \`status\` text not null, \`task_id\` text null, \`run_id\` text null, \`turns\` integer null, \`failure_category\` text null, \`error\` text null, \`catch_up\` integer not null default false, primary key (\`id\`));`,
    );
    this.addSql(`create index \`schedule_firings_schedule_id_index\` on \`schedule_firings\` (\`schedule_id\`);`);
    this.addSql(`create unique index \`schedule_firings_schedule_id_due_at_unique\` on \`schedule_firings\` (\`schedule_id\`, \`due_at\`);`);

    this.addSql(
      `create table \`schedules\` (\`id\` text not null, \`created_at\` bigint not null, \`name\` text not null, \`prompt\` text not null, \`workflow_id\` text null, \`expression\` text not null, \`cron\` text not null, \`timezone\` text not null, \`active\` integer not null default true, \`runtime_id\` text null, \`budget_usd\` double null, \`next_fire_at\` bigint null, \`last_fired_at\` bigint null, \`failure_streak\` integer not null default 0, \`failure_streak_category\` text null, \`last_failure_reason\` text null, \`paused_reason\` text null, \`avg_turns_per_firing\` double null, \`last_turn_count\` integer null, \`firing_count\` integer not null default 0, \`missed_firings\` integer not null default 0, \`warnings\` json not null, \`claimed_by\` text null, \`claimed_until\` bigint null, \`version\` integer not null default 0, \`updated_at\` bigint not null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`schedules_workflow_id_index\` on \`schedules\` (\`workflow_id\`);`);
    this.addSql(`create index \`schedules_next_fire_at_index\` on \`schedules\` (\`next_fire_at\`);`);

    this.addSql(
      `create table \`settings\` (\`key\` text not null, \`value\` text not null, \`encrypted\` integer not null default false, \`updated_at\` bigint not null, primary key (\`key\`));`,
    );

    this.addSql(
      `create table \`step_runs\` (\`id\` text not null, \`created_at\` bigint not null, \`run_id\` text not null, \`workflow_id\` text not null, \`step_id\` text not null, \`step_index\` integer not null, \`iteration\` integer not null default 0, \`attempt\` integer not null default 1, \`name\` text not null, \`status\` text not null, \`task_id\` text null, \`output\` text null, \`error\` text null, \`failure_category\` text null, \`evidence\` json null, \`runtime_id\` text null, \`model_id\` text null, \`started_at\` bigint null, \`finished_at\` bigint null, \`duration_ms\` integer null, \`estimated_duration_ms\` integer null, \`input_tokens\` integer not null default 0, \`output_tokens\` integer not null default 0, \`cache_read_tokens\` integer not null default 0, \`cache_write_tokens\` integer not null default 0, \`cost_micros\` bigint not null default 0, \`budget_usd\` double not null, \`turns\` integer not null default 0, \`current_tool\` text null, \`tokens_per_second\` double null, \`resume_at\` bigint null, \`approved_at\` bigint null, \`approval_comment\` text null, \`document_count\` integer not null default 0, \`pricing_known\` integer not null default true, \`updated_at\` bigint not null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`step_runs_run_id_index\` on \`step_runs\` (\`run_id\`);`);
    this.addSql(`create index \`step_runs_workflow_id_index\` on \`step_runs\` (\`workflow_id\`);`);
    this.addSql(
      `create unique index \`step_runs_run_id_step_id_iteration_attempt_unique\` on \`step_runs\` (\`run_id\`, \`step_id\`, \`iteration\`, \`attempt\`);`,
    );

    this.addSql(
      `create table \`tasks\` (\`id\` text not null, \`created_at\` bigint not null, \`kind\` text not null, \`workflow_id\` text null, \`run_id\` text null, \`step_run_id\` text null, \`schedule_id\` text null, \`status\` text not null, \`runtime_id\` text not null, \`model_id\` text not null, \`prompt\` text not null, \`output\` text null, \`error\` text null, \`failure_category\` text null, \`budget_usd\` double not null, \`input_tokens\` integer not null default 0, \`output_tokens\` integer not null default 0, \`cache_read_tokens\` integer not null default 0, \`cache_write_tokens\` integer not null default 0, \`cost_micros\` bigint not null default 0, \`turns\` integer not null default 0, \`started_at\` bigint null, \`finished_at\` bigint null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`tasks_workflow_id_index\` on \`tasks\` (\`workflow_id\`);`);
    this.addSql(`create index \`tasks_run_id_index\` on \`tasks\` (\`run_id\`);`);
    this.addSql(`create index \`tasks_schedule_id_index\` on \`tasks\` (\`schedule_id\`);`);
    this.addSql(`create index \`tasks_status_index\` on \`tasks\` (\`status\`);`);

    this.addSql(
      `create table \`usage_ledger\` (\`id\` text not null, \`created_at\` bigint not null, \`task_id\` text not null, \`workflow_id\` text null, \`run_id\` text null, \`step_id\` text null, \`runtime_id\` text not null, \`model_id\` text not null, \`input_tokens\` integer not null default 0, \`output_tokens\` integer not null default 0, \`cache_read_tokens\` integer not null default 0, \`cache_write_tokens\` integer not null default 0, \`cost_micros\` bigint not null default 0, \`status\` text not null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`usage_ledger_task_id_index\` on \`usage_ledger\` (\`task_id\`);`);
    this.addSql(`create index \`usage_ledger_workflow_id_index\` on \`usage_ledger\` (\`workflow_id\`);`);
    this.addSql(`create index \`usage_ledger_created_at_index\` on \`usage_ledger\` (\`created_at\`);`);

    this.addSql(
      `create table \`workflows\` (\`id\` text not null, \`created_at\` bigint not null, \`project_id\` text null, \`name\` text not null, \`description\` text null, \`pattern\` text not null, \`status\` text not null, \`definition\` json not null, \`runtime_id\` text null, \`budget_usd\` double null, \`run_number\` integer not null default 0, \`version\` integer not null default 0, \`event_seq\` integer not null default 0, \`latest_run_id\` text null, \`updated_at\` bigint not null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`workflows_project_id_index\` on \`workflows\` (\`project_id\`);`);
    this.addSql(`create index \`workflows_status_index\` on \`workflows\` (\`status\`);`);

    this.addSql(
      `create table \`workflow_document_inputs\` (\`id\` text not null, \`created_at\` bigint not null, \`workflow_id\` text not null, \`document_id\` text not null, \`step_id\` text null, \`position\` integer not null default 0, primary key (\`id\`));`,
    );
    this.addSql(`create index \`workflow_document_inputs_workflow_id_index\` on \`workflow_document_inputs\` (\`workflow_id\`);`);
    this.addSql(`create index \`workflow_document_inputs_document_id_index\` on \`workflow_document_inputs\` (\`document_id\`);`);

    this.addSql(
      `create table \`workflow_events\` (\`id\` text not null, \`workflow_id\` text not null, \`seq\` integer not null, \`run_id\` text not null, \`step_id\` text null, \`task_id\` text null, \`kind\` text not null, \`at\` bigint not null, \`payload\` json not null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`workflow_events_run_id_index\` on \`workflow_events\` (\`run_id\`);`);
    this.addSql(`create index \`workflow_events_task_id_index\` on \`workflow_events\` (\`task_id\`);`);
    this.addSql(`create unique index \`workflow_events_workflow_id_seq_unique\` on \`workflow_events\` (\`workflow_id\`, \`seq\`);`);

    this.addSql(
      `create table \`workflow_execution_stats\` (\`id\` text not null, \`created_at\` bigint not null, \`pattern\` text not null, \`step_count\` integer not null, \`sample_count\` integer not null default 0, \`success_count\` integer not null default 0, \`mean_cost_per_step_usd\` double null, \`mean_duration_per_step_ms\` double null, \`mean_docs_per_step\` double null, \`failure_counts\` json not null, \`runtime_runs\` json not null, \`updated_at\` bigint not null, primary key (\`id\`));`,
    );
    this.addSql(`create unique index \`workflow_execution_stats_pattern_step_count_unique\` on \`workflow_execution_stats\` (\`pattern\`, \`step_count\`);`);

    this.addSql(
      `create table \`workflow_runs\` (\`id\` text not null, \`created_at\` bigint not null, \`workflow_id\` text not null, \`run_number\` integer not null, \`status\` text not null, \`definition\` json not null, \`started_at\` bigint not null, \`finished_at\` bigint null, \`cost_estimate\` json null, \`input_tokens\` integer not null default 0, \`output_tokens\` integer not null default 0, \`cost_micros\` bigint not null default 0, \`failure_category\` text null, \`error\` text null, \`owner_id\` text null, \`heartbeat_at\` bigint null, \`lease_expires_at\` bigint null, \`resume_at\` bigint null, \`pricing_known\` integer not null default true, \`updated_at\` bigint not null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`workflow_runs_workflow_id_index\` on \`workflow_runs\` (\`workflow_id\`);`);
    this.addSql(`create index \`workflow_runs_status_index\` on \`workflow_runs\` (\`status\`);`);
    this.addSql(`create index \`workflow_runs_lease_expires_at_index\` on \`workflow_runs\` (\`lease_expires_at\`);`);
    this.addSql(`create index \`workflow_runs_resume_at_index\` on \`workflow_runs\` (\`resume_at\`);`);
    this.addSql(`create unique index \`workflow_runs_workflow_id_run_number_unique\` on \`workflow_runs\` (\`workflow_id\`, \`run_number\`);`);
  }
}
