import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { DiffView } from './DiffView';

const diff = [
  '--- a/staging/kustomization.yaml',
  '+++ b/staging/kustomization.yaml',
  '@@ -1,3 +1,3 @@',
  ' images:',
  '-  - digest: sha256:222',
  '+  - digest: sha256:111',
  '   name: ghcr.io/acme/payments',
  '',
].join('\n');

// The line whose text is exactly this, spaces included.
function line(text: string) {
  const found = Array.from(document.querySelectorAll('pre > *')).find(
    element => element.textContent === text,
  );
  if (!found) throw new Error(`No diff line ${JSON.stringify(text)}`);
  return found;
}

// "rgb(r, g, b)" → [r, g, b]
function rgb(element: Element, property: 'color' | 'backgroundColor') {
  const value = window.getComputedStyle(element)[property];
  return (value.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
}

describe('DiffView', () => {
  it('shows every line of the diff in a monospace block, one element per line', async () => {
    renderInTestApp(<DiffView diff={diff} title="Diff of staging" />);

    // A named region screen readers can jump to, and keyboards can scroll.
    const block = screen.getByRole('region', { name: 'Diff of staging' });
    expect(block.tagName).toBe('PRE');
    expect(block).toHaveAttribute('tabindex', '0');
    expect(window.getComputedStyle(block).fontFamily).toBe('monospace');
    const lines = Array.from(block.children).map(child => child.textContent);
    expect(lines).toEqual(diff.split('\n').slice(0, -1));
  });

  it('colours added lines green and removed lines red', async () => {
    renderInTestApp(<DiffView diff={diff} />);

    const added = line('+  - digest: sha256:111');
    const removed = line('-  - digest: sha256:222');
    const context = line('   name: ghcr.io/acme/payments');

    const [ar, ag, ab] = rgb(added, 'color');
    expect(ag).toBeGreaterThan(ar);
    expect(ag).toBeGreaterThan(ab);
    const [rr, rg, rb] = rgb(removed, 'color');
    expect(rr).toBeGreaterThan(rg);
    expect(rr).toBeGreaterThan(rb);
    expect(window.getComputedStyle(context).color).not.toBe(
      window.getComputedStyle(added).color,
    );
    expect(window.getComputedStyle(added).backgroundColor).toMatch(/^rgba/);
    expect(window.getComputedStyle(removed).backgroundColor).toMatch(/^rgba/);
  });
});
