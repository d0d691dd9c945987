package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.HttpCall;
import io.stockingest.core.http.HttpResult;
import io.stockingest.core.http.HttpTransport;
import io.stockingest.core.http.ProviderEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Sends GETs to FMP with the {@code apikey} query parameter and turns every answer into JSON or an
 * {@link IngestException} of the right kind.
 *
 * <p>FMP reports errors as a JSON object {@code {"Error Message": "..."}} under any status, a 200 included (the
 * 2020-21 invalid-key answer), and as plain text on 402. Mapping:
 * <ul>
 *   <li>401, or "Invalid API KEY" under any status: {@code AUTH}, naming {@code FMP_API_KEY};</li>
 *   <li>"Legacy Endpoint" (403 on {@code /api/v3} for keys made after 2025-08-31): {@code CONFIG}, saying to use
 *       {@code FMP_API_GENERATION=stable};</li>
 *   <li>429 or "Limit Reach": {@code THROTTLED}, after the transport's retries, with the plan's limit;</li>
 *   <li>402, other 403s, "Premium", "Restricted", "Exclusive", "Special Endpoint": {@code NOT_ENTITLED} with FMP's
 *       words;</li>
 *   <li>404: {@code NOT_FOUND}; 5xx: {@code TRANSIENT}; HTML, truncated JSON, any other status: {@code BAD_RESPONSE}.</li>
 * </ul>
 * The key is never part of a message: messages hold the path without the query.
 *
 * <p>Counts the calls it sends per UTC day; with a daily budget it refuses to send a call once the day's budget is
 * used (counting earlier runs of the day when a usage file is kept).
 * Thread-safe.
 */
public final class FmpClient implements AutoCloseable {
    public static final String PROVIDER = "fmp";
    /** Doubles are read with Jackson's fast parser (same values as {@link Double#parseDouble}, which showed in profiles). */
    static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
    private final FmpConfig config;
    private final ProviderEndpoint endpoint;
    private final HttpTransport transport;
    private final DailyCallCounter counter;

    FmpClient(FmpConfig config, ProviderEndpoint endpoint, HttpTransport transport, DailyCallCounter counter) {
        this.config = requireNonNull(config, "config is null");
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.transport = requireNonNull(transport, "transport is null");
        this.counter = requireNonNull(counter, "counter is null");
    }

    public FmpConfig config() {
        return config;
    }

    /** Calls sent today (UTC) with this key as far as this machine knows; a retried call counts once. */
    public int callsToday() {
        return counter.usedToday();
    }

    /** Where the day's calls are counted, if in a file. */
    public Optional<Path> usageFile() {
        return counter.file();
    }

    /**
     * GETs {@code path} with {@code query} (in order, then {@code apikey}) and returns the parsed JSON body.
     *
     * @param what the failure prefix: {@code Cannot fetch AAPL 1d 2024-01-02..2024-01-31 from fmp}
     */
    public JsonNode get(String path, Map<String, String> query, String what) {
        return checked(send(path, query, what), what);
    }

    /** Reads one element of a JSON array: the parser is at the element's first token and must be left at its last. */
    @FunctionalInterface
    public interface RowReader {
        void read(JsonParser row) throws IOException;
    }

    /**
     * GETs an endpoint that answers a JSON array and hands each element to {@code reader}. A successful array is
     * streamed from the response bytes without building a tree (the price endpoints answer thousands of rows);
     * any other answer goes through the same checks as {@link #get}, and an empty object ({@code {}}, FMP's "no
     * data") reads as an empty array.
     */
    public void forEachRow(String path, Map<String, String> query, String what, RowReader reader) {
        readRows(send(path, query, what), what, reader);
    }

