/* SPDX-License-Identifier: MIT */
/*
 * The kfault grammar. docs/language.md describes the language; the rule
 * groups below carry the same grammar in comments.
 *
 * The parser only builds the tree (compiler/ast.h). What a statement's value
 * must be (a percentage, a duration...) is checked by sema, which has better
 * words for it than a syntax error.
 */
%code requires {
#include "parse.h"
}

%code provides {
int yylex(YYSTYPE *lvalp, YYLTYPE *llocp, void *scanner);
}

%code {
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void yyerror(YYLTYPE *loc, struct kf_parser *p, const char *msg);
static int next_token(YYSTYPE *lval, YYLTYPE *lloc, struct kf_parser *p);
#define yylex(lval, lloc, scanner) next_token(lval, lloc, p)

/*
 * Growable arrays built by the list rules. The capacity is the next power of
 * two, so a list of n items costs O(n) however long it gets.
 */
#define PUSH(arr, n, item) do { \
	if ((n) == 0 || ((n) & ((n) - 1)) == 0) \
		(arr) = kf_realloc_array((arr), (n) ? 2 * (size_t)(n) : 1, sizeof(*(arr))); \
	(arr)[(n)++] = (item); \
} while (0)

/*
 * Every inner node of an expression goes through here once its operands are
 * set: it records the size of the subtree, and one that grows past
 * KF_MAX_PRED_NODES becomes a leaf that keeps only its size (see ast.h).
 * So however long or deep the input, no tree kept is deeper than that, and
 * sema reports the predicate as too big.
 */
static struct kf_expr *bound_extra(struct kf_expr *e, long extra)
{
	long size = 1 + extra;

	if (e->lhs)
		size += e->lhs->size;
	if (e->rhs)
		size += e->rhs->size;
	for (int i = 0; i < e->nargs; i++)
		size += e->args[i]->size;
	e->size = size > INT_MAX ? INT_MAX : (int)size;
	if (e->size <= KF_MAX_PRED_NODES)
		return e;
	kf_expr_free(e->lhs);
	kf_expr_free(e->rhs);
	e->lhs = e->rhs = NULL;
	for (int i = 0; i < e->nargs; i++)
		kf_expr_free(e->args[i]);
	free(e->args);
	e->args = NULL;
	e->nargs = 0;
	if (e->cast) {
		kf_ctype_fini(e->cast);
		free(e->cast);
		e->cast = NULL;
	}
	free(e->name);
	e->name = NULL;
	e->kind = KF_EXPR_INT;
	e->text = kf_strdup("0");
	e->ival = 0;
	return e;
}

static struct kf_expr *bound(struct kf_expr *e)
{
	return bound_extra(e, 0);
}

static struct kf_expr *binary(int op, struct kf_expr *l, struct kf_expr *r, YYLTYPE loc,
			      YYLTYPE op_loc)
{
	struct kf_expr *e = kf_expr_new(KF_EXPR_BINARY, loc);

	e->op = op;
	e->op_loc = op_loc;
	e->lhs = l;
	e->rhs = r;
	return bound(e);
}

static struct kf_expr *unary(int op, struct kf_expr *operand, YYLTYPE loc)
{
	struct kf_expr *e = kf_expr_new(KF_EXPR_UNARY, loc);

	e->op = op;
	e->lhs = operand;
	return bound(e);
}

/*
 * The range of a type: from its first word. An empty rule's location is the
 * end of the token before it, so without leading qualifiers the default
 * range would start at the "(" before the type.
 */
static struct kf_loc type_loc(int quals, YYLTYPE quals_loc, YYLTYPE all, YYLTYPE base)
{
	if (!quals) {
		all.first_line = base.first_line;
		all.first_column = base.first_column;
	} else {
		all.first_line = quals_loc.first_line;
		all.first_column = quals_loc.first_column;
	}
	return all;
}

static struct kf_value value(enum kf_value_kind kind, YYLTYPE loc, char *text, bool neg)
{
	struct kf_value v = { .kind = kind, .loc = loc, .text = text, .negative = neg };

	v.len = text ? strlen(text) : 0;
	return v;
}
}

%define api.pure full
%define api.location.type {struct kf_loc}
%define parse.error custom
%locations
%expect 0
%parse-param {struct kf_parser *p}
%lex-param {void *scanner}

