/* sql/sql_operator.c — the operators Orbit implements as pg_operator rows. PostgreSQL 15's
 * operators on the types Orbit has are listed below with their catalog data (oid, commutator,
 * negator, implementing function, selectivity estimators, merge/hash flags, description: from
 * PostgreSQL 15's pg_operator); a row is shown when the builtin table (sql_builtin.c, sql_vector.c)
 * has the operator with exactly those argument types ("any" is PostgreSQL's anynonarray; anyarray
 * and anyelement stand for anycompatiblearray and anycompatible where PostgreSQL declares those),
 * so the oids are PostgreSQL's. pgvector's operators (vector, halfvec, sparsevec, bit) are written
 * out as pgvector 0.8 defines them, with Orbit's fixed oids 9101..9199 (their functions 9201..9299
 * unless pg_proc lists the function), in namespace public once CREATE EXTENSION vector ran. Every
 * operator of the builtin tables has a row (tests/unit/sql/test_catalog.c) but prefix + of
 * interval, which PostgreSQL 15 lacks. Entry points: sql_operator.h. See README.md ("System
 * relations"). */
#include "sql_operator.h"

#include "sql_types_int.h"

#include <pthread.h>
#include <string.h>

#define ANYNONARRAY 2776u
#define ANYCOMPATIBLE 5077u
#define ANYCOMPATIBLEARRAY 5078u

/* PostgreSQL 15: SELECT oid, oprname, oprkind, oprleft, oprright, oprresult, oprcom, oprnegate,
 * oprcode::oid, oprcode, oprrest::oid, oprjoin::oid, oprcanmerge, oprcanhash, obj_description(oid,
 * 'pg_operator') FROM pg_operator WHERE both argument types are among Orbit's (bool bytea char name
 * int8 int2 int4 text oid json float4 float8 bpchar date timestamp timestamptz interval numeric
 * uuid jsonb bit varbit text[] anynonarray anyarray anyelement anycompatible anycompatiblearray)
 * ORDER BY oid */