    /**
     * GETs a price endpoint (an array of bar rows) and maps each row, in order. The common shape is read by
     * {@link PriceRowScanner} straight from the bytes; a body it does not read goes through {@link #forEachRow}'s
     * Jackson path, which gives the same rows or the error. {@code map} sees one {@link PriceRow}, reused.
     */
    <T> List<T> priceRows(String path, Map<String, String> query, String what, Function<PriceRow, T> map) {
        HttpResult result = send(path, query, what);
        List<T> rows = new ArrayList<>();
        if (result.isSuccess() && firstNonBlank(result.body()) == '[' && PriceRowScanner.scan(result.body(), map, rows)) {
            return rows;
        }
        rows.clear();
        PriceRow row = new PriceRow();
        readRows(result, what, parser -> {
            row.read(parser);
            rows.add(map.apply(row));
        });
        return rows;
    }

    private void readRows(HttpResult result, String what, RowReader reader) {
        byte[] body = result.body();
        if (!result.isSuccess() || firstNonBlank(body) != '[') {
            forEachRow(array(checked(result, what), what), what, reader);
            return;
        }
        try (JsonParser parser = JSON.createParser(body)) {
            readArray(parser, reader);
        } catch (JacksonException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": FMP answered HTTP " + result.status() + " with a body that is not JSON ('"
                    + result.bodySnippet() + "')");
        } catch (IOException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": cannot read FMP's answer: " + e.getMessage(), e);
        }
    }

    /** Hands each element of an already parsed array (or empty object) to {@code reader}. */
    public static void forEachRow(JsonNode array, String what, RowReader reader) {
        try (JsonParser parser = array.traverse(JSON)) {
            readArray(parser, reader);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": cannot read FMP's answer: " + e.getMessage(), e);
        }
    }

    private static void readArray(JsonParser parser, RowReader reader) throws IOException {
        JsonToken start = parser.nextToken();
        if (start == JsonToken.START_OBJECT) {
            return; // the empty object that array() let through
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() == null) {
                throw new IOException("the array does not end");
            }
            reader.read(parser);
        }
    }

    /**
     * {@code node} if it is an array or an empty object (FMP's "no data"), else a {@code BAD_RESPONSE} saying what came
     * instead.
     */
    public static JsonNode array(JsonNode node, String what) {
        if (node.isObject() && node.isEmpty()) {
            return node;
        }
        if (!node.isArray()) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": expected a JSON array from FMP, got " + node.getNodeType());
        }
        return node;
    }

    private HttpResult send(String path, Map<String, String> query, String what) {
        int budget = config.dailyBudget().orElse(Integer.MAX_VALUE);
        if (!counter.tryCount(budget)) {
            throw new IngestException(ErrorKind.THROTTLED, what + ": the daily budget of " + budget + " FMP calls (" + FmpConfig.PLAN + "="
                    + config.plan().code() + ") is used up for today (UTC" + counter.file().map(file -> ", counted in " + file).orElse("")
                    + "); run the rest tomorrow or set " + FmpConfig.PLAN + " to your paid plan");
        }
        return transport.execute(HttpCall.get(uri(path, query)));
    }

    /** The first byte that is not JSON white space, or -1. */
    private static int firstNonBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b;
            }
        }
        return -1;
    }

    URI uri(String path, Map<String, String> query) {
        Map<String, String> all = new LinkedHashMap<>(query);
        all.put("apikey", config.apiKey());
        StringBuilder out = new StringBuilder(path);
        char separator = '?';
        for (var entry : all.entrySet()) {
            out.append(separator).append(encode(entry.getKey())).append('=').append(encode(entry.getValue()));
            separator = '&';
        }
        return endpoint.resolve(out.toString());
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Maps FMP's statuses and error bodies to errors of the right kind; returns the parsed body of a success. */
    JsonNode checked(HttpResult result, String what) {
        JsonNode root = null;
        if (firstNonBlank(result.body()) != -1) {
            try {
                root = JSON.readTree(result.body());
            } catch (IOException notJson) {
                // plain text (402), HTML (a proxy, a maintenance page) or a truncated body: decided below
            }
        }
        String text = root == null ? result.bodyText().strip() : "";
        String words = null;
        if (root != null && root.isObject() && root.has("Error Message")) {
            words = root.get("Error Message").asText("");
        } else if (root == null && !result.isSuccess() && !looksLikeHtml(text) && !text.isEmpty()) {
            words = text;
        }
        if (words != null) {
            throw classify(result.status(), oneLine(words), what);
        }
        if (result.status() == 401) {
            throw auth(what, "HTTP 401 '" + result.bodySnippet() + "'");
        }
        if (result.status() == 429) {
            throw throttled(what, "HTTP 429 '" + result.bodySnippet() + "'");
        }
        if (result.status() >= 500) {
            throw new IngestException(ErrorKind.TRANSIENT, what + ": FMP answered HTTP " + result.status() + " '" + result.bodySnippet() + "'");
        }
        if (!result.isSuccess()) {
            ErrorKind kind = result.status() == 404 ? ErrorKind.NOT_FOUND : result.status() == 402 || result.status() == 403
                    ? ErrorKind.NOT_ENTITLED : ErrorKind.BAD_RESPONSE;
            throw new IngestException(kind, what + ": FMP answered HTTP " + result.status() + " '" + result.bodySnippet() + "'");
        }
        if (root == null) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": FMP answered HTTP " + result.status() + " with a body that is not JSON ('"
                    + result.bodySnippet() + "')");
        }
        return root;
    }

    private IngestException classify(int status, String words, String what) {
        String lower = words.toLowerCase(Locale.ROOT);
        String quoted = "HTTP " + status + " '" + words + "'";
        if (status == 401 || lower.contains("invalid api key")) {
            return auth(what, quoted);
        }
        if (lower.contains("legacy endpoint")) {
            return new IngestException(ErrorKind.CONFIG, what + ": FMP refused the legacy /api/v3 endpoint (" + quoted + "); keys made after "
                    + "2025-08-31 must use the stable API: set " + FmpConfig.API_GENERATION + "=stable (the default)");
        }
        if (status == 429 || lower.contains("limit reach")) {
            return throttled(what, quoted);
        }
        if (status == 404) {
            return new IngestException(ErrorKind.NOT_FOUND, what + ": FMP does not know it (" + quoted + ")");
        }
        if (status == 402 || status == 403 || lower.contains("premium") || lower.contains("restricted endpoint")
                || lower.contains("exclusive endpoint") || lower.contains("special endpoint") || lower.contains("subscription")) {
            return new IngestException(ErrorKind.NOT_ENTITLED, what + ": not in your FMP plan (" + quoted + ")");
        }
        if (status >= 500) {
            return new IngestException(ErrorKind.TRANSIENT, what + ": FMP answered " + quoted);
        }
        return new IngestException(ErrorKind.BAD_RESPONSE, what + ": FMP answered " + quoted);
    }

    private static IngestException auth(String what, String detail) {
        return new IngestException(ErrorKind.AUTH, what + ": FMP rejected the API key (" + detail + "); check " + FmpConfig.API_KEY);
    }

    private IngestException throttled(String what, String detail) {
        config.dailyBudget().ifPresent(counter::exhaust);
        String limit = config.dailyBudget().isPresent()
                ? "the " + config.plan().code() + " plan allows " + config.dailyBudget().getAsInt() + " calls a day and they are used up "
                        + "(later runs today stop before their first call); run again tomorrow or upgrade the plan and set " + FmpConfig.PLAN
                : "still throttled after retries at " + config.rateLimit() + "; lower " + FmpConfig.RATE_LIMIT + " or check " + FmpConfig.PLAN;
        return new IngestException(ErrorKind.THROTTLED, what + ": FMP's limit was reached (" + detail + "); " + limit);
    }

    private static boolean looksLikeHtml(String text) {
        String head = text.length() > 100 ? text.substring(0, 100) : text;
        return head.toLowerCase(Locale.ROOT).contains("<html") || head.toLowerCase(Locale.ROOT).startsWith("<!doctype");
    }

    private static String oneLine(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    @Override
    public void close() {
        transport.close();
    }
}