%union {
	char *text;
	struct kf_lit lit;
	struct kf_str str;
	struct kf_expr *expr;
	struct kf_ctype ctype;
	struct kf_param param;
	struct kf_value value;
	struct kf_frame *frame;
	struct kf_injection *inj;
	struct {
		struct kf_param *v;
		int n;
		bool written;
	} params;
	struct {
		struct kf_expr **v;
		int n;
		long dropped;	/* nodes in arguments past KF_MAX_PRED_NODES, not kept */
	} args;
	struct {
		struct kf_value *v;
		int n;
	} values;
	struct {
		struct kf_stmt *v;
		int n;
	} stmts;
	struct kf_stmt stmt;
	int ptr;
}

%token <text> IDENT "identifier" TYPENAME "type name"
%token <lit> INTEGER "integer" FLOAT "number" DURATION_LIT "duration" CHARLIT "character literal"
%token <str> STRING "string"
%token INJECT "'inject'" CALL "'call'" WHEN "'when'" RETURNS "'returns'"
%token FUNCTION "'function'" HEADERS "'headers'" PROBABILITY "'probability'"
%token TIMES "'times'" NTH "'nth'" DURATION "'duration'" SCHEDULE "'schedule'"
%token TARGET "'target'" WITH "'with'"
%token STRUCT "'struct'" UNION "'union'" ENUM "'enum'" CONST "'const'"
%token VOLATILE "'volatile'" UNSIGNED "'unsigned'" SIGNED "'signed'"
%token INT "'int'" LONG "'long'" SHORT "'short'" CHAR "'char'" VOID "'void'"
%token BOOL "'_Bool'"
%token ARROW "'->'" ANDAND "'&&'" OROR "'||'" EQ "'=='" NE "'!='"
%token LE "'<='" GE "'>='" SHL "'<<'" SHR "'>>'"

%type <text> ident member_name tag builtin_words builtin_word
%type <expr> expr postfix primary when_opt
%type <ctype> param_type cast_type type_base cast_base
%type <ptr> quals pointers
%type <param> param
%type <params> params_opt param_list
%type <args> args
%type <value> value header per_unit
%type <values> header_list
%type <frame> frame
%type <stmt> stmt target
%type <stmts> stmts
%type <inj> site injection

%destructor { free($$); } <text>
%destructor { free($$.text); } <lit>
%destructor { free($$.s); } <str>
%destructor { kf_expr_free($$); } <expr>
%destructor { kf_ctype_fini(&$$); } <ctype>
%destructor { kf_ctype_fini(&$$.type); free($$.name); } <param>
%destructor { kf_value_fini(&$$); } <value>
%destructor { kf_frame_free($$); } <frame>
%destructor { kf_injection_free($$); } <inj>
%destructor {
	for (int i = 0; i < $$.n; i++) {
		kf_ctype_fini(&$$.v[i].type);
		free($$.v[i].name);
	}
	free($$.v);
} <params>
%destructor { for (int i = 0; i < $$.n; i++) kf_expr_free($$.v[i]); free($$.v); } <args>
%destructor { for (int i = 0; i < $$.n; i++) kf_value_fini(&$$.v[i]); free($$.v); } <values>
%destructor {
	struct kf_injection tmp = { .stmts = $$.v, .nstmts = $$.n };
	for (int i = 0; i < tmp.nstmts; i++) {
		struct kf_stmt *s = &tmp.stmts[i];
		for (int j = 0; j < s->nvalues; j++)
			kf_value_fini(&s->values[j]);
		free(s->values);
		kf_frame_free(s->frame);
		free(s->target_kind);
		free(s->with_word);
	}
	free(tmp.stmts);
} <stmts>
%destructor {
	for (int j = 0; j < $$.nvalues; j++)
		kf_value_fini(&$$.values[j]);
	free($$.values);
	kf_frame_free($$.frame);
	free($$.target_kind);
	free($$.with_word);
} <stmt>

%left OROR
%left ANDAND
%left '|'
%left '^'
%left '&'
%left EQ NE
%left '<' '>' LE GE
%left SHL SHR
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY

%%

/* file = { injection } */
file:
	  %empty
	| file injection	{ PUSH(p->file->inj, p->file->ninj, $2); }
	| file error
	;

/*
 * injection = "inject" site [ "when" expr ] "{" { stmt } "}"
 * site      = IDENT                              (slab, page, bio)
 *           | "function" IDENT [ params ] "returns" value
 */