// clang-format off
static const sql_operator_t pg_ops[] = {
    {15, "=", 'b', 23, 20, 16, 416, 36, 852, "int48eq", 101, 105, true, true, "equal"},
    {36, "<>", 'b', 23, 20, 16, 417, 15, 853, "int48ne", 102, 106, false, false, "not equal"},
    {37, "<", 'b', 23, 20, 16, 419, 82, 854, "int48lt", 103, 107, false, false, "less than"},
    {58, "<", 'b', 16, 16, 16, 59, 1695, 56, "boollt", 103, 107, false, false, "less than"},
    {59, ">", 'b', 16, 16, 16, 58, 1694, 57, "boolgt", 104, 108, false, false, "greater than"},
    {76, ">", 'b', 23, 20, 16, 418, 80, 855, "int48gt", 104, 108, false, false, "greater than"},
    {80, "<=", 'b', 23, 20, 16, 430, 76, 856, "int48le", 336, 386, false, false, "less than or equal"},
    {82, ">=", 'b', 23, 20, 16, 420, 37, 857, "int48ge", 337, 398, false, false, "greater than or equal"},
    {85, "<>", 'b', 16, 16, 16, 85, 91, 84, "boolne", 102, 106, false, false, "not equal"},
    {91, "=", 'b', 16, 16, 16, 91, 85, 60, "booleq", 101, 105, true, true, "equal"},
    {92, "=", 'b', 18, 18, 16, 92, 630, 61, "chareq", 101, 105, true, true, "equal"},
    {93, "=", 'b', 19, 19, 16, 93, 643, 62, "nameeq", 101, 105, true, true, "equal"},
    {94, "=", 'b', 21, 21, 16, 94, 519, 63, "int2eq", 101, 105, true, true, "equal"},
    {95, "<", 'b', 21, 21, 16, 520, 524, 64, "int2lt", 103, 107, false, false, "less than"},
    {96, "=", 'b', 23, 23, 16, 96, 518, 65, "int4eq", 101, 105, true, true, "equal"},
    {97, "<", 'b', 23, 23, 16, 521, 525, 66, "int4lt", 103, 107, false, false, "less than"},
    {98, "=", 'b', 25, 25, 16, 98, 531, 67, "texteq", 101, 105, true, true, "equal"},
    {254, "=", 'b', 19, 25, 16, 260, 259, 240, "nameeqtext", 101, 105, true, true, "equal"},
    {255, "<", 'b', 19, 25, 16, 264, 257, 241, "namelttext", 103, 107, false, false, "less than"},
    {256, "<=", 'b', 19, 25, 16, 263, 258, 242, "nameletext", 336, 386, false, false, "less than or equal"},
    {257, ">=", 'b', 19, 25, 16, 262, 255, 243, "namegetext", 337, 398, false, false, "greater than or equal"},
    {258, ">", 'b', 19, 25, 16, 261, 256, 244, "namegttext", 104, 108, false, false, "greater than"},
    {259, "<>", 'b', 19, 25, 16, 265, 254, 245, "namenetext", 102, 106, false, false, "not equal"},
    {260, "=", 'b', 25, 19, 16, 254, 265, 247, "texteqname", 101, 105, true, true, "equal"},
    {261, "<", 'b', 25, 19, 16, 258, 263, 248, "textltname", 103, 107, false, false, "less than"},
    {262, "<=", 'b', 25, 19, 16, 257, 264, 249, "textlename", 336, 386, false, false, "less than or equal"},
    {263, ">=", 'b', 25, 19, 16, 256, 261, 250, "textgename", 337, 398, false, false, "greater than or equal"},
    {264, ">", 'b', 25, 19, 16, 255, 262, 251, "textgtname", 104, 108, false, false, "greater than"},
    {265, "<>", 'b', 25, 19, 16, 259, 260, 252, "textnename", 102, 106, false, false, "not equal"},
    {349, "||", 'b', 5078, 5077, 5078, 0, 0, 378, "array_append", 0, 0, false, false, "append element onto end of array"},
    {374, "||", 'b', 5077, 5078, 5078, 0, 0, 379, "array_prepend", 0, 0, false, false, "prepend element onto front of array"},
    {375, "||", 'b', 5078, 5078, 5078, 0, 0, 383, "array_cat", 0, 0, false, false, "concatenate"},
    {410, "=", 'b', 20, 20, 16, 410, 411, 467, "int8eq", 101, 105, true, true, "equal"},
    {411, "<>", 'b', 20, 20, 16, 411, 410, 468, "int8ne", 102, 106, false, false, "not equal"},
    {412, "<", 'b', 20, 20, 16, 413, 415, 469, "int8lt", 103, 107, false, false, "less than"},
    {413, ">", 'b', 20, 20, 16, 412, 414, 470, "int8gt", 104, 108, false, false, "greater than"},
    {414, "<=", 'b', 20, 20, 16, 415, 413, 471, "int8le", 336, 386, false, false, "less than or equal"},
    {415, ">=", 'b', 20, 20, 16, 414, 412, 472, "int8ge", 337, 398, false, false, "greater than or equal"},
    {416, "=", 'b', 20, 23, 16, 15, 417, 474, "int84eq", 101, 105, true, true, "equal"},
    {417, "<>", 'b', 20, 23, 16, 36, 416, 475, "int84ne", 102, 106, false, false, "not equal"},
    {418, "<", 'b', 20, 23, 16, 76, 430, 476, "int84lt", 103, 107, false, false, "less than"},
    {419, ">", 'b', 20, 23, 16, 37, 420, 477, "int84gt", 104, 108, false, false, "greater than"},
    {420, "<=", 'b', 20, 23, 16, 82, 419, 478, "int84le", 336, 386, false, false, "less than or equal"},
    {430, ">=", 'b', 20, 23, 16, 80, 418, 479, "int84ge", 337, 398, false, false, "greater than or equal"},
    {439, "%", 'b', 20, 20, 20, 0, 0, 945, "int8mod", 0, 0, false, false, "modulus"},
    {473, "@", 'l', 0, 20, 20, 0, 0, 1230, "int8abs", 0, 0, false, false, "absolute value"},
    {484, "-", 'l', 0, 20, 20, 0, 0, 462, "int8um", 0, 0, false, false, "negate"},
    {514, "*", 'b', 23, 23, 23, 514, 0, 141, "int4mul", 0, 0, false, false, "multiply"},
    {518, "<>", 'b', 23, 23, 16, 518, 96, 144, "int4ne", 102, 106, false, false, "not equal"},
    {519, "<>", 'b', 21, 21, 16, 519, 94, 145, "int2ne", 102, 106, false, false, "not equal"},
    {520, ">", 'b', 21, 21, 16, 95, 522, 146, "int2gt", 104, 108, false, false, "greater than"},
    {521, ">", 'b', 23, 23, 16, 97, 523, 147, "int4gt", 104, 108, false, false, "greater than"},
    {522, "<=", 'b', 21, 21, 16, 524, 520, 148, "int2le", 336, 386, false, false, "less than or equal"},
    {523, "<=", 'b', 23, 23, 16, 525, 521, 149, "int4le", 336, 386, false, false, "less than or equal"},
    {524, ">=", 'b', 21, 21, 16, 522, 95, 151, "int2ge", 337, 398, false, false, "greater than or equal"},
    {525, ">=", 'b', 23, 23, 16, 523, 97, 150, "int4ge", 337, 398, false, false, "greater than or equal"},
    {526, "*", 'b', 21, 21, 21, 526, 0, 152, "int2mul", 0, 0, false, false, "multiply"},
    {527, "/", 'b', 21, 21, 21, 0, 0, 153, "int2div", 0, 0, false, false, "divide"},
    {528, "/", 'b', 23, 23, 23, 0, 0, 154, "int4div", 0, 0, false, false, "divide"},
    {529, "%", 'b', 21, 21, 21, 0, 0, 155, "int2mod", 0, 0, false, false, "modulus"},
    {530, "%", 'b', 23, 23, 23, 0, 0, 156, "int4mod", 0, 0, false, false, "modulus"},
    {531, "<>", 'b', 25, 25, 16, 531, 98, 157, "textne", 102, 106, false, false, "not equal"},
    {532, "=", 'b', 21, 23, 16, 533, 538, 158, "int24eq", 101, 105, true, true, "equal"},
    {533, "=", 'b', 23, 21, 16, 532, 539, 159, "int42eq", 101, 105, true, true, "equal"},
    {534, "<", 'b', 21, 23, 16, 537, 542, 160, "int24lt", 103, 107, false, false, "less than"},
    {535, "<", 'b', 23, 21, 16, 536, 543, 161, "int42lt", 103, 107, false, false, "less than"},
    {536, ">", 'b', 21, 23, 16, 535, 540, 162, "int24gt", 104, 108, false, false, "greater than"},
    {537, ">", 'b', 23, 21, 16, 534, 541, 163, "int42gt", 104, 108, false, false, "greater than"},
    {538, "<>", 'b', 21, 23, 16, 539, 532, 164, "int24ne", 102, 106, false, false, "not equal"},
    {539, "<>", 'b', 23, 21, 16, 538, 533, 165, "int42ne", 102, 106, false, false, "not equal"},
    {540, "<=", 'b', 21, 23, 16, 543, 536, 166, "int24le", 336, 386, false, false, "less than or equal"},
    {541, "<=", 'b', 23, 21, 16, 542, 537, 167, "int42le", 336, 386, false, false, "less than or equal"},
    {542, ">=", 'b', 21, 23, 16, 541, 534, 168, "int24ge", 337, 398, false, false, "greater than or equal"},
    {543, ">=", 'b', 23, 21, 16, 540, 535, 169, "int42ge", 337, 398, false, false, "greater than or equal"},
    {544, "*", 'b', 21, 23, 23, 545, 0, 170, "int24mul", 0, 0, false, false, "multiply"},
    {545, "*", 'b', 23, 21, 23, 544, 0, 171, "int42mul", 0, 0, false, false, "multiply"},
    {546, "/", 'b', 21, 23, 23, 0, 0, 172, "int24div", 0, 0, false, false, "divide"},
    {547, "/", 'b', 23, 21, 23, 0, 0, 173, "int42div", 0, 0, false, false, "divide"},
    {550, "+", 'b', 21, 21, 21, 550, 0, 176, "int2pl", 0, 0, false, false, "add"},
    {551, "+", 'b', 23, 23, 23, 551, 0, 177, "int4pl", 0, 0, false, false, "add"},
    {552, "+", 'b', 21, 23, 23, 553, 0, 178, "int24pl", 0, 0, false, false, "add"},
    {553, "+", 'b', 23, 21, 23, 552, 0, 179, "int42pl", 0, 0, false, false, "add"},
    {554, "-", 'b', 21, 21, 21, 0, 0, 180, "int2mi", 0, 0, false, false, "subtract"},
    {555, "-", 'b', 23, 23, 23, 0, 0, 181, "int4mi", 0, 0, false, false, "subtract"},
    {556, "-", 'b', 21, 23, 23, 0, 0, 182, "int24mi", 0, 0, false, false, "subtract"},
    {557, "-", 'b', 23, 21, 23, 0, 0, 183, "int42mi", 0, 0, false, false, "subtract"},
    {558, "-", 'l', 0, 23, 23, 0, 0, 212, "int4um", 0, 0, false, false, "negate"},
    {559, "-", 'l', 0, 21, 21, 0, 0, 213, "int2um", 0, 0, false, false, "negate"},
    {584, "-", 'l', 0, 700, 700, 0, 0, 206, "float4um", 0, 0, false, false, "negate"},
    {585, "-", 'l', 0, 701, 701, 0, 0, 220, "float8um", 0, 0, false, false, "negate"},
    {586, "+", 'b', 700, 700, 700, 586, 0, 204, "float4pl", 0, 0, false, false, "add"},
    {587, "-", 'b', 700, 700, 700, 0, 0, 205, "float4mi", 0, 0, false, false, "subtract"},
    {588, "/", 'b', 700, 700, 700, 0, 0, 203, "float4div", 0, 0, false, false, "divide"},
    {589, "*", 'b', 700, 700, 700, 589, 0, 202, "float4mul", 0, 0, false, false, "multiply"},
    {590, "@", 'l', 0, 700, 700, 0, 0, 207, "float4abs", 0, 0, false, false, "absolute value"},
    {591, "+", 'b', 701, 701, 701, 591, 0, 218, "float8pl", 0, 0, false, false, "add"},
    {592, "-", 'b', 701, 701, 701, 0, 0, 219, "float8mi", 0, 0, false, false, "subtract"},
    {593, "/", 'b', 701, 701, 701, 0, 0, 217, "float8div", 0, 0, false, false, "divide"},
    {594, "*", 'b', 701, 701, 701, 594, 0, 216, "float8mul", 0, 0, false, false, "multiply"},
    {595, "@", 'l', 0, 701, 701, 0, 0, 221, "float8abs", 0, 0, false, false, "absolute value"},
    {596, "|/", 'l', 0, 701, 701, 0, 0, 230, "dsqrt", 0, 0, false, false, "square root"},
    {597, "||/", 'l', 0, 701, 701, 0, 0, 231, "dcbrt", 0, 0, false, false, "cube root"},
    {607, "=", 'b', 26, 26, 16, 607, 608, 184, "oideq", 101, 105, true, true, "equal"},
    {608, "<>", 'b', 26, 26, 16, 608, 607, 185, "oidne", 102, 106, false, false, "not equal"},
    {609, "<", 'b', 26, 26, 16, 610, 612, 716, "oidlt", 103, 107, false, false, "less than"},
    {610, ">", 'b', 26, 26, 16, 609, 611, 1638, "oidgt", 104, 108, false, false, "greater than"},
    {611, "<=", 'b', 26, 26, 16, 612, 610, 717, "oidle", 336, 386, false, false, "less than or equal"},
    {612, ">=", 'b', 26, 26, 16, 611, 609, 1639, "oidge", 337, 398, false, false, "greater than or equal"},
    {620, "=", 'b', 700, 700, 16, 620, 621, 287, "float4eq", 101, 105, true, true, "equal"},
    {621, "<>", 'b', 700, 700, 16, 621, 620, 288, "float4ne", 102, 106, false, false, "not equal"},
    {622, "<", 'b', 700, 700, 16, 623, 625, 289, "float4lt", 103, 107, false, false, "less than"},
    {623, ">", 'b', 700, 700, 16, 622, 624, 291, "float4gt", 104, 108, false, false, "greater than"},
    {624, "<=", 'b', 700, 700, 16, 625, 623, 290, "float4le", 336, 386, false, false, "less than or equal"},
    {625, ">=", 'b', 700, 700, 16, 624, 622, 292, "float4ge", 337, 398, false, false, "greater than or equal"},
    {630, "<>", 'b', 18, 18, 16, 630, 92, 70, "charne", 102, 106, false, false, "not equal"},
    {631, "<", 'b', 18, 18, 16, 633, 634, 1246, "charlt", 103, 107, false, false, "less than"},
    {632, "<=", 'b', 18, 18, 16, 634, 633, 72, "charle", 336, 386, false, false, "less than or equal"},
    {633, ">", 'b', 18, 18, 16, 631, 632, 73, "chargt", 104, 108, false, false, "greater than"},
    {634, ">=", 'b', 18, 18, 16, 632, 631, 74, "charge", 337, 398, false, false, "greater than or equal"},
    {639, "~", 'b', 19, 25, 16, 0, 640, 79, "nameregexeq", 1818, 1824, false, false, "matches regular expression, case-sensitive"},
    {640, "!~", 'b', 19, 25, 16, 0, 639, 1252, "nameregexne", 1821, 1827, false, false, "does not match regular expression, case-sensitive"},
    {641, "~", 'b', 25, 25, 16, 0, 642, 1254, "textregexeq", 1818, 1824, false, false, "matches regular expression, case-sensitive"},
    {642, "!~", 'b', 25, 25, 16, 0, 641, 1256, "textregexne", 1821, 1827, false, false, "does not match regular expression, case-sensitive"},
    {643, "<>", 'b', 19, 19, 16, 643, 93, 659, "namene", 102, 106, false, false, "not equal"},
    {654, "||", 'b', 25, 25, 25, 0, 0, 1258, "textcat", 0, 0, false, false, "concatenate"},
    {660, "<", 'b', 19, 19, 16, 662, 663, 655, "namelt", 103, 107, false, false, "less than"},
    {661, "<=", 'b', 19, 19, 16, 663, 662, 656, "namele", 336, 386, false, false, "less than or equal"},
    {662, ">", 'b', 19, 19, 16, 660, 661, 657, "namegt", 104, 108, false, false, "greater than"},
    {663, ">=", 'b', 19, 19, 16, 661, 660, 658, "namege", 337, 398, false, false, "greater than or equal"},
    {664, "<", 'b', 25, 25, 16, 666, 667, 740, "text_lt", 103, 107, false, false, "less than"},
    {665, "<=", 'b', 25, 25, 16, 667, 666, 741, "text_le", 336, 386, false, false, "less than or equal"},
    {666, ">", 'b', 25, 25, 16, 664, 665, 742, "text_gt", 104, 108, false, false, "greater than"},
    {667, ">=", 'b', 25, 25, 16, 665, 664, 743, "text_ge", 337, 398, false, false, "greater than or equal"},
    {670, "=", 'b', 701, 701, 16, 670, 671, 293, "float8eq", 101, 105, true, true, "equal"},
    {671, "<>", 'b', 701, 701, 16, 671, 670, 294, "float8ne", 102, 106, false, false, "not equal"},
    {672, "<", 'b', 701, 701, 16, 674, 675, 295, "float8lt", 103, 107, false, false, "less than"},
    {673, "<=", 'b', 701, 701, 16, 675, 674, 296, "float8le", 336, 386, false, false, "less than or equal"},
    {674, ">", 'b', 701, 701, 16, 672, 673, 297, "float8gt", 104, 108, false, false, "greater than"},
    {675, ">=", 'b', 701, 701, 16, 673, 672, 298, "float8ge", 337, 398, false, false, "greater than or equal"},
    {682, "@", 'l', 0, 21, 21, 0, 0, 1253, "int2abs", 0, 0, false, false, "absolute value"},
    {684, "+", 'b', 20, 20, 20, 684, 0, 463, "int8pl", 0, 0, false, false, "add"},
    {685, "-", 'b', 20, 20, 20, 0, 0, 464, "int8mi", 0, 0, false, false, "subtract"},
    {686, "*", 'b', 20, 20, 20, 686, 0, 465, "int8mul", 0, 0, false, false, "multiply"},
    {687, "/", 'b', 20, 20, 20, 0, 0, 466, "int8div", 0, 0, false, false, "divide"},
    {688, "+", 'b', 20, 23, 20, 692, 0, 1274, "int84pl", 0, 0, false, false, "add"},
    {689, "-", 'b', 20, 23, 20, 0, 0, 1275, "int84mi", 0, 0, false, false, "subtract"},
    {690, "*", 'b', 20, 23, 20, 694, 0, 1276, "int84mul", 0, 0, false, false, "multiply"},
    {691, "/", 'b', 20, 23, 20, 0, 0, 1277, "int84div", 0, 0, false, false, "divide"},
    {692, "+", 'b', 23, 20, 20, 688, 0, 1278, "int48pl", 0, 0, false, false, "add"},
    {693, "-", 'b', 23, 20, 20, 0, 0, 1279, "int48mi", 0, 0, false, false, "subtract"},
    {694, "*", 'b', 23, 20, 20, 690, 0, 1280, "int48mul", 0, 0, false, false, "multiply"},
    {695, "/", 'b', 23, 20, 20, 0, 0, 1281, "int48div", 0, 0, false, false, "divide"},
    {773, "@", 'l', 0, 23, 23, 0, 0, 1251, "int4abs", 0, 0, false, false, "absolute value"},
    {818, "+", 'b', 20, 21, 20, 822, 0, 837, "int82pl", 0, 0, false, false, "add"},
    {819, "-", 'b', 20, 21, 20, 0, 0, 838, "int82mi", 0, 0, false, false, "subtract"},
    {820, "*", 'b', 20, 21, 20, 824, 0, 839, "int82mul", 0, 0, false, false, "multiply"},
    {821, "/", 'b', 20, 21, 20, 0, 0, 840, "int82div", 0, 0, false, false, "divide"},
    {822, "+", 'b', 21, 20, 20, 818, 0, 841, "int28pl", 0, 0, false, false, "add"},
    {823, "-", 'b', 21, 20, 20, 0, 0, 942, "int28mi", 0, 0, false, false, "subtract"},
    {824, "*", 'b', 21, 20, 20, 820, 0, 943, "int28mul", 0, 0, false, false, "multiply"},
    {825, "/", 'b', 21, 20, 20, 0, 0, 948, "int28div", 0, 0, false, false, "divide"},
    {965, "^", 'b', 701, 701, 701, 0, 0, 232, "dpow", 0, 0, false, false, "exponentiation"},
    {1038, "^", 'b', 1700, 1700, 1700, 0, 0, 1739, "numeric_power", 0, 0, false, false, "exponentiation"},
    {1054, "=", 'b', 1042, 1042, 16, 1054, 1057, 1048, "bpchareq", 101, 105, true, true, "equal"},
    {1055, "~", 'b', 1042, 25, 16, 0, 1056, 1658, "bpcharregexeq", 1818, 1824, false, false, "matches regular expression, case-sensitive"},
    {1056, "!~", 'b', 1042, 25, 16, 0, 1055, 1659, "bpcharregexne", 1821, 1827, false, false, "does not match regular expression, case-sensitive"},
    {1057, "<>", 'b', 1042, 1042, 16, 1057, 1054, 1053, "bpcharne", 102, 106, false, false, "not equal"},
    {1058, "<", 'b', 1042, 1042, 16, 1060, 1061, 1049, "bpcharlt", 103, 107, false, false, "less than"},
    {1059, "<=", 'b', 1042, 1042, 16, 1061, 1060, 1050, "bpcharle", 336, 386, false, false, "less than or equal"},
    {1060, ">", 'b', 1042, 1042, 16, 1058, 1059, 1051, "bpchargt", 104, 108, false, false, "greater than"},
    {1061, ">=", 'b', 1042, 1042, 16, 1059, 1058, 1052, "bpcharge", 337, 398, false, false, "greater than or equal"},
    {1070, "=", 'b', 2277, 2277, 16, 1070, 1071, 744, "array_eq", 101, 105, true, true, "equal"},
    {1071, "<>", 'b', 2277, 2277, 16, 1071, 1070, 390, "array_ne", 102, 106, false, false, "not equal"},
    {1072, "<", 'b', 2277, 2277, 16, 1073, 1075, 391, "array_lt", 103, 107, false, false, "less than"},
    {1073, ">", 'b', 2277, 2277, 16, 1072, 1074, 392, "array_gt", 104, 108, false, false, "greater than"},
    {1074, "<=", 'b', 2277, 2277, 16, 1075, 1073, 393, "array_le", 336, 386, false, false, "less than or equal"},
    {1075, ">=", 'b', 2277, 2277, 16, 1074, 1072, 396, "array_ge", 337, 398, false, false, "greater than or equal"},
    {1076, "+", 'b', 1082, 1186, 1114, 2551, 0, 2071, "date_pl_interval", 0, 0, false, false, "add"},
    {1077, "-", 'b', 1082, 1186, 1114, 0, 0, 2072, "date_mi_interval", 0, 0, false, false, "subtract"},
    {1093, "=", 'b', 1082, 1082, 16, 1093, 1094, 1086, "date_eq", 101, 105, true, true, "equal"},
    {1094, "<>", 'b', 1082, 1082, 16, 1094, 1093, 1091, "date_ne", 102, 106, false, false, "not equal"},
    {1095, "<", 'b', 1082, 1082, 16, 1097, 1098, 1087, "date_lt", 103, 107, false, false, "less than"},
    {1096, "<=", 'b', 1082, 1082, 16, 1098, 1097, 1088, "date_le", 336, 386, false, false, "less than or equal"},
    {1097, ">", 'b', 1082, 1082, 16, 1095, 1096, 1089, "date_gt", 104, 108, false, false, "greater than"},
    {1098, ">=", 'b', 1082, 1082, 16, 1096, 1095, 1090, "date_ge", 337, 398, false, false, "greater than or equal"},
    {1099, "-", 'b', 1082, 1082, 23, 0, 0, 1140, "date_mi", 0, 0, false, false, "subtract"},
    {1100, "+", 'b', 1082, 23, 1082, 2555, 0, 1141, "date_pli", 0, 0, false, false, "add"},
    {1101, "-", 'b', 1082, 23, 1082, 0, 0, 1142, "date_mii", 0, 0, false, false, "subtract"},
    {1116, "+", 'b', 700, 701, 701, 1126, 0, 281, "float48pl", 0, 0, false, false, "add"},
    {1117, "-", 'b', 700, 701, 701, 0, 0, 282, "float48mi", 0, 0, false, false, "subtract"},
    {1118, "/", 'b', 700, 701, 701, 0, 0, 280, "float48div", 0, 0, false, false, "divide"},
    {1119, "*", 'b', 700, 701, 701, 1129, 0, 279, "float48mul", 0, 0, false, false, "multiply"},
    {1120, "=", 'b', 700, 701, 16, 1130, 1121, 299, "float48eq", 101, 105, true, true, "equal"},
    {1121, "<>", 'b', 700, 701, 16, 1131, 1120, 300, "float48ne", 102, 106, false, false, "not equal"},
    {1122, "<", 'b', 700, 701, 16, 1133, 1125, 301, "float48lt", 103, 107, false, false, "less than"},
    {1123, ">", 'b', 700, 701, 16, 1132, 1124, 303, "float48gt", 104, 108, false, false, "greater than"},
    {1124, "<=", 'b', 700, 701, 16, 1135, 1123, 302, "float48le", 336, 386, false, false, "less than or equal"},
    {1125, ">=", 'b', 700, 701, 16, 1134, 1122, 304, "float48ge", 337, 398, false, false, "greater than or equal"},
    {1126, "+", 'b', 701, 700, 701, 1116, 0, 285, "float84pl", 0, 0, false, false, "add"},
    {1127, "-", 'b', 701, 700, 701, 0, 0, 286, "float84mi", 0, 0, false, false, "subtract"},
    {1128, "/", 'b', 701, 700, 701, 0, 0, 284, "float84div", 0, 0, false, false, "divide"},
    {1129, "*", 'b', 701, 700, 701, 1119, 0, 283, "float84mul", 0, 0, false, false, "multiply"},
    {1130, "=", 'b', 701, 700, 16, 1120, 1131, 305, "float84eq", 101, 105, true, true, "equal"},
    {1131, "<>", 'b', 701, 700, 16, 1121, 1130, 306, "float84ne", 102, 106, false, false, "not equal"},
    {1132, "<", 'b', 701, 700, 16, 1123, 1135, 307, "float84lt", 103, 107, false, false, "less than"},
    {1133, ">", 'b', 701, 700, 16, 1122, 1134, 309, "float84gt", 104, 108, false, false, "greater than"},
    {1134, "<=", 'b', 701, 700, 16, 1125, 1133, 308, "float84le", 336, 386, false, false, "less than or equal"},
    {1135, ">=", 'b', 701, 700, 16, 1124, 1132, 310, "float84ge", 337, 398, false, false, "greater than or equal"},
    {1207, "~~", 'b', 19, 25, 16, 0, 1208, 858, "namelike", 1819, 1825, false, false, "matches LIKE expression"},
    {1208, "!~~", 'b', 19, 25, 16, 0, 1207, 859, "namenlike", 1822, 1828, false, false, "does not match LIKE expression"},
    {1209, "~~", 'b', 25, 25, 16, 0, 1210, 850, "textlike", 1819, 1825, false, false, "matches LIKE expression"},
    {1210, "!~~", 'b', 25, 25, 16, 0, 1209, 851, "textnlike", 1822, 1828, false, false, "does not match LIKE expression"},
    {1211, "~~", 'b', 1042, 25, 16, 0, 1212, 1631, "bpcharlike", 1819, 1825, false, false, "matches LIKE expression"},
    {1212, "!~~", 'b', 1042, 25, 16, 0, 1211, 1632, "bpcharnlike", 1822, 1828, false, false, "does not match LIKE expression"},
    {1226, "~*", 'b', 19, 25, 16, 0, 1227, 1240, "nameicregexeq", 1820, 1826, false, false, "matches regular expression, case-insensitive"},
    {1227, "!~*", 'b', 19, 25, 16, 0, 1226, 1241, "nameicregexne", 1823, 1829, false, false, "does not match regular expression, case-insensitive"},
    {1228, "~*", 'b', 25, 25, 16, 0, 1229, 1238, "texticregexeq", 1820, 1826, false, false, "matches regular expression, case-insensitive"},
    {1229, "!~*", 'b', 25, 25, 16, 0, 1228, 1239, "texticregexne", 1823, 1829, false, false, "does not match regular expression, case-insensitive"},
    {1234, "~*", 'b', 1042, 25, 16, 0, 1235, 1656, "bpcharicregexeq", 1820, 1826, false, false, "matches regular expression, case-insensitive"},
    {1235, "!~*", 'b', 1042, 25, 16, 0, 1234, 1657, "bpcharicregexne", 1823, 1829, false, false, "does not match regular expression, case-insensitive"},
    {1320, "=", 'b', 1184, 1184, 16, 1320, 1321, 1152, "timestamptz_eq", 101, 105, true, true, "equal"},
    {1321, "<>", 'b', 1184, 1184, 16, 1321, 1320, 1153, "timestamptz_ne", 102, 106, false, false, "not equal"},
    {1322, "<", 'b', 1184, 1184, 16, 1324, 1325, 1154, "timestamptz_lt", 103, 107, false, false, "less than"},
    {1323, "<=", 'b', 1184, 1184, 16, 1325, 1324, 1155, "timestamptz_le", 336, 386, false, false, "less than or equal"},
    {1324, ">", 'b', 1184, 1184, 16, 1322, 1323, 1157, "timestamptz_gt", 104, 108, false, false, "greater than"},
    {1325, ">=", 'b', 1184, 1184, 16, 1323, 1322, 1156, "timestamptz_ge", 337, 398, false, false, "greater than or equal"},
    {1327, "+", 'b', 1184, 1186, 1184, 2554, 0, 1189, "timestamptz_pl_interval", 0, 0, false, false, "add"},
    {1328, "-", 'b', 1184, 1184, 1186, 0, 0, 1188, "timestamptz_mi", 0, 0, false, false, "subtract"},
    {1329, "-", 'b', 1184, 1186, 1184, 0, 0, 1190, "timestamptz_mi_interval", 0, 0, false, false, "subtract"},
    {1330, "=", 'b', 1186, 1186, 16, 1330, 1331, 1162, "interval_eq", 101, 105, true, true, "equal"},
    {1331, "<>", 'b', 1186, 1186, 16, 1331, 1330, 1163, "interval_ne", 102, 106, false, false, "not equal"},
    {1332, "<", 'b', 1186, 1186, 16, 1334, 1335, 1164, "interval_lt", 103, 107, false, false, "less than"},
    {1333, "<=", 'b', 1186, 1186, 16, 1335, 1334, 1165, "interval_le", 336, 386, false, false, "less than or equal"},
    {1334, ">", 'b', 1186, 1186, 16, 1332, 1333, 1167, "interval_gt", 104, 108, false, false, "greater than"},
    {1335, ">=", 'b', 1186, 1186, 16, 1333, 1332, 1166, "interval_ge", 337, 398, false, false, "greater than or equal"},
    {1336, "-", 'l', 0, 1186, 1186, 0, 0, 1168, "interval_um", 0, 0, false, false, "negate"},
    {1337, "+", 'b', 1186, 1186, 1186, 1337, 0, 1169, "interval_pl", 0, 0, false, false, "add"},
    {1338, "-", 'b', 1186, 1186, 1186, 0, 0, 1170, "interval_mi", 0, 0, false, false, "subtract"},
    {1583, "*", 'b', 1186, 701, 1186, 1584, 0, 1618, "interval_mul", 0, 0, false, false, "multiply"},
    {1584, "*", 'b', 701, 1186, 1186, 1583, 0, 1624, "mul_d_interval", 0, 0, false, false, "multiply"},
    {1585, "/", 'b', 1186, 701, 1186, 0, 0, 1326, "interval_div", 0, 0, false, false, "divide"},
    {1625, "~~*", 'b', 19, 25, 16, 0, 1626, 1635, "nameiclike", 1814, 1816, false, false, "matches LIKE expression, case-insensitive"},
    {1626, "!~~*", 'b', 19, 25, 16, 0, 1625, 1636, "nameicnlike", 1815, 1817, false, false, "does not match LIKE expression, case-insensitive"},
    {1627, "~~*", 'b', 25, 25, 16, 0, 1628, 1633, "texticlike", 1814, 1816, false, false, "matches LIKE expression, case-insensitive"},
    {1628, "!~~*", 'b', 25, 25, 16, 0, 1627, 1634, "texticnlike", 1815, 1817, false, false, "does not match LIKE expression, case-insensitive"},
    {1629, "~~*", 'b', 1042, 25, 16, 0, 1630, 1660, "bpchariclike", 1814, 1816, false, false, "matches LIKE expression, case-insensitive"},
    {1630, "!~~*", 'b', 1042, 25, 16, 0, 1629, 1661, "bpcharicnlike", 1815, 1817, false, false, "does not match LIKE expression, case-insensitive"},
    {1694, "<=", 'b', 16, 16, 16, 1695, 59, 1691, "boolle", 336, 386, false, false, "less than or equal"},
    {1695, ">=", 'b', 16, 16, 16, 1694, 58, 1692, "boolge", 337, 398, false, false, "greater than or equal"},
    {1751, "-", 'l', 0, 1700, 1700, 0, 0, 1771, "numeric_uminus", 0, 0, false, false, "negate"},
    {1752, "=", 'b', 1700, 1700, 16, 1752, 1753, 1718, "numeric_eq", 101, 105, true, true, "equal"},
    {1753, "<>", 'b', 1700, 1700, 16, 1753, 1752, 1719, "numeric_ne", 102, 106, false, false, "not equal"},
    {1754, "<", 'b', 1700, 1700, 16, 1756, 1757, 1722, "numeric_lt", 103, 107, false, false, "less than"},
    {1755, "<=", 'b', 1700, 1700, 16, 1757, 1756, 1723, "numeric_le", 336, 386, false, false, "less than or equal"},
    {1756, ">", 'b', 1700, 1700, 16, 1754, 1755, 1720, "numeric_gt", 104, 108, false, false, "greater than"},
    {1757, ">=", 'b', 1700, 1700, 16, 1755, 1754, 1721, "numeric_ge", 337, 398, false, false, "greater than or equal"},
    {1758, "+", 'b', 1700, 1700, 1700, 1758, 0, 1724, "numeric_add", 0, 0, false, false, "add"},
    {1759, "-", 'b', 1700, 1700, 1700, 0, 0, 1725, "numeric_sub", 0, 0, false, false, "subtract"},
    {1760, "*", 'b', 1700, 1700, 1700, 1760, 0, 1726, "numeric_mul", 0, 0, false, false, "multiply"},
    {1761, "/", 'b', 1700, 1700, 1700, 0, 0, 1727, "numeric_div", 0, 0, false, false, "divide"},
    {1762, "%", 'b', 1700, 1700, 1700, 0, 0, 1729, "numeric_mod", 0, 0, false, false, "modulus"},
    {1763, "@", 'l', 0, 1700, 1700, 0, 0, 1704, "numeric_abs", 0, 0, false, false, "absolute value"},
    {1784, "=", 'b', 1560, 1560, 16, 1784, 1785, 1581, "biteq", 101, 105, true, false, "equal"},
    {1785, "<>", 'b', 1560, 1560, 16, 1785, 1784, 1582, "bitne", 102, 106, false, false, "not equal"},
    {1786, "<", 'b', 1560, 1560, 16, 1787, 1789, 1595, "bitlt", 103, 107, false, false, "less than"},
    {1787, ">", 'b', 1560, 1560, 16, 1786, 1788, 1593, "bitgt", 104, 108, false, false, "greater than"},
    {1788, "<=", 'b', 1560, 1560, 16, 1789, 1787, 1594, "bitle", 336, 386, false, false, "less than or equal"},
    {1789, ">=", 'b', 1560, 1560, 16, 1788, 1786, 1592, "bitge", 337, 398, false, false, "greater than or equal"},
    {1791, "&", 'b', 1560, 1560, 1560, 1791, 0, 1673, "bitand", 0, 0, false, false, "bitwise and"},
    {1792, "|", 'b', 1560, 1560, 1560, 1792, 0, 1674, "bitor", 0, 0, false, false, "bitwise or"},
    {1793, "#", 'b', 1560, 1560, 1560, 1793, 0, 1675, "bitxor", 0, 0, false, false, "bitwise exclusive or"},
    {1794, "~", 'l', 0, 1560, 1560, 0, 0, 1676, "bitnot", 0, 0, false, false, "bitwise not"},
    {1795, "<<", 'b', 1560, 23, 1560, 0, 0, 1677, "bitshiftleft", 0, 0, false, false, "bitwise shift left"},
    {1796, ">>", 'b', 1560, 23, 1560, 0, 0, 1678, "bitshiftright", 0, 0, false, false, "bitwise shift right"},
    {1797, "||", 'b', 1562, 1562, 1562, 0, 0, 1679, "bitcat", 0, 0, false, false, "concatenate"},
    {1804, "=", 'b', 1562, 1562, 16, 1804, 1805, 1666, "varbiteq", 101, 105, true, false, "equal"},
    {1805, "<>", 'b', 1562, 1562, 16, 1805, 1804, 1667, "varbitne", 102, 106, false, false, "not equal"},
    {1806, "<", 'b', 1562, 1562, 16, 1807, 1809, 1671, "varbitlt", 103, 107, false, false, "less than"},
    {1807, ">", 'b', 1562, 1562, 16, 1806, 1808, 1669, "varbitgt", 104, 108, false, false, "greater than"},
    {1808, "<=", 'b', 1562, 1562, 16, 1809, 1807, 1670, "varbitle", 336, 386, false, false, "less than or equal"},
    {1809, ">=", 'b', 1562, 1562, 16, 1808, 1806, 1668, "varbitge", 337, 398, false, false, "greater than or equal"},
    {1862, "=", 'b', 21, 20, 16, 1868, 1863, 1850, "int28eq", 101, 105, true, true, "equal"},
    {1863, "<>", 'b', 21, 20, 16, 1869, 1862, 1851, "int28ne", 102, 106, false, false, "not equal"},
    {1864, "<", 'b', 21, 20, 16, 1871, 1867, 1852, "int28lt", 103, 107, false, false, "less than"},
    {1865, ">", 'b', 21, 20, 16, 1870, 1866, 1853, "int28gt", 104, 108, false, false, "greater than"},
    {1866, "<=", 'b', 21, 20, 16, 1873, 1865, 1854, "int28le", 336, 386, false, false, "less than or equal"},
    {1867, ">=", 'b', 21, 20, 16, 1872, 1864, 1855, "int28ge", 337, 398, false, false, "greater than or equal"},
    {1868, "=", 'b', 20, 21, 16, 1862, 1869, 1856, "int82eq", 101, 105, true, true, "equal"},
    {1869, "<>", 'b', 20, 21, 16, 1863, 1868, 1857, "int82ne", 102, 106, false, false, "not equal"},
    {1870, "<", 'b', 20, 21, 16, 1865, 1873, 1858, "int82lt", 103, 107, false, false, "less than"},
    {1871, ">", 'b', 20, 21, 16, 1864, 1872, 1859, "int82gt", 104, 108, false, false, "greater than"},
    {1872, "<=", 'b', 20, 21, 16, 1867, 1871, 1860, "int82le", 336, 386, false, false, "less than or equal"},
    {1873, ">=", 'b', 20, 21, 16, 1866, 1870, 1861, "int82ge", 337, 398, false, false, "greater than or equal"},
    {1874, "&", 'b', 21, 21, 21, 1874, 0, 1892, "int2and", 0, 0, false, false, "bitwise and"},
    {1875, "|", 'b', 21, 21, 21, 1875, 0, 1893, "int2or", 0, 0, false, false, "bitwise or"},
    {1876, "#", 'b', 21, 21, 21, 1876, 0, 1894, "int2xor", 0, 0, false, false, "bitwise exclusive or"},
    {1877, "~", 'l', 0, 21, 21, 0, 0, 1895, "int2not", 0, 0, false, false, "bitwise not"},
    {1878, "<<", 'b', 21, 23, 21, 0, 0, 1896, "int2shl", 0, 0, false, false, "bitwise shift left"},
    {1879, ">>", 'b', 21, 23, 21, 0, 0, 1897, "int2shr", 0, 0, false, false, "bitwise shift right"},
    {1880, "&", 'b', 23, 23, 23, 1880, 0, 1898, "int4and", 0, 0, false, false, "bitwise and"},
    {1881, "|", 'b', 23, 23, 23, 1881, 0, 1899, "int4or", 0, 0, false, false, "bitwise or"},
    {1882, "#", 'b', 23, 23, 23, 1882, 0, 1900, "int4xor", 0, 0, false, false, "bitwise exclusive or"},
    {1883, "~", 'l', 0, 23, 23, 0, 0, 1901, "int4not", 0, 0, false, false, "bitwise not"},
    {1884, "<<", 'b', 23, 23, 23, 0, 0, 1902, "int4shl", 0, 0, false, false, "bitwise shift left"},
    {1885, ">>", 'b', 23, 23, 23, 0, 0, 1903, "int4shr", 0, 0, false, false, "bitwise shift right"},
    {1886, "&", 'b', 20, 20, 20, 1886, 0, 1904, "int8and", 0, 0, false, false, "bitwise and"},
    {1887, "|", 'b', 20, 20, 20, 1887, 0, 1905, "int8or", 0, 0, false, false, "bitwise or"},
    {1888, "#", 'b', 20, 20, 20, 1888, 0, 1906, "int8xor", 0, 0, false, false, "bitwise exclusive or"},
    {1889, "~", 'l', 0, 20, 20, 0, 0, 1907, "int8not", 0, 0, false, false, "bitwise not"},
    {1890, "<<", 'b', 20, 23, 20, 0, 0, 1908, "int8shl", 0, 0, false, false, "bitwise shift left"},
    {1891, ">>", 'b', 20, 23, 20, 0, 0, 1909, "int8shr", 0, 0, false, false, "bitwise shift right"},
    {1916, "+", 'l', 0, 20, 20, 0, 0, 1910, "int8up", 0, 0, false, false, "unary plus"},
    {1917, "+", 'l', 0, 21, 21, 0, 0, 1911, "int2up", 0, 0, false, false, "unary plus"},
    {1918, "+", 'l', 0, 23, 23, 0, 0, 1912, "int4up", 0, 0, false, false, "unary plus"},
    {1919, "+", 'l', 0, 700, 700, 0, 0, 1913, "float4up", 0, 0, false, false, "unary plus"},
    {1920, "+", 'l', 0, 701, 701, 0, 0, 1914, "float8up", 0, 0, false, false, "unary plus"},
    {1921, "+", 'l', 0, 1700, 1700, 0, 0, 1915, "numeric_uplus", 0, 0, false, false, "unary plus"},
    {1955, "=", 'b', 17, 17, 16, 1955, 1956, 1948, "byteaeq", 101, 105, true, true, "equal"},
    {1956, "<>", 'b', 17, 17, 16, 1956, 1955, 1953, "byteane", 102, 106, false, false, "not equal"},
    {1957, "<", 'b', 17, 17, 16, 1959, 1960, 1949, "bytealt", 103, 107, false, false, "less than"},
    {1958, "<=", 'b', 17, 17, 16, 1960, 1959, 1950, "byteale", 336, 386, false, false, "less than or equal"},
    {1959, ">", 'b', 17, 17, 16, 1957, 1958, 1951, "byteagt", 104, 108, false, false, "greater than"},
    {1960, ">=", 'b', 17, 17, 16, 1958, 1957, 1952, "byteage", 337, 398, false, false, "greater than or equal"},
    {2016, "~~", 'b', 17, 17, 16, 0, 2017, 2005, "bytealike", 1819, 1825, false, false, "matches LIKE expression"},
    {2017, "!~~", 'b', 17, 17, 16, 0, 2016, 2006, "byteanlike", 1822, 1828, false, false, "does not match LIKE expression"},
    {2018, "||", 'b', 17, 17, 17, 0, 0, 2011, "byteacat", 0, 0, false, false, "concatenate"},
    {2060, "=", 'b', 1114, 1114, 16, 2060, 2061, 2052, "timestamp_eq", 101, 105, true, true, "equal"},
    {2061, "<>", 'b', 1114, 1114, 16, 2061, 2060, 2053, "timestamp_ne", 102, 106, false, false, "not equal"},
    {2062, "<", 'b', 1114, 1114, 16, 2064, 2065, 2054, "timestamp_lt", 103, 107, false, false, "less than"},
    {2063, "<=", 'b', 1114, 1114, 16, 2065, 2064, 2055, "timestamp_le", 336, 386, false, false, "less than or equal"},
    {2064, ">", 'b', 1114, 1114, 16, 2062, 2063, 2057, "timestamp_gt", 104, 108, false, false, "greater than"},
    {2065, ">=", 'b', 1114, 1114, 16, 2063, 2062, 2056, "timestamp_ge", 337, 398, false, false, "greater than or equal"},
    {2066, "+", 'b', 1114, 1186, 1114, 2553, 0, 2032, "timestamp_pl_interval", 0, 0, false, false, "add"},
    {2067, "-", 'b', 1114, 1114, 1186, 0, 0, 2031, "timestamp_mi", 0, 0, false, false, "subtract"},
    {2068, "-", 'b', 1114, 1186, 1114, 0, 0, 2033, "timestamp_mi_interval", 0, 0, false, false, "subtract"},
    {2314, "~<~", 'b', 25, 25, 16, 2318, 2317, 2160, "text_pattern_lt", 103, 107, false, false, "less than"},
    {2315, "~<=~", 'b', 25, 25, 16, 2317, 2318, 2161, "text_pattern_le", 336, 386, false, false, "less than or equal"},
    {2317, "~>=~", 'b', 25, 25, 16, 2315, 2314, 2163, "text_pattern_ge", 337, 398, false, false, "greater than or equal"},
    {2318, "~>~", 'b', 25, 25, 16, 2314, 2315, 2164, "text_pattern_gt", 104, 108, false, false, "greater than"},
    {2326, "~<~", 'b', 1042, 1042, 16, 2330, 2329, 2174, "bpchar_pattern_lt", 103, 107, false, false, "less than"},
    {2327, "~<=~", 'b', 1042, 1042, 16, 2329, 2330, 2175, "bpchar_pattern_le", 336, 386, false, false, "less than or equal"},
    {2329, "~>=~", 'b', 1042, 1042, 16, 2327, 2326, 2177, "bpchar_pattern_ge", 337, 398, false, false, "greater than or equal"},
    {2330, "~>~", 'b', 1042, 1042, 16, 2326, 2327, 2178, "bpchar_pattern_gt", 104, 108, false, false, "greater than"},
    {2345, "<", 'b', 1082, 1114, 16, 2375, 2348, 2338, "date_lt_timestamp", 103, 107, false, false, "less than"},
    {2346, "<=", 'b', 1082, 1114, 16, 2374, 2349, 2339, "date_le_timestamp", 336, 386, false, false, "less than or equal"},
    {2347, "=", 'b', 1082, 1114, 16, 2373, 2350, 2340, "date_eq_timestamp", 101, 105, true, false, "equal"},
    {2348, ">=", 'b', 1082, 1114, 16, 2372, 2345, 2342, "date_ge_timestamp", 337, 398, false, false, "greater than or equal"},
    {2349, ">", 'b', 1082, 1114, 16, 2371, 2346, 2341, "date_gt_timestamp", 104, 108, false, false, "greater than"},
    {2350, "<>", 'b', 1082, 1114, 16, 2376, 2347, 2343, "date_ne_timestamp", 102, 106, false, false, "not equal"},
    {2358, "<", 'b', 1082, 1184, 16, 2388, 2361, 2351, "date_lt_timestamptz", 103, 107, false, false, "less than"},
    {2359, "<=", 'b', 1082, 1184, 16, 2387, 2362, 2352, "date_le_timestamptz", 336, 386, false, false, "less than or equal"},
    {2360, "=", 'b', 1082, 1184, 16, 2386, 2363, 2353, "date_eq_timestamptz", 101, 105, true, false, "equal"},
    {2361, ">=", 'b', 1082, 1184, 16, 2385, 2358, 2355, "date_ge_timestamptz", 337, 398, false, false, "greater than or equal"},
    {2362, ">", 'b', 1082, 1184, 16, 2384, 2359, 2354, "date_gt_timestamptz", 104, 108, false, false, "greater than"},
    {2363, "<>", 'b', 1082, 1184, 16, 2389, 2360, 2356, "date_ne_timestamptz", 102, 106, false, false, "not equal"},
    {2371, "<", 'b', 1114, 1082, 16, 2349, 2374, 2364, "timestamp_lt_date", 103, 107, false, false, "less than"},
    {2372, "<=", 'b', 1114, 1082, 16, 2348, 2375, 2365, "timestamp_le_date", 336, 386, false, false, "less than or equal"},
    {2373, "=", 'b', 1114, 1082, 16, 2347, 2376, 2366, "timestamp_eq_date", 101, 105, true, false, "equal"},
    {2374, ">=", 'b', 1114, 1082, 16, 2346, 2371, 2368, "timestamp_ge_date", 337, 398, false, false, "greater than or equal"},
    {2375, ">", 'b', 1114, 1082, 16, 2345, 2372, 2367, "timestamp_gt_date", 104, 108, false, false, "greater than"},
    {2376, "<>", 'b', 1114, 1082, 16, 2350, 2373, 2369, "timestamp_ne_date", 102, 106, false, false, "not equal"},
    {2384, "<", 'b', 1184, 1082, 16, 2362, 2387, 2377, "timestamptz_lt_date", 103, 107, false, false, "less than"},
    {2385, "<=", 'b', 1184, 1082, 16, 2361, 2388, 2378, "timestamptz_le_date", 336, 386, false, false, "less than or equal"},
    {2386, "=", 'b', 1184, 1082, 16, 2360, 2389, 2379, "timestamptz_eq_date", 101, 105, true, false, "equal"},
    {2387, ">=", 'b', 1184, 1082, 16, 2359, 2384, 2381, "timestamptz_ge_date", 337, 398, false, false, "greater than or equal"},
    {2388, ">", 'b', 1184, 1082, 16, 2358, 2385, 2380, "timestamptz_gt_date", 104, 108, false, false, "greater than"},
    {2389, "<>", 'b', 1184, 1082, 16, 2363, 2386, 2382, "timestamptz_ne_date", 102, 106, false, false, "not equal"},
    {2534, "<", 'b', 1114, 1184, 16, 2544, 2537, 2520, "timestamp_lt_timestamptz", 103, 107, false, false, "less than"},
    {2535, "<=", 'b', 1114, 1184, 16, 2543, 2538, 2521, "timestamp_le_timestamptz", 336, 386, false, false, "less than or equal"},
    {2536, "=", 'b', 1114, 1184, 16, 2542, 2539, 2522, "timestamp_eq_timestamptz", 101, 105, true, false, "equal"},
    {2537, ">=", 'b', 1114, 1184, 16, 2541, 2534, 2524, "timestamp_ge_timestamptz", 337, 398, false, false, "greater than or equal"},
    {2538, ">", 'b', 1114, 1184, 16, 2540, 2535, 2523, "timestamp_gt_timestamptz", 104, 108, false, false, "greater than"},
    {2539, "<>", 'b', 1114, 1184, 16, 2545, 2536, 2525, "timestamp_ne_timestamptz", 102, 106, false, false, "not equal"},
    {2540, "<", 'b', 1184, 1114, 16, 2538, 2543, 2527, "timestamptz_lt_timestamp", 103, 107, false, false, "less than"},
    {2541, "<=", 'b', 1184, 1114, 16, 2537, 2544, 2528, "timestamptz_le_timestamp", 336, 386, false, false, "less than or equal"},
    {2542, "=", 'b', 1184, 1114, 16, 2536, 2545, 2529, "timestamptz_eq_timestamp", 101, 105, true, false, "equal"},
    {2543, ">=", 'b', 1184, 1114, 16, 2535, 2540, 2531, "timestamptz_ge_timestamp", 337, 398, false, false, "greater than or equal"},
    {2544, ">", 'b', 1184, 1114, 16, 2534, 2541, 2530, "timestamptz_gt_timestamp", 104, 108, false, false, "greater than"},
    {2545, "<>", 'b', 1184, 1114, 16, 2539, 2542, 2532, "timestamptz_ne_timestamp", 102, 106, false, false, "not equal"},
    {2551, "+", 'b', 1186, 1082, 1114, 1076, 0, 2546, "interval_pl_date", 0, 0, false, false, "add"},
    {2553, "+", 'b', 1186, 1114, 1114, 2066, 0, 2548, "interval_pl_timestamp", 0, 0, false, false, "add"},
    {2554, "+", 'b', 1186, 1184, 1184, 1327, 0, 2549, "interval_pl_timestamptz", 0, 0, false, false, "add"},
    {2555, "+", 'b', 23, 1082, 1082, 1100, 0, 2550, "integer_pl_date", 0, 0, false, false, "add"},
    {2750, "&&", 'b', 2277, 2277, 16, 2750, 0, 2747, "arrayoverlap", 3817, 3818, false, false, "overlaps"},
    {2751, "@>", 'b', 2277, 2277, 16, 2752, 0, 2748, "arraycontains", 3817, 3818, false, false, "contains"},
    {2752, "<@", 'b', 2277, 2277, 16, 2751, 0, 2749, "arraycontained", 3817, 3818, false, false, "is contained by"},
    {2779, "||", 'b', 25, 2776, 25, 0, 0, 2003, "textanycat", 0, 0, false, false, "concatenate"},
    {2780, "||", 'b', 2776, 25, 25, 0, 0, 2004, "anytextcat", 0, 0, false, false, "concatenate"},
    {2972, "=", 'b', 2950, 2950, 16, 2972, 2973, 2956, "uuid_eq", 101, 105, true, true, "equal"},
    {2973, "<>", 'b', 2950, 2950, 16, 2973, 2972, 2959, "uuid_ne", 102, 106, false, false, "not equal"},
    {2974, "<", 'b', 2950, 2950, 16, 2975, 2977, 2954, "uuid_lt", 103, 107, false, false, "less than"},
    {2975, ">", 'b', 2950, 2950, 16, 2974, 2976, 2958, "uuid_gt", 104, 108, false, false, "greater than"},
    {2976, "<=", 'b', 2950, 2950, 16, 2977, 2975, 2955, "uuid_le", 336, 386, false, false, "less than or equal"},
    {2977, ">=", 'b', 2950, 2950, 16, 2976, 2974, 2957, "uuid_ge", 337, 398, false, false, "greater than or equal"},
    {3206, "#>>", 'b', 3802, 1009, 25, 0, 0, 3940, "jsonb_extract_path_text", 0, 0, false, false, "get value from jsonb as text with path elements"},
    {3211, "->", 'b', 3802, 25, 3802, 0, 0, 3478, "jsonb_object_field", 0, 0, false, false, "get jsonb object field"},
    {3212, "->", 'b', 3802, 23, 3802, 0, 0, 3215, "jsonb_array_element", 0, 0, false, false, "get jsonb array element"},
    {3213, "#>", 'b', 3802, 1009, 3802, 0, 0, 3217, "jsonb_extract_path", 0, 0, false, false, "get value from jsonb with path elements"},
    {3240, "=", 'b', 3802, 3802, 16, 3240, 3241, 4043, "jsonb_eq", 101, 105, true, true, "equal"},
    {3241, "<>", 'b', 3802, 3802, 16, 3241, 3240, 4038, "jsonb_ne", 102, 106, false, false, "not equal"},
    {3242, "<", 'b', 3802, 3802, 16, 3243, 3245, 4039, "jsonb_lt", 103, 107, false, false, "less than"},
    {3243, ">", 'b', 3802, 3802, 16, 3242, 3244, 4040, "jsonb_gt", 104, 108, false, false, "greater than"},
    {3244, "<=", 'b', 3802, 3802, 16, 3245, 3243, 4041, "jsonb_le", 336, 386, false, false, "less than or equal"},
    {3245, ">=", 'b', 3802, 3802, 16, 3244, 3242, 4042, "jsonb_ge", 337, 398, false, false, "greater than or equal"},
    {3246, "@>", 'b', 3802, 3802, 16, 3250, 0, 4046, "jsonb_contains", 5040, 5041, false, false, "contains"},
    {3247, "?", 'b', 3802, 25, 16, 0, 0, 4047, "jsonb_exists", 5040, 5041, false, false, "key exists"},
    {3248, "?|", 'b', 3802, 1009, 16, 0, 0, 4048, "jsonb_exists_any", 5040, 5041, false, false, "any key exists"},
    {3249, "?&", 'b', 3802, 1009, 16, 0, 0, 4049, "jsonb_exists_all", 5040, 5041, false, false, "all keys exist"},
    {3250, "<@", 'b', 3802, 3802, 16, 3246, 0, 4050, "jsonb_contained", 5040, 5041, false, false, "is contained by"},
    {3284, "||", 'b', 3802, 3802, 3802, 0, 0, 3301, "jsonb_concat", 0, 0, false, false, "concatenate"},
    {3285, "-", 'b', 3802, 25, 3802, 0, 0, 3302, "pg_catalog.jsonb_delete", 0, 0, false, false, "delete object field"},
    {3286, "-", 'b', 3802, 23, 3802, 0, 0, 3303, "pg_catalog.jsonb_delete", 0, 0, false, false, "delete array element"},
    {3287, "#-", 'b', 3802, 1009, 3802, 0, 0, 3304, "jsonb_delete_path", 0, 0, false, false, "delete path"},
    {3398, "-", 'b', 3802, 1009, 3802, 0, 0, 3343, "pg_catalog.jsonb_delete", 0, 0, false, false, "delete object fields"},
    {3477, "->>", 'b', 3802, 25, 25, 0, 0, 3214, "jsonb_object_field_text", 0, 0, false, false, "get jsonb object field as text"},
    {3481, "->>", 'b', 3802, 23, 25, 0, 0, 3216, "jsonb_array_element_text", 0, 0, false, false, "get jsonb array element as text"},
    {3762, "@@", 'b', 25, 25, 16, 0, 0, 3760, "ts_match_tt", 5040, 5041, false, false, "text search match"},
    {3877, "^@", 'b', 25, 25, 16, 0, 0, 3696, "starts_with", 3437, 3438, false, false, "starts with"},
    {3962, "->", 'b', 114, 25, 114, 0, 0, 3947, "json_object_field", 0, 0, false, false, "get json object field"},
    {3963, "->>", 'b', 114, 25, 25, 0, 0, 3948, "json_object_field_text", 0, 0, false, false, "get json object field as text"},
    {3964, "->", 'b', 114, 23, 114, 0, 0, 3949, "json_array_element", 0, 0, false, false, "get json array element"},
    {3965, "->>", 'b', 114, 23, 25, 0, 0, 3950, "json_array_element_text", 0, 0, false, false, "get json array element as text"},
    {3966, "#>", 'b', 114, 1009, 114, 0, 0, 3951, "json_extract_path", 0, 0, false, false, "get value from json with path elements"},
    {3967, "#>>", 'b', 114, 1009, 25, 0, 0, 3953, "json_extract_path_text", 0, 0, false, false, "get value from json as text with path elements"},
};
// clang-format on

