import { Migration } from '@mikro-orm/migrations';

export class Migration20261206213253_mcp_servers extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "mcp_servers" ("id" varchar(255) not null, "created_at" bigint not null, "name" varchar(255) not null, "transport" varchar(255) not null, "command" text null, "args" jsonb not null, "url" text null, "secrets" text null, "secret_keys" jsonb not null, "enabled" boolean not null default true, "updated_at" bigint not null, constraint "mcp_servers_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "mcp_servers" add constraint "mcp_servers_name_unique" unique ("name");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "mcp_servers" cascade;`);
  }
}