injection:
	  INJECT site when_opt '{' stmts '}' {
		$$ = $2;
		$$->loc = @1;
		$$->pred = $3;
		$$->when_loc = @3;	/* 'when' and the predicate: from the 'when' */
		$$->open_loc = @4;
		$$->close_loc = @6;
		$$->stmts = $5.v;
		$$->nstmts = $5.n;
	}
	;

site:
	  IDENT {
		$$ = kf_calloc(1, sizeof(*$$));
		$$->kind_word = $1;
		$$->kind_loc = @1;
	}
	| IDENT RETURNS value {
		$$ = kf_calloc(1, sizeof(*$$));
		$$->kind_word = $1;
		$$->kind_loc = @1;
		$$->retval = kf_calloc(1, sizeof(*$$->retval));
		*$$->retval = $3;
	}
	| FUNCTION IDENT params_opt {
		$$ = kf_calloc(1, sizeof(*$$));
		$$->kind = KF_SITE_FUNCTION;
		$$->kind_loc = @1;
		$$->func = $2;
		$$->func_loc = @2;
		$$->params = $3.v;
		$$->nparams = $3.n;
		$$->has_params = $3.written;
	}
	| FUNCTION IDENT params_opt RETURNS value {
		$$ = kf_calloc(1, sizeof(*$$));
		$$->kind = KF_SITE_FUNCTION;
		$$->kind_loc = @1;
		$$->func = $2;
		$$->func_loc = @2;
		$$->params = $3.v;
		$$->nparams = $3.n;
		$$->has_params = $3.written;
		$$->retval = kf_calloc(1, sizeof(*$$->retval));
		*$$->retval = $5;
	}
	;

when_opt:
	  %empty		{ $$ = NULL; }
	| WHEN expr		{ $$ = $2; }
	;

/*
 * stmt = ( "headers" | "header" ) STRING { [","] STRING }
 *      | "call" IDENT [ params ] [ "when" expr ]
 *      | "probability" value [ "per" ( "call" | "decision" ) ]
 *      | "times" value | "duration" value
 *      | "schedule" value
 *      | "target" IDENT value [ "with" IDENT ]
 *      | ";"
 */
stmts:
	  %empty		{ $$.v = NULL; $$.n = 0; }
	| stmts stmt		{ $$ = $1; PUSH($$.v, $$.n, $2); }
	| stmts ';'		{ $$ = $1; }
	| stmts error		{ $$ = $1; }
	;

stmt:
	  HEADERS header_list {
		$$ = (struct kf_stmt){ .kind = KF_STMT_HEADERS, .loc = @1,
				       .values = $2.v, .nvalues = $2.n };
	}
	| frame {
		$$ = (struct kf_stmt){ .kind = KF_STMT_CALL, .loc = @1, .frame = $1 };
	}
	| PROBABILITY value {
		$$ = (struct kf_stmt){ .kind = KF_STMT_PROBABILITY, .loc = @1 };
		PUSH($$.values, $$.nvalues, $2);
	}
	| PROBABILITY value IDENT per_unit {
		$$ = (struct kf_stmt){ .kind = KF_STMT_PROBABILITY, .loc = @1 };
		PUSH($$.values, $$.nvalues, $2);
		PUSH($$.values, $$.nvalues, value(KF_VAL_IDENT, @3, $3, false));
		PUSH($$.values, $$.nvalues, $4);
	}
	| TIMES value {
		$$ = (struct kf_stmt){ .kind = KF_STMT_TIMES, .loc = @1 };
		PUSH($$.values, $$.nvalues, $2);
	}
	| NTH value {
		$$ = (struct kf_stmt){ .kind = KF_STMT_NTH, .loc = @1 };
		PUSH($$.values, $$.nvalues, $2);
	}
	| DURATION value {
		$$ = (struct kf_stmt){ .kind = KF_STMT_DURATION, .loc = @1 };
		PUSH($$.values, $$.nvalues, $2);
	}
	| SCHEDULE value {
		$$ = (struct kf_stmt){ .kind = KF_STMT_SCHEDULE, .loc = @1 };
		PUSH($$.values, $$.nvalues, $2);
	}
	| target
	;