/* the selectivity estimators those rows name (oprrest, oprjoin) */
static const struct {
    uint32_t oid;
    const char *name;
} estimators[] = {
    {101, "eqsel"},
    {102, "neqsel"},
    {103, "scalarltsel"},
    {104, "scalargtsel"},
    {105, "eqjoinsel"},
    {106, "neqjoinsel"},
    {107, "scalarltjoinsel"},
    {108, "scalargtjoinsel"},
    {336, "scalarlesel"},
    {337, "scalargesel"},
    {386, "scalarlejoinsel"},
    {398, "scalargejoinsel"},
    {1814, "iclikesel"},
    {1815, "icnlikesel"},
    {1816, "iclikejoinsel"},
    {1817, "icnlikejoinsel"},
    {1818, "regexeqsel"},
    {1819, "likesel"},
    {1820, "icregexeqsel"},
    {1821, "regexnesel"},
    {1822, "nlikesel"},
    {1823, "icregexnesel"},
    {1824, "regexeqjoinsel"},
    {1825, "likejoinsel"},
    {1826, "icregexeqjoinsel"},
    {1827, "regexnejoinsel"},
    {1828, "nlikejoinsel"},
    {1829, "icregexnejoinsel"},
    {3437, "prefixsel"},
    {3438, "prefixjoinsel"},
    {3817, "arraycontsel"},
    {3818, "arraycontjoinsel"},
    {5040, "matchingsel"},
    {5041, "matchingjoinsel"},
};

