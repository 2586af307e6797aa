/**
 * Turns a natural-language schedule phrase into tokens: lower-cased, punctuation that only
 * separates list items removed, and clock times written with a space (`9 am`, `9:30 p.m.`,
 * `12 noon`) glued into one token (`9am`, `9:30pm`, `noon`).
 */
export function tokenize(phrase: string): string[] {
  const text = phrase
    .toLowerCase()
    .trim()
    .replace(/[.!]+$/, '')
    .replace(/\b([ap])\.m\.?/g, '$1m')
    .replace(/&/g, ' and ')
    .replace(/,/g, ' , ')
    .replace(/\s+/g, ' ');
  const raw = text.split(' ').filter(Boolean);
  const tokens: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const token = raw[i];
    const next = raw[i + 1];
    if (/^\d{1,2}(:\d{2})?$/.test(token) && (next === 'am' || next === 'pm')) {
      tokens.push(token + next);
      i++;
    } else if (token === '12' && (next === 'noon' || next === 'midnight')) {
      tokens.push(next);
      i++;
    } else if (token === '12noon' || token === '12midnight') {
      tokens.push(token.slice(2));
    } else if (token !== ',') {
      tokens.push(token);
    }
  }
  return tokens;
}
