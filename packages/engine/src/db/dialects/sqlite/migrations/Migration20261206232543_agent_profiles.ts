import { Migration } from '@mikro-orm/migrations';

export class Migration20261206232543_agent_profiles extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`agent_profiles\` (\`id\` text not null, \`created_at\` bigint not null, \`name\` text not null, \`name_key\` text not null, \`description\` text null, \`system_prompt\` text not null, \`tools\` json not null, \`max_turns\` integer null, \`runtime_id\` text null, \`model_id\` text null, \`updated_at\` bigint not null, primary key (\`id\`));`,
    );
    this.addSql(`create unique index \`agent_profiles_name_key_unique\` on \`agent_profiles\` (\`name_key\`);`);
  }
}
