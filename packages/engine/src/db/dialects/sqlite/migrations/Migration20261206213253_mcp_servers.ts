import { Migration } from '@mikro-orm/migrations';

export class Migration20261206213253_mcp_servers extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`mcp_servers\` (\`id\` text not null, \`created_at\` bigint not null, \`name\` text not null, \`transport\` text not null, \`command\` text null, \`args\` json not null, \`url\` text null, \`secrets\` text null, \`secret_keys\` json not null, \`enabled\` integer not null default true, \`updated_at\` bigint not null, primary key (\`id\`));`,
    );
    this.addSql(`create unique index \`mcp_servers_name_unique\` on \`mcp_servers\` (\`name\`);`);
  }
}
