/**
 * How error messages quote what a user typed: whole when short, else a short prefix, so that a
 * 2 MB input never comes back in an error (in a GraphQL response, a log line or the web UI).
 */

/** Characters of a user's input that an error message quotes at most (then "…"). */
export const EXCERPT_LENGTH = 40;

/** `text` if it has at most {@link EXCERPT_LENGTH} characters, else its first 40 and "…" (never half a surrogate pair). */
export function excerpt(text: string): string {
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[EXCERPT_LENGTH - 1]) ? EXCERPT_LENGTH - 1 : EXCERPT_LENGTH;
  return `${text.slice(0, cut)}…`;
}

/** The {@link excerpt} in double quotes, as messages quote input: `"every wekday"`. */
export function quote(text: string): string {
  return `"${excerpt(text)}"`;
}
