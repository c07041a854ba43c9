/**
 * A small Aho-Corasick automaton over token sequences: all patterns are found in one left-to-right pass
 * over the searched tokens, in time linear in the text plus the number of matches.
 *
 * Matching whole tokens (not characters) gives whole-word matching for free: a pattern can only start
 * and end on token boundaries. The automaton is immutable: all patterns are given to the constructor.
 */

export interface Pattern<V> {
  /** The pattern as a sequence of tokens; an empty sequence is ignored. */
  tokens: readonly string[];
  value: V;
}

export interface Match<V> {
  value: V;
  /** Token span [start, end) in the searched sequence. */
  start: number;
  end: number;
}

const ROOT = 0;

export class AhoCorasick<V> {
  /** Token -> symbol number (only tokens that occur in some pattern). */
  private readonly symbols = new Map<string, number>();
  /**
   * Trie edges. Most nodes of a name trie have one child, kept inline (`firstSymbol`/`firstChild`);
   * further children go to a per-node map, created only for the nodes that need it.
   */
  private readonly firstSymbol: number[] = [-1];
  private readonly firstChild: number[] = [-1];
  private readonly moreChildren = new Map<number, Map<number, number>>();
  private readonly fail: number[] = [ROOT];
  /** Patterns (indexes into `entries`) that end exactly at a node. */
  private readonly outputs: (number[] | undefined)[] = [undefined];
  /** Nearest node on the failure chain that has outputs, or -1. */
  private readonly dictLink: number[] = [-1];
  private readonly entries: { value: V; length: number }[] = [];

  constructor(patterns: Iterable<Pattern<V>>) {
    // Patterns as symbol numbers, so the trie is built on small integers.
    const list: { symbols: number[]; value: V }[] = [];
    for (const p of patterns) {
      if (p.tokens.length === 0) continue;
      const symbols: number[] = [];
      for (const t of p.tokens) {
        let sym = this.symbols.get(t);
        if (sym === undefined) {
          sym = this.symbols.size;
          this.symbols.set(t, sym);
        }
        symbols.push(sym);
      }
      list.push({ symbols, value: p.value });
    }

    // 1. The trie. Remember each node's parent, symbol and depth to compute failure links breadth-first.
    const parent: number[] = [-1];
    const symbolOf: number[] = [-1];
    for (const p of list) {
      let node = ROOT;
      for (const sym of p.symbols) {
        let next = this.child(node, sym);
        if (next === undefined) {
          next = this.fail.length;
          this.addChild(node, sym, next);
          this.fail.push(ROOT);
          this.firstSymbol.push(-1);
          this.firstChild.push(-1);
          this.outputs.push(undefined);
          this.dictLink.push(-1);
          parent.push(node);
          symbolOf.push(sym);
        }
        node = next;
      }
      const index = this.entries.length;
      this.entries.push({ value: p.value, length: p.symbols.length });
      const out = this.outputs[node];
      if (out) out.push(index);
      else this.outputs[node] = [index];
    }

    // Nodes grouped by depth (parents are always created before their children).
    const byDepth: number[][] = [[ROOT]];
    const depthOf: number[] = new Array<number>(this.fail.length).fill(0);
    for (let v = 1; v < this.fail.length; v++) {
      const d = (depthOf[parent[v] ?? ROOT] ?? 0) + 1;
      depthOf[v] = d;
      (byDepth[d] ??= []).push(v);
    }

    // 2. Failure and dictionary links, level by level.
    for (let d = 1; d < byDepth.length; d++) {
      for (const v of byDepth[d] ?? []) {
        const p = parent[v] ?? ROOT;
        const sym = symbolOf[v] ?? -1;
        const f = p === ROOT ? ROOT : this.step(this.fail[p] ?? ROOT, sym);
        this.fail[v] = f;
        this.dictLink[v] = this.outputs[f] ? f : (this.dictLink[f] ?? -1);
      }
    }
  }

  /** Number of trie nodes (for diagnostics). */
  get size(): number {
    return this.fail.length;
  }

  /** All occurrences of all patterns in `tokens`, in order of their end position. */
  search(tokens: readonly string[]): Match<V>[] {
    const matches: Match<V>[] = [];
    let state = ROOT;
    for (let i = 0; i < tokens.length; i++) {
      const sym = this.symbols.get(tokens[i] ?? "");
      if (sym === undefined) {
        state = ROOT; // a token no pattern contains: nothing can continue through it
        continue;
      }
      state = this.step(state, sym);
      for (let node = this.outputs[state] ? state : (this.dictLink[state] ?? -1); node !== -1; node = this.dictLink[node] ?? -1) {
        for (const index of this.outputs[node] ?? []) {
          const entry = this.entries[index];
          if (entry) matches.push({ value: entry.value, start: i + 1 - entry.length, end: i + 1 });
        }
      }
    }
    return matches;
  }

  /** The goto of `node` on `sym`, following failure links until a node has it (the root when none does). */
  private step(node: number, sym: number): number {
    for (let s = node; ; s = this.fail[s] ?? ROOT) {
      const next = this.child(s, sym);
      if (next !== undefined) return next;
      if (s === ROOT) return ROOT;
    }
  }

  private child(node: number, sym: number): number | undefined {
    if (this.firstSymbol[node] === sym) return this.firstChild[node];
    return this.moreChildren.get(node)?.get(sym);
  }

  private addChild(node: number, sym: number, child: number): void {
    if (this.firstSymbol[node] === -1) {
      this.firstSymbol[node] = sym;
      this.firstChild[node] = child;
      return;
    }
    let more = this.moreChildren.get(node);
    if (!more) {
      more = new Map();
      this.moreChildren.set(node, more);
    }
    more.set(sym, child);
  }
}