#define V SQL_OID_VECTOR
#define H SQL_OID_HALFVEC
#define S SQL_OID_SPARSEVEC
#define BT SQL_OID_BIT
#define F8 SQL_OID_FLOAT8
#define BO SQL_OID_BOOL
/* pgvector 0.8's operators: oid, name, left = right type, result, commutator, negator, function,
 * estimators; oids 9101.. in this order (never reorder: append) */
// clang-format off
#define VDIST(o, nm, t, fn) {o, nm, 'b', t, t, F8, o, 0, 0, fn, 0, 0, false, false, NULL}
#define VARITH(o, nm, t, com, fn) {o, nm, 'b', t, t, t, com, 0, 0, fn, 0, 0, false, false, NULL}
#define VCMPS(o, t, p)                                                                             \
    {o, "<", 'b', t, t, BO, o + 5, o + 4, 0, p "_lt", 103, 107, false, false, NULL},               \
    {o + 1, "<=", 'b', t, t, BO, o + 4, o + 5, 0, p "_le", 336, 386, false, false, NULL},          \
    {o + 2, "=", 'b', t, t, BO, o + 2, o + 3, 0, p "_eq", 101, 105, false, false, NULL},           \
    {o + 3, "<>", 'b', t, t, BO, o + 3, o + 2, 0, p "_ne", 101, 105, false, false, NULL},          \
    {o + 4, ">=", 'b', t, t, BO, o + 1, o, 0, p "_ge", 337, 398, false, false, NULL},              \
    {o + 5, ">", 'b', t, t, BO, o, o + 1, 0, p "_gt", 104, 108, false, false, NULL}
