import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';
import type { ToolGrant } from '../../tools/tool-grants.js';

/**
 * A user's agent profile: a named preset (system prompt, tool grants, turn limit, runtime and
 * model) that workflow steps name with `profileId`. The built-in profiles are code constants
 * (`profiles/built-in-profiles.ts`), never rows.
 */
export const AgentProfileSchema = defineEntity({
  name: 'AgentProfileRow',
  tableName: 'agent_profiles',
  properties: {
    ...baseProperties,
    /** As written (trimmed), 1-80 characters. */
    name: p.string(),
    /** The name in lower case: names are unique without regard to case ("Researcher" and "researcher" are one name). */
    nameKey: p.string().unique(),
    description: p.text().nullable(),
    /** Added to the system prompt of every step that uses the profile; may be empty. */
    systemPrompt: p.text(),
    tools: p.json<ToolGrant[]>(),
    maxTurns: p.integer().nullable(),
    runtimeId: p.string().nullable(),
    modelId: p.string().nullable(),
    updatedAt: p.bigint('number'),
  },
});
export type AgentProfileRow = InferEntity<typeof AgentProfileSchema>;
