/**
 * A small well-formedness check for the SVG the reports write: one root, every tag closed in
 * order, attributes quoted, no raw `<` or stray `&` in text. Enough to catch a broken renderer
 * without an XML library.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->/g;
  let last = 0;
  for (let m = token.exec(body); m !== null; m = token.exec(body)) {
    checkText(body.slice(last, m.index), problems);
    last = m.index + m[0].length;
    if (m[0].startsWith('<!--')) continue;
    const [, closing, name, attributes, selfClosing] = m;
    checkText(attributes ?? '', problems);
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    if (stack.length === 0) roots++;
    if (!selfClosing) stack.push(name!);
  }
  checkText(body.slice(last), problems);
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

function checkText(text: string, problems: string[]): void {
  if (text.includes('<')) problems.push(`a "<" that starts no well-formed tag near: ${text.slice(text.indexOf('<'), text.indexOf('<') + 40)}`);
  const amp = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(text);
  if (amp) problems.push(`an unescaped "&" near: ${text.slice(amp.index, amp.index + 20)}`);
}