target:
	  TARGET value {
		/* 'target "x"': no kind; sema says which to write */
		$$ = (struct kf_stmt){ .kind = KF_STMT_TARGET, .loc = @1 };
		PUSH($$.values, $$.nvalues, $2);
	}
	| TARGET IDENT value {
		$$ = (struct kf_stmt){ .kind = KF_STMT_TARGET, .loc = @1,
				       .target_kind = $2, .target_kind_loc = @2 };
		PUSH($$.values, $$.nvalues, $3);
	}
	| TARGET IDENT value WITH IDENT {
		$$ = (struct kf_stmt){ .kind = KF_STMT_TARGET, .loc = @1,
				       .target_kind = $2, .target_kind_loc = @2,
				       .with = true, .with_word = $5, .with_loc = @5 };
		PUSH($$.values, $$.nvalues, $3);
	}
	;

header_list:
	  header			{ $$.v = NULL; $$.n = 0; PUSH($$.v, $$.n, $1); }
	| header_list header		{ $$ = $1; PUSH($$.v, $$.n, $2); }
	| header_list ',' header	{ $$ = $1; PUSH($$.v, $$.n, $3); }
	;

header:
	  STRING {
		$$ = (struct kf_value){ .kind = KF_VAL_STRING, .loc = @1,
					.text = $1.s, .len = $1.len };
	}
	;

/* value = ["-"] INTEGER | NUMBER | (INTEGER | NUMBER) "%" | DURATION | STRING | ["-"] IDENT */
value:
	  INTEGER		{ $$ = value(KF_VAL_INT, @1, $1.text, false); }
	| '-' INTEGER		{ $$ = value(KF_VAL_INT, @$, $2.text, true); }
	| FLOAT			{ $$ = value(KF_VAL_FLOAT, @1, $1.text, false); }
	| '-' FLOAT		{ $$ = value(KF_VAL_FLOAT, @$, $2.text, true); }
	| INTEGER '%'		{ $$ = value(KF_VAL_PERCENT, @$, $1.text, false); }
	| FLOAT '%'		{ $$ = value(KF_VAL_PERCENT, @$, $1.text, false); }
	| '-' INTEGER '%'	{ $$ = value(KF_VAL_PERCENT, @$, $2.text, true); }
	| '-' FLOAT '%'		{ $$ = value(KF_VAL_PERCENT, @$, $2.text, true); }
	| DURATION_LIT		{ $$ = value(KF_VAL_DURATION, @1, $1.text, false); }
	| '-' DURATION_LIT	{ $$ = value(KF_VAL_DURATION, @$, $2.text, true); }
	| STRING {
		$$ = (struct kf_value){ .kind = KF_VAL_STRING, .loc = @1,
					.text = $1.s, .len = $1.len };
	}
	| IDENT			{ $$ = value(KF_VAL_IDENT, @1, $1, false); }
	| '-' IDENT		{ $$ = value(KF_VAL_IDENT, @$, $2, true); }
	;

/* What a probability is drawn for, after "per": "call" is a keyword. */
per_unit:
	  CALL			{ $$ = value(KF_VAL_IDENT, @1, kf_strdup("call"), false); }
	| IDENT			{ $$ = value(KF_VAL_IDENT, @1, $1, false); }
	;

/* frame = "call" IDENT [ params ] [ "when" expr ] */
frame:
	  CALL IDENT params_opt when_opt {
		$$ = kf_calloc(1, sizeof(*$$));
		$$->func = $2;
		$$->func_loc = @2;
		$$->loc = @$;
		$$->params = $3.v;
		$$->nparams = $3.n;
		$$->has_params = $3.written;
		$$->pred = $4;
		$$->when_loc = @4;
	}
	;

/*
 * params = "(" [ param { "," param } ] ")"
 * param  = quals type_base quals pointers [ ident [ "[" INTEGER "]" ] ]
 *
 * A parameter without a name is only valid as the "(void)" of C.
 */
params_opt:
	  %empty		{ $$.v = NULL; $$.n = 0; $$.written = false; }
	| '(' ')'		{ $$.v = NULL; $$.n = 0; $$.written = true; }
	| '(' param_list ')'	{ $$ = $2; $$.written = true; }
	;

param_list:
	  param			{ $$.v = NULL; $$.n = 0; PUSH($$.v, $$.n, $1); }
	| param_list ',' param	{ $$ = $1; PUSH($$.v, $$.n, $3); }
	;

