/**
 * The one rule for names people give things (workflows, steps, schedules, documents): a name
 * must show something. `trim()` only removes whitespace, so a name of zero-width spaces, joiners,
 * word joiners or byte-order marks would pass and then display as nothing.
 */

/**
 * Whitespace (Unicode `White_Space`) and the characters Unicode says render as nothing
 * (`Default_Ignorable_Code_Point`: U+200B-U+200F, U+2060-U+206F, U+FEFF, soft hyphen, variation
 * selectors, Hangul fillers, tags...).
 */
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}]*$/u;

/** Whether a name would display as nothing: empty, or only whitespace and invisible characters. */
export function isBlankName(name: string): boolean {
  return INVISIBLE_ONLY.test(name);
}

/** What to tell someone whose name is blank; `what` is the thing named ("workflow", "step"...). */
export function blankNameMessage(what: string): string {
  return `Give the ${what} a name; whitespace and zero-width characters alone do not count.`;
}
