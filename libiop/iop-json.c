/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#include "iop-json-private.h"

#include <math.h>
#include <string.h>

void
iop_json_reader_init (IopJsonReader *r, iop_error **error, gboolean quote_values)
{
  r->path = g_string_new ("$");
  r->error = error;
  r->quote_values = quote_values;
}

void
iop_json_reader_clear (IopJsonReader *r)
{
  if (r->path != NULL)
    g_string_free (r->path, TRUE);
  r->path = NULL;
}

static gboolean
member_is_identifier (const char *member)
{
  if (!g_ascii_isalpha (*member) && *member != '_')
    return FALSE;
  for (const char *p = member; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

gsize
iop_json_push_member (IopJsonReader *r, const char *member)
{
  gsize mark = r->path->len;

  if (member_is_identifier (member))
    {
      g_string_append_c (r->path, '.');
      g_string_append (r->path, member);
    }
  else
    {
      /* Bracket notation for names such as "x-note" or "2.1". */
      g_string_append (r->path, "[\"");
      for (const char *p = member; *p; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (r->path, '\\');
          g_string_append_c (r->path, *p);
        }
      g_string_append (r->path, "\"]");
    }
  return mark;
}

gsize
iop_json_push_index (IopJsonReader *r, guint index)
{
  gsize mark = r->path->len;
  char digits[12];
  int n = 0;

  do
    {
      digits[n++] = (char) ('0' + index % 10);
      index /= 10;
    }
  while (index > 0);
  g_string_append_c (r->path, '[');
  while (n > 0)
    g_string_append_c (r->path, digits[--n]);
  g_string_append_c (r->path, ']');
  return mark;
}

void
iop_json_pop (IopJsonReader *r, gsize mark)
{
  g_string_truncate (r->path, mark);
}

gboolean
iop_json_fail (IopJsonReader *r, iop_error_code code, const char *member,
               const char *format, ...)
{
  va_list args;
  g_autofree char *detail = NULL;
  gsize mark = r->path->len;

  if (r->error == NULL || *r->error != NULL)
    return FALSE;
  if (member != NULL)
    iop_json_push_member (r, member);
  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  iop_set_error (r->error, code, r->path->str, "%s: %s", r->path->str, detail);
  iop_json_pop (r, mark);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Strict syntax check (RFC 8259) before json-glib sees the text. json-glib alone accepts
 * comments, single-quoted strings, hexadecimal numbers and trailing content after the document;
 * none of those may slip into a clinical rule pack or a patient document. The check also bounds
 * nesting depth (json-glib's parser is recursive) and rejects duplicate member names, which
 * json-glib would silently resolve to the last one. */

#define IOP_JSON_MAX_DEPTH 256

typedef struct {
  const char *text, *p, *end;
  GArray *keys;   /* (offset, length) of the member names of every open object, innermost last */
  GArray *frames; /* index into @keys where each open object's names start */
  const char *error;
  const char *error_at;
} Syntax;

static gboolean
syntax_fail (Syntax *s, const char *what)
{
  if (s->error == NULL)
    {
      s->error = what;
      s->error_at = s->p;
    }
  return FALSE;
}

static void
skip_ws (Syntax *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
syntax_string (Syntax *s)
{
  s->p++; /* opening quote */
  while (s->p < s->end)
    {
      unsigned char c = (unsigned char) *s->p;
      if (c == '"')
        {
          s->p++;
          return TRUE;
        }
      if (c < 0x20)
        return syntax_fail (s, "control character in a string (escape it)");
      if (c == '\\')
        {
          s->p++;
          if (s->p >= s->end)
            break;
          switch (*s->p)
            {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
              s->p++;
              break;
            case 'u':
              {
                guint u = 0;
                for (int i = 1; i <= 4; i++)
                  {
                    if (s->p + i >= s->end || !g_ascii_isxdigit (s->p[i]))
                      return syntax_fail (s, "\\u must be followed by four hexadecimal digits");
                    u = u * 16 + (guint) g_ascii_xdigit_value (s->p[i]);
                  }
                /* A UTF-16 surrogate must come as a high-low pair (json-glib refuses lone ones). */
                if (u >= 0xdc00 && u < 0xe000)
                  return syntax_fail (s, "\\u escape of an unpaired low surrogate");
                if (u >= 0xd800 && u < 0xdc00)
                  {
                    guint low = 0;
                    if (s->end - s->p < 11 || s->p[5] != '\\' || s->p[6] != 'u')
                      return syntax_fail (s, "\\u escape of an unpaired high surrogate");
                    for (int i = 7; i <= 10; i++)
                      {
                        if (!g_ascii_isxdigit (s->p[i]))
                          return syntax_fail (s, "\\u must be followed by four hexadecimal digits");
                        low = low * 16 + (guint) g_ascii_xdigit_value (s->p[i]);
                      }
                    if (low < 0xdc00 || low >= 0xe000)
                      return syntax_fail (s, "\\u escape of an unpaired high surrogate");
                    s->p += 6;
                  }
                s->p += 5;
                break;
              }
            default:
              return syntax_fail (s, "invalid escape sequence in a string");
            }
          continue;
        }
      s->p++;
    }
  return syntax_fail (s, "unterminated string");
}

static gboolean
syntax_digits (Syntax *s)
{
  const char *start = s->p;
  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > start;
}

static gboolean
syntax_number (Syntax *s)
{
  if (*s->p == '-')
    s->p++;
  if (s->p < s->end && *s->p == '0')
    {
      s->p++;
      if (s->p < s->end && g_ascii_isdigit (*s->p))
        return syntax_fail (s, "numbers must not have leading zeros");
    }
  else if (!syntax_digits (s))
    return syntax_fail (s, "invalid number");
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (!syntax_digits (s))
        return syntax_fail (s, "a decimal point must be followed by digits");
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!syntax_digits (s))
        return syntax_fail (s, "an exponent must have digits");
    }
  if (s->p < s->end && (g_ascii_isalnum (*s->p) || *s->p == '.'))
    return syntax_fail (s, "invalid number");
  return TRUE;
}

static gboolean
syntax_literal (Syntax *s, const char *word)
{
  gsize n = strlen (word);
  if ((gsize) (s->end - s->p) < n || memcmp (s->p, word, n) != 0 ||
      ((gsize) (s->end - s->p) > n && g_ascii_isalnum (s->p[n])))
    return syntax_fail (s, "unexpected character (not JSON: comments, single quotes and bare words are not allowed)");
  s->p += n;
  return TRUE;
}

static gboolean syntax_value (Syntax *s, guint depth);

static gboolean
syntax_member_name (Syntax *s)
{
  const char *start = s->p;
  guint first = g_array_index (s->frames, guint, s->frames->len - 1);
  guint offset, length;

  if (!syntax_string (s))
    return FALSE;
  offset = (guint) (start - s->text);
  length = (guint) (s->p - start);
  for (guint i = first; i + 1 < s->keys->len; i += 2)
    if (g_array_index (s->keys, guint, i + 1) == length &&
        memcmp (s->text + g_array_index (s->keys, guint, i), start, length) == 0)
      {
        s->p = start;
        return syntax_fail (s, "duplicate member name in an object");
      }
  g_array_append_val (s->keys, offset);
  g_array_append_val (s->keys, length);
  return TRUE;
}

static gboolean
syntax_container (Syntax *s, guint depth, gboolean object)
{
  char close = object ? '}' : ']';

  if (depth >= IOP_JSON_MAX_DEPTH)
    return syntax_fail (s, "nesting is too deep");
  s->p++;
  if (object)
    {
      guint start = s->keys->len;
      g_array_append_val (s->frames, start);
    }
  skip_ws (s);
  if (s->p < s->end && *s->p == close)
    s->p++;
  else
    for (;;)
      {
        skip_ws (s);
        if (object)
          {
            if (s->p >= s->end || *s->p != '"')
              return syntax_fail (s, "expected a member name in double quotes");
            if (!syntax_member_name (s))
              return FALSE;
            skip_ws (s);
            if (s->p >= s->end || *s->p != ':')
              return syntax_fail (s, "expected ':' after a member name");
            s->p++;
          }
        if (!syntax_value (s, depth + 1))
          return FALSE;
        skip_ws (s);
        if (s->p < s->end && *s->p == ',')
          {
            s->p++;
            skip_ws (s);
            if (s->p < s->end && *s->p == close)
              return syntax_fail (s, "trailing comma");
            continue;
          }
        if (s->p < s->end && *s->p == close)
          {
            s->p++;
            break;
          }
        return syntax_fail (s, object ? "expected ',' or '}'" : "expected ',' or ']'");
      }
  if (object)
    {
      g_array_set_size (s->keys, g_array_index (s->frames, guint, s->frames->len - 1));
      g_array_set_size (s->frames, s->frames->len - 1);
    }
  return TRUE;
}

static gboolean
syntax_value (Syntax *s, guint depth)
{
  skip_ws (s);
  if (s->p >= s->end)
    return syntax_fail (s, "unexpected end of the document");
  switch (*s->p)
    {
    case '{': return syntax_container (s, depth, TRUE);
    case '[': return syntax_container (s, depth, FALSE);
    case '"': return syntax_string (s);
    case 't': return syntax_literal (s, "true");
    case 'f': return syntax_literal (s, "false");
    case 'n': return syntax_literal (s, "null");
    default:
      if (*s->p == '-' || g_ascii_isdigit (*s->p))
        return syntax_number (s);
      return syntax_fail (s, "unexpected character (not JSON: comments, single quotes and bare words are not allowed)");
    }
}

/* Returns TRUE when @text is exactly one RFC 8259 JSON document. */
static gboolean
check_syntax (const char *text, gsize length, iop_error **error)
{
  Syntax s = { text, text, text + length, NULL, NULL, NULL, NULL };
  gboolean ok;
  int line = 1, column = 1;

  if (memchr (text, '\0', length) != NULL)
    {
      iop_set_error (error, IOP_ERROR_PARSE, NULL, "malformed JSON: the text contains a NUL byte");
      return FALSE;
    }
  if (!g_utf8_validate (text, (gssize) length, NULL))
    {
      iop_set_error (error, IOP_ERROR_PARSE, NULL, "malformed JSON: the text is not valid UTF-8");
      return FALSE;
    }
  s.keys = g_array_new (FALSE, FALSE, sizeof (guint));
  s.frames = g_array_new (FALSE, FALSE, sizeof (guint));
  ok = syntax_value (&s, 0);
  if (ok)
    {
      skip_ws (&s);
      if (s.p < s.end)
        ok = syntax_fail (&s, "unexpected content after the end of the document");
    }
  g_array_unref (s.keys);
  g_array_unref (s.frames);
  if (ok)
    return TRUE;
  for (const char *q = text; q < s.error_at; q = g_utf8_next_char (q))
    if (*q == '\n')
      {
        line++;
        column = 1;
      }
    else
      column++;
  iop_set_error (error, IOP_ERROR_PARSE, NULL, "malformed JSON: line %d, column %d: %s",
                 line, column, s.error);
  return FALSE;
}

JsonNode *
iop_json_parse (const char *text, gssize length, iop_error **error)
{
  g_autoptr(JsonParser) parser = NULL;
  GError *gerror = NULL;
  gsize len = length < 0 ? strlen (text) : (gsize) length;

  if (!check_syntax (text, len, error))
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, (gssize) len, &gerror))
    {
      iop_propagate_gerror (error, gerror, IOP_ERROR_PARSE, "malformed JSON");
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      iop_set_error (error, IOP_ERROR_PARSE, NULL, "malformed JSON: the document is empty");
      return NULL;
    }
  return json_parser_steal_root (parser);
}

/* Builds the tree of a document check_syntax() accepted, without JsonParser: json-glib's
 * parser emits a GObject signal per member and element, and every emission takes GLib's global
 * signal lock, so parsing on several threads at once runs no faster than on one (measured in
 * docs/preauth.md). The text is known to be valid here, so the builder does not re-check it. */
typedef struct {
  const char *p;
  GString *scratch;
} Builder;

static void
build_skip_ws (Builder *b)
{
  while (*b->p == ' ' || *b->p == '\t' || *b->p == '\n' || *b->p == '\r')
    b->p++;
}

static guint
hex4 (const char *p)
{
  guint v = 0;
  for (int i = 0; i < 4; i++)
    v = v * 16 + (guint) g_ascii_xdigit_value (p[i]);
  return v;
}

/* Unescapes the string at b->p (an opening quote) into b->scratch. */
static const char *
build_string (Builder *b)
{
  const char *run;

  g_string_truncate (b->scratch, 0);
  run = ++b->p;
  for (;;)
    {
      char c = *b->p;
      if (c == '"')
        break;
      if (c != '\\')
        {
          b->p++;
          continue;
        }
      g_string_append_len (b->scratch, run, b->p - run);
      b->p++;
      switch (*b->p)
        {
        case 'b': g_string_append_c (b->scratch, '\b'); break;
        case 'f': g_string_append_c (b->scratch, '\f'); break;
        case 'n': g_string_append_c (b->scratch, '\n'); break;
        case 'r': g_string_append_c (b->scratch, '\r'); break;
        case 't': g_string_append_c (b->scratch, '\t'); break;
        case 'u':
          {
            gunichar u = hex4 (b->p + 1);
            b->p += 4;
            if (u >= 0xd800 && u < 0xdc00 && b->p[1] == '\\' && b->p[2] == 'u')
              {
                gunichar low = hex4 (b->p + 3);
                if (low >= 0xdc00 && low < 0xe000)
                  {
                    u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
                    b->p += 6;
                  }
              }
            if (u >= 0xd800 && u < 0xe000)
              u = 0xfffd; /* a lone surrogate */
            g_string_append_unichar (b->scratch, u);
            break;
          }
        default: /* '"', '\\', '/' */
          g_string_append_c (b->scratch, *b->p);
        }
      run = ++b->p;
    }
  g_string_append_len (b->scratch, run, b->p - run);
  b->p++; /* closing quote */
  return b->scratch->str;
}

static JsonNode *
build_value (Builder *b)
{
  JsonNode *node;

  build_skip_ws (b);
  switch (*b->p)
    {
    case '{':
      {
        JsonObject *obj = json_object_new ();
        b->p++;
        build_skip_ws (b);
        while (*b->p != '}')
          {
            /* The value reuses the scratch buffer, so the name is copied first: on the stack
             * when short (member names usually are), saving an allocation per member. */
            char small[64];
            char *heap = NULL;
            const char *name;
            gsize len;
            build_skip_ws (b);
            name = build_string (b);
            len = b->scratch->len;
            if (len < sizeof small)
              name = memcpy (small, name, len + 1);
            else
              name = heap = g_strdup (name);
            build_skip_ws (b);
            b->p++; /* ':' */
            json_object_set_member (obj, name, build_value (b));
            g_free (heap);
            build_skip_ws (b);
            if (*b->p == ',')
              b->p++;
          }
        b->p++;
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (node, obj);
        return node;
      }
    case '[':
      {
        JsonArray *arr = json_array_new ();
        b->p++;
        build_skip_ws (b);
        while (*b->p != ']')
          {
            json_array_add_element (arr, build_value (b));
            build_skip_ws (b);
            if (*b->p == ',')
              b->p++;
            build_skip_ws (b);
          }
        b->p++;
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, arr);
        return node;
      }
    case '"':
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, build_string (b));
      return node;
    case 't':
    case 'f':
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, *b->p == 't');
      b->p += *b->p == 't' ? 4 : 5;
      return node;
    case 'n':
      b->p += 4;
      return json_node_new (JSON_NODE_NULL);
    default:
      {
        const char *start = b->p;
        gboolean integral = TRUE;
        node = json_node_new (JSON_NODE_VALUE);
        if (*b->p == '-')
          b->p++;
        while (g_ascii_isdigit (*b->p) || *b->p == '.' || *b->p == 'e' || *b->p == 'E' || *b->p == '+' || *b->p == '-')
          {
            if (!g_ascii_isdigit (*b->p))
              integral = FALSE;
            b->p++;
          }
        /* Like json-glib, an integer literal stays an integer (clamped to the 64-bit range). */
        if (integral)
          json_node_set_int (node, g_ascii_strtoll (start, NULL, 10));
        else
          json_node_set_double (node, g_ascii_strtod (start, NULL));
        return node;
      }
    }
}

