package io.stockingest.source.fmp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * Reads FMP's price arrays ({@code [{"symbol":"AAPL","date":"2024-01-02","open":187.15,...}, ...]}) straight from
 * the response bytes, for the common shape only: an array of flat objects whose values are ASCII strings without
 * escapes, numbers, {@code null}, {@code true} or {@code false}, separated by JSON white space. Jackson's tokenizer,
 * field-name canonicalisation and number buffers were half of a yearly backfill's CPU.
 *
 * <p>Anything else (an escape, a non-ASCII byte, a nested value, a 19-digit integer, a number over 1,000 or a string
 * over 50,000 characters, a row that is not an object, malformed or truncated JSON) makes {@link #scan} return
 * {@code false} and the caller reads the body again with Jackson, which gives the same rows or the documented parse
 * error. The rows this scanner does read are those of
 * {@link PriceRow#read}, bit for bit: the same fields, the last of a repeated key winning, doubles rounded
 * as {@link Double#parseDouble} rounds them, an integer price converted from its {@code long} as Jackson converts
 * it, and whatever follows the array's closing bracket ignored as Jackson's array reader ignores it.
 *
 * <p>Not thread-safe; one scanner per body.
 */
final class PriceRowScanner {
    /** 10^0 ... 10^22: every one is exact as a double, so {@code mantissa / 10^k} rounds once, correctly (Clinger). */
    private static final double[] POWERS_OF_TEN = new double[23];
    private static final long MAX_EXACT_MANTISSA = 1L << 53;
    /**
     * Longer tokens are left to Jackson, whose default {@code StreamReadConstraints} refuse numbers over 1,000
     * characters and names over 50,000 (strings over 20,000,000): this scanner must not accept what Jackson refuses.
     */
    private static final int MAX_NUMBER_LENGTH = 1_000;
    private static final int MAX_STRING_LENGTH = 50_000;

    static {
        double power = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = power;
            power *= 10;
        }
    }

    private final byte[] body;
    private int at;
    /** The value of the last number read: a double, or a long when {@link #integral}. */
    private double doubleValue;
    private long longValue;
    private boolean integral;

    private PriceRowScanner(byte[] body) {
        this.body = body;
    }

    /**
     * Maps every row of {@code body} into {@code out} and returns {@code true}, or returns {@code false} as soon as
     * the body leaves the shape this scanner reads (what {@code out} holds then is to be thrown away). An exception
     * of {@code map} propagates.
     */
    static <T> boolean scan(byte[] body, Function<PriceRow, T> map, List<T> out) {
        try {
            new PriceRowScanner(body).rows(map, out);
            return true;
        } catch (Unsupported unsupported) {
            return false;
        }
    }

    private <T> void rows(Function<PriceRow, T> map, List<T> out) throws Unsupported {
        PriceRow row = new PriceRow();
        expect(nextNonBlank(), '[');
        int next = nextNonBlank();
        if (next == ']') {
            return;
        }
        while (true) {
            expect(next, '{');
            readRow(row);
            out.add(map.apply(row));
            next = nextNonBlank();
            if (next == ']') {
                return;
            }
            expect(next, ',');
            next = nextNonBlank();
        }
    }

    /** The fields of one object, from after its '{' to after its '}'. */
    private void readRow(PriceRow row) throws Unsupported {
        row.clear();
        int next = nextNonBlank();
        if (next == '}') {
            return;
        }
        while (true) {
            expect(next, '"');
            int nameStart = at;
            int nameEnd = stringEnd();
            expect(nextNonBlank(), ':');
            int value = nextNonBlank();
            switch (field(nameStart, nameEnd - nameStart)) {
                case DATE -> row.date = text(value);
                case OPEN -> row.open = price(value);
                case HIGH -> row.high = price(value);
                case LOW -> row.low = price(value);
                case CLOSE -> row.close = price(value);
                case ADJ_CLOSE -> row.adjClose = number(value) ? (Double) asDouble() : null;
                case VOLUME -> row.volume = !number(value) ? 0L : integral ? longValue : Math.round(doubleValue);
                case OTHER -> skip(value);
            }
            next = nextNonBlank();
            if (next == '}') {
                return;
            }
            expect(next, ',');
            next = nextNonBlank();
        }
    }

    private enum Field { DATE, OPEN, HIGH, LOW, CLOSE, ADJ_CLOSE, VOLUME, OTHER }

    private Field field(int start, int length) {
        return switch (length) {
            case 3 -> is(start, "low") ? Field.LOW : Field.OTHER;
            case 4 -> is(start, "date") ? Field.DATE : is(start, "open") ? Field.OPEN : is(start, "high") ? Field.HIGH : Field.OTHER;
            case 5 -> is(start, "close") ? Field.CLOSE : Field.OTHER;
            case 6 -> is(start, "volume") ? Field.VOLUME : Field.OTHER;
            case 8 -> is(start, "adjClose") ? Field.ADJ_CLOSE : Field.OTHER;
            default -> Field.OTHER;
        };
    }

    private boolean is(int start, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (body[start + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A price: the number's double value, NaN for anything that is not a number (as {@code PriceRow.read}). */
    private double price(int first) throws Unsupported {
        return number(first) ? asDouble() : Double.NaN;
    }

    private double asDouble() {
        return integral ? (double) longValue : doubleValue;
    }

    /** Reads a value starting with {@code first}; true if it was a number (then in {@link #doubleValue}/{@link #longValue}). */
    private boolean number(int first) throws Unsupported {
        if (first == '-' || (first >= '0' && first <= '9')) {
            readNumber(first);
            return true;
        }
        skip(first);
        return false;
    }

    /** The date's text as {@code PriceRow.read} keeps it: stripped, null when null or blank; only strings are read here. */
    private String text(int first) throws Unsupported {
        if (first == 'n') {
            literal("ull");
            return null;
        }
        if (first != '"') {
            throw Unsupported.INSTANCE; // a number or boolean as a date: Jackson's text of it, on the slow path
        }
        int start = at;
        int end = stringEnd();
        while (start < end && body[start] == ' ') {
            start++;
        }
        while (end > start && body[end - 1] == ' ') {
            end--;
        }
        return start == end ? null : new String(body, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** Skips a scalar value that starts with {@code first}. */
    private void skip(int first) throws Unsupported {
        switch (first) {
            case '"' -> stringEnd();
            case 'n' -> literal("ull");
            case 't' -> literal("rue");
            case 'f' -> literal("alse");
            default -> {
                if (first == '-' || (first >= '0' && first <= '9')) {
                    readNumber(first);
                } else {
                    throw Unsupported.INSTANCE; // an object, an array or not JSON
                }
            }
        }
    }

    /** From after an opening quote to after the closing one; returns the index of the closing quote. */
    private int stringEnd() throws Unsupported {
        byte[] bytes = body;
        int limit = Math.min(bytes.length, at + MAX_STRING_LENGTH + 1);
        for (int i = at; i < limit; i++) {
            byte b = bytes[i];
            if (b == '"') {
                at = i + 1;
                return i;
            }
            if (b < 0x20 || b == '\\') { // control characters, escapes and (as negative bytes) non-ASCII
                throw Unsupported.INSTANCE;
            }
        }
        throw Unsupported.INSTANCE;
    }

    private void literal(String rest) throws Unsupported {
        if (at + rest.length() > body.length) {
            throw Unsupported.INSTANCE;
        }
        for (int i = 0; i < rest.length(); i++) {
            if (body[at + i] != rest.charAt(i)) {
                throw Unsupported.INSTANCE;
            }
        }
        at += rest.length();
        if (at < body.length && isWordByte(body[at])) {
            throw Unsupported.INSTANCE; // "nullx", "true1": not a literal
        }
    }

    /**
     * A JSON number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, followed by something that ends it.
     * Integers of up to 18 digits become a {@code long}; decimals with a mantissa of at most 2^53 and at most 22
     * fraction digits are divided once; any other decimal goes through {@link Double#parseDouble}.
     */
    private void readNumber(int first) throws Unsupported {
        byte[] bytes = body;
        int start = at - 1;
        int i = at;
        boolean negative = first == '-';
        int digit = first;
        if (negative) {
            if (i >= bytes.length) {
                throw Unsupported.INSTANCE;
            }
            digit = bytes[i++];
        }
        if (digit < '0' || digit > '9') {
            throw Unsupported.INSTANCE;
        }
        long mantissa = digit - '0';
        int digits = 1;
        if (digit == '0') {
            if (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9') {
                throw Unsupported.INSTANCE; // a leading zero: Jackson refuses it
            }
        } else {
            while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9') {
                if (digits < 18) {
                    mantissa = mantissa * 10 + (bytes[i] - '0');
                }
                digits++;
                i++;
            }
        }
        int fractionDigits = 0;
        if (i < bytes.length && bytes[i] == '.') {
            i++;
            int fractionStart = i;
            while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9') {
                if (digits < 18) {
                    mantissa = mantissa * 10 + (bytes[i] - '0');
                    fractionDigits++;
                }
                digits++;
                i++;
            }
            if (i == fractionStart) {
                throw Unsupported.INSTANCE;
            }
        }
        boolean exponent = false;
        if (i < bytes.length && (bytes[i] == 'e' || bytes[i] == 'E')) {
            exponent = true;
            i++;
            if (i < bytes.length && (bytes[i] == '+' || bytes[i] == '-')) {
                i++;
            }
            int exponentStart = i;
            while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9') {
                i++;
            }
            if (i == exponentStart) {
                throw Unsupported.INSTANCE;
            }
        }
        if (i < bytes.length && (isWordByte(bytes[i]) || bytes[i] == '.')) {
            throw Unsupported.INSTANCE; // "1.5x", "1.2.3": not a number
        }
        if (i - start > MAX_NUMBER_LENGTH) {
            throw Unsupported.INSTANCE;
        }
        at = i;
        boolean isInteger = fractionDigits == 0 && !exponent && i - start == digits + (negative ? 1 : 0);
        if (isInteger) {
            if (digits > 18) {
                throw Unsupported.INSTANCE; // Jackson's BigInteger conversions, on the slow path
            }
            integral = true;
            longValue = negative ? -mantissa : mantissa;
            return;
        }
        integral = false;
        if (!exponent && digits <= 18 && mantissa <= MAX_EXACT_MANTISSA && fractionDigits < POWERS_OF_TEN.length) {
            double value = mantissa / POWERS_OF_TEN[fractionDigits];
            doubleValue = negative ? -value : value;
        } else {
            doubleValue = Double.parseDouble(new String(bytes, start, i - start, StandardCharsets.ISO_8859_1));
        }
    }

    private static boolean isWordByte(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '$' || b == '+' || b == '-';
    }

    /** The next byte that is not JSON white space (moving past it), or -1 at the end. */
    private int nextNonBlank() {
        byte[] bytes = body;
        int i = at;
        while (i < bytes.length) {
            byte b = bytes[i++];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                at = i;
                return b;
            }
        }
        at = i;
        return -1;
    }

    private static void expect(int actual, char expected) throws Unsupported {
        if (actual != expected) {
            throw Unsupported.INSTANCE;
        }
    }

    /** The body left the shape this scanner reads; thrown without a stack trace, caught in {@link #scan}. */
    private static final class Unsupported extends Exception {
        private static final Unsupported INSTANCE = new Unsupported();

        private Unsupported() {
            super(null, null, false, false);
        }
    }
}
