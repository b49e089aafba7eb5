// NESTML parser for nestjit. Written from the language facts in spec/LANGUAGE.md sections
// 1-8 (not derived from upstream's grammar). SPDX-License-Identifier: Apache-2.0
//
// Both dialects are accepted: NESTML main and the older 8.2 line used by the seed models
// (spike-event attributes `spike(weight real, delay ms)` on input and output ports,
// `port.attribute` references). Checks that the language leaves to context conditions
// (block multiplicity, ODE order >= 1, unit numerators, ...) are left to sema; the grammar
// is deliberately a little more permissive there so sema can give a precise message.
parser grammar NestmlParser;

options { tokenVocab = NestmlLexer; }

// ---- compilation unit and model ---------------------------------------------------------

compilationUnit : model* EOF ;

model : MODEL_KEYWORD NAME COLON NEWLINE INDENT modelBlock+ DEDENT ;

modelBlock
  : variableBlock
  | equationsBlock
  | inputBlock
  | outputBlock
  | updateBlock
  | onReceiveBlock
  | onConditionBlock
  | functionBlock
  ;

// parameters / state / internals: declarations only, one per line.
variableBlock
  : blockKind=(PARAMETERS_KEYWORD | STATE_KEYWORD | INTERNALS_KEYWORD) COLON
    NEWLINE INDENT (declaration NEWLINE)+ DEDENT
  ;

equationsBlock : EQUATIONS_KEYWORD COLON NEWLINE INDENT (equation NEWLINE)+ DEDENT ;

// A trailing `;` is tolerated after each equation form (LANGUAGE.md 1.1).
equation
  : inlineExpression
  | kernelDefinition
  | odeEquation
  ;

inlineExpression
  : RECORDABLE_KEYWORD? INLINE_KEYWORD NAME dataType EQUALS expression SEMICOLON? decorator*
  ;

// `x' = rhs`; a left-hand side without primes is accepted here and rejected by sema.
odeEquation : lhs=variable EQUALS rhs=expression SEMICOLON? ;

// Function-of-time, ODE and delta forms; several ODE parts are joined by ",\n".
kernelDefinition
  : KERNEL_KEYWORD kernelPart (KERNEL_JOINING kernelPart)* SEMICOLON?
  ;
kernelPart : variable EQUALS expression ;

inputBlock : INPUT_KEYWORD COLON NEWLINE INDENT (inputPort NEWLINE)+ DEDENT ;

inputPort
  : NAME (LEFT_SQUARE size=expression RIGHT_SQUARE)? dataType? LEFT_ARROW
    inputQualifier* portKind=(SPIKE_KEYWORD | CONTINUOUS_KEYWORD) portAttributes?
  ;
inputQualifier : EXCITATORY_KEYWORD | INHIBITORY_KEYWORD ;

// Seed dialect: `spike(weight real, delay ms)`.
portAttributes : LEFT_PAREN (parameter (COMMA parameter)*)? RIGHT_PAREN ;

// Exactly one line. Only the seed dialect's `spike(...)` takes attributes; `continuous(...)`
// is a parse error as upstream (tests/invalid/CoCoOutputPortTypeContinuous).
outputBlock
  : OUTPUT_KEYWORD COLON NEWLINE INDENT
    (portKind=SPIKE_KEYWORD portAttributes? | portKind=CONTINUOUS_KEYWORD) NEWLINE DEDENT
  ;

updateBlock : UPDATE_KEYWORD COLON block ;

onReceiveBlock
  : ON_RECEIVE_KEYWORD LEFT_PAREN port=NAME (LEFT_SQUARE index=expression RIGHT_SQUARE)?
    (COMMA handlerArgument)* RIGHT_PAREN COLON block
  ;

onConditionBlock
  : ON_CONDITION_KEYWORD LEFT_PAREN condition=expression (COMMA handlerArgument)*
    RIGHT_PAREN COLON block
  ;

// `priority=1`; sema restricts the value to a literal.
handlerArgument : NAME EQUALS expression ;

functionBlock
  : FUNCTION_KEYWORD NAME LEFT_PAREN (parameter (COMMA parameter)*)? RIGHT_PAREN
    returnType=dataType? COLON block
  ;

parameter : NAME dataType ;

// ---- declarations and types ---------------------------------------------------------------

// `[recordable] [inline] a, b[n] Type [= expr] [[[guard]]] {decorator}`
declaration
  : RECORDABLE_KEYWORD? INLINE_KEYWORD? variable (COMMA variable)* dataType
    (EQUALS init=expression)? (LEFT_LEFT_SQUARE guard=expression RIGHT_SQUARE RIGHT_SQUARE)?
    decorator*
  ;

