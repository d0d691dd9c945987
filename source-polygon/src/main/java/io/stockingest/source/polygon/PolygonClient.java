package io.stockingest.source.polygon;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.HttpCall;
import io.stockingest.core.http.HttpResult;
import io.stockingest.core.http.HttpTransport;
import io.stockingest.core.model.SymbolSpelling;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to the Polygon (Massive) REST API: sends {@code Authorization: Bearer <key>} on every request, including
 * {@code next_url} follow-ups (which never carry the key), and turns Polygon's statuses and error envelopes into
 * {@link IngestException}s (providers.md §2.0-2.1):
 *
 * <ul>
 *   <li>401, or 400 saying "API Key ...": {@code AUTH}, naming {@code POLYGON_API_KEY};</li>
 *   <li>403 ({@code NOT_AUTHORIZED}: the plan lacks the dataset or timeframe): {@code NOT_ENTITLED} with Polygon's
 *       own message;</li>
 *   <li>404: {@code NOT_FOUND}; 429 (after the transport's retries): {@code THROTTLED}; 408/5xx: {@code TRANSIENT};</li>
 *   <li>a 2xx whose {@code status} is not {@code OK} or {@code DELAYED} (both are success): by that status, with the
 *       text from {@code error} or {@code message} (Polygon uses either);</li>
 *   <li>a body that is not JSON: {@code BAD_RESPONSE}.</li>
 * </ul>
 *
 * <p>The key is only ever sent to the configured base URL: a {@code next_url} on another host (Polygon answers with
 * its own public host, e.g. {@code https://api.massive.com/...?cursor=...}) is re-based onto {@code baseUrl}.
 *
 * <p>Thread-safe (stateless over a thread-safe transport).
 */
final class PolygonClient implements AutoCloseable {
    /** How the provider spells symbols: {@code BRK.B}. */
    static final SymbolSpelling SPELLING = SymbolSpelling.CANONICAL;
    static final String PROVIDER = "polygon";
    /** A guard against a provider that keeps answering with a next page. */
    private static final int MAX_PAGES = 10_000;
    private static final Pattern LOOSE_TEXT = Pattern.compile("\"?(?:message|error)\"?\\s*:\\s*\"([^\"]*)\"");
    private static final Set<String> SUCCESS = Set.of("OK", "DELAYED");

    private final PolygonConfig config;
    private final HttpTransport transport;
    private final ObjectMapper json = JsonMapper.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    PolygonClient(PolygonConfig config, HttpTransport transport) {
        this.config = requireNonNull(config, "config is null");
        this.transport = requireNonNull(transport, "transport is null");
    }

    /**
     * GETs a listing and every following page ({@code next_url}), and returns the elements of {@code results} of all
     * pages in order. {@code results} absent, {@code null} or {@code []} contributes nothing; a single object (the
     * single-item endpoints) is one element.
     *
     * @param what what is being fetched, for messages: {@code AAPL 1d 2024-01-02..2024-01-31}
     */
    List<JsonNode> getAll(String pathAndQuery, String what) {
        List<JsonNode> out = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        URI next = resolve(pathAndQuery);
        for (int page = 1; next != null; page++) {
            if (!seen.add(next) || page > MAX_PAGES) {
                throw new IngestException(ErrorKind.BAD_RESPONSE, "Cannot fetch " + what + " from polygon: the listing does not end (page "
                        + page + " repeats or exceeds " + MAX_PAGES + " pages)");
            }
            JsonNode body = send(next, what);
            JsonNode results = body.get("results");
            if (results != null && results.isArray()) {
                results.forEach(out::add);
            } else if (results != null && results.isObject()) {
                out.add(results);
            }
            JsonNode nextUrl = body.get("next_url");
            next = nextUrl == null || !nextUrl.isTextual() || nextUrl.asText().isBlank() ? null : followUp(nextUrl.asText(), what);
        }
        return List.copyOf(out);
    }

    /** GETs one page and returns its whole body (a JSON object whose {@code status} is a success). */
    JsonNode getBody(String pathAndQuery, String what) {
        return send(resolve(pathAndQuery), what);
    }

    private JsonNode send(URI uri, String what) {
        HttpCall call = HttpCall.get(uri)
                .withHeader("Authorization", "Bearer " + config.apiKey())
                .withHeader("Accept", "application/json");
        HttpResult result = transport.execute(call);
        JsonNode body = parse(result);
        if (!result.isSuccess()) {
            throw failure(result, body, what);
        }
        if (body == null || !body.isObject()) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, "Cannot fetch " + what + " from polygon: HTTP " + result.status()
                    + " with a body that is not a JSON object (" + result.bodySnippet() + ")");
        }
        String status = body.path("status").asText("OK");
        if (!SUCCESS.contains(status)) {
            throw failure(result, body, what);
        }
        return body;
    }

    private JsonNode parse(HttpResult result) {
        if (result.body().length == 0) {
            return null;
        }
        try {
            return json.readTree(result.body());
        } catch (IOException e) {
            return null;
        }
    }

    private IngestException failure(HttpResult result, JsonNode body, String what) {
        int http = result.status();
        String status = body == null ? "" : body.path("status").asText("");
        String text = providerText(result, body);
        String head = "Cannot fetch " + what + " from polygon: " + (http == 200 ? "" : http + " ") + status;
        String detail = text.isEmpty() ? "" : " (" + text + ")";
        boolean keyProblem = text.toLowerCase(Locale.ROOT).contains("api key");
        if (http == 401 || (http == 400 || http == 200) && keyProblem) {
            return new IngestException(ErrorKind.AUTH, head.strip() + detail + "; polygon rejected the API key, check "
                    + PolygonConfig.API_KEY + " (or " + PolygonConfig.API_KEY_ALIAS + ")");
        }
        ErrorKind kind;
        if (http == 403 || "NOT_AUTHORIZED".equals(status)) {
            kind = ErrorKind.NOT_ENTITLED;
        } else if (http == 404 || "NOT_FOUND".equals(status)) {
            kind = ErrorKind.NOT_FOUND;
        } else if (http == 429) {
            kind = ErrorKind.THROTTLED;
        } else if (http == 408 || http >= 500) {
            kind = ErrorKind.TRANSIENT;
        } else {
            kind = ErrorKind.BAD_RESPONSE;
        }
        String message = head.strip() + detail;
        if (kind == ErrorKind.THROTTLED) {
            message += "; retries did not get through, lower " + PolygonConfig.RATE_LIMIT + " (now " + config.rateLimit() + ")";
        }
        return new IngestException(kind, message);
    }

    /** Polygon's words: {@code error} or {@code message} of the envelope, else a loose match, else the body's start. */
    private static String providerText(HttpResult result, JsonNode body) {
        if (body != null && body.isObject()) {
            for (String field : List.of("message", "error")) {
                JsonNode node = body.get(field);
                if (node != null && node.isTextual() && !node.asText().isBlank()) {
                    return node.asText().strip();
                }
            }
        }
        Matcher loose = LOOSE_TEXT.matcher(result.bodyText());
        if (loose.find()) {
            return loose.group(1).strip();
        }
        return result.bodySnippet();
    }

    private URI resolve(String pathAndQuery) {
        String base = config.baseUrl().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + pathAndQuery);
    }

    /** A {@code next_url} as-is when it points at the base URL's host, else its path and query on the base URL. */
    private URI followUp(String nextUrl, String what) {
        URI next;
        try {
            next = URI.create(nextUrl);
        } catch (IllegalArgumentException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, "Cannot fetch " + what + " from polygon: unreadable next_url", e);
        }
        URI base = config.baseUrl();
        if (Objects.equals(next.getHost(), base.getHost()) && next.getPort() == base.getPort() && Objects.equals(next.getScheme(), base.getScheme())) {
            return next;
        }
        String path = next.getRawPath() == null ? "" : next.getRawPath();
        return resolve(path + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery()));
    }

    @Override
    public void close() {
        transport.close();
    }
}
