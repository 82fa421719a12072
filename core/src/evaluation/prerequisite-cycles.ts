import type { Prerequisite } from '../model/feature-flag.js';

// Cycle detection over the prerequisite graph (Tarjan's strongly connected components).

interface HasPrerequisites {
  readonly prerequisites: readonly Prerequisite[];
}

/** Groups of flag keys that reach themselves through prerequisites (self-loops included). */
export function findPrerequisiteCycles(flags: ReadonlyMap<string, HasPrerequisites>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;

  const visit = (root: string): void => {
    // Iterative DFS so that long prerequisite chains cannot overflow the call stack.
    const work: { key: string; i: number }[] = [{ key: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const deps = flags.get(frame.key)?.prerequisites ?? [];
      if (frame.i < deps.length) {
        const dep = deps[frame.i++]!.flagKey;
        if (!flags.has(dep)) continue;
        if (!index.has(dep)) {
          index.set(dep, next);
          low.set(dep, next++);
          stack.push(dep);
          onStack.add(dep);
          work.push({ key: dep, i: 0 });
        } else if (onStack.has(dep)) {
          low.set(frame.key, Math.min(low.get(frame.key)!, index.get(dep)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.key, Math.min(low.get(parent.key)!, low.get(frame.key)!));
      if (low.get(frame.key) === index.get(frame.key)) {
        const group: string[] = [];
        let k: string;
        do {
          k = stack.pop()!;
          onStack.delete(k);
          group.push(k);
        } while (k !== frame.key);
        const selfLoop = deps.some((d) => d.flagKey === frame.key);
        if (group.length > 1 || selfLoop) cycles.push(group.reverse());
      }
    }
  };

  for (const [key, f] of flags) {
    if (f.prerequisites.length > 0 && !index.has(key)) visit(key);
  }
  return cycles;
}