JsonNode *
iop_json_parse_direct (const char *text, gssize length, GString *scratch, iop_error **error)
{
  gsize len = length < 0 ? strlen (text) : (gsize) length;
  Builder b = { text, scratch };

  if (!check_syntax (text, len, error))
    return NULL;
  return build_value (&b);
}

static const char *
node_type_name (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY: return "an array";
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING: return "a string";
        case G_TYPE_BOOLEAN: return "a boolean";
        case G_TYPE_INT64:
        case G_TYPE_DOUBLE: return "a number";
        default: return "a value";
        }
    case JSON_NODE_NULL:
    default:
      return "null";
    }
}

JsonObject *
iop_json_expect_object (IopJsonReader *r, JsonNode *node, const char *what)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      iop_json_fail (r, IOP_ERROR_PARSE, NULL, "expected %s (an object), found %s",
                     what, node_type_name (node));
      return NULL;
    }
  return json_node_get_object (node);
}

JsonArray *
iop_json_expect_array (IopJsonReader *r, JsonNode *node, const char *what)
{
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      iop_json_fail (r, IOP_ERROR_PARSE, NULL, "expected %s (an array), found %s",
                     what, node_type_name (node));
      return NULL;
    }
  return json_node_get_array (node);
}

gboolean
iop_json_check_members (IopJsonReader *r, JsonObject *obj, const char *const *allowed)
{
  JsonObjectIter iter;
  const char *name;

  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &name, NULL))
    {
      gboolean ok = g_str_has_prefix (name, "x-") || name[0] == '$';
      for (const char *const *a = allowed; !ok && *a != NULL; a++)
        ok = strcmp (*a, name) == 0;
      if (!ok)
        return iop_json_fail (r, IOP_ERROR_PARSE, name,
                              "unknown member (misspelt? extension members start with \"x-\")");
    }
  return TRUE;
}