param:
	  param_type {
		$$ = (struct kf_param){ .type = $1, .name = NULL, .loc = @1 };
	}
	| param_type ident {
		$$ = (struct kf_param){ .type = $1, .name = $2, .loc = @2 };
		$$.type.loc.last_line = @2.last_line;	/* the type with its name */
		$$.type.loc.last_column = @2.last_column;
	}
	| param_type ident '[' INTEGER ']' {
		$$ = (struct kf_param){ .type = $1, .name = $2, .loc = @2 };
		$$.type.array = $4.ival > LONG_MAX ? LONG_MAX : (long)$4.ival;
		$$.type.loc.last_line = @5.last_line;
		$$.type.loc.last_column = @5.last_column;
		free($4.text);
	}
	;

param_type:
	  quals type_base quals pointers {
		$$ = $2;
		$$.is_const = ($1 | $3) & 1;
		$$.is_volatile = !!(($1 | $3) & 2);
		$$.ptr = $4 & 0xff;
		for (int i = 0; i < $$.ptr && i < KF_MAX_PTR; i++)
			$$.ptr_const[i] = ($4 >> (8 + i)) & 1;
		$$.loc = type_loc($1, @1, @$, @2);
	}
	;

cast_type:
	  quals cast_base quals pointers {
		$$ = $2;
		$$.is_const = ($1 | $3) & 1;
		$$.is_volatile = !!(($1 | $3) & 2);
		$$.ptr = $4 & 0xff;
		for (int i = 0; i < $$.ptr && i < KF_MAX_PTR; i++)
			$$.ptr_const[i] = ($4 >> (8 + i)) & 1;
		$$.loc = type_loc($1, @1, @$, @2);
	}
	;

/* quals: bit 0 const, bit 1 volatile */
quals:
	  %empty		{ $$ = 0; }
	| quals CONST		{ $$ = $1 | 1; if (!$1) @$ = @2; /* not from before the first */ }
	| quals VOLATILE	{ $$ = $1 | 2; if (!$1) @$ = @2; }
	;

/* pointers: the depth in the low byte, "* const" per level from bit 8 */
pointers:
	  %empty		{ $$ = 0; }
	| pointers '*' quals {
		int depth = $1 & 0xff;
		$$ = depth < 0xff ? $1 + 1 : $1;	/* sema rejects more than KF_MAX_PTR */
		if (($3 & 1) && depth < KF_MAX_PTR)
			$$ |= 1 << (8 + depth);
	}
	;

type_base:
	  cast_base
	| IDENT {
		$$ = (struct kf_ctype){ .base_kind = KF_BASE_TYPEDEF, .base = $1, .array = -1 };
	}
	;

cast_base:
	  STRUCT tag	{ $$ = (struct kf_ctype){ .base_kind = KF_BASE_STRUCT, .base = $2, .array = -1 }; }
	| UNION tag	{ $$ = (struct kf_ctype){ .base_kind = KF_BASE_UNION, .base = $2, .array = -1 }; }
	| ENUM tag	{ $$ = (struct kf_ctype){ .base_kind = KF_BASE_ENUM, .base = $2, .array = -1 }; }
	| TYPENAME	{ $$ = (struct kf_ctype){ .base_kind = KF_BASE_TYPEDEF, .base = $1, .array = -1 }; }
	| builtin_words	{ $$ = (struct kf_ctype){ .base_kind = KF_BASE_BUILTIN, .base = $1, .array = -1 }; }
	;

tag:
	  IDENT
	| TYPENAME
	;

builtin_words:
	  builtin_word
	| builtin_words builtin_word {
		/* No C type has more than 4 words; sema rejects what is not a type,
		 * so past 8 words there is no need to keep more (or spend time on it). */
		int words = 1;

		for (const char *c = $1; *c; c++)
			words += *c == ' ';
		$$ = words < 8 ? kf_strfmt("%s %s", $1, $2) : kf_strdup($1);
		free($1);
		free($2);
	}
	;

builtin_word:
	  UNSIGNED	{ $$ = kf_strdup("unsigned"); }
	| SIGNED	{ $$ = kf_strdup("signed"); }
	| INT		{ $$ = kf_strdup("int"); }
	| LONG		{ $$ = kf_strdup("long"); }
	| SHORT		{ $$ = kf_strdup("short"); }
	| CHAR		{ $$ = kf_strdup("char"); }
	| VOID		{ $$ = kf_strdup("void"); }
	| BOOL		{ $$ = kf_strdup("_Bool"); }
	;

