package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One GET to a provider. {@code uri} may carry a key in its query (FMP's {@code apikey}); its
 * {@link #toString()} and every message built from it are redacted.
 */
public record HttpCall(URI uri, Map<String, String> headers) {
    public HttpCall {
        requireNonNull(uri, "uri is null");
        headers = Map.copyOf(requireNonNull(headers, "headers is null"));
    }

    public static HttpCall get(URI uri) {
        return new HttpCall(uri, Map.of());
    }

    public HttpCall withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpCall(uri, copy);
    }

    /** The URI with secrets masked, for messages and logs. */
    public String redactedUri() {
        return Secrets.redact(uri.toString());
    }

    @Override
    public String toString() {
        return "GET " + redactedUri();
    }
}
