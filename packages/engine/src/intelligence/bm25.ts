/**
 * Okapi BM25 lexical relevance, used to decide which documents a step prompt refers to.
 * Self-contained: a tokenizer with an English stop-word list and light plural folding, and an
 * index over a small corpus (the documents bound to one workflow).
 */

/** Words too common to say what a prompt or document is about. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me more most my no not of on or our out over please so some such than that the their them then there these ' +
    'they this those to too up us use using very was we were what when where which while who why will with would ' +
    'you your all any each every also just only own same should via per about after before between both during ' +
    'make write give take step steps output result results'
  ).split(' '),
);

/**
 * Words a prompt uses to point at its inputs in general ("summarise the attached files") and
 * file extensions every document name carries: they say nothing about which document is meant.
 */
const REFERENCE_WORDS = new Set(
  'document documents doc docs file files attached attachment attachments provided following above below context information content text md txt pdf csv json html'.split(
    ' ',
  ),
);

/** Folds simple English plurals (`policies` → `policy`, `sheets` → `sheet`), leaving `-ss` words alone. */
function fold(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** Lower-cased terms of a text: letters and digits runs of 2+ characters, stop and reference words removed, plurals folded. */
export function tokenize(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
  return words.filter((w) => !STOP_WORDS.has(w) && !REFERENCE_WORDS.has(w)).map(fold);
}

/** BM25 parameters: term-frequency saturation `k1` and length normalisation `b` (the usual 1.2 / 0.75). */
export interface Bm25Options {
  k1?: number;
  b?: number;
}

/** A scored corpus: {@link Bm25Index.score} ranks every document against a query. */
export interface Bm25Index {
  /** BM25 score of each document id for the query (0 when no query term occurs in it). */
  score(query: string): Map<string, number>;
}

/**
 * Indexes documents for BM25. IDF is `ln(1 + (N − n + 0.5) / (n + 0.5))`, which stays positive
 * even for terms in every document, so a small corpus never produces negative scores.
 */
export function createBm25Index(docs: readonly { id: string; text: string }[], options: Bm25Options = {}): Bm25Index {
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const termFreqs = docs.map((d) => countTerms(tokenize(d.text)));
  const lengths = termFreqs.map((tf) => [...tf.values()].reduce((a, v) => a + v, 0));
  const avgLength = lengths.reduce((a, v) => a + v, 0) / Math.max(1, docs.length) || 1;
  const docFreq = new Map<string, number>();
  for (const tf of termFreqs) for (const term of tf.keys()) docFreq.set(term, (docFreq.get(term) ?? 0) + 1);
  const n = docs.length;
  const idf = (term: string) => {
    const df = docFreq.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };
  return {
    score(query: string): Map<string, number> {
      const terms = [...new Set(tokenize(query))];
      const scores = new Map<string, number>();
      docs.forEach((doc, i) => {
        let total = 0;
        for (const term of terms) {
          const f = termFreqs[i]!.get(term) ?? 0;
          if (f === 0) continue;
          total += idf(term) * ((f * (k1 + 1)) / (f + k1 * (1 - b + (b * lengths[i]!) / avgLength)));
        }
        scores.set(doc.id, total);
      });
      return scores;
    },
  };
}

function countTerms(terms: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}
