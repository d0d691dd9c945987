package io.stockingest.source.fmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Symbol;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading FMP's rows: fields of a JSON row, FMP's date and wall-time texts, the range query. Stateless. */
final class FmpRows {
    static final DateTimeFormatter WALL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private FmpRows() {}

    /** {@code yyyy-MM-dd}, read by hand on the common path ({@link LocalDate#parse} showed in profiles); null if unreadable. */
    static LocalDate isoDate(String text) {
        if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            if (year >= 0 && month >= 0 && day >= 0) {
                try {
                    return LocalDate.of(year, month, day);
                } catch (DateTimeException e) {
                    return null;
                }
            }
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code yyyy-MM-dd HH:mm:ss}, New York wall time; null if unreadable. */
    static LocalDateTime wallTime(String text) {
        if (text.length() == 19 && text.charAt(10) == ' ' && text.charAt(13) == ':' && text.charAt(16) == ':') {
            LocalDate date = isoDate(text.substring(0, 10));
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            if (date != null && hour >= 0 && minute >= 0 && second >= 0) {
                try {
                    return date.atTime(hour, minute, second);
                } catch (DateTimeException e) {
                    return null;
                }
            }
        }
        try {
            return LocalDateTime.parse(text, WALL_TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 if a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static Map<String, String> rangeQuery(Symbol symbol, DateRange range) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("symbol", symbol.fmp());
        query.put("from", range.from().toString());
        query.put("to", range.to().toString());
        return query;
    }

    static JsonNode array(JsonNode node, String what) {
        return FmpClient.array(node, what);
    }

    static Double number(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isNumber() ? value.asDouble() : null;
    }

    static String text(JsonNode row, String field) {
        JsonNode value = row.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isBlank() ? value.asText().strip() : null;
    }

    static LocalDate date(JsonNode row, String field, String what) {
        LocalDate date = optionalDate(row, field, what);
        if (date == null) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": a row has no '" + field + "'");
        }
        return date;
    }

    static LocalDate parseDate(String text, String field, String what) {
        LocalDate date = isoDate(text.length() > 10 ? text.substring(0, 10) : text);
        if (date == null) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": unreadable " + field + " '" + text + "'");
        }
        return date;
    }

    static LocalDate optionalDate(JsonNode row, String field, String what) {
        String text = text(row, field);
        if (text == null) {
            return null;
        }
        return parseDate(text, field, what);
    }
}
