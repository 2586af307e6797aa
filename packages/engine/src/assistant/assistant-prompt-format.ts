/**
 * The layout of an assistant turn's prompt, shared by the prompt builder and by readers of a
 * prompt (the offline simulator's scripted assistant): the user's newest message is everything
 * after the last {@link NEW_MESSAGE_HEADING} line.
 */
export const NEW_MESSAGE_HEADING = "## The user's new message";

/** The user's newest message in an assistant turn's prompt (the whole prompt when it has no heading). */
export function newestUserMessage(prompt: string): string {
  const at = prompt.lastIndexOf(NEW_MESSAGE_HEADING);
  return (at < 0 ? prompt : prompt.slice(at + NEW_MESSAGE_HEADING.length)).trim();
}