/*
 * expr    = expr binop expr | unop expr | "(" cast_type ")" expr | postfix
 * postfix = primary { "[" expr "]" | "." member | "->" member }
 * primary = ident | INTEGER | CHAR | STRING | "(" expr ")" | ident "(" args ")"
 *
 * with C's precedence and associativity (see the %left lines above).
 */
expr:
	  expr OROR expr	{ $$ = binary(KF_OP_OR, $1, $3, @$, @2); }
	| expr ANDAND expr	{ $$ = binary(KF_OP_AND, $1, $3, @$, @2); }
	| expr '|' expr		{ $$ = binary(KF_OP_BITOR, $1, $3, @$, @2); }
	| expr '^' expr		{ $$ = binary(KF_OP_BITXOR, $1, $3, @$, @2); }
	| expr '&' expr		{ $$ = binary(KF_OP_BITAND, $1, $3, @$, @2); }
	| expr EQ expr		{ $$ = binary(KF_OP_EQ, $1, $3, @$, @2); }
	| expr NE expr		{ $$ = binary(KF_OP_NE, $1, $3, @$, @2); }
	| expr '<' expr		{ $$ = binary(KF_OP_LT, $1, $3, @$, @2); }
	| expr '>' expr		{ $$ = binary(KF_OP_GT, $1, $3, @$, @2); }
	| expr LE expr		{ $$ = binary(KF_OP_LE, $1, $3, @$, @2); }
	| expr GE expr		{ $$ = binary(KF_OP_GE, $1, $3, @$, @2); }
	| expr SHL expr		{ $$ = binary(KF_OP_SHL, $1, $3, @$, @2); }
	| expr SHR expr		{ $$ = binary(KF_OP_SHR, $1, $3, @$, @2); }
	| expr '+' expr		{ $$ = binary(KF_OP_ADD, $1, $3, @$, @2); }
	| expr '-' expr		{ $$ = binary(KF_OP_SUB, $1, $3, @$, @2); }
	| expr '*' expr		{ $$ = binary(KF_OP_MUL, $1, $3, @$, @2); }
	| expr '/' expr		{ $$ = binary(KF_OP_DIV, $1, $3, @$, @2); }
	| expr '%' expr		{ $$ = binary(KF_OP_MOD, $1, $3, @$, @2); }
	| '-' expr %prec UNARY	{ $$ = unary('-', $2, @$); }
	| '+' expr %prec UNARY	{ $$ = unary('+', $2, @$); }
	| '!' expr %prec UNARY	{ $$ = unary('!', $2, @$); }
	| '~' expr %prec UNARY	{ $$ = unary('~', $2, @$); }
	| '*' expr %prec UNARY	{ $$ = unary('*', $2, @$); }
	| '&' expr %prec UNARY	{ $$ = unary('&', $2, @$); }
	| '(' cast_type ')' expr %prec UNARY {
		$$ = kf_expr_new(KF_EXPR_CAST, @$);
		$$->cast = kf_calloc(1, sizeof(*$$->cast));
		*$$->cast = $2;
		$$->lhs = $4;
		$$ = bound($$);
	}
	| postfix
	;

postfix:
	  primary
	| postfix '[' expr ']' {
		$$ = kf_expr_new(KF_EXPR_INDEX, @$);
		$$->lhs = $1;
		$$->rhs = $3;
		$$ = bound($$);
	}
	| postfix '.' member_name {
		$$ = kf_expr_new(KF_EXPR_MEMBER, @$);
		$$->lhs = $1;
		$$->name = $3;
		$$->name_loc = @3;
		$$ = bound($$);
	}
	| postfix ARROW member_name {
		$$ = kf_expr_new(KF_EXPR_MEMBER, @$);
		$$->lhs = $1;
		$$->arrow = true;
		$$->name = $3;
		$$->name_loc = @3;
		$$ = bound($$);
	}
	;

primary:
	  ident {
		$$ = kf_expr_new(KF_EXPR_IDENT, @$);
		$$->name = $1;
	}
	| INTEGER {
		$$ = kf_expr_new(KF_EXPR_INT, @$);
		$$->text = $1.text;
		$$->ival = $1.ival;
	}
	| CHARLIT {
		$$ = kf_expr_new(KF_EXPR_CHAR, @$);
		$$->text = $1.text;
		$$->ival = $1.ival;
	}
	| STRING {
		$$ = kf_expr_new(KF_EXPR_STRING, @$);
		$$->str = $1.s;
		$$->len = $1.len;
	}
	| '(' expr ')' {
		$$ = kf_expr_new(KF_EXPR_PAREN, @$);
		$$->lhs = $2;
		$$ = bound($$);
	}
	| ident '(' args ')' {
		$$ = kf_expr_new(KF_EXPR_CALL, @$);
		$$->name = $1;
		$$->name_loc = @1;
		$$->args = $3.v;
		$$->nargs = $3.n;
		$$ = bound_extra($$, $3.dropped);
	}
	;

