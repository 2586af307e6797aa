import { Migration } from '@mikro-orm/migrations';

export class Migration20261207023038_instances extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`instances\` (\`id\` text not null, \`host\` text not null, \`pid\` integer not null, \`role\` text not null, \`version\` text not null, \`started_at\` bigint not null, \`heartbeat_at\` bigint not null, \`running_steps\` integer not null default 0, primary key (\`id\`));`,
    );
    this.addSql(`create index \`instances_heartbeat_at_index\` on \`instances\` (\`heartbeat_at\`);`);

    this.addSql(`alter table \`workflow_runs\` add column \`resume_count\` integer not null default 0;`);
  }
}
