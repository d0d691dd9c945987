package io.stockingest.core.http;

import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Process-wide redaction of secrets. Every API key, password and token the configuration reads is registered
 * here; every log line, exception message, metrics document and dry-run line passes through {@link #redact}.
 * Besides registered values it masks credential-looking query parameters ({@code apikey=}, {@code apiKey=},
 * {@code token=}, {@code crumb=}, ...) and the password of {@code scheme://user:pass@host} URLs.
 *
 * <p>Thread-safe.
 */
public final class Secrets {
    public static final String MASK = "****";
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();
    private static final Pattern QUERY_SECRET = Pattern.compile(
            "(?i)([?&;\\s](?:api[_-]?key|apikey|access[_-]?token|token|crumb|password|secret|signature|x-amz-signature|x-amz-credential)=)([^&\\s\"']+)");
    private static final Pattern URL_PASSWORD = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^/:@\\s]+:)([^@/\\s]+)(@)");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)([A-Za-z0-9._~+/=-]+)");

    private Secrets() {}

    /** Registers a secret value; values shorter than 4 characters are ignored (they would mask ordinary text). */
    public static void register(String value) {
        if (value != null && value.strip().length() >= 4) {
            VALUES.add(value.strip());
        }
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : VALUES.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            out = out.replace(secret, MASK);
        }
        out = QUERY_SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        out = URL_PASSWORD.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + m.group(3)));
        out = BEARER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        return out;
    }
}
