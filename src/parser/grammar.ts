/**
 * The .pal grammar as a Chevrotain CstParser with error recovery: the parser of files that the
 * direct parser (direct.ts, the same grammar with embedded actions) refuses, so that several
 * errors are reported per file. Each rule's doc comment gives its production. `to-ast.ts` turns
 * the CST into the typed AST. A change to the grammar is made in both files (a test compares them).
 */
import { CstParser, type IOrAlt, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';

const K = T.Keywords;

function describeToken(token: IToken): string {
  if (token.tokenType.name === 'EOF') return 'end of file';
  const text = token.image.length > 30 ? `${token.image.slice(0, 27)}...` : token.image;
  return JSON.stringify(text);
}

function label(type: TokenType): string {
  return T.tokenLabels[type.name] ?? type.name;
}

/** What each rule expects, in the words of LANGUAGE.md, for "no viable alternative" errors. */
const expectations: Record<string, string> = {
  statement: 'a declaration (param, zone, role, service, target, import, default), "if" or a rule',
  addressTerm: 'an address: a zone or role name, an address or network, $param, "any" or [a list]',
  serviceTerm: 'a service: tcp/443, udp/53, icmp, icmp/echo-request, gre, proto/47, "any" or a service name',
  portItem: 'a port, a port range or an ICMP type',
  portNumber: 'a port or port range',
  value: 'a value: a number, a string, true, false, an address or [a list]',
  typeRef: 'a type: bool, int, string, cidr, list(cidr), list(string) or list(int)',
  primary: 'a condition: $param, $param == value, not, or (...)',
  notExpr: 'a condition: $param, $param == value, not, or (...)',
  andExpr: 'a condition: $param, $param == value, not, or (...)',
  orExpr: 'a condition: $param, $param == value, not, or (...)',
  name: 'a name',
  action: '"allow" or "deny"',
  direction: '"ingress" or "egress"',
  elseBody: '"{" or "if"',
  defaultDecl: '"ingress" or "egress"',
  rule: '"allow" or "deny"',
};

export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${label(expected)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected ${expectations['statement']}, found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    const first = actual[0];
    return `expected ${expectations[ruleName] ?? ruleName}, found ${first ? describeToken(first) : 'end of file'}`;
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    const first = actual[0];
    return `expected ${expectations[ruleName] ?? ruleName}, found ${first ? describeToken(first) : 'end of file'}`;
  },
};

export class PalParser extends CstParser {
  /**
   * Each OR's alternatives, built on its first call and kept (Chevrotain's performance advice):
   * a fresh array of closures per call was most of a large file's parse garbage. The closures
   * read only `this`, so one array serves every call.
   */
  readonly #alternatives: Partial<Record<string, IOrAlt<unknown>[]>> = {};

  /** `validate`: run Chevrotain's grammar validations (a test does; production skips them). */
  constructor(validate = false) {
    super(T.allTokens, {
      skipValidations: !validate,
      recoveryEnabled: true,
      // Every CST node records its start and end offsets; lines and columns come from the source's
      // line index (SourceFile.position), exactly, and only when printed. Chevrotain's "full"
      // mode would also store them on every node and doubles the parse time.
      nodeLocationTracking: 'onlyOffset',
      maxLookahead: 3,
      errorMessageProvider,
    });
    this.performSelfAnalysis();
  }

