import { Migration } from '@mikro-orm/migrations';

export class Migration20261207023038_instances extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "instances" ("id" varchar(255) not null, "host" varchar(255) not null, "pid" int not null, "role" varchar(255) not null, "version" varchar(255) not null, "started_at" bigint not null, "heartbeat_at" bigint not null, "running_steps" int not null default 0, constraint "instances_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "instances_heartbeat_at_index" on "instances" ("heartbeat_at");`);

    this.addSql(`alter table "workflow_runs" add column "resume_count" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "instances" cascade;`);

    this.addSql(`alter table "workflow_runs" drop column "resume_count";`);
  }
}
