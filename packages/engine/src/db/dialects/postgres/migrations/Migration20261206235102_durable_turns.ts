import { Migration } from '@mikro-orm/migrations';

export class Migration20261206235102_durable_turns extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "step_runs" add column "turns_reused" int not null default 0, add column "reused_micros" bigint not null default 0, add column "resumed_from_id" varchar(255) null;`,
    );

    this.addSql(`alter table "workflow_runs" add column "reused_micros" bigint not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "step_runs" drop column "turns_reused", drop column "reused_micros", drop column "resumed_from_id";`);

    this.addSql(`alter table "workflow_runs" drop column "reused_micros";`);
  }
}
