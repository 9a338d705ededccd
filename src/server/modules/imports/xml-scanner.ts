// A streaming XML tokenizer for the parts of an XLSX file, bounded in memory: text comes out in
// pieces as it is read (never accumulated here), a tag may not exceed MAX_XML_TAG_CHARS, and entities
// are the five predefined ones and character references only (no DOCTYPE, so no entity expansion).
// Names lose their namespace prefix ("x:c" is "c"), as writers differ in prefixes, not in names.
import { MAX_XML_TAG_CHARS, TableReadError } from './table-limits.ts';

export interface XmlHandler {
  open(name: string, attrs: Readonly<Record<string, string>>, selfClosing: boolean): void;
  close(name: string): void;
  /** A piece of character data (entities decoded); one text node may come in several pieces. */
  text(piece: string): void;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unreadable(why: string): TableReadError {
  return new TableReadError('IMPORT_FILE_UNREADABLE', `The XLSX file is damaged (${why}).`);
}

/** Decodes the entities of a text piece that holds no incomplete one. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&]{0,10});/g, (_, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) throw unreadable('bad character reference');
      return String.fromCodePoint(code);
    }
    const value = ENTITIES[name];
    if (value === undefined) throw unreadable(`unknown entity &${name};`);
    return value;
  });
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

const ATTR_RE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function parseTag(body: string, handler: XmlHandler): void {
  if (body.startsWith('/')) {
    handler.close(localName(body.slice(1).trim()));
    return;
  }
  const selfClosing = body.endsWith('/');
  const inner = selfClosing ? body.slice(0, -1) : body;
  const space = inner.search(/\s/);
  const name = localName(space === -1 ? inner : inner.slice(0, space));
  if (name === '') throw unreadable('empty tag');
  const attrs: Record<string, string> = Object.create(null);
  if (space !== -1) {
    for (const m of inner.slice(space).matchAll(ATTR_RE)) attrs[localName(m[1] as string)] = decodeEntities(m[2] ?? m[3] ?? '');
  }
  handler.open(name, attrs, selfClosing);
  if (selfClosing) handler.close(name);
}

/** Incremental tokenizer: push() decoded text chunks, then end(). */
export class XmlScanner {
  private readonly handler: XmlHandler;
  /** An incomplete tag, comment, CDATA section or entity carried over to the next chunk. */
  private carry = '';
  private depth = 0;

  constructor(handler: XmlHandler) {
    this.handler = handler;
  }

  push(chunk: string): void {
    const text = this.carry + chunk;
    this.carry = '';
    const n = text.length;
    let i = 0;
    while (i < n) {
      const lt = text.indexOf('<', i);
      const stop = lt === -1 ? n : lt;
      if (stop > i) {
        let piece = text.slice(i, stop);
        if (lt === -1) {
          // An entity cut by the chunk's end waits for the rest.
          const amp = piece.lastIndexOf('&');
          if (amp !== -1 && !piece.includes(';', amp)) {
            if (piece.length - amp > 12) throw unreadable('bad entity');
            this.carry = piece.slice(amp);
            piece = piece.slice(0, amp);
          }
        }
        if (piece) this.emitText(piece);
        i = stop;
        if (lt === -1) break;
      }
      // At a "<": find the end of this markup.
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end === -1) {
          this.keep(text.slice(i), true);
          return;
        }
        i = end + 3;
      } else if (text.startsWith('<![CDATA[', i)) {
        const end = text.indexOf(']]>', i + 9);
        if (end === -1) {
          // Long CDATA is passed on in pieces, keeping back what may be the start of "]]>".
          const body = text.slice(i + 9, Math.max(i + 9, n - 2));
          if (body) this.handler.text(body);
          this.carry = `<![CDATA[${text.slice(Math.max(i + 9, n - 2))}`;
          return;
        }
        this.handler.text(text.slice(i + 9, end));
        i = end + 3;
      } else if (text.startsWith('<!', i)) {
        throw unreadable('a DOCTYPE or declaration is not allowed');
      } else {
        const end = text.indexOf('>', i + 1);
        if (end === -1) {
          this.keep(text.slice(i), false);
          return;
        }
        const body = text.slice(i + 1, end);
        if (body.length > MAX_XML_TAG_CHARS) throw tagTooLarge();
        if (body.startsWith('?')) {
          // Processing instruction (the XML declaration).
        } else {
          if (body.startsWith('/')) this.depth -= 1;
          else if (!body.endsWith('/')) this.depth += 1;
          if (this.depth < 0) throw unreadable('a closing tag with no opening one');
          parseTag(body, this.handler);
        }
        i = end + 1;
      }
    }
  }

  /** Checks that the document ended where it should. */
  end(): void {
    if (this.carry !== '' || this.depth !== 0) throw unreadable('the XML ends too early');
  }

  private emitText(piece: string): void {
    if (this.depth === 0) {
      if (piece.trim() !== '') throw unreadable('text outside the document');
      return;
    }
    this.handler.text(decodeEntities(piece));
  }

  private keep(rest: string, comment: boolean): void {
    if (rest.length > MAX_XML_TAG_CHARS + 2) throw comment ? unreadable('a comment too long') : tagTooLarge();
    this.carry = rest;
  }
}

function tagTooLarge(): TableReadError {
  return new TableReadError('IMPORT_FILE_UNREADABLE', `The XLSX file is damaged (an XML tag longer than ${MAX_XML_TAG_CHARS} characters).`);
}
