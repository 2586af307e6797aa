/** Writes `packages/schema/schema.graphql` from the built schema (run after any schema change). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaFile, schema } from '../src/index.js';

const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
writeFileSync(target, printSchemaFile(schema));
console.log(`wrote ${target}`);