args:
	  %empty		{ $$.v = NULL; $$.n = 0; $$.dropped = 0; }
	| expr			{ $$.v = NULL; $$.n = 0; $$.dropped = 0; PUSH($$.v, $$.n, $1); }
	| args ',' expr {
		$$ = $1;
		if ($$.n < KF_MAX_PRED_NODES) {
			PUSH($$.v, $$.n, $3);
		} else {
			/* the call is too big already: count the rest, keep none */
			$$.dropped += $3->size;
			kf_expr_free($3);
		}
	}
	;

/* Statement keywords that are plain identifiers inside a predicate. */
ident:
	  IDENT
	| HEADERS	{ $$ = kf_strdup("headers"); }
	| PROBABILITY	{ $$ = kf_strdup("probability"); }
	| TIMES		{ $$ = kf_strdup("times"); }
	| NTH		{ $$ = kf_strdup("nth"); }
	| DURATION	{ $$ = kf_strdup("duration"); }
	| SCHEDULE	{ $$ = kf_strdup("schedule"); }
	| TARGET	{ $$ = kf_strdup("target"); }
	| WITH		{ $$ = kf_strdup("with"); }
	;

/* After "." and "->" every word names a member. */
member_name:
	  ident
	| TYPENAME
	| INJECT	{ $$ = kf_strdup("inject"); }
	| CALL		{ $$ = kf_strdup("call"); }
	| WHEN		{ $$ = kf_strdup("when"); }
	| RETURNS	{ $$ = kf_strdup("returns"); }
	| FUNCTION	{ $$ = kf_strdup("function"); }
	;

%%

/* Only "memory exhausted" comes here: syntax errors go to yyreport_syntax_error(). */
static void yyerror(YYLTYPE *loc, struct kf_parser *p, const char *msg)
{
	(void)loc;
	(void)p;
	(void)msg;	/* the stack is full: kf_parse() says the input nests too deeply */
}

/*
 * The lexer's next token, through a block's bookkeeping. A block is open
 * from its '{' to its '}'; 'inject' (not a member name after '.' or '->')
 * or the end of the file inside one is reported at the '{' left open, and
 * the parser gets the '}' that was missing first: so the next injection is
 * one of its own, not statements merged into this one, and the end of the
 * file ends the block, not the parse.
 */
static int next_token(YYSTYPE *lval, YYLTYPE *lloc, struct kf_parser *p)
{
	int t;

	p->synthetic_brace = false;
	if (p->pending) {
		t = p->pending;	/* 'inject' or the end: no value */
		*lloc = p->pending_loc;
		p->pending = 0;
	} else {
		t = (yylex)(lval, lloc, p->scanner);
	}
	if (p->open_block && ((t == INJECT && p->prev != '.' && p->prev != ARROW) || t == YYEOF)) {
		struct kf_loc brace = p->brace;

		kf_error(p->diags, brace, "'{' on line %d is never closed",
			 kf_diags__origin(p->diags, brace).first_line);
		if (t == INJECT)
			kf_diag_hint(p->diags, "end the block with '}' before the 'inject' on line %d",
				     kf_diags__origin(p->diags, *lloc).first_line);
		else
			kf_diag_hint(p->diags, "end the block with '}'");
		p->pending = t;
		p->pending_loc = *lloc;
		p->synthetic_brace = true;
		t = '}';
	}
	if (t == '{') {
		p->open_block = true;
		p->brace = *lloc;
	} else if (t == '}') {
		p->open_block = false;
	} else if (t == INJECT || t == CALL) {
		p->head_line = lloc->first_line;	/* a head, where 'when' may come */
	} else if (t == WHEN) {
		p->head_line = 0;
	}
	p->prev = t;
	return t;
}

/* A token's name for messages: "'call'" as "call", "identifier" as it is. */
static const char *word_of(yysymbol_kind_t t, char *buf, size_t size)
{
	const char *name = yysymbol_name(t);
	size_t n = strlen(name);

	if (n > 2 && name[0] == '\'' && name[n - 1] == '\'' && n - 2 < size) {
		memcpy(buf, name + 1, n - 2);
		buf[n - 2] = '\0';
		return buf;
	}
	return name;
}

