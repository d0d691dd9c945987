package io.stockingest.source.fmp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.HttpCall;
import io.stockingest.core.http.HttpResult;
import io.stockingest.core.http.HttpTransport;
import io.stockingest.core.http.ProviderEndpoint;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
    private static final ObjectMapper JSON = new ObjectMapper();
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
        int budget = config.dailyBudget().orElse(Integer.MAX_VALUE);
        if (!counter.tryCount(budget)) {
            throw new IngestException(ErrorKind.THROTTLED, what + ": the daily budget of " + budget + " FMP calls (" + FmpConfig.PLAN + "="
                    + config.plan().code() + ") is used up for today (UTC" + counter.file().map(file -> ", counted in " + file).orElse("")
                    + "); run the rest tomorrow or set " + FmpConfig.PLAN + " to your paid plan");
        }
        HttpResult result = transport.execute(HttpCall.get(uri(path, query)));
        return checked(result, what);
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
        String text = result.bodyText().strip();
        JsonNode root = null;
        try {
            root = text.isEmpty() ? null : JSON.readTree(text);
        } catch (JacksonException notJson) {
            // plain text (402), HTML (a proxy, a maintenance page) or a truncated body: decided below
        }
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