static const sql_operator_t vec_ops[] = {
    VDIST(9101, "<->", V, "l2_distance"), VDIST(9102, "<#>", V, "vector_negative_inner_product"),
    VDIST(9103, "<=>", V, "cosine_distance"), VDIST(9104, "<+>", V, "l1_distance"),
    VARITH(9105, "+", V, 9105, "vector_add"), VARITH(9106, "-", V, 0, "vector_sub"),
    VARITH(9107, "*", V, 9107, "vector_mul"), VARITH(9108, "||", V, 0, "vector_concat"),
    VCMPS(9109, V, "vector"),
    VDIST(9121, "<->", H, "l2_distance"), VDIST(9122, "<#>", H, "halfvec_negative_inner_product"),
    VDIST(9123, "<=>", H, "cosine_distance"), VDIST(9124, "<+>", H, "l1_distance"),
    VARITH(9125, "+", H, 9125, "halfvec_add"), VARITH(9126, "-", H, 0, "halfvec_sub"),
    VARITH(9127, "*", H, 9127, "halfvec_mul"), VARITH(9128, "||", H, 0, "halfvec_concat"),
    VCMPS(9129, H, "halfvec"),
    VDIST(9141, "<->", S, "l2_distance"), VDIST(9142, "<#>", S, "sparsevec_negative_inner_product"),
    VDIST(9143, "<=>", S, "cosine_distance"), VDIST(9144, "<+>", S, "l1_distance"),
    VCMPS(9149, S, "sparsevec"),
    VDIST(9161, "<~>", BT, "hamming_distance"), VDIST(9162, "<%>", BT, "jaccard_distance"),
};
// clang-format on

