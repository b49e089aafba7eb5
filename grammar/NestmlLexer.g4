// NESTML lexer for nestjit. Written from the language facts in spec/LANGUAGE.md section 1
// (not derived from upstream's grammar). SPDX-License-Identifier: Apache-2.0
//
// Off-side rule: this grammar only produces raw NEWLINE tokens (line break + the next line's
// leading whitespace). The C++ superclass (lib/syntax/indent_lexer_base.*) turns them into
// NEWLINE / INDENT / DEDENT, hides blank and comment-only lines and closes blocks at EOF.
// There are deliberately no actions or semantic predicates here: a predicate at the start of
// a rule stops ANTLR from caching DFA edges and makes lexing ~30x slower (RECIPE.md 2).
lexer grammar NestmlLexer;

options { superClass = IndentLexerBase; }

// Synthesised by the superclass.
tokens { INDENT, DEDENT }

// Comments are kept on their own channel (2) for tools; the parser never sees them.
channels { COMMENT }

@header { #include "indent_lexer_base.h" }

// ---- layout ---------------------------------------------------------------------------
// A backslash directly before a line break continues the logical line.
LINE_CONTINUATION : '\\' [ \t]* ( '\r'? '\n' | '\r' ) -> channel(HIDDEN) ;

// A comma that ends a line: only legal between the parts of a multi-part kernel.
KERNEL_JOINING : ',' [ \t\f]* ( '\r'? '\n' | '\r' ) [ \t\f]* ;

NEWLINE : ( '\r'? '\n' | '\r' ) [ \t\f]* ;

WS : [ \t\f]+ -> channel(HIDDEN) ;

SL_COMMENT : '#' ~[\r\n]* -> channel(COMMENT) ;

// ---- keywords --------------------------------------------------------------------------
INTEGER_KEYWORD : 'integer' ;
REAL_KEYWORD : 'real' ;
STRING_KEYWORD : 'string' ;
BOOLEAN_KEYWORD : 'boolean' ;
VOID_KEYWORD : 'void' ;
FUNCTION_KEYWORD : 'function' ;
INLINE_KEYWORD : 'inline' ;
RETURN_KEYWORD : 'return' ;
IF_KEYWORD : 'if' ;
ELIF_KEYWORD : 'elif' ;
ELSE_KEYWORD : 'else' ;
FOR_KEYWORD : 'for' ;
WHILE_KEYWORD : 'while' ;
IN_KEYWORD : 'in' ;
STEP_KEYWORD : 'step' ;
INF_KEYWORD : 'inf' ;
AND_KEYWORD : 'and' ;
OR_KEYWORD : 'or' ;
NOT_KEYWORD : 'not' ;
RECORDABLE_KEYWORD : 'recordable' ;
KERNEL_KEYWORD : 'kernel' ;
MODEL_KEYWORD : 'model' ;
STATE_KEYWORD : 'state' ;
PARAMETERS_KEYWORD : 'parameters' ;
INTERNALS_KEYWORD : 'internals' ;
UPDATE_KEYWORD : 'update' ;
EQUATIONS_KEYWORD : 'equations' ;
INPUT_KEYWORD : 'input' ;
OUTPUT_KEYWORD : 'output' ;
CONTINUOUS_KEYWORD : 'continuous' ;
ON_RECEIVE_KEYWORD : 'onReceive' ;
ON_CONDITION_KEYWORD : 'onCondition' ;
SPIKE_KEYWORD : 'spike' ;
INHIBITORY_KEYWORD : 'inhibitory' ;
EXCITATORY_KEYWORD : 'excitatory' ;

// Single tokens so that `homogeneous` stays a legal identifier.
DECORATOR_HOMOGENEOUS : '@homogeneous' ;
DECORATOR_HETEROGENEOUS : '@heterogeneous' ;

// ---- punctuation and operators -----------------------------------------------------------
AT : '@' ;
ELLIPSIS : '...' ;
LEFT_PAREN : '(' ;
RIGHT_PAREN : ')' ;
// `[[` opens a guard. Its closing `]]` is two RIGHT_SQUARE tokens so that a nested index
// such as `a[b[i]]` still lexes correctly.
LEFT_LEFT_SQUARE : '[[' ;
LEFT_SQUARE : '[' ;
RIGHT_SQUARE : ']' ;
COMMA : ',' ;
SEMICOLON : ';' ;
DOUBLE_COLON : '::' ;
COLON : ':' ;
DIFFERENTIAL_ORDER : '\'' ;
FULLSTOP : '.' ;
LEFT_ARROW : '<-' ;
QUESTION : '?' ;

STAR_STAR : '**' ;
PLUS_EQUALS : '+=' ;
MINUS_EQUALS : '-=' ;
STAR_EQUALS : '*=' ;
SLASH_EQUALS : '/=' ;
PLUS : '+' ;
MINUS : '-' ;
STAR : '*' ;
SLASH : '/' ;
PERCENT : '%' ;
TILDE : '~' ;
AMPERSAND : '&' ;
CARET : '^' ;
PIPE : '|' ;
SHIFT_LEFT : '<<' ;
SHIFT_RIGHT : '>>' ;
LESS_EQUAL : '<=' ;
GREATER_EQUAL : '>=' ;
EQUAL_EQUAL : '==' ;
NOT_EQUAL : '!=' ;
LESS_GREATER : '<>' ;
LESS : '<' ;
GREATER : '>' ;
EQUALS : '=' ;

// ---- literals and names ------------------------------------------------------------------
BOOLEAN_LITERAL : 'true' | 'True' | 'false' | 'False' ;

// Double quotes only; a backslash escapes any character, and backslash + blanks + line
// break continues the string on the next line.
STRING_LITERAL : '"' ( '\\' [ \t]* ( '\r'? '\n' | '\r' ) | '\\' ~[\r\n] | ~[\\"\r\n] )* '"' ;

NAME : [a-zA-Z_$] [a-zA-Z_$0-9]* ;

// Signs are never part of a number (unary operator). `1.` and `.5` are floats.
FLOAT
  : DIGITS? '.' DIGITS EXPONENT?
  | DIGITS '.' EXPONENT?
  | DIGITS EXPONENT
  ;
INTEGER : DIGITS ;

fragment DIGITS : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;

// Anything else becomes a single-character error token so that the parser reports it with
// a position instead of the lexer silently dropping it.
ERROR_CHAR : . ;