gboolean
iop_json_get_string (IopJsonReader *r, JsonObject *obj, const char *member,
                     gboolean required, const char **out)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL)
    {
      if (required)
        return iop_json_fail (r, IOP_ERROR_PARSE, member, "required member is missing");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return iop_json_fail (r, IOP_ERROR_PARSE, member, "expected a string, found %s",
                          node_type_name (node));
  if (*json_node_get_string (node) == '\0')
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, member, "must not be empty");
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
iop_json_get_number (IopJsonReader *r, JsonObject *obj, const char *member,
                     gboolean required, gboolean nullable, gboolean *present, double *out)
{
  JsonNode *node = json_object_get_member (obj, member);
  GType t;

  if (present != NULL)
    *present = FALSE;
  if (node == NULL || (nullable && JSON_NODE_HOLDS_NULL (node)))
    {
      if (required && node == NULL)
        return iop_json_fail (r, IOP_ERROR_PARSE, member, "required member is missing");
      return TRUE;
    }
  t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    return iop_json_fail (r, IOP_ERROR_PARSE, member, "expected a number%s, found %s",
                          nullable ? " or null" : "", node_type_name (node));
  *out = t == G_TYPE_INT64 ? (double) json_node_get_int (node) : json_node_get_double (node);
  if (!isfinite (*out))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, member, "must be a finite number");
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
iop_json_get_int (IopJsonReader *r, JsonObject *obj, const char *member, gboolean required,
                  gint64 min, gint64 max, gboolean *present, gint64 *out)
{
  JsonNode *node = json_object_get_member (obj, member);
  gint64 v;

  if (present != NULL)
    *present = FALSE;
  if (node == NULL)
    {
      if (required)
        return iop_json_fail (r, IOP_ERROR_PARSE, member, "required member is missing");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return iop_json_fail (r, IOP_ERROR_PARSE, member, "expected an integer, found %s",
                          node_type_name (node));
  v = json_node_get_int (node);
  if (v < min || v > max)
    {
      if (r->quote_values)
        return iop_json_fail (r, IOP_ERROR_INVALID_DATA, member,
                              "%" G_GINT64_FORMAT " is outside %" G_GINT64_FORMAT
                              "..%" G_GINT64_FORMAT, v, min, max);
      return iop_json_fail (r, IOP_ERROR_INVALID_DATA, member,
                            "value is outside %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT,
                            min, max);
    }
  *out = v;
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
iop_json_get_bool (IopJsonReader *r, JsonObject *obj, const char *member,
                   gboolean required, gboolean *out)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL)
    {
      if (required)
        return iop_json_fail (r, IOP_ERROR_PARSE, member, "required member is missing");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return iop_json_fail (r, IOP_ERROR_PARSE, member, "expected true or false, found %s",
                          node_type_name (node));
  *out = json_node_get_boolean (node);
  return TRUE;
}

JsonObject *
iop_json_get_object (IopJsonReader *r, JsonObject *obj, const char *member,
                     gboolean required, gboolean *failed)
{
  JsonNode *node = json_object_get_member (obj, member);

  *failed = FALSE;
  if (node == NULL)
    {
      if (required)
        *failed = !iop_json_fail (r, IOP_ERROR_PARSE, member, "required member is missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *failed = !iop_json_fail (r, IOP_ERROR_PARSE, member, "expected an object, found %s",
                                node_type_name (node));
      return NULL;
    }
  return json_node_get_object (node);
}

JsonArray *
iop_json_get_array (IopJsonReader *r, JsonObject *obj, const char *member,
                    gboolean required, gboolean *failed)
{
  JsonNode *node = json_object_get_member (obj, member);

  *failed = FALSE;
  if (node == NULL)
    {
      if (required)
        *failed = !iop_json_fail (r, IOP_ERROR_PARSE, member, "required member is missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      *failed = !iop_json_fail (r, IOP_ERROR_PARSE, member, "expected an array, found %s",
                                node_type_name (node));
      return NULL;
    }
  return json_node_get_array (node);
}

gboolean
iop_json_get_enum (IopJsonReader *r, JsonObject *obj, const char *member, gboolean required,
                   const char *const *names, int *out)
{
  const char *value = NULL;
  g_autoptr(GString) list = NULL;

  if (!iop_json_get_string (r, obj, member, required, &value))
    return FALSE;
  if (value == NULL)
    return TRUE;
  for (int i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], value) == 0)
      {
        *out = i;
        return TRUE;
      }
  list = g_string_new (NULL);
  for (int i = 0; names[i] != NULL; i++)
    if (*names[i] != '\0')
      g_string_append_printf (list, "%s\"%s\"", list->len ? ", " : "", names[i]);
  if (r->quote_values)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, member, "\"%s\" is not one of %s",
                          value, list->str);
  return iop_json_fail (r, IOP_ERROR_INVALID_DATA, member, "value is not one of %s", list->str);
}