static sql_operator_t core[sizeof pg_ops / sizeof pg_ops[0]];
static size_t ncore;
static sql_operator_t vec[sizeof vec_ops / sizeof vec_ops[0]];
static size_t nvec;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static bool same_type(uint32_t orbit, uint32_t pg) {
    return orbit == pg || (orbit == SQL_OID_ANYARRAY && pg == ANYCOMPATIBLEARRAY) ||
           (orbit == SQL_OID_ANYELEMENT && pg == ANYCOMPATIBLE);
}

static bool same(const sql_builtin_t *b, const sql_operator_t *o) {
    if (strcmp(b->name, o->name) != 0) return false;
    uint32_t l = o->kind == 'l' ? 0 : o->left, r = o->right;
    int n = o->kind == 'l' ? 1 : 2;
    if (b->nargs != n) return false;
    uint32_t bl = n == 2 ? b->argtypes[0] : 0, br = b->argtypes[n - 1];
    if (bl == SQL_OID_ANY) bl = ANYNONARRAY;
    if (br == SQL_OID_ANY) br = ANYNONARRAY;
    return same_type(bl, l) && same_type(br, r);
}

static bool implemented(const sql_operator_t *o) {
    for (size_t k = 0; k < sql__builtin_count(); k++)
        if (same(sql__builtin_at(k), o)) return true;
    for (size_t k = 0; k < sql__vec_nbuiltins; k++)
        if (same(&sql__vec_builtins[k], o)) return true;
    return false;
}