decorator
  : DECORATOR_HOMOGENEOUS
  | DECORATOR_HETEROGENEOUS
  | AT ns=NAME DOUBLE_COLON name=NAME
  ;

dataType
  : INTEGER_KEYWORD
  | REAL_KEYWORD
  | STRING_KEYWORD
  | BOOLEAN_KEYWORD
  | VOID_KEYWORD
  | unitType
  ;

// Unit types: names, products/quotients, parentheses, literal powers and `1/unit`.
// Alternatives listed first bind tighter (ANTLR precedence climbing).
unitType
  : LEFT_PAREN inner=unitType RIGHT_PAREN                              # unitParen
  | base=unitType STAR_STAR unitExponent                               # unitPower
  | numerator=INTEGER SLASH right=unitType                             # unitInverse
  | left=unitType op=(STAR | SLASH) right=unitType                     # unitMulDiv
  | NAME                                                               # unitName
  ;

// `2`, `-1`, `0.5`, `-.5`, `(1/2)`, `-(1/2)`; sema checks the value is constant.
unitExponent
  : sign=(PLUS | MINUS) unitExponent                                   # unitExponentSigned
  | LEFT_PAREN expression RIGHT_PAREN                                  # unitExponentParen
  | number=(INTEGER | FLOAT)                                           # unitExponentNumber
  ;

// ---- statements --------------------------------------------------------------------------

block : NEWLINE INDENT statement+ DEDENT ;

statement
  : smallStatement NEWLINE
  | ifStatement
  | forStatement
  | whileStatement
  ;

// functionCall comes before declaration: `integrate_odes(V)` and `emit_spike(w)` would
// otherwise also match a declaration of a variable with the parenthesised unit type `(V)`,
// and ANTLR resolves such ambiguities in favour of the first alternative.
smallStatement
  : assignment
  | functionCall
  | declaration
  | returnStatement
  ;

assignment
  : lhs=variable op=(EQUALS | PLUS_EQUALS | MINUS_EQUALS | STAR_EQUALS | SLASH_EQUALS)
    rhs=expression
  ;

returnStatement : RETURN_KEYWORD expression? ;

ifStatement : ifClause elifClause* elseClause? ;
ifClause : IF_KEYWORD expression COLON block ;
elifClause : ELIF_KEYWORD expression COLON block ;
elseClause : ELSE_KEYWORD COLON block ;

// `for v in a ... b step s:`; step is mandatory and a (signed) numeric literal.
forStatement
  : FOR_KEYWORD NAME IN_KEYWORD from=expression ELLIPSIS to=expression
    STEP_KEYWORD stepSign=(PLUS | MINUS)? stepValue=(INTEGER | FLOAT) COLON block
  ;

whileStatement : WHILE_KEYWORD expression COLON block ;

// ---- expressions (LANGUAGE.md 4.1; earlier alternatives bind tighter) ---------------------

expression
  : LEFT_PAREN inner=expression RIGHT_PAREN                                 # parenExpression
  | <assoc=right> left=expression op=STAR_STAR right=expression             # powerExpression
  | op=(PLUS | MINUS | TILDE) operand=expression                            # unaryExpression
  | left=expression op=(STAR | SLASH | PERCENT) right=expression            # multiplicativeExpression
  | left=expression op=(PLUS | MINUS) right=expression                      # additiveExpression
  | left=expression
    op=(AMPERSAND | CARET | PIPE | SHIFT_LEFT | SHIFT_RIGHT) right=expression # bitExpression
  | left=expression
    op=(LESS | LESS_EQUAL | EQUAL_EQUAL | NOT_EQUAL | LESS_GREATER | GREATER_EQUAL | GREATER)
    right=expression                                                        # comparisonExpression
  | op=NOT_KEYWORD operand=expression                                       # notExpression
  | left=expression op=(AND_KEYWORD | OR_KEYWORD) right=expression          # logicalExpression
  | condition=expression QUESTION ifTrue=expression COLON ifFalse=expression # ternaryExpression
  | simpleExpression                                                        # simple
  ;

simpleExpression
  : functionCall                                                  # callExpression
  | number=(INTEGER | FLOAT) variable?                            # numberExpression
  | BOOLEAN_LITERAL                                               # booleanExpression
  | STRING_LITERAL                                                # stringExpression
  | INF_KEYWORD                                                   # infExpression
  | variable                                                      # variableExpression
  ;

// `x`, `x'`, `v[i]`, and the seed dialect's `port.attribute`.
variable
  : NAME (FULLSTOP attribute=NAME)? (LEFT_SQUARE index=expression RIGHT_SQUARE)?
    DIFFERENTIAL_ORDER*
  ;

// Also covers delayed terms `x(t - d)`, which sema tells apart from calls.
functionCall : NAME LEFT_PAREN (expression (COMMA expression)*)? RIGHT_PAREN ;
