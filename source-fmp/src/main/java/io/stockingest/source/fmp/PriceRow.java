package io.stockingest.source.fmp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * One price row read straight from the parser, reused from row to row. A price that is absent or not a number
 * is {@code NaN}, a volume 0 and {@code adjClose} null; {@code date} is the text of a scalar (stripped, null if
 * absent, null or blank), as the tree-based readers of the other endpoints see it.
 */
final class PriceRow {
    String date;
    double open;
    double high;
    double low;
    double close;
    Double adjClose;
    long volume;

    void clear() {
        date = null;
        open = Double.NaN;
        high = Double.NaN;
        low = Double.NaN;
        close = Double.NaN;
        adjClose = null;
        volume = 0;
    }

    void read(JsonParser parser) throws IOException {
        clear();
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren(); // a row that is not an object has no fields
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "date" -> date = scalarText(parser, value);
                case "open" -> open = number(parser, value);
                case "high" -> high = number(parser, value);
                case "low" -> low = number(parser, value);
                case "close" -> close = number(parser, value);
                case "adjClose" -> adjClose = value.isNumeric() ? parser.getDoubleValue() : null;
                case "volume" -> volume = !value.isNumeric() ? 0L
                        : value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                                ? parser.getLongValue() : Math.round(parser.getDoubleValue());
                default -> parser.skipChildren();
            }
        }
    }

    private static double number(JsonParser parser, JsonToken value) throws IOException {
        return value.isNumeric() ? parser.getDoubleValue() : Double.NaN;
    }

    private static String scalarText(JsonParser parser, JsonToken value) throws IOException {
        if (!value.isScalarValue()) {
            parser.skipChildren();
            return null;
        }
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        String text = parser.getText();
        return text.isBlank() ? null : text.strip();
    }
}
