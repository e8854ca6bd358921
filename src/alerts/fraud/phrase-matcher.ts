// Aho-Corasick over the rules' phrases: one pass over the text finds every phrase it contains,
// however many rules there are. Built once when the rules are loaded.

interface Node {
  next: Map<string, number>;
  fail: number;
  /** Ids of the phrases that end here, including those reached through fail links. */
  out: number[];
}

export class PhraseMatcher {
  private readonly nodes: Node[] = [{ next: new Map(), fail: 0, out: [] }];

  /** phrases[i] is found as id i. Empty phrases are ignored. */
  constructor(phrases: readonly string[]) {
    phrases.forEach((phrase, id) => {
      if (phrase) this.insert(phrase, id);
    });
    this.link();
  }

  private insert(phrase: string, id: number): void {
    let at = 0;
    for (const ch of phrase) {
      const node = this.nodes[at] as Node;
      let to = node.next.get(ch);
      if (to === undefined) {
        to = this.nodes.length;
        this.nodes.push({ next: new Map(), fail: 0, out: [] });
        node.next.set(ch, to);
      }
      at = to;
    }
    (this.nodes[at] as Node).out.push(id);
  }

  /** Breadth first: a node's fail link is the longest proper suffix that is also a prefix. */
  private link(): void {
    const queue: number[] = [...(this.nodes[0] as Node).next.values()];
    for (let i = 0; i < queue.length; i += 1) {
      const at = queue[i] as number;
      const node = this.nodes[at] as Node;
      for (const [ch, to] of node.next) {
        let f = node.fail;
        while (f !== 0 && !(this.nodes[f] as Node).next.has(ch)) f = (this.nodes[f] as Node).fail;
        const target = (this.nodes[f] as Node).next.get(ch);
        const child = this.nodes[to] as Node;
        child.fail = target !== undefined && target !== to ? target : 0;
        child.out.push(...(this.nodes[child.fail] as Node).out);
        queue.push(to);
      }
    }
  }

  /** The ids of every phrase found in the text. */
  find(text: string): Set<number> {
    const found = new Set<number>();
    let at = 0;
    for (const ch of text) {
      let node = this.nodes[at] as Node;
      while (at !== 0 && !node.next.has(ch)) {
        at = node.fail;
        node = this.nodes[at] as Node;
      }
      at = node.next.get(ch) ?? 0;
      for (const id of (this.nodes[at] as Node).out) found.add(id);
    }
    return found;
  }
}