static bool expects(const yysymbol_kind_t *v, int n, yysymbol_kind_t t)
{
	for (int i = 0; i < n; i++)
		if (v[i] == t)
			return true;
	return false;
}

static bool starts_expr(yysymbol_kind_t t)
{
	static const char *const ops = "(!~-+*&";
	const char *name = yysymbol_name(t);

	if (t == YYSYMBOL_IDENT || t == YYSYMBOL_TYPENAME || t == YYSYMBOL_INTEGER ||
	    t == YYSYMBOL_CHARLIT)
		return true;
	return name[0] == '\'' && name[1] && name[2] == '\'' && strchr(ops, name[1]);
}

static bool expects_named(const yysymbol_kind_t *v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(yysymbol_name(v[i]), name) == 0)
			return true;
	return false;
}

/*
 * A syntax error: "unexpected X" and what the grammar expects there, from
 * the parser's own tables. Up to four are listed in the message, as bison
 * does; where a statement may start, the hint names the statements the
 * grammar has (or the one a misspelt word is closest to) instead; after
 * 'inject SITE' or 'call NAME' on the same line, an expression is missing
 * its 'when'.
 */
static int yyreport_syntax_error(const yypcontext_t *ctx, struct kf_parser *p)
{
	enum { MAX = 64 };
	yysymbol_kind_t exp[MAX], tok = yypcontext_token(ctx);
	int n = yypcontext_expected_tokens(ctx, exp, MAX);
	struct kf_buf msg = {0};
	const YYLTYPE *loc = yypcontext_location(ctx);
	bool stmt_here = n > 0 && expects(exp, n, YYSYMBOL_CALL) && expects(exp, n, YYSYMBOL_TARGET) &&
			 expects_named(exp, n, "'}'");
	bool is_word = tok == YYSYMBOL_IDENT || tok == YYSYMBOL_TYPENAME;
	/* an identifier is at most 127 characters; a longer one was reported */
	char *word = is_word && p->tok_len ? kf_strndup(p->tok, p->tok_len < 127 ? p->tok_len : 127) : NULL;

	if (p->synthetic_brace) {
		/* the '}' next_token() gave for a block left open: that was reported */
		free(word);
		return 0;
	}
	if (n < 0)
		n = 0;
	kf_buf_printf(&msg, "unexpected %s", yysymbol_name(tok));
	if (word)
		kf_buf_printf(&msg, " '%s'", word);
	if (n > 0 && n <= 4 && !stmt_here) {
		for (int i = 0; i < n; i++)
			kf_buf_printf(&msg, "%s%s", i ? " or " : ", expecting ", yysymbol_name(exp[i]));
	}
	kf_error(p->diags, *loc, "%s", msg.s);
	kf_buf_free(&msg);

	if (p->head_line == loc->first_line && starts_expr(tok)) {
		/* on the line of 'inject' or 'call', no 'when' yet, and an expression */
		if (stmt_here)
			kf_diag_hint(p->diags, "a frame's predicate is written after 'when', as in 'call NAME when EXPR'");
		else
			kf_diag_hint(p->diags, "a predicate is written after 'when', as in 'inject slab when EXPR {'");
	} else if (stmt_here) {
		const char *names[MAX];
		char bufs[MAX][16];
		int k = 0;
		struct kf_buf hint = {0};
		const char *near = NULL;

		/* the keywords that may come here: the statements' first words */
		for (int i = 0; i < n; i++) {
			const char *name = yysymbol_name(exp[i]);

			if (name[0] == '\'' && name[1] != '}' && name[1] != ';') {
				names[k] = word_of(exp[i], bufs[k], sizeof(bufs[k]));
				k++;
			}
		}
		if (word)
			near = kf_closest(word, names, (size_t)k);
		if (near) {
			kf_diag_suggest(p->diags, *loc, near);
		} else {
			for (int i = 0; i < k; i++)
				kf_buf_printf(&hint, "%s'%s'", i == 0 ? "" : i == k - 1 ? " or " : ", ",
					      names[i]);
			kf_diag_hint(p->diags, "a statement here starts with %s, and '}' ends the block",
				     hint.s ? hint.s : "?");
			kf_buf_free(&hint);
		}
	}
	free(word);
	return 0;
}
