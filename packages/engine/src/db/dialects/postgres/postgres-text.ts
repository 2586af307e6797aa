/**
 * Text as PostgreSQL stores it: without U+0000.
 *
 * PostgreSQL cannot store NUL in `text` ("invalid byte sequence for encoding UTF8: 0x00") nor in
 * `jsonb` (the `\u0000` escape is refused: "unsupported Unicode escape sequence"); SQLite stores
 * it. People cannot send NUL: the API refuses it in every text input (schema `input-checks.ts`).
 * What still carries NUL is what the engine receives from elsewhere: model output (its deltas,
 * evidence, tool input and results), provider error messages, files. A statement with one fails,
 * and with it the transaction of a running step, so one stray NUL from a model would fail the run.
 *
 * Decision: on PostgreSQL every U+0000 the engine writes becomes U+FFFD (the replacement
 * character), at the binding layer, so no caller has to remember it: each string parameter of
 * the raw executor and of MikroORM's connection, and the NUL escapes of each JSON value the engine
 * serialises for a `jsonb` column. The rest of the text is kept as is, and the replacement shows
 * where something was. SQLite keeps NUL intact. Nothing else is rewritten: a `\u0000` typed as
 * six characters in a text column stays six characters (only JSON the engine serialised is
 * treated as JSON).
 */
export const NUL_REPLACEMENT = '\uFFFD';

/** `text` with every U+0000 replaced by U+FFFD (the same string when it has none). */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', NUL_REPLACEMENT) : text;
}

/**
 * Serialised JSON (`JSON.stringify` output) with every `\u0000` escape replaced by `\ufffd`. An
 * escape is a backslash-u that follows an even number of backslashes; `\\u0000` is a backslash
 * followed by the text u0000 and stays.
 */
export function jsonWithoutNul(json: string): string {
  if (!json.includes('u0000')) return json;
  return json.replace(/(\\+)u0000/g, (match: string, backslashes: string) => (backslashes.length % 2 === 1 ? `${backslashes.slice(0, -1)}\\ufffd` : match));
}
