/**
 * The tokens of the .pal language (LANGUAGE.md, "Lexical rules").
 *
 * Order matters: Chevrotain tries patterns in the order of `allTokens` and takes the first match,
 * so addresses come before integers and identifiers, `->` before `-`, and keywords use
 * `longer_alt: Identifier` so that `allowed` is an identifier, not `allow` + `ed`.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: Lexer.SKIPPED });

/**
 * Identifiers: `[A-Za-z_][A-Za-z0-9_-]*`, except that a hyphen must be followed by a letter,
 * digit or underscore, so an identifier never contains `->` and never ends with `-`.
 */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_](?:[A-Za-z0-9_]|-+[A-Za-z0-9_])*/,
});

const keywordNames = [
  'param', 'zone', 'role', 'service', 'allow', 'deny', 'default', 'ingress', 'egress', 'if', 'else',
  'not', 'and', 'or', 'target', 'import', 'any', 'true', 'false', 'except', 'list',
] as const;
export type Keyword = (typeof keywordNames)[number];

function keyword(word: string, categories?: TokenType[]): TokenType {
  return createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    ...(categories ? { categories } : {}),
  });
}

export const Keywords = Object.fromEntries(keywordNames.map((k) => [k, keyword(k)])) as Record<Keyword, TokenType>;

/**
 * Protocol names are reserved in service positions only: elsewhere (a role named `gre`, a rule
 * named `tcp`) the parser accepts them as names, through the ProtocolName category.
 */
export const ProtocolName = createToken({ name: 'ProtocolName', pattern: Lexer.NA });
const protocolNames = ['tcp', 'udp', 'sctp', 'icmpv6', 'icmp', 'gre', 'esp', 'ah'] as const;
export const Protocols = Object.fromEntries(
  protocolNames.map((p) => [p, keyword(p, [ProtocolName])]),
) as Record<(typeof protocolNames)[number], TokenType>;
/** `proto/N`: any IP protocol by number. Not in ProtocolName, because it always takes a number. */
export const Proto = keyword('proto');

// Address literals. They are checked (octets, prefix length, host bits) when the AST is built,
// so that a bad address gets a precise message instead of a generic lexing error.
export const Ipv6Cidr = createToken({
  name: 'Ipv6Cidr',
  pattern: /(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?\/\d+/,
});
export const Ipv6 = createToken({
  name: 'Ipv6',
  pattern: /(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![0-9A-Za-z_:.])/,
});
export const Ipv4Cidr = createToken({ name: 'Ipv4Cidr', pattern: /\d+\.\d+\.\d+\.\d+\/\d+/ });
export const Ipv4 = createToken({ name: 'Ipv4', pattern: /\d+\.\d+\.\d+\.\d+/ });
export const Integer = createToken({ name: 'Integer', pattern: /\d+/ });

/** A string in double quotes; escapes are checked when the AST is built. No raw newlines. */
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/ });
export const ParamRef = createToken({ name: 'ParamRef', pattern: /\$[A-Za-z_](?:[A-Za-z0-9_]|-+[A-Za-z0-9_])*/ });

export const Arrow = createToken({ name: 'Arrow', pattern: /->/ });
export const Dash = createToken({ name: 'Dash', pattern: /-/ });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/ });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/ });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  ParamRef,
  Ipv6Cidr,
  Ipv6,
  Ipv4Cidr,
  Ipv4,
  Integer,
  ...Object.values(Keywords),
  ProtocolName,
  ...Object.values(Protocols),
  Proto,
  Identifier,
  Arrow,
  Dash,
  EqEq,
  NotEq,
  Equals,
  Colon,
  Comma,
  Slash,
  Dot,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  LParen,
  RParen,
];

/** Human names of tokens for error messages ("expected '->', found 'tcp'"). */
export const tokenLabels: Record<string, string> = {
  Identifier: 'a name',
  Ipv6Cidr: 'an IPv6 network',
  Ipv6: 'an IPv6 address',
  Ipv4Cidr: 'an IPv4 network',
  Ipv4: 'an IPv4 address',
  Integer: 'a number',
  StringLiteral: 'a string',
  ParamRef: 'a parameter ($name)',
  ProtocolName: 'a protocol',
  Arrow: '"->"',
  Dash: '"-"',
  EqEq: '"=="',
  NotEq: '"!="',
  Equals: '"="',
  Colon: '":"',
  Comma: '","',
  Slash: '"/"',
  Dot: '"."',
  LBrace: '"{"',
  RBrace: '"}"',
  LBracket: '"["',
  RBracket: '"]"',
  LParen: '"("',
  RParen: '")"',
  ...Object.fromEntries(keywordNames.map((k) => [k[0]!.toUpperCase() + k.slice(1), `"${k}"`])),
  ...Object.fromEntries(protocolNames.map((p) => [p[0]!.toUpperCase() + p.slice(1), `"${p}"`])),
  Proto: '"proto"',
};

let lexer: Lexer | undefined;

/**
 * The lexer, built on first use (commands that parse nothing start faster). Chevrotain's
 * pattern validations run in test/parser/grammar-validations.test.ts, not on every start.
 * Its tokens carry start and end offsets, which the recovering CST parser needs for its nodes'
 * locations; line and column are never read (they come from SourceFile when printed).
 */
export function palLexer(validate = false): Lexer {
  if (validate) return new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });
  lexer ??= new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false, skipValidations: true });
  return lexer;
}

let offsetOnly: Lexer | undefined;

/**
 * The same lexer with the smallest tokens (image, start offset and type): the direct parser's,
 * which takes a token's end from its image. A million tokens for 100k rules.
 */
export function offsetLexer(): Lexer {
  offsetOnly ??= new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: true });
  return offsetOnly;
}
