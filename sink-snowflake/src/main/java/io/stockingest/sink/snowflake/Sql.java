package io.stockingest.sink.snowflake;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Snowflake identifier and literal quoting. Every identifier we emit is double-quoted, so reserved words
 * ({@code DATE}, {@code OPEN}, {@code INTERVAL}) and odd names are safe.
 *
 * <p>A plain name (letters, digits, {@code _}, {@code $}, not starting with a digit) is treated as Snowflake treats
 * an unquoted name: it is upper-cased, so {@code stock_ingest} and {@code STOCK_INGEST} name the same schema and
 * users can query our tables without quotes. Any other name (spaces, quotes, dots inside quotes) is used exactly as
 * given; a name already written in double quotes ({@code "my schema"}) is taken as the quoted identifier.
 */
final class Sql {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    private Sql() {}

    /** One identifier, quoted. */
    static String id(String name) {
        requireNonNull(name, "name is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an identifier cannot be empty");
        }
        String exact;
        if (PLAIN.matcher(name).matches()) {
            exact = name.toUpperCase(java.util.Locale.ROOT);
        } else if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            exact = name.substring(1, name.length() - 1).replace("\"\"", "\"");
        } else {
            exact = name;
        }
        return "\"" + exact.replace("\"", "\"\"") + "\"";
    }

    /**
     * A possibly qualified name ({@code stage}, {@code schema.stage}, {@code db.schema.stage}, with double-quoted
     * parts allowed to contain dots), each part quoted by {@link #id}.
     */
    static String qualified(String name) {
        return String.join(".", parts(name).stream().map(Sql::id).toList());
    }

    static List<String> parts(String name) {
        requireNonNull(name, "name is null");
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                part.append(c);
            } else if (c == '.' && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated double quote in '" + name + "'");
        }
        parts.add(part.toString());
        if (parts.size() > 3 || parts.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("'" + name + "' is not a name of the form [database.][schema.]name");
        }
        return parts;
    }

    /** A string literal: single quotes doubled, backslashes escaped (Snowflake reads {@code \} as an escape). */
    static String literal(String value) {
        requireNonNull(value, "value is null");
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
