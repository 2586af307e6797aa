import { Migration } from '@mikro-orm/migrations';

export class Migration20261206232543_agent_profiles extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "agent_profiles" ("id" varchar(255) not null, "created_at" bigint not null, "name" varchar(255) not null, "name_key" varchar(255) not null, "description" text null, "system_prompt" text not null, "tools" jsonb not null, "max_turns" int null, "runtime_id" varchar(255) null, "model_id" varchar(255) null, "updated_at" bigint not null, constraint "agent_profiles_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "agent_profiles" add constraint "agent_profiles_name_key_unique" unique ("name_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "agent_profiles" cascade;`);
  }
}
