/** A small XML well-formedness check for the SVGs we write (no dependency). */
export function checkXml(text: string): { ok: true; root: string } | { ok: false; error: string } {
  const stack: string[] = [];
  let root = '';
  let i = 0;
  const s = text.replace(/^\s*<\?xml[^?]*\?>/, '');
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const chunk = s.slice(i, lt === -1 ? s.length : lt);
    const badAmp = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(chunk);
    if (badAmp) return { ok: false, error: `unescaped & at ${i + badAmp.index}` };
    if (chunk.includes('>')) return { ok: false, error: `stray > near ${i}` };
    if (stack.length === 0 && root && chunk.trim()) return { ok: false, error: 'text after the root element' };
    if (lt === -1) break;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt);
      if (end === -1) return { ok: false, error: 'unclosed comment' };
      i = end + 3;
      continue;
    }
    const gt = s.indexOf('>', lt);
    if (gt === -1) return { ok: false, error: `unclosed tag at ${lt}` };
    const tag = s.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) return { ok: false, error: `</${name}> closes <${open ?? 'nothing'}>` };
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = /^([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*$/.exec(body);
      if (!m) return { ok: false, error: `malformed tag <${tag.slice(0, 60)}>` };
      const name = m[1] as string;
      const attrs = [...(m[2] ?? '').matchAll(/([A-Za-z_][\w.:-]*)\s*=/g)].map((a) => a[1]);
      if (new Set(attrs).size !== attrs.length) return { ok: false, error: `duplicate attribute in <${name}>` };
      for (const v of (m[2] ?? '').matchAll(/=\s*"([^"]*)"/g)) {
        if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(v[1] as string))
          return { ok: false, error: `unescaped & in <${name}>` };
      }
      if (stack.length === 0) {
        if (root) return { ok: false, error: 'two root elements' };
        root = name;
      }
      if (!selfClosing) stack.push(name);
    }
    i = gt + 1;
  }
  if (stack.length > 0) return { ok: false, error: `unclosed <${stack.join('> <')}>` };
  if (!root) return { ok: false, error: 'no element' };
  return { ok: true, root };
}
