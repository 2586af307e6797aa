import { Migration } from '@mikro-orm/migrations';

export class Migration20261206225413_tool_calls extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "mcp_tool_pins" ("id" varchar(255) not null, "fingerprint" varchar(255) not null, "pinned_at" bigint not null, constraint "mcp_tool_pins_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "step_journals" ("id" varchar(255) not null, "created_at" bigint not null, "step_run_id" varchar(255) not null, "turn" int not null, "conversation" jsonb not null, "output" text not null, "pending_calls" jsonb not null, constraint "step_journals_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "step_journals" add constraint "step_journals_step_run_id_turn_unique" unique ("step_run_id", "turn");`);

    this.addSql(
      `create table "tool_calls" ("id" varchar(255) not null, "created_at" bigint not null, "workflow_id" varchar(255) null, "run_id" varchar(255) null, "step_id" varchar(255) null, "step_run_id" varchar(255) null, "task_id" varchar(255) null, "conversation_id" varchar(255) null, "provider_call_id" varchar(255) not null, "turn" int not null, "tool_name" varchar(255) not null, "input" jsonb not null, "approval" varchar(255) not null, "status" varchar(255) not null, "output" text null, "error" text null, "comment" text null, "requested_at" bigint not null, "resolved_at" bigint null, "started_at" bigint null, "finished_at" bigint null, constraint "tool_calls_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "tool_calls_workflow_id_index" on "tool_calls" ("workflow_id");`);
    this.addSql(`create index "tool_calls_run_id_index" on "tool_calls" ("run_id");`);
    this.addSql(`create index "tool_calls_step_run_id_index" on "tool_calls" ("step_run_id");`);
    this.addSql(`create index "tool_calls_conversation_id_index" on "tool_calls" ("conversation_id");`);
    this.addSql(`create index "tool_calls_status_index" on "tool_calls" ("status");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "mcp_tool_pins" cascade;`);

    this.addSql(`drop table if exists "step_journals" cascade;`);

    this.addSql(`drop table if exists "tool_calls" cascade;`);
  }
}
