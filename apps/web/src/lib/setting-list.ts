/**
 * A `list` setting (e.g. `assistant.autoApprove`): its value is a JSON array of strings, its
 * `options` the items it may hold. The settings form keeps every draft as text, so a list travels
 * as its JSON text: these read it and change one item in it.
 */

/** The items of a list draft; anything that is not a JSON array of strings reads as none. */
export function listItems(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text || '[]');
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The draft with `item` checked or unchecked. Items keep their order and a new one goes last, so
 * checking and unchecking again gives back the same text (the form then sees no change).
 */
export function toggleListItem(text: string, item: string, checked: boolean): string {
  const items = listItems(text);
  if (checked) return JSON.stringify(items.includes(item) ? items : [...items, item]);
  return JSON.stringify(items.filter((i) => i !== item));
}

/** Whether two list drafts hold the same items in the same order (an unset list reads as empty). */
export function sameList(a: string, b: string): boolean {
  return JSON.stringify(listItems(a)) === JSON.stringify(listItems(b));
}

/** The value sent for a list draft: the array of its items. */
export function parseListDraft(text: string): string[] {
  return listItems(text);
}