void
iop_json_add_number (JsonBuilder *b, double value)
{
  if (value == floor (value) && fabs (value) < 9007199254740992.0)
    json_builder_add_int_value (b, (gint64) value);
  else
    json_builder_add_double_value (b, value);
}

void
iop_json_add_string_or_null (JsonBuilder *b, const char *value)
{
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* libiop's own serializer: json-glib 1.6 writes every double with "%.17g" (0.1 becomes
 * 0.10000000000000001). This one writes the shortest decimal that reads back to the same double,
 * escapes strings as json-glib does, and is deterministic: the same tree, the same bytes. */
static void
write_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++)
    switch (*p)
      {
      case '"': g_string_append (out, "\\\""); break;
      case '\\': g_string_append (out, "\\\\"); break;
      case '\b': g_string_append (out, "\\b"); break;
      case '\f': g_string_append (out, "\\f"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      case '\t': g_string_append (out, "\\t"); break;
      default:
        if (*p < 0x20)
          g_string_append_printf (out, "\\u%04x", *p);
        else
          g_string_append_c (out, (char) *p);
      }
  g_string_append_c (out, '"');
}

static void
write_double (GString *out, double d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int precision = 15; precision <= 17; precision++)
    {
      g_ascii_formatd (buf, sizeof buf, precision == 15 ? "%.15g" : precision == 16 ? "%.16g" : "%.17g", d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }
  g_string_append (out, buf);
  /* Keep it a JSON number that reads back as a double, not an integer. */
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (out, ".0");
}