/* the pg_proc oid of function name(t, t) when sql_proc.c lists it, else 0 */
static uint32_t listed_proc(const char *name, uint32_t t) {
    size_t n = sql_proc_count();
    for (size_t i = 0; i < n; i++) {
        uint32_t oid;
        const sql_builtin_t *b = sql_proc_at(i, &oid);
        if (b->nargs == 2 && b->argtypes[0] == t && b->argtypes[1] == t &&
            strcmp(b->name, name) == 0)
            return oid;
    }
    return 0;
}

static void build(void) {
    for (size_t i = 0; i < sizeof pg_ops / sizeof pg_ops[0]; i++)
        if (implemented(&pg_ops[i])) core[ncore++] = pg_ops[i];
    for (size_t i = 0; i < sizeof vec_ops / sizeof vec_ops[0]; i++) {
        if (!implemented(&vec_ops[i])) continue;
        sql_operator_t o = vec_ops[i];
        o.code = listed_proc(o.code_name, o.left);
        if (!o.code) o.code = o.oid + 100; /* 9201.. */
        vec[nvec++] = o;
    }
}

const sql_operator_t *sql_operator_core(size_t *n) {
    pthread_once(&once, build);
    *n = ncore;
    return core;
}

const sql_operator_t *sql_operator_vector(size_t *n) {
    pthread_once(&once, build);
    *n = nvec;
    return vec;
}

