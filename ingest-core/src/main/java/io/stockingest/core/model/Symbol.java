package io.stockingest.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A ticker symbol in its canonical spelling: upper case, share classes with a dot ({@code BRK.B}).
 *
 * <p>The canonical form is safe to use in a file path, a URL path segment and an SQL literal: it holds only
 * {@code A-Z 0-9 . - ^ =}, starts with a letter, digit or {@code ^}, never holds {@code ..}, and is at most 20
 * characters long. Anything else is rejected by {@link #parse} before any request, path or statement is built.
 */
public record Symbol(String value) implements Comparable<Symbol> {
    private static final Pattern VALID = Pattern.compile("[A-Z0-9^][A-Z0-9.=^-]{0,19}");
    private static final Pattern DASH_SHARE_CLASS = Pattern.compile("([A-Z0-9]+)-([A-Z])");

    public Symbol {
        requireNonNull(value, "value is null");
        if (!isValid(value)) {
            throw invalid(value);
        }
    }

    private static boolean isValid(String value) {
        return VALID.matcher(value).matches() && !value.contains("..") && !value.endsWith(".") && !value.endsWith("-");
    }

    private static IllegalArgumentException invalid(String raw) {
        return new IllegalArgumentException("Invalid symbol '" + printable(raw)
                + "': use 1-20 characters of A-Z, 0-9, '.', '-', '^' or '=' (e.g. AAPL, BRK.B, ^GSPC)");
    }

    /** Parses a user- or provider-supplied spelling: trims, upper-cases, and turns {@code BRK-B} into {@code BRK.B}. */
    public static Symbol parse(String raw) {
        requireNonNull(raw, "raw is null");
        if (!raw.chars().allMatch(c -> c < 0x80)) {
            // before upper-casing: U+0131 dotless i, U+017F long s and ligatures like U+FB00 upper-case to ASCII letters
            throw invalid(raw);
        }
        String upper = raw.strip().toUpperCase(Locale.ROOT);
        var dash = DASH_SHARE_CLASS.matcher(upper);
        if (dash.matches()) {
            upper = dash.group(1) + "." + dash.group(2);
        }
        if (!isValid(upper)) {
            throw invalid(raw);
        }
        return new Symbol(upper);
    }

    @Override
    public int compareTo(Symbol other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    /** Shortens and defangs text echoed back in an error message. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(40).forEach(cp -> out.append(cp >= 0x20 && cp < 0x7f ? Character.toString(cp) : String.format("\\u%04x", cp)));
        if (text.codePointCount(0, text.length()) > 40) {
            out.append("...");
        }
        return out.toString();
    }
}