static void
write_node (GString *out, JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;
        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            write_string (out, name);
            g_string_append_c (out, ':');
            write_node (out, member);
          }
        g_string_append_c (out, '}');
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *arr = json_node_get_array (node);
        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (arr); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            write_node (out, json_array_get_element (arr, i));
          }
        g_string_append_c (out, ']');
        break;
      }
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING: write_string (out, json_node_get_string (node)); break;
        case G_TYPE_INT64: g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node)); break;
        case G_TYPE_DOUBLE: write_double (out, json_node_get_double (node)); break;
        case G_TYPE_BOOLEAN: g_string_append (out, json_node_get_boolean (node) ? "true" : "false"); break;
        default: g_string_append (out, "null"); break;
        }
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
iop_json_builder_to_string (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  GString *out = g_string_sized_new (256);

  write_node (out, root);
  return g_string_free (out, FALSE);
}

gboolean
iop_json_fail_from (IopJsonReader *r, const char *member, gboolean ok, iop_error **inner)
{
  iop_error *err = *inner;

  *inner = NULL;
  if (!ok)
    iop_json_fail (r, IOP_ERROR_INVALID_DATA, member, "%s", err != NULL ? iop_error_get_message (err) : "invalid value");
  iop_error_free (err);
  return ok;
}
