import { Migration } from '@mikro-orm/migrations';

export class Migration20261206235102_durable_turns extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`step_runs\` add column \`turns_reused\` integer not null default 0;`);
    this.addSql(`alter table \`step_runs\` add column \`reused_micros\` bigint not null default 0;`);
    this.addSql(`alter table \`step_runs\` add column \`resumed_from_id\` text null;`);

    this.addSql(`alter table \`workflow_runs\` add column \`reused_micros\` bigint not null default 0;`);
  }
}
