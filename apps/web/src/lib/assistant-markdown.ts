import { isDashboardPath } from './assistant-format';
import { renderMarkdown } from './markdown';

/**
 * The assistant's answer (untrusted markdown) as safe HTML: sanitized by {@link renderMarkdown},
 * whose links all open in a new tab; a link to a workflow or run of this dashboard (the
 * assistant links what it ran) then opens in place instead, so the panel stays open beside it.
 */
export function renderAssistantMarkdown(source: string): string {
  const html = renderMarkdown(source);
  if (!html.includes('<a')) return html;
  const template = document.createElement('template');
  template.innerHTML = html;
  for (const link of template.content.querySelectorAll('a[href]')) {
    if (!isDashboardPath(link.getAttribute('href'))) continue;
    link.removeAttribute('target');
    link.setAttribute('rel', 'nofollow');
  }
  return template.innerHTML;
}
