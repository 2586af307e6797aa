import { builder } from '../builder.js';
import './common.js';
import './document.js';
import './tools.js';
import './workflow.js';
import './cost.js';
import './run.js';
import './events.js';
import './intelligence.js';
import './runtime.js';
import './settings.js';
import './schedule.js';
import './mcp.js';
import './profiles.js';
import './instances.js';
import './assistant.js';

/** The served schema, built once from every domain module. */
export const schema = builder.toSchema({ sortSchema: true });
