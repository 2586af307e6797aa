import { encode } from 'gpt-tokenizer';

/**
 * Characters per token for models without a public tokenizer. Anthropic does not publish one;
 * 3.5 chars/token is the ratio its documentation gives for English prose. Llama-family models
 * served by Ollama and the simulator use 4.
 */
const CHARS_PER_TOKEN: { prefix: string; ratio: number }[] = [
  { prefix: 'claude', ratio: 3.5 },
  { prefix: 'simulated', ratio: 4 },
];
const DEFAULT_CHARS_PER_TOKEN = 4;

/** OpenAI models use o200k_base, which gpt-tokenizer implements exactly. */
function hasExactTokenizer(model: string): boolean {
  return /^(gpt-|o\d|chatgpt-)/.test(model);
}

/** Token count of `text` for `model`: exact where a tokenizer exists, a stated ratio otherwise. */
export function countTokens(text: string, model: string): { tokens: number; exact: boolean } {
  if (!text) return { tokens: 0, exact: hasExactTokenizer(model) };
  if (hasExactTokenizer(model)) return { tokens: encode(text).length, exact: true };
  const ratio = CHARS_PER_TOKEN.find((r) => model.startsWith(r.prefix))?.ratio ?? DEFAULT_CHARS_PER_TOKEN;
  return { tokens: Math.ceil(text.length / ratio), exact: false };
}
