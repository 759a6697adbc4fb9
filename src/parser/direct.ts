/**
 * The .pal grammar as a Chevrotain EmbeddedActionsParser whose rules return AST nodes as they
 * go: no CST and no second walk. This is the parser of every file without a syntax error.
 *
 * It is the hot path only. It stops at the first syntax error (no recovery) and at the first
 * thing that would be a diagnostic (a bad literal, an unbracketed rule list, a `param` inside
 * an `if`, ...), and then answers `undefined`: the caller parses the file again with the
 * recovering CST parser (grammar.ts) and its AST builder (to-ast.ts), which report every error
 * with its position. Both exist because the diagnostics of a broken file come from Chevrotain's
 * recovery, whose partial trees that builder knows how to read; a valid file gives the same AST
 * either way (test/parser/direct.test.ts checks both grammars are one grammar, and the ASTs of
 * the fuzz and golden inputs). Rules, productions and labels here mirror grammar.ts one for one.
 */
import { EmbeddedActionsParser, type IOrAlt, type IToken } from 'chevrotain';
import type { SourceFile, Span } from '../diagnostics/index.js';
import type * as A from './ast.js';
import { checkAddress, checkInteger, checkString, type Checked } from './literals.js';
import { MAX_LIST_ITEMS } from './to-ast.js';
import * as T from './tokens.js';

const K = T.Keywords;

/** Most address lists have no `except`: they share one empty list (as in to-ast.ts). */
const noTerms: readonly A.AddressTerm[] = Object.freeze([]);

/** Thrown out of the parse by an action that found an error (caught in statementsOf). */
class Refused extends Error {}

/** Where a token ends (exclusive). Tokens come from offsetLexer, with no end offset of their own. */
const end = (token: IToken): number => token.startOffset + token.image.length;

export class DirectParser extends EmbeddedActionsParser {
  /** The file whose tokens are being parsed (spans point into it). */
  #source: SourceFile | undefined;
  /** Each OR's alternatives, built on first use and kept (see grammar.ts). */
  readonly #alternatives: Partial<Record<string, IOrAlt<unknown>[]>> = {};

  /** `validate`: run Chevrotain's grammar validations (a test does; production skips them). */
  constructor(validate = false) {
    super(T.allTokens, { skipValidations: !validate, recoveryEnabled: false, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  /** The statements of `tokens` (part of `source`), or undefined when they need diagnosing. */
  statementsOf(source: SourceFile, tokens: IToken[]): A.Statement[] | undefined {
    this.#source = source;
    this.input = tokens;
    let statements: A.Statement[] | undefined;
    try {
      statements = this.file();
      if (this.errors.length > 0) statements = undefined;
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
    }
    // The parser is a singleton: let go of this file's tokens (and reset its state).
    this.input = [];
    this.#source = undefined;
    return statements;
  }

  /** Stops at something that is an error, for the diagnosing parser to report. */
  #refuse(): never {
    throw new Refused();
  }

  // ------------------------------------------------------------ helpers (actions only)

  #span(start: number, stop: number): Span {
    return this.#source!.span(start, stop);
  }

  #tokenSpan(token: IToken): Span {
    return this.#span(token.startOffset, end(token));
  }

