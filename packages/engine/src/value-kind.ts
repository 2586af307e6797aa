/**
 * What kind of value a caller sent, for type errors ("must be a number; got a string"). It
 * names the kind, never the value, so a message does not echo the input back.
 */
export function valueKind(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      if (Number.isNaN(value)) return 'NaN (not a number)';
      return Number.isFinite(value) ? 'a number' : 'a number too large to represent';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
