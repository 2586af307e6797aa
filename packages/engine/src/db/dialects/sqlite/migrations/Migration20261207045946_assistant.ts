import { Migration } from '@mikro-orm/migrations';

export class Migration20261207045946_assistant extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`assistant_conversations\` (\`id\` text not null, \`created_at\` bigint not null, \`updated_at\` bigint not null, \`title\` text not null, \`runtime_id\` text not null, \`model_id\` text null, \`cost_micros\` bigint not null default 0, \`event_seq\` integer not null default 0, primary key (\`id\`));`,
    );
    this.addSql(`create index \`assistant_conversations_updated_at_index\` on \`assistant_conversations\` (\`updated_at\`);`);

    this.addSql(
      `create table \`assistant_events\` (\`id\` text not null, \`conversation_id\` text not null, \`seq\` integer not null, \`at\` bigint not null, \`kind\` text not null, \`message_id\` text not null, \`text_delta\` text null, \`tool_call\` json null, \`message\` text null, primary key (\`id\`));`,
    );
    this.addSql(`create unique index \`assistant_events_conversation_id_seq_unique\` on \`assistant_events\` (\`conversation_id\`, \`seq\`);`);

    this.addSql(
      `create table \`assistant_messages\` (\`id\` text not null, \`created_at\` bigint not null, \`conversation_id\` text not null, \`role\` text not null, \`content\` text not null, \`status\` text not null, \`error\` text null, \`failure_category\` text null, \`task_id\` text null, \`runtime_id\` text null, \`model_id\` text null, \`turns\` integer not null default 0, \`input_tokens\` integer null, \`output_tokens\` integer null, \`cost_micros\` bigint null, \`checkpoint\` json null, \`updated_at\` bigint not null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`assistant_messages_conversation_id_index\` on \`assistant_messages\` (\`conversation_id\`);`);
  }
}