  #checked<V>(result: Checked<V>): V {
    return result.ok ? result.value : this.#refuse();
  }

  #limited<V>(items: V[]): V[] {
    if (items.length > MAX_LIST_ITEMS) this.#refuse();
    return items;
  }

  #integer(token: IToken): number {
    return this.#checked(checkInteger(token.image, this.#tokenSpan(token)));
  }

  #address(token: IToken, family: 4 | 6): A.AddressLiteral {
    return this.#checked(checkAddress(token.image, family, this.#tokenSpan(token)));
  }

  #paramName(token: IToken): A.Name {
    return { text: token.image.slice(1), span: this.#span(token.startOffset + 1, end(token)) };
  }

  /** The statements of an `if` or `else` block; a `param` or `import` there is an error (PAL2005). */
  #nested(statements: A.Statement[]): A.Statement[] {
    if (statements.some((s) => s.kind === 'param' || s.kind === 'import')) this.#refuse();
    return statements;
  }

  // ------------------------------------------------------------ grammar

  /** file : statement* */
  public file = this.RULE('file', (): A.Statement[] => {
    const statements: A.Statement[] = [];
    this.MANY(() => {
      const s = this.SUBRULE(this.statement);
      this.ACTION(() => statements.push(s));
    });
    return statements;
  });

  /** statement : paramDecl | zoneDecl | roleDecl | serviceDecl | targetDecl | importDecl | defaultDecl | ifStmt | rule */
  public statement = this.RULE('statement', (): A.Statement => {
    return this.OR((this.#alternatives.statement ??= [
      { ALT: () => this.SUBRULE(this.paramDecl) },
      { ALT: () => this.SUBRULE(this.zoneDecl) },
      { ALT: () => this.SUBRULE(this.roleDecl) },
      { ALT: () => this.SUBRULE(this.serviceDecl) },
      { ALT: () => this.SUBRULE(this.targetDecl) },
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.defaultDecl) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.rule) },
    ]) as IOrAlt<A.Statement>[]);
  });

  /** name : Identifier | ProtocolName | "proto"   (its token, for the caller to read) */
  public name = this.RULE('name', (): IToken => {
    return this.OR((this.#alternatives.name ??= [
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.ProtocolName) },
      { ALT: () => this.CONSUME(T.Proto) },
    ]) as IOrAlt<IToken>[]);
  });

  #name(token: IToken): A.Name {
    return { text: token.image, span: this.#tokenSpan(token) };
  }

  /** paramDecl : "param" name ":" typeRef "=" valueList */
  public paramDecl = this.RULE('paramDecl', (): A.ParamDecl => {
    const keyword = this.CONSUME(K.param);
    const name = this.SUBRULE(this.name);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeRef);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.valueList);
    return this.ACTION(() => ({
      kind: 'param' as const,
      name: this.#name(name),
      type,
      value,
      span: this.#span(keyword.startOffset, value.span.end),
    }));
  });

  /** typeRef : "list" "(" Identifier ")" | Identifier */
  public typeRef = this.RULE('typeRef', (): A.TypeRef => {
    return this.OR((this.#alternatives.typeRef ??= [
      {
        ALT: () => {
          const list = this.CONSUME(K.list);
          this.CONSUME(T.LParen);
          const inner = this.CONSUME(T.Identifier);
          const close = this.CONSUME(T.RParen);
          return this.ACTION(() => ({ text: `list(${inner.image})`, span: this.#span(list.startOffset, end(close)) }));
        },
      },
      {
        ALT: () => {
          const inner = this.CONSUME2(T.Identifier);
          return this.ACTION(() => ({ text: inner.image, span: this.#tokenSpan(inner) }));
        },
      },
    ]) as IOrAlt<A.TypeRef>[]);
  });

  /** valueList : value ("," value)*   (a bare list, as in `param ports: list(int) = 80, 443`) */
  public valueList = this.RULE('valueList', (): A.Value => {
    const items = [this.SUBRULE(this.value)];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      const item = this.SUBRULE2(this.value);
      this.ACTION(() => items.push(item));
    });
    return this.ACTION(() => {
      if (items.length === 1) return items[0]!;
      const span = this.#span(items[0]!.span.start, items[items.length - 1]!.span.end);
      return { kind: 'list' as const, items: this.#limited(items), bracketed: false, span };
    });
  });

  /** value : Integer | String | "true" | "false" | address | name | $param | "[" (value ("," value)*)? "]" */
  public value = this.RULE('value', (): A.Value => {
    return this.OR((this.#alternatives.value ??= [
      {
        ALT: () => {
          const t = this.CONSUME(T.Integer);
          return this.ACTION(() => ({ kind: 'int', value: this.#integer(t), span: this.#tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.StringLiteral);
          return this.ACTION(() => {
            const span = this.#tokenSpan(t);
            return { kind: 'string', value: this.#checked(checkString(t.image, span)), span };
          });
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(K.true);
          return this.ACTION(() => ({ kind: 'bool', value: true, span: this.#tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(K.false);
          return this.ACTION(() => ({ kind: 'bool', value: false, span: this.#tokenSpan(t) }));
        },
      },
      { ALT: () => this.#addressValue(this.CONSUME(T.Ipv4Cidr), 4) },
      { ALT: () => this.#addressValue(this.CONSUME(T.Ipv4), 4) },
      { ALT: () => this.#addressValue(this.CONSUME(T.Ipv6Cidr), 6) },
      { ALT: () => this.#addressValue(this.CONSUME(T.Ipv6), 6) },
      {
        ALT: () => {
          const t = this.CONSUME(T.ParamRef);
          return this.ACTION(() => ({ kind: 'param', name: this.#paramName(t), span: this.#tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.SUBRULE(this.name);
          return this.ACTION(() => ({ kind: 'name', name: t.image, span: this.#tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LBracket);
          const items: A.Value[] = [];
          this.OPTION(() => {
            const first = this.SUBRULE2(this.value);
            this.ACTION(() => items.push(first));
            this.MANY(() => {
              this.CONSUME(T.Comma);
              const item = this.SUBRULE3(this.value);
              this.ACTION(() => items.push(item));
            });
          });
          const close = this.CONSUME(T.RBracket);
          return this.ACTION(() => ({
            kind: 'list',
            items: this.#limited(items),
            bracketed: true,
            span: this.#span(open.startOffset, end(close)),
          }));
        },
      },
    ]) as IOrAlt<A.Value>[]);
  });

  #addressValue(token: IToken, family: 4 | 6): A.AddressLiteral {
    return this.ACTION(() => this.#address(token, family));
  }

  /** zoneDecl : "zone" name "=" addressList */
  public zoneDecl = this.RULE('zoneDecl', (): A.ZoneDecl => {
    const keyword = this.CONSUME(K.zone);
    const name = this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    const addresses = this.SUBRULE(this.addressList);
    return this.ACTION(() => ({
      kind: 'zone' as const,
      name: this.#name(name),
      addresses,
      span: this.#span(keyword.startOffset, addresses.span.end),
    }));
  });

  /** roleDecl : "role" name ("=" addressList)? */
  public roleDecl = this.RULE('roleDecl', (): A.RoleDecl => {
    const keyword = this.CONSUME(K.role);
    const name = this.SUBRULE(this.name);
    const addresses = this.OPTION(() => {
      this.CONSUME(T.Equals);
      return this.SUBRULE(this.addressList);
    });
    return this.ACTION(() => {
      const base = { kind: 'role' as const, name: this.#name(name), span: this.#span(keyword.startOffset, addresses ? addresses.span.end : end(name)) };
      return addresses ? { ...base, addresses } : base;
    });
  });

  /** addressList : addressTerm ("," addressTerm)* ("except" addressTerm ("," addressTerm)*)? */
  public addressList = this.RULE('addressList', (): A.AddressExpr => {
    const include = [this.SUBRULE(this.addressTerm, { LABEL: 'include' })];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      const term = this.SUBRULE2(this.addressTerm, { LABEL: 'include' });
      this.ACTION(() => include.push(term));
    });
    const exclude = this.OPTION(() => {
      this.CONSUME(K.except);
      const terms = [this.SUBRULE3(this.addressTerm, { LABEL: 'exclude' })];
      this.MANY2(() => {
        this.CONSUME2(T.Comma);
        const term = this.SUBRULE4(this.addressTerm, { LABEL: 'exclude' });
        this.ACTION(() => terms.push(term));
      });
      return terms;
    });
    return this.ACTION(() => {
      const first = include[0]!;
      const last = (exclude ?? include)[(exclude ?? include).length - 1]!;
      return {
        include: this.#limited(include),
        exclude: exclude ? this.#limited(exclude) : noTerms,
        // A list of one term shares the term's span (the same range).
        span: first === last ? first.span : this.#span(first.span.start, last.span.end),
      };
    });
  });

  /** addressTerm : name | address | network | $param | "any" | "[" addressList "]" */
  public addressTerm = this.RULE('addressTerm', (): A.AddressTerm => {
    return this.OR((this.#alternatives.addressTerm ??= [
      {
        ALT: () => {
          const t = this.SUBRULE(this.name);
          // A term that is just a name shares the name's span.
          return this.ACTION(() => {
            const name = this.#name(t);
            return { kind: 'name', name, span: name.span };
          });
        },
      },
      { ALT: () => this.#addressValue(this.CONSUME(T.Ipv4Cidr), 4) },
      { ALT: () => this.#addressValue(this.CONSUME(T.Ipv4), 4) },
      { ALT: () => this.#addressValue(this.CONSUME(T.Ipv6Cidr), 6) },
      { ALT: () => this.#addressValue(this.CONSUME(T.Ipv6), 6) },
      {
        ALT: () => {
          const t = this.CONSUME(T.ParamRef);
          return this.ACTION(() => ({ kind: 'param', name: this.#paramName(t), span: this.#tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(K.any);
          return this.ACTION(() => ({ kind: 'any', span: this.#tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LBracket);
          const expr = this.SUBRULE(this.addressList);
          const close = this.CONSUME(T.RBracket);
          return this.ACTION(() => ({ kind: 'group', expr, span: this.#span(open.startOffset, end(close)) }));
        },
      },
    ]) as IOrAlt<A.AddressTerm>[]);
  });

  /** serviceDecl : "service" name "=" serviceList */
  public serviceDecl = this.RULE('serviceDecl', (): A.ServiceDecl => {
    const keyword = this.CONSUME(K.service);
    const name = this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    const services = this.SUBRULE(this.serviceList);
    return this.ACTION(() => {
      // A protocol name as a service name is an error (PAL2006).
      if (name.tokenType !== T.Identifier) this.#refuse();
      return { kind: 'service' as const, name: this.#name(name), services, span: this.#span(keyword.startOffset, services[services.length - 1]!.span.end) };
    });
  });

  /** serviceList : serviceTerm ("," serviceTerm)* */
  public serviceList = this.RULE('serviceList', (): A.ServiceTerm[] => {
    const terms = [this.SUBRULE(this.serviceTerm)];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      const term = this.SUBRULE2(this.serviceTerm);
      this.ACTION(() => terms.push(term));
    });
    return this.ACTION(() => this.#limited(terms));
  });

  /**
   * serviceTerm : ProtocolName ("/" portItem ("," portNumber)*)? | "proto" "/" Integer | "any" | Identifier
   *
   * After a comma, a number continues the port list (`tcp/80,443`); anything else starts a new term.
   */
  public serviceTerm = this.RULE('serviceTerm', (): A.ServiceTerm => {
    return this.OR((this.#alternatives.serviceTerm ??= [
      {
        ALT: () => {
          const protocol = this.CONSUME(T.ProtocolName);
          const ports = this.OPTION(() => {
            this.CONSUME(T.Slash);
            const items = [this.SUBRULE(this.portItem)];
            this.MANY({
              // Chevrotain does not look past this rule, so say it: ", 443" continues, ", udp/53" does not.
              GATE: () => {
                const next = this.LA(2).tokenType;
                return next === T.Integer || next === T.ParamRef;
              },
              DEF: () => {
                this.CONSUME(T.Comma);
                const item = this.SUBRULE(this.portNumber);
                this.ACTION(() => items.push(item));
              },
            });
            return items;
          });
          return this.ACTION(() => {
            const protocolSpan = this.#tokenSpan(protocol);
            const text = protocol.image as A.ProtocolKeyword;
            if (!ports) return { kind: 'protocol', protocol: text, protocolSpan, span: protocolSpan };
            const span = this.#span(protocol.startOffset, ports[ports.length - 1]!.span.end);
            return { kind: 'protocol', protocol: text, protocolSpan, ports: this.#limited(ports), span };
          });
        },
      },
      {
        ALT: () => {
          const proto = this.CONSUME(T.Proto);
          this.CONSUME2(T.Slash);
          const number = this.CONSUME(T.Integer);
          return this.ACTION(() => ({
            kind: 'number',
            number: this.#integer(number),
            numberSpan: this.#tokenSpan(number),
            span: this.#span(proto.startOffset, end(number)),
          }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(K.any);
          return this.ACTION(() => ({ kind: 'any', span: this.#tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Identifier);
          return this.ACTION(() => ({ kind: 'name', name: this.#name(t), span: this.#tokenSpan(t) }));
        },
      },
    ]) as IOrAlt<A.ServiceTerm>[]);
  });

  /** portItem : portNumber | Identifier   (an ICMP type name) */
  public portItem = this.RULE('portItem', (): A.PortItem => {
    return this.OR((this.#alternatives.portItem ??= [
      { ALT: () => this.SUBRULE(this.portNumber) },
      {
        ALT: () => {
          const t = this.CONSUME(T.Identifier);
          return this.ACTION(() => ({ kind: 'named', name: t.image, span: this.#tokenSpan(t) }));
        },
      },
    ]) as IOrAlt<A.PortItem>[]);
  });

  /** portNumber : Integer ("-" Integer)? | $param */
  public portNumber = this.RULE('portNumber', (): A.PortItem => {
    return this.OR((this.#alternatives.portNumber ??= [
      {
        ALT: () => {
          const from = this.CONSUME(T.Integer, { LABEL: 'from' });
          const to = this.OPTION(() => {
            this.CONSUME(T.Dash);
            return this.CONSUME2(T.Integer, { LABEL: 'to' });
          });
          return this.ACTION(() => {
            const low = this.#integer(from);
            return { kind: 'range', from: low, to: to ? this.#integer(to) : low, span: this.#span(from.startOffset, end(to ?? from)) };
          });
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.ParamRef);
          return this.ACTION(() => ({ kind: 'param', name: this.#paramName(t), span: this.#tokenSpan(t) }));
        },
      },
    ]) as IOrAlt<A.PortItem>[]);
  });

  /** targetDecl : "target" name "{" (targetEntry ","?)* "}" */
  public targetDecl = this.RULE('targetDecl', (): A.TargetDecl => {
    const keyword = this.CONSUME(K.target);
    const name = this.SUBRULE(this.name);
    this.CONSUME(T.LBrace);
    const entries: A.TargetEntry[] = [];
    let separated = true;
    this.MANY(() => {
      const entry = this.SUBRULE(this.targetEntry);
      this.ACTION(() => {
        // Two options on one line need a comma between them (PAL2004).
        const previous = entries[entries.length - 1];
        if (previous && !separated && previous.span.line === entry.span.line) this.#refuse();
        entries.push(entry);
        separated = false;
      });
      this.OPTION(() => {
        this.CONSUME(T.Comma);
        separated = true;
      });
    });
    const close = this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'target' as const, name: this.#name(name), entries, span: this.#span(keyword.startOffset, end(close)) }));
  });

  /** targetEntry : name ("." name)* "=" value */
  public targetEntry = this.RULE('targetEntry', (): A.TargetEntry => {
    const parts = [this.SUBRULE(this.name, { LABEL: 'key' })];
    this.MANY(() => {
      this.CONSUME(T.Dot);
      const part = this.SUBRULE2(this.name, { LABEL: 'key' });
      this.ACTION(() => parts.push(part));
    });
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.value);
    return this.ACTION(() => {
      const first = parts[0]!;
      const key: A.Name = {
        text: parts.map((p) => p.image).join('.'),
        span: this.#span(first.startOffset, end(parts[parts.length - 1]!)),
      };
      return { key, value, span: this.#span(first.startOffset, value.span.end) };
    });
  });

  /** importDecl : "import" String */
  public importDecl = this.RULE('importDecl', (): A.ImportDecl => {
    const keyword = this.CONSUME(K.import);
    const path = this.CONSUME(T.StringLiteral);
    return this.ACTION(() => {
      const pathSpan = this.#tokenSpan(path);
      return { kind: 'import' as const, path: this.#checked(checkString(path.image, pathSpan)), pathSpan, span: this.#span(keyword.startOffset, end(path)) };
    });
  });

  /** defaultDecl : "default" ("ingress" | "egress") ("allow" | "deny") */
  public defaultDecl = this.RULE('defaultDecl', (): A.DefaultDecl => {
    const keyword = this.CONSUME(K.default);
    const direction = this.SUBRULE(this.direction);
    const action = this.SUBRULE(this.action);
    return this.ACTION(() => ({
      kind: 'default' as const,
      direction: direction.tokenType === K.ingress ? ('ingress' as const) : ('egress' as const),
      action: action.tokenType === K.allow ? ('allow' as const) : ('deny' as const),
      span: this.#span(keyword.startOffset, end(action)),
    }));
  });

  /** direction : "ingress" | "egress" */
  public direction = this.RULE('direction', (): IToken => {
    return this.OR((this.#alternatives.direction ??= [{ ALT: () => this.CONSUME(K.ingress) }, { ALT: () => this.CONSUME(K.egress) }]) as IOrAlt<IToken>[]);
  });

  /** action : "allow" | "deny" */
  public action = this.RULE('action', (): IToken => {
    return this.OR((this.#alternatives.action ??= [{ ALT: () => this.CONSUME(K.allow) }, { ALT: () => this.CONSUME(K.deny) }]) as IOrAlt<IToken>[]);
  });

  /** ifStmt : "if" orExpr "{" statement* "}" ("else" elseBody)? */
  public ifStmt = this.RULE('ifStmt', (): A.IfStmt => {
    const keyword = this.CONSUME(K.if);
    const condition = this.SUBRULE(this.orExpr);
    this.CONSUME(T.LBrace);
    const then: A.Statement[] = [];
    this.MANY(() => {
      const s = this.SUBRULE(this.statement, { LABEL: 'then' });
      this.ACTION(() => then.push(s));
    });
    const close = this.CONSUME(T.RBrace);
    const otherwise = this.OPTION(() => {
      this.CONSUME(K.else);
      return this.SUBRULE(this.elseBody);
    });
    return this.ACTION(() => {
      const span = this.#span(keyword.startOffset, otherwise ? otherwise.end : end(close));
      const base = { kind: 'if' as const, condition, then: this.#nested(then), span };
      return otherwise ? { ...base, else: otherwise.statements } : base;
    });
  });

  /** elseBody : "{" statement* "}" | ifStmt   (the else branch's statements, and where it ends) */
  public elseBody = this.RULE('elseBody', (): { statements: A.Statement[]; end: number } => {
    return this.OR((this.#alternatives.elseBody ??= [
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          const statements: A.Statement[] = [];
          this.MANY(() => {
            const s = this.SUBRULE(this.statement);
            this.ACTION(() => statements.push(s));
          });
          const close = this.CONSUME(T.RBrace);
          return this.ACTION(() => ({ statements: this.#nested(statements), end: end(close) }));
        },
      },
      {
        ALT: () => {
          const nested = this.SUBRULE(this.ifStmt);
          return this.ACTION(() => ({ statements: [nested], end: nested.span.end }));
        },
      },
    ]) as IOrAlt<{ statements: A.Statement[]; end: number }>[]);
  });

  /** orExpr : andExpr ("or" andExpr)* */
  public orExpr = this.RULE('orExpr', (): A.Expr => {
    let expr = this.SUBRULE(this.andExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(K.or);
      const right = this.SUBRULE2(this.andExpr, { LABEL: 'operand' });
      this.ACTION(() => (expr = { kind: 'or', left: expr, right, span: this.#span(expr.span.start, right.span.end) }));
    });
    return expr;
  });

  /** andExpr : notExpr ("and" notExpr)* */
  public andExpr = this.RULE('andExpr', (): A.Expr => {
    let expr = this.SUBRULE(this.notExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(K.and);
      const right = this.SUBRULE2(this.notExpr, { LABEL: 'operand' });
      this.ACTION(() => (expr = { kind: 'and', left: expr, right, span: this.#span(expr.span.start, right.span.end) }));
    });
    return expr;
  });

  /** notExpr : "not" notExpr | primary */
  public notExpr = this.RULE('notExpr', (): A.Expr => {
    return this.OR((this.#alternatives.notExpr ??= [
      {
        ALT: () => {
          const not = this.CONSUME(K.not);
          const operand = this.SUBRULE(this.notExpr);
          // The operand's last token, which may be a ")" outside the operand's own span.
          const last = this.LA(0);
          return this.ACTION(() => ({ kind: 'not', operand, span: this.#span(not.startOffset, end(last)) }));
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]) as IOrAlt<A.Expr>[]);
  });

  /** primary : "(" orExpr ")" | $param (("==" | "!=") value)? */
  public primary = this.RULE('primary', (): A.Expr => {
    return this.OR((this.#alternatives.primary ??= [
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const inner = this.SUBRULE(this.orExpr);
          this.CONSUME(T.RParen);
          return inner;
        },
      },
      {
        ALT: () => {
          const param = this.CONSUME(T.ParamRef);
          const comparison = this.OPTION(() => {
            const op = this.OR2((this.#alternatives.primary2 ??= [{ ALT: () => this.CONSUME(T.EqEq) }, { ALT: () => this.CONSUME(T.NotEq) }]) as IOrAlt<IToken>[]);
            const value = this.SUBRULE(this.value);
            return { op, value };
          });
          return this.ACTION(() => {
            const name = this.#paramName(param);
            if (!comparison) return { kind: 'param', name, span: this.#tokenSpan(param) };
            const { op, value } = comparison;
            return { kind: 'compare', op: op.tokenType === T.EqEq ? '==' : '!=', name, value, span: this.#span(param.startOffset, value.span.end) };
          });
        },
      },
    ]) as IOrAlt<A.Expr>[]);
  });

  /** rule : name? action addressList "->" addressList serviceList String? */
  public rule = this.RULE('rule', (): A.RuleStmt => {
    const name = this.OPTION(() => this.SUBRULE(this.name));
    const action = this.SUBRULE(this.action);
    const source = this.SUBRULE(this.addressList, { LABEL: 'source' });
    this.CONSUME(T.Arrow);
    const destination = this.SUBRULE2(this.addressList, { LABEL: 'destination' });
    const services = this.SUBRULE(this.serviceList);
    const description = this.OPTION2(() => this.CONSUME(T.StringLiteral));
    return this.ACTION(() => {
      // In a rule, a list of several addresses (or excepts) must be bracketed (PAL2003).
      for (const list of [source, destination]) if (list.include.length > 1 || list.exclude.length > 1) this.#refuse();
      const first = name ?? action;
      const last = description ? end(description) : services[services.length - 1]!.span.end;
      // One object per rule (its keys in this order), with the name and description only when written.
      const rule: { -readonly [P in keyof A.RuleStmt]: A.RuleStmt[P] } = {
        kind: 'rule',
        action: action.tokenType === K.allow ? 'allow' : 'deny',
        actionSpan: this.#tokenSpan(action),
        source,
        destination,
        services,
        span: this.#span(first.startOffset, last),
      };
      if (name) rule.name = this.#name(name);
      if (description) {
        const span = this.#tokenSpan(description);
        rule.description = { value: this.#checked(checkString(description.image, span)), span };
      }
      return rule;
    });
  });
}

let instance: DirectParser | undefined;

/** One direct parser for the process, built on first use (self-analysis is the expensive part). */
export function directParser(): DirectParser {
  instance ??= new DirectParser();
  return instance;
}
