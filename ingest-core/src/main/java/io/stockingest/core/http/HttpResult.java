package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A provider's answer: status, headers (case-insensitive names) and the whole body. */
public record HttpResult(int status, Map<String, List<String>> headers, byte[] body) {
    public HttpResult {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        requireNonNull(headers, "headers is null").forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = copy;
        requireNonNull(body, "body is null");
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The first 200 characters of the body on one line, for error messages. */
    public String bodySnippet() {
        String text = bodyText().replaceAll("\\s+", " ").strip();
        return Secrets.redact(text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** {@code Retry-After} as seconds or an HTTP date, relative to {@code now}. */
    public Optional<Duration> retryAfter(Instant now) {
        return header("Retry-After").flatMap(value -> {
            String trimmed = value.strip();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    Duration wait = Duration.between(now, at);
                    return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
                } catch (DateTimeParseException notDate) {
                    return Optional.empty();
                }
            }
        });
    }
}
