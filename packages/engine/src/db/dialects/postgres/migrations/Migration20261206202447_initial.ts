import { Migration } from '@mikro-orm/migrations';

export class Migration20261206202447_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "documents" ("id" varchar(255) not null, "created_at" bigint not null, "project_id" varchar(255) null, "name" varchar(255) not null, "mime_type" varchar(255) not null, "content" text not null, "size_bytes" int not null, constraint "documents_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "documents_project_id_index" on "documents" ("project_id");`);

    this.addSql(
      `create table "projects" ("id" varchar(255) not null, "created_at" bigint not null, "name" varchar(255) not null, "description" text null, constraint "projects_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "schedule_firings" ("id" varchar(255) not null, "created_at" bigint not null, "schedule_id" varchar(255) not null, "due_at" bigint not null, "fired_at" bigint not null, "finished_at" bigint null, "status" varchar(255) not null, "task_id" varchar(255) null, "run_id" varchar(255) null, "turns" int null, "failure_category" varchar(255) null, "error" text null, "catch_up" boolean not null default false, constraint "schedule_firings_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "schedule_firings_schedule_id_index" on "schedule_firings" ("schedule_id");`);
    this.addSql(`alter table "schedule_firings" add constraint "schedule_firings_schedule_id_due_at_unique" unique ("schedule_id", "due_at");`);

    this.addSql(
      `create table "schedules" ("id" varchar(255) not null, "created_at" bigint not null, "name" varchar(255) not null, "prompt" text not null, "workflow_id" varchar(255) null, "expression" text not null, "cron" varchar(255) not null, "timezone" varchar(255) not null, "active" boolean not null default true, "runtime_id" varchar(255) null, "budget_usd" double precision null, "next_fire_at" bigint null, "last_fired_at" bigint null, "failure_streak" int not null default 0, "failure_streak_category" varchar(255) null, "last_failure_reason" text null, "paused_reason" text null, "avg_turns_per_firing" double precision null, "last_turn_count" int null, "firing_count" int not null default 0, "missed_firings" int not null default 0, "warnings" jsonb not null, "claimed_by" varchar(255) null, "claimed_until" bigint null, "version" int not null default 0, "updated_at" bigint not null, constraint "schedules_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "schedules_workflow_id_index" on "schedules" ("workflow_id");`);
    this.addSql(`create index "schedules_next_fire_at_index" on "schedules" ("next_fire_at");`);

    this.addSql(
      `create table "settings" ("key" varchar(255) not null, "value" text not null, "encrypted" boolean not null default false, "updated_at" bigint not null, constraint "settings_pkey" primary key ("key"));`,
    );

    this.addSql(
      `create table "step_runs" ("id" varchar(255) not null, "created_at" bigint not null, "run_id" varchar(255) not null, "workflow_id" varchar(255) not null, "step_id" varchar(255) not null, "step_index" int not null, "iteration" int not null default 0, "attempt" int not null default 1, "name" varchar(255) not null, "status" varchar(255) not null, "task_id" varchar(255) null, "output" text null, "error" text null, "failure_category" varchar(255) null, "evidence" jsonb null, "runtime_id" varchar(255) null, "model_id" varchar(255) null, "started_at" bigint null, "finished_at" bigint null, "duration_ms" int null, "estimated_duration_ms" int null, "input_tokens" int not null default 0, "output_tokens" int not null default 0, "cache_read_tokens" int not null default 0, "cache_write_tokens" int not null default 0, "cost_micros" bigint not null default 0, "budget_usd" double precision not null, "turns" int not null default 0, "current_tool" varchar(255) null, "tokens_per_second" double precision null, "resume_at" bigint null, "approved_at" bigint null, "approval_comment" text null, "document_count" int not null default 0, "pricing_known" boolean not null default true, "updated_at" bigint not null, constraint "step_runs_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "step_runs_run_id_index" on "step_runs" ("run_id");`);
    this.addSql(`create index "step_runs_workflow_id_index" on "step_runs" ("workflow_id");`);
    this.addSql(
      `alter table "step_runs" add constraint "step_runs_run_id_step_id_iteration_attempt_unique" unique ("run_id", "step_id", "iteration", "attempt");`,
    );

    this.addSql(
      `create table "tasks" ("id" varchar(255) not null, "created_at" bigint not null, "kind" varchar(255) not null, "workflow_id" varchar(255) null, "run_id" varchar(255) null, "step_run_id" varchar(255) null, "schedule_id" varchar(255) null, "status" varchar(255) not null, "runtime_id" varchar(255) not null, "model_id" varchar(255) not null, "prompt" text not null, "output" text null, "error" text null, "failure_category" varchar(255) null, "budget_usd" double precision not null, "input_tokens" int not null default 0, "output_tokens" int not null default 0, "cache_read_tokens" int not null default 0, "cache_write_tokens" int not null default 0, "cost_micros" bigint not null default 0, "turns" int not null default 0, "started_at" bigint null, "finished_at" bigint null, constraint "tasks_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "tasks_workflow_id_index" on "tasks" ("workflow_id");`);
    this.addSql(`create index "tasks_run_id_index" on "tasks" ("run_id");`);
    this.addSql(`create index "tasks_schedule_id_index" on "tasks" ("schedule_id");`);
    this.addSql(`create index "tasks_status_index" on "tasks" ("status");`);

    this.addSql(
      `create table "usage_ledger" ("id" varchar(255) not null, "created_at" bigint not null, "task_id" varchar(255) not null, "workflow_id" varchar(255) null, "run_id" varchar(255) null, "step_id" varchar(255) null, "runtime_id" varchar(255) not null, "model_id" varchar(255) not null, "input_tokens" int not null default 0, "output_tokens" int not null default 0, "cache_read_tokens" int not null default 0, "cache_write_tokens" int not null default 0, "cost_micros" bigint not null default 0, "status" varchar(255) not null, constraint "usage_ledger_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "usage_ledger_task_id_index" on "usage_ledger" ("task_id");`);
    this.addSql(`create index "usage_ledger_workflow_id_index" on "usage_ledger" ("workflow_id");`);
    this.addSql(`create index "usage_ledger_created_at_index" on "usage_ledger" ("created_at");`);

    this.addSql(
      `create table "workflows" ("id" varchar(255) not null, "created_at" bigint not null, "project_id" varchar(255) null, "name" varchar(255) not null, "description" text null, "pattern" varchar(255) not null, "status" varchar(255) not null, "definition" jsonb not null, "runtime_id" varchar(255) null, "budget_usd" double precision null, "run_number" int not null default 0, "version" int not null default 0, "event_seq" int not null default 0, "latest_run_id" varchar(255) null, "updated_at" bigint not null, constraint "workflows_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "workflows_project_id_index" on "workflows" ("project_id");`);
    this.addSql(`create index "workflows_status_index" on "workflows" ("status");`);

    this.addSql(
      `create table "workflow_document_inputs" ("id" varchar(255) not null, "created_at" bigint not null, "workflow_id" varchar(255) not null, "document_id" varchar(255) not null, "step_id" varchar(255) null, "position" int not null default 0, constraint "workflow_document_inputs_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "workflow_document_inputs_workflow_id_index" on "workflow_document_inputs" ("workflow_id");`);
    this.addSql(`create index "workflow_document_inputs_document_id_index" on "workflow_document_inputs" ("document_id");`);

    this.addSql(
      `create table "workflow_events" ("id" varchar(255) not null, "workflow_id" varchar(255) not null, "seq" int not null, "run_id" varchar(255) not null, "step_id" varchar(255) null, "task_id" varchar(255) null, "kind" varchar(255) not null, "at" bigint not null, "payload" jsonb not null, constraint "workflow_events_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "workflow_events_run_id_index" on "workflow_events" ("run_id");`);
    this.addSql(`create index "workflow_events_task_id_index" on "workflow_events" ("task_id");`);
    this.addSql(`alter table "workflow_events" add constraint "workflow_events_workflow_id_seq_unique" unique ("workflow_id", "seq");`);

    this.addSql(
      `create table "workflow_execution_stats" ("id" varchar(255) not null, "created_at" bigint not null, "pattern" varchar(255) not null, "step_count" int not null, "sample_count" int not null default 0, "success_count" int not null default 0, "mean_cost_per_step_usd" double precision null, "mean_duration_per_step_ms" double precision null, "mean_docs_per_step" double precision null, "failure_counts" jsonb not null, "runtime_runs" jsonb not null, "updated_at" bigint not null, constraint "workflow_execution_stats_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "workflow_execution_stats" add constraint "workflow_execution_stats_pattern_step_count_unique" unique ("pattern", "step_count");`);

    this.addSql(
      `create table "workflow_runs" ("id" varchar(255) not null, "created_at" bigint not null, "workflow_id" varchar(255) not null, "run_number" int not null, "status" varchar(255) not null, "definition" jsonb not null, "started_at" bigint not null, "finished_at" bigint null, "cost_estimate" jsonb null, "input_tokens" int not null default 0, "output_tokens" int not null default 0, "cost_micros" bigint not null default 0, "failure_category" varchar(255) null, "error" text null, "owner_id" varchar(255) null, "heartbeat_at" bigint null, "lease_expires_at" bigint null, "resume_at" bigint null, "pricing_known" boolean not null default true, "updated_at" bigint not null, constraint "workflow_runs_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "workflow_runs_workflow_id_index" on "workflow_runs" ("workflow_id");`);
    this.addSql(`create index "workflow_runs_status_index" on "workflow_runs" ("status");`);
    this.addSql(`create index "workflow_runs_lease_expires_at_index" on "workflow_runs" ("lease_expires_at");`);
    this.addSql(`create index "workflow_runs_resume_at_index" on "workflow_runs" ("resume_at");`);
    this.addSql(`alter table "workflow_runs" add constraint "workflow_runs_workflow_id_run_number_unique" unique ("workflow_id", "run_number");`);
  }
}