  /** file : statement* */
  public file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  /** statement : paramDecl | zoneDecl | roleDecl | serviceDecl | targetDecl | importDecl | defaultDecl | ifStmt | rule */
  public statement = this.RULE('statement', () => {
    this.OR((this.#alternatives.statement ??= [
      { ALT: () => this.SUBRULE(this.paramDecl) },
      { ALT: () => this.SUBRULE(this.zoneDecl) },
      { ALT: () => this.SUBRULE(this.roleDecl) },
      { ALT: () => this.SUBRULE(this.serviceDecl) },
      { ALT: () => this.SUBRULE(this.targetDecl) },
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.defaultDecl) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.rule) },
    ]));
  });

  /** name : Identifier | ProtocolName | "proto"   (protocol names are reserved only in service positions) */
  public name = this.RULE('name', () => {
    this.OR((this.#alternatives.name ??= [
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.ProtocolName) },
      { ALT: () => this.CONSUME(T.Proto) },
    ]));
  });

  /** paramDecl : "param" name ":" typeRef "=" valueList */
  public paramDecl = this.RULE('paramDecl', () => {
    this.CONSUME(K.param);
    this.SUBRULE(this.name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.valueList);
  });

  /** typeRef : "list" "(" Identifier ")" | Identifier */
  public typeRef = this.RULE('typeRef', () => {
    this.OR((this.#alternatives.typeRef ??= [
      {
        ALT: () => {
          this.CONSUME(K.list);
          this.CONSUME(T.LParen);
          this.CONSUME(T.Identifier);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.CONSUME2(T.Identifier) },
    ]));
  });

  /** valueList : value ("," value)*   (a bare list, as in `param ports: list(int) = 80, 443`) */
  public valueList = this.RULE('valueList', () => {
    this.SUBRULE(this.value);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.value);
    });
  });

  /** value : Integer | String | "true" | "false" | address | name | $param | "[" (value ("," value)*)? "]" */
  public value = this.RULE('value', () => {
    this.OR((this.#alternatives.value ??= [
      { ALT: () => this.CONSUME(T.Integer) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(K.true) },
      { ALT: () => this.CONSUME(K.false) },
      { ALT: () => this.CONSUME(T.Ipv4Cidr) },
      { ALT: () => this.CONSUME(T.Ipv4) },
      { ALT: () => this.CONSUME(T.Ipv6Cidr) },
      { ALT: () => this.CONSUME(T.Ipv6) },
      { ALT: () => this.CONSUME(T.ParamRef) },
      { ALT: () => this.SUBRULE(this.name) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.OPTION(() => {
            this.SUBRULE2(this.value);
            this.MANY(() => {
              this.CONSUME(T.Comma);
              this.SUBRULE3(this.value);
            });
          });
          this.CONSUME(T.RBracket);
        },
      },
    ]));
  });

  /** zoneDecl : "zone" name "=" addressList */
  public zoneDecl = this.RULE('zoneDecl', () => {
    this.CONSUME(K.zone);
    this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.addressList);
  });

  /** roleDecl : "role" name ("=" addressList)? */
  public roleDecl = this.RULE('roleDecl', () => {
    this.CONSUME(K.role);
    this.SUBRULE(this.name);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.addressList);
    });
  });

  /** addressList : addressTerm ("," addressTerm)* ("except" addressTerm ("," addressTerm)*)? */
  public addressList = this.RULE('addressList', () => {
    this.SUBRULE(this.addressTerm, { LABEL: 'include' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.addressTerm, { LABEL: 'include' });
    });
    this.OPTION(() => {
      this.CONSUME(K.except);
      this.SUBRULE3(this.addressTerm, { LABEL: 'exclude' });
      this.MANY2(() => {
        this.CONSUME2(T.Comma);
        this.SUBRULE4(this.addressTerm, { LABEL: 'exclude' });
      });
    });
  });

  /** addressTerm : name | address | network | $param | "any" | "[" addressList "]" */
  public addressTerm = this.RULE('addressTerm', () => {
    this.OR((this.#alternatives.addressTerm ??= [
      { ALT: () => this.SUBRULE(this.name) },
      { ALT: () => this.CONSUME(T.Ipv4Cidr) },
      { ALT: () => this.CONSUME(T.Ipv4) },
      { ALT: () => this.CONSUME(T.Ipv6Cidr) },
      { ALT: () => this.CONSUME(T.Ipv6) },
      { ALT: () => this.CONSUME(T.ParamRef) },
      { ALT: () => this.CONSUME(K.any) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.addressList);
          this.CONSUME(T.RBracket);
        },
      },
    ]));
  });

  /** serviceDecl : "service" name "=" serviceList */
  public serviceDecl = this.RULE('serviceDecl', () => {
    this.CONSUME(K.service);
    this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.serviceList);
  });

  /** serviceList : serviceTerm ("," serviceTerm)* */
  public serviceList = this.RULE('serviceList', () => {
    this.SUBRULE(this.serviceTerm);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.serviceTerm);
    });
  });

  /**
   * serviceTerm : ProtocolName ("/" portItem ("," portNumber)*)? | "proto" "/" Integer | "any" | Identifier
   *
   * After a comma, a number continues the port list (`tcp/80,443`); anything else starts a new term.
   */
  public serviceTerm = this.RULE('serviceTerm', () => {
    this.OR((this.#alternatives.serviceTerm ??= [
      {
        ALT: () => {
          this.CONSUME(T.ProtocolName);
          this.OPTION(() => {
            this.CONSUME(T.Slash);
            this.SUBRULE(this.portItem);
            this.MANY({
              // Chevrotain does not look past this rule, so say it: ", 443" continues, ", udp/53" does not.
              GATE: () => {
                const next = this.LA(2).tokenType;
                return next === T.Integer || next === T.ParamRef;
              },
              DEF: () => {
                this.CONSUME(T.Comma);
                this.SUBRULE(this.portNumber);
              },
            });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Proto);
          this.CONSUME2(T.Slash);
          this.CONSUME(T.Integer);
        },
      },
      { ALT: () => this.CONSUME(K.any) },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]));
  });

  /** portItem : portNumber | Identifier   (an ICMP type name) */
  public portItem = this.RULE('portItem', () => {
    this.OR((this.#alternatives.portItem ??= [
      { ALT: () => this.SUBRULE(this.portNumber) },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]));
  });

  /** portNumber : Integer ("-" Integer)? | $param */
  public portNumber = this.RULE('portNumber', () => {
    this.OR((this.#alternatives.portNumber ??= [
      {
        ALT: () => {
          this.CONSUME(T.Integer, { LABEL: 'from' });
          this.OPTION(() => {
            this.CONSUME(T.Dash);
            this.CONSUME2(T.Integer, { LABEL: 'to' });
          });
        },
      },
      { ALT: () => this.CONSUME(T.ParamRef) },
    ]));
  });

  /** targetDecl : "target" name "{" (targetEntry ","?)* "}" */
  public targetDecl = this.RULE('targetDecl', () => {
    this.CONSUME(K.target);
    this.SUBRULE(this.name);
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.SUBRULE(this.targetEntry);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  /** targetEntry : name ("." name)* "=" value */
  public targetEntry = this.RULE('targetEntry', () => {
    this.SUBRULE(this.name, { LABEL: 'key' });
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE2(this.name, { LABEL: 'key' });
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.value);
  });

  /** importDecl : "import" String */
  public importDecl = this.RULE('importDecl', () => {
    this.CONSUME(K.import);
    this.CONSUME(T.StringLiteral);
  });

  /** defaultDecl : "default" ("ingress" | "egress") ("allow" | "deny") */
  public defaultDecl = this.RULE('defaultDecl', () => {
    this.CONSUME(K.default);
    this.SUBRULE(this.direction);
    this.SUBRULE(this.action);
  });

  /** direction : "ingress" | "egress" */
  public direction = this.RULE('direction', () => {
    this.OR((this.#alternatives.direction ??= [{ ALT: () => this.CONSUME(K.ingress) }, { ALT: () => this.CONSUME(K.egress) }]));
  });

  /** action : "allow" | "deny" */
  public action = this.RULE('action', () => {
    this.OR((this.#alternatives.action ??= [{ ALT: () => this.CONSUME(K.allow) }, { ALT: () => this.CONSUME(K.deny) }]));
  });

  /** ifStmt : "if" orExpr "{" statement* "}" ("else" elseBody)? */
  public ifStmt = this.RULE('ifStmt', () => {
    this.CONSUME(K.if);
    this.SUBRULE(this.orExpr);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.statement, { LABEL: 'then' }));
    this.CONSUME(T.RBrace);
    this.OPTION(() => {
      this.CONSUME(K.else);
      this.SUBRULE(this.elseBody);
    });
  });

  /** elseBody : "{" statement* "}" | ifStmt */
  public elseBody = this.RULE('elseBody', () => {
    this.OR((this.#alternatives.elseBody ??= [
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          this.MANY(() => this.SUBRULE(this.statement));
          this.CONSUME(T.RBrace);
        },
      },
      { ALT: () => this.SUBRULE(this.ifStmt) },
    ]));
  });

  /** orExpr : andExpr ("or" andExpr)* */
  public orExpr = this.RULE('orExpr', () => {
    this.SUBRULE(this.andExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(K.or);
      this.SUBRULE2(this.andExpr, { LABEL: 'operand' });
    });
  });

  /** andExpr : notExpr ("and" notExpr)* */
  public andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(K.and);
      this.SUBRULE2(this.notExpr, { LABEL: 'operand' });
    });
  });

  /** notExpr : "not" notExpr | primary */
  public notExpr = this.RULE('notExpr', () => {
    this.OR((this.#alternatives.notExpr ??= [
      {
        ALT: () => {
          this.CONSUME(K.not);
          this.SUBRULE(this.notExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]));
  });

  /** primary : "(" orExpr ")" | $param (("==" | "!=") value)? */
  public primary = this.RULE('primary', () => {
    this.OR((this.#alternatives.primary ??= [
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.orExpr);
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.ParamRef);
          this.OPTION(() => {
            this.OR2((this.#alternatives.primary2 ??= [{ ALT: () => this.CONSUME(T.EqEq) }, { ALT: () => this.CONSUME(T.NotEq) }]));
            this.SUBRULE(this.value);
          });
        },
      },
    ]));
  });

  /** rule : name? action addressList "->" addressList serviceList String? */
  public rule = this.RULE('rule', () => {
    this.OPTION(() => this.SUBRULE(this.name));
    this.SUBRULE(this.action);
    this.SUBRULE(this.addressList, { LABEL: 'source' });
    this.CONSUME(T.Arrow);
    this.SUBRULE2(this.addressList, { LABEL: 'destination' });
    this.SUBRULE(this.serviceList);
    this.OPTION2(() => this.CONSUME(T.StringLiteral));
  });
}

let instance: PalParser | undefined;

/**
 * One parser for the process, built on first use: Chevrotain's self-analysis is the expensive
 * part (commands that parse nothing skip it); `input =` resets it between files.
 */
export function palParser(): PalParser {
  instance ??= new PalParser();
  return instance;
}
