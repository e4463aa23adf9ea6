import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BadRequestError } from '../errors';

/** WeChat never sends DTDs; refusing them up front closes entity-expansion and XXE tricks. */
const DTD = /<!(DOCTYPE|ENTITY)/i;
const MAX_DEPTH = 8;

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Keep every value a string: tickets and ids must not be coerced to numbers. zod coerces where a number is meant.
  parseTagValue: false,
  trimValues: true,
  maxNestedTags: MAX_DEPTH,
});

/** Parses one of WeChat's `<xml>…</xml>` documents and returns the content of the root element. */
export function parseWeChatXml(text: string): unknown {
  if (DTD.test(text)) throw new BadRequestError('XML with a DTD is not accepted', 'malformed_xml');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new BadRequestError(`malformed XML: ${valid.err.msg}`, 'malformed_xml');
  let document: unknown;
  try {
    document = parser.parse(text);
  } catch (error) {
    throw new BadRequestError('malformed XML', 'malformed_xml', { cause: error });
  }
  const root = (document as { xml?: unknown } | undefined)?.xml;
  if (root === null || typeof root !== 'object') throw new BadRequestError('XML has no <xml> root element', 'malformed_xml');
  return root;
}
