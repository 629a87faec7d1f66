// A small, dependency-free XML reader for the exports' parse-back (xmeml and FCPXML). It handles
// what those files contain: elements, attributes, text, the five entities and numeric references,
// and skips the declaration, DOCTYPE, comments and processing instructions. Not a validator.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

function decode(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, ent: string) => {
    const e = ent.toLowerCase();
    if (e.startsWith("#x")) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[e] ?? "";
  });
}

export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  let i = 0;
  const need = (idx: number, what: string) => {
    if (idx < 0) throw new SyntaxError(`unterminated ${what}`);
    return idx;
  };
  while (i < source.length) {
    const lt = source.indexOf("<", i);
    const top = stack[stack.length - 1] as XmlElement;
    if (lt < 0) break;
    if (lt > i) top.text += decode(source.slice(i, lt));
    if (source.startsWith("<!--", lt)) {
      i = need(source.indexOf("-->", lt), "comment") + 3;
    } else if (source.startsWith("<![CDATA[", lt)) {
      const end = need(source.indexOf("]]>", lt), "CDATA");
      top.text += source.slice(lt + 9, end);
      i = end + 3;
    } else if (source.startsWith("<?", lt)) {
      i = need(source.indexOf("?>", lt), "processing instruction") + 2;
    } else if (source.startsWith("<!", lt)) {
      i = need(source.indexOf(">", lt), "declaration") + 1;
    } else if (source.startsWith("</", lt)) {
      const end = need(source.indexOf(">", lt), "end tag");
      const name = source.slice(lt + 2, end).trim();
      if (top.name !== name) throw new SyntaxError(`mismatched </${name}>`);
      stack.pop();
      i = end + 1;
    } else {
      const end = need(source.indexOf(">", lt), "tag");
      let body = source.slice(lt + 1, end);
      const selfClosing = body.endsWith("/");
      if (selfClosing) body = body.slice(0, -1);
      const nameMatch = /^[^\s/>]+/.exec(body);
      if (!nameMatch) throw new SyntaxError("tag without a name");
      const el: XmlElement = { name: nameMatch[0], attrs: {}, children: [], text: "" };
      for (const m of body.slice(nameMatch[0].length).matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
        el.attrs[m[1] as string] = decode(m[3] ?? m[4] ?? "");
      }
      top.children.push(el);
      if (!selfClosing) stack.push(el);
      i = end + 1;
    }
  }
  if (stack.length !== 1) throw new SyntaxError(`unclosed <${(stack[stack.length - 1] as XmlElement).name}>`);
  return root;
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Follows a path of child names, taking the first match at each step. */
export function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let cur = el;
  for (const n of names) cur = child(cur, n);
  return cur;
}

export function descendants(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}
