/**
 * `@stagent/schema`: the Pothos GraphQL schema over the engine facade. The server builds a
 * context per operation with {@link createContext} and serves {@link schema}.
 */
export { schema } from './schema/index.js';
export type { Context } from './builder.js';
export { createContext, createLoaders, type Loaders } from './loaders.js';
export { printSchemaFile } from './print.js';
export { checkOperationInputs, type OperationInputs } from './input-checks.js';
export { TEXT_LIMITS, PAGE_SIZES, type TextKind } from './input-limits.js';
