package io.stockingest.source.fmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PriceRowScanner} against the Jackson reader it stands in for ({@link PriceRow#read} over
 * {@link FmpClient}'s parser): whenever the scanner reads a body, Jackson reads the same rows from it, bit for bit;
 * whatever the scanner declines goes to Jackson. Real recordings, then seeded random rows and mutations of them.
 */
class PriceRowScannerTest {
    /** What a row leaves behind, doubles as raw bits so -0.0 and NaN compare exactly. */
    record Row(String date, long open, long high, long low, long close, Long adjClose, long volume) {
        static Row of(PriceRow row) {
            return new Row(row.date, Double.doubleToRawLongBits(row.open), Double.doubleToRawLongBits(row.high), Double.doubleToRawLongBits(row.low),
                    Double.doubleToRawLongBits(row.close), row.adjClose == null ? null : Double.doubleToRawLongBits(row.adjClose), row.volume);
        }
    }

    @Test
    void readsTheRecordedDailyBodyAsJacksonDoes() throws IOException {
        byte[] body = resource("/fmp/stable_historical-price-eod_full_AAPL_2023-01-01_2023-01-10.json");
        List<Row> scanned = scanned(body).orElseThrow();
        assertThat(scanned).hasSize(6).isEqualTo(jackson(body).orElseThrow());
        assertThat(scanned.getFirst()).isEqualTo(new Row("2023-01-10", Double.doubleToRawLongBits(130.26), Double.doubleToRawLongBits(131.26),
                Double.doubleToRawLongBits(128.12), Double.doubleToRawLongBits(130.73), null, 63_896_200L));
    }

    @Test
    void readsTheRecordedV3RowsWithAdjClose() throws IOException {
        String v3 = new String(resource("/fmp/v3_historical-price-full_AAPL_2023-01-01_2023-01-10.json"), StandardCharsets.UTF_8);
        byte[] historical = v3.substring(v3.indexOf('[', v3.indexOf("\"historical\"")), v3.lastIndexOf(']') + 1).getBytes(StandardCharsets.UTF_8);
        List<Row> scanned = scanned(historical).orElseThrow();
        assertThat(scanned).isNotEmpty().isEqualTo(jackson(historical).orElseThrow());
        assertThat(scanned).allSatisfy(row -> assertThat(row.adjClose()).isNotNull());
    }

    @Test
    void numbersRoundAsJacksonRoundsThem() {
        String[] numbers = {"0", "-0", "0.0", "-0.0", "1", "-1", "187.15", "0.1", "0.30000000000000004", "123456789012345678", "-123456789012345678",
            "9007199254740993.5", "1.7976931348623157e308", "4.9E-324", "1e-7", "2.5E+3", "12345678901234567890.5", "0.00000000000000000000000001",
            "3.14159265358979323846264338327950288", "100.000000000000000000001", "7e0"};
        StringBuilder body = new StringBuilder("[");
        for (String number : numbers) {
            body.append(body.length() > 1 ? "," : "").append("{\"date\":\"2024-01-02\",\"open\":").append(number).append(",\"high\":").append(number)
                    .append(",\"adjClose\":").append(number).append(",\"volume\":").append(number).append('}');
        }
        byte[] bytes = body.append(']').toString().getBytes(StandardCharsets.UTF_8);
        assertThat(scanned(bytes)).as("the scanner reads every number form").isPresent();
        assertThat(scanned(bytes)).isEqualTo(jackson(bytes));
    }

    @Test
    void declinesWhatItDoesNotRead() {
        String[] bodies = {
            "[{\"date\":\"2024\\u002d01-02\",\"open\":1}]", // escape
            "[{\"date\":\"2024-01-02\",\"nested\":{\"a\":1}}]", // nested object
            "[{\"date\":\"2024-01-02\",\"list\":[1,2]}]", // nested array
            "[{\"date\":20240102}]", // a number as the date
            "[{\"date\":\"2024-01-02\",\"volume\":1234567890123456789}]", // 19-digit integer
            "[{\"date\":\"2024-01-02\",\"name\":\"Société\"}]", // non-ASCII
            "[1,2]", // rows that are not objects
            "[{\"date\":\"2024-01-02\",\"open\":01}]", // leading zero
            "[{\"date\":\"2024-01-02\",\"open\":1.}]",
            "[{\"date\":\"2024-01-02\",\"open\":NaN}]",
            "[{\"date\":\"2024-01-02\",\"open\":1.5x}]",
            "[{\"date\":\"2024-01-02\",\"open\":nul}]",
            "[{\"date\":\"2024-01-02\",\"open\":1,}]", // trailing comma
            "[{\"date\":\"2024-01-02\" \"open\":1}]", // missing comma
            "[{\"date\":\"2024-01-02\",\"open\":1}", // truncated
            "[{\"date\":\"2024-01-",
        };
        for (String body : bodies) {
            assertThat(scanned(body.getBytes(StandardCharsets.UTF_8))).as(body).isEmpty();
        }
    }

    @Test
    void leavesTokensOverJacksonsLengthLimitsToJackson() {
        String longNumber = "1." + "0".repeat(2_000);
        String longName = "n".repeat(60_000);
        for (String body : List.of("[{\"date\":\"2024-01-02\",\"open\":" + longNumber + "}]", "[{\"date\":\"2024-01-02\",\"vwap\":" + longNumber + "}]",
                "[{\"date\":\"2024-01-02\",\"" + longName + "\":1}]")) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertThat(jackson(bytes)).as("Jackson refuses it").isEmpty();
            assertThat(scanned(bytes)).as("so the scanner declines it").isEmpty();
        }
        String atTheLimit = "[{\"date\":\"2024-01-02\",\"open\":1." + "5".repeat(998) + "}]";
        assertThat(scanned(atTheLimit.getBytes(StandardCharsets.UTF_8))).isPresent().isEqualTo(jackson(atTheLimit.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keepsJacksonsFieldRulesForDatesNullsRepeatsAndStrings() {
        String body = """
                [ {"date":"  2024-01-02 ","open":null,"high":"1.5","low":true,"close":false,"adjClose":"2","volume":"100"},
                  {"date":"   ","open":1,"open":2,"volume":1.5,"symbol":"X","vwap":null,"flag":true},
                  {},
                  {"date":null,"volume":-2.5,"adjClose":null}
                ] trailing text Jackson's array reader never reads""";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        List<Row> scanned = scanned(bytes).orElseThrow();
        assertThat(scanned).isEqualTo(jackson(bytes).orElseThrow());
        assertThat(scanned.get(0).date()).isEqualTo("2024-01-02");
        assertThat(Double.longBitsToDouble(scanned.get(0).open())).isNaN();
        assertThat(scanned.get(1).date()).isNull();
        assertThat(Double.longBitsToDouble(scanned.get(1).open())).isEqualTo(2.0);
        assertThat(scanned.get(1).volume()).isEqualTo(2L);
        assertThat(scanned.get(3).volume()).isEqualTo(-2L); // Math.round(-2.5)
    }

    @Test
    void randomRowsAndTheirMutationsNeverDisagreeWithJackson() {
        Random random = new Random(20261124);
        int read = 0;
        int declined = 0;
        for (int body = 0; body < 3_000; body++) {
            byte[] bytes = randomBody(random);
            Optional<List<Row>> scanned = scanned(bytes);
            assertThat(scanned).as("a well-formed common body is read: %s", new String(bytes, StandardCharsets.UTF_8)).isPresent();
            assertThat(scanned).isEqualTo(jackson(bytes));
            for (int m = 0; m < 5; m++) {
                byte[] mutated = mutate(bytes, random);
                Optional<List<Row>> mutatedScan = scanned(mutated);
                if (mutatedScan.isPresent()) {
                    read++;
                    assertThat(jackson(mutated)).as("Jackson reads what the scanner read: %s", new String(mutated, StandardCharsets.ISO_8859_1))
                            .isEqualTo(mutatedScan);
                } else {
                    declined++;
                }
            }
        }
        assertThat(read).as("some mutations stay readable").isGreaterThan(100);
        assertThat(declined).as("some mutations are declined").isGreaterThan(100);
    }

    private static byte[] randomBody(Random random) {
        StringBuilder out = new StringBuilder();
        out.append(blank(random)).append('[');
        int rows = random.nextInt(6);
        for (int r = 0; r < rows; r++) {
            out.append(r == 0 ? "" : ",").append(blank(random)).append('{');
            List<String> fields = new ArrayList<>(List.of(
                    "\"symbol\":\"AAPL\"", "\"date\":\"20" + (10 + random.nextInt(15)) + "-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10) + "\"",
                    "\"open\":" + price(random), "\"high\":" + price(random), "\"low\":" + price(random), "\"close\":" + price(random),
                    "\"volume\":" + (random.nextInt(10) == 0 ? price(random) : Long.toString(random.nextLong(0, 1L << 40))),
                    "\"change\":" + price(random), "\"changePercent\":" + price(random), "\"vwap\":" + price(random)));
            if (random.nextBoolean()) {
                fields.add("\"adjClose\":" + price(random));
            }
            if (random.nextInt(4) == 0) {
                fields.add("\"label\":\"" + (random.nextBoolean() ? "January 02, 24" : "") + "\"");
                fields.add("\"close\":" + price(random)); // a repeated key: the last wins
            }
            Collections.shuffle(fields, random);
            for (int f = 0; f < fields.size(); f++) {
                String field = fields.get(f).replace(":", blank(random) + ":" + blank(random));
                out.append(f == 0 ? "" : ",").append(blank(random)).append(field).append(blank(random));
            }
            out.append('}');
        }
        out.append(blank(random)).append(']').append(blank(random));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Prices the way providers print them, and the odd ones: integers, exponents, long fractions, -0, null. */
    private static String price(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> Long.toString(random.nextLong(-1000, 100_000));
            case 1 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(-8, 12))).toLowerCase(Locale.ROOT);
            case 2 -> new BigDecimal(random.nextDouble() * 1000).toPlainString();
            case 3 -> random.nextBoolean() ? "-0" : "-0.0";
            case 4 -> "null";
            case 5 -> String.format(Locale.ROOT, "%.6f", random.nextDouble() * -500);
            default -> String.format(Locale.ROOT, "%." + random.nextInt(1, 5) + "f", random.nextDouble() * 1000);
        };
    }

    private static String blank(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> " ";
            case 1 -> "\n  ";
            case 2 -> "\r\n\t";
            default -> "";
        };
    }

    private static byte[] mutate(byte[] body, Random random) {
        if (body.length < 2) {
            return body;
        }
        byte[] copy = body.clone();
        int at = random.nextInt(copy.length);
        return switch (random.nextInt(4)) {
            case 0 -> java.util.Arrays.copyOf(copy, at); // truncated
            case 1 -> {
                copy[at] = (byte) " ,:{}[]\"0-.e\\nx\u00e9".charAt(random.nextInt(15));
                yield copy;
            }
            case 2 -> {
                copy[at] = (byte) random.nextInt(256);
                yield copy;
            }
            default -> { // a byte dropped
                byte[] shorter = new byte[copy.length - 1];
                System.arraycopy(copy, 0, shorter, 0, at);
                System.arraycopy(copy, at + 1, shorter, at, copy.length - at - 1);
                yield shorter;
            }
        };
    }

    private static Optional<List<Row>> scanned(byte[] body) {
        List<Row> rows = new ArrayList<>();
        return PriceRowScanner.scan(body, Row::of, rows) ? Optional.of(rows) : Optional.empty();
    }

    /** The rows FmpClient's Jackson path reads, or empty when Jackson fails on the body. */
    private static Optional<List<Row>> jackson(byte[] body) {
        List<Row> rows = new ArrayList<>();
        PriceRow row = new PriceRow();
        try (JsonParser parser = FmpClient.JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return Optional.empty();
            }
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() == null) {
                    return Optional.empty();
                }
                row.read(parser);
                rows.add(Row.of(row));
            }
            return Optional.of(rows);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PriceRowScannerTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