const sql_operator_t *sql_operator_by_oid(uint32_t oid) {
    pthread_once(&once, build);
    for (size_t i = 0; i < ncore; i++)
        if (core[i].oid == oid) return &core[i];
    for (size_t i = 0; i < nvec; i++)
        if (vec[i].oid == oid) return &vec[i];
    /* PostgreSQL's operators Orbit does not implement still have names: an oid of one (in a
     * regoper cast, say) prints as PostgreSQL prints it, though pg_operator does not list it */
    for (size_t i = 0; i < sizeof pg_ops / sizeof pg_ops[0]; i++)
        if (pg_ops[i].oid == oid) return &pg_ops[i];
    return NULL;
}

const char *sql_operator_proc_name(uint32_t oid) {
    pthread_once(&once, build);
    if (!oid) return NULL;
    for (size_t i = 0; i < sizeof estimators / sizeof estimators[0]; i++)
        if (estimators[i].oid == oid) return estimators[i].name;
    for (size_t i = 0; i < ncore; i++)
        if (core[i].code == oid) return core[i].code_name;
    for (size_t i = 0; i < nvec; i++)
        if (vec[i].code == oid) return vec[i].code_name;
    return NULL;
}

const char *sql_operator_description(uint32_t oid) {
    const sql_operator_t *o = sql_operator_by_oid(oid);
    return o && o->descr && o->descr[0] ? o->descr : NULL;
}

bool sql_operator_name_unique(const char *name) {
    pthread_once(&once, build);
    int n = 0;
    for (size_t i = 0; i < ncore; i++) n += strcmp(core[i].name, name) == 0;
    for (size_t i = 0; i < nvec; i++) n += strcmp(vec[i].name, name) == 0;
    return n == 1;
}

uint32_t sql_operator_eq(uint32_t left, uint32_t right) {
    /* varchar compares as text (binary coercible), as PostgreSQL picks texteq for it */
    if (left == SQL_OID_VARCHAR) left = SQL_OID_TEXT;
    if (right == SQL_OID_VARCHAR) right = SQL_OID_TEXT;
    for (size_t i = 0; i < sizeof pg_ops / sizeof pg_ops[0]; i++)
        if (pg_ops[i].left == left && pg_ops[i].right == right && strcmp(pg_ops[i].name, "=") == 0)
            return pg_ops[i].oid;
    pthread_once(&once, build);
    for (size_t i = 0; i < nvec; i++)
        if (vec[i].left == left && vec[i].right == right && strcmp(vec[i].name, "=") == 0)
            return vec[i].oid;
    return 0;
}
