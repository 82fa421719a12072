// Shows a line diff: removed lines in red with "−", added in green with "+".
import type { DiffLine } from '../model/diff.js';

/** A diff, readable without colour too. */
export function DiffView({ diff }: { diff: readonly DiffLine[] }) {
  return (
    <pre className="diff" aria-label="Changes">
      {diff.map((l, i) => (
        <div key={i} className={l.kind}>
          <span aria-hidden="true">
            {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '− ' : '  '}
          </span>
          {l.kind === 'added' && <span className="sr-only">added: </span>}
          {l.kind === 'removed' && <span className="sr-only">removed: </span>}
          {l.text}
        </div>
      ))}
    </pre>
  );
}
