import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: false, async: false });

// Links open outside the dashboard and never leak the opener.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

/**
 * Renders agent output (untrusted markdown) to HTML that is safe for `{@html}`: marked parses,
 * DOMPurify removes scripts, event-handler attributes, `javascript:` URLs, iframes, forms and
 * styles. Images are dropped as well: an agent must not make the browser fetch arbitrary URLs.
 */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source ?? '') as string;
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'img', 'iframe', 'form', 'input', 'button', 'textarea', 'select', 'object', 'embed', 'svg', 'math'],
    FORBID_ATTR: ['style', 'srcset'],
  });
}
