import { Migration } from '@mikro-orm/migrations';

export class Migration20261207045946_assistant extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "assistant_conversations" ("id" varchar(255) not null, "created_at" bigint not null, "updated_at" bigint not null, "title" varchar(255) not null, "runtime_id" varchar(255) not null, "model_id" varchar(255) null, "cost_micros" bigint not null default 0, "event_seq" int not null default 0, constraint "assistant_conversations_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "assistant_conversations_updated_at_index" on "assistant_conversations" ("updated_at");`);

    this.addSql(
      `create table "assistant_events" ("id" varchar(255) not null, "conversation_id" varchar(255) not null, "seq" int not null, "at" bigint not null, "kind" varchar(255) not null, "message_id" varchar(255) not null, "text_delta" text null, "tool_call" jsonb null, "message" text null, constraint "assistant_events_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "assistant_events" add constraint "assistant_events_conversation_id_seq_unique" unique ("conversation_id", "seq");`);

    this.addSql(
      `create table "assistant_messages" ("id" varchar(255) not null, "created_at" bigint not null, "conversation_id" varchar(255) not null, "role" varchar(255) not null, "content" text not null, "status" varchar(255) not null, "error" text null, "failure_category" varchar(255) null, "task_id" varchar(255) null, "runtime_id" varchar(255) null, "model_id" varchar(255) null, "turns" int not null default 0, "input_tokens" int null, "output_tokens" int null, "cost_micros" bigint null, "checkpoint" jsonb null, "updated_at" bigint not null, constraint "assistant_messages_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "assistant_messages_conversation_id_index" on "assistant_messages" ("conversation_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "assistant_conversations" cascade;`);

    this.addSql(`drop table if exists "assistant_events" cascade;`);

    this.addSql(`drop table if exists "assistant_messages" cascade;`);
  }
}
