package io.stockingest.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.testkit.FakeTicker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RetryingTransportTest {
    private static final HttpCall CALL = HttpCall.get(URI.create("http://127.0.0.1/x?apikey=sekret123"));
    private final FakeTicker ticker = new FakeTicker();

    /** Answers with scripted results or failures, in order. */
    private static final class Scripted implements HttpTransport {
        final Deque<Supplier<HttpResult>> script = new ArrayDeque<>();
        final List<HttpCall> calls = new ArrayList<>();

        Scripted then(int status, Map<String, List<String>> headers) {
            script.add(() -> new HttpResult(status, headers, "body".getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        Scripted thenFail() {
            script.add(() -> {
                throw new IngestException(ErrorKind.TRANSIENT, "Timed out on " + CALL);
            });
            return this;
        }

        @Override
        public HttpResult execute(HttpCall call) {
            calls.add(call);
            return script.poll().get();
        }
    }

    @Test
    void retries5xxThenSucceeds() {
        Scripted server = new Scripted().then(500, Map.of()).then(503, Map.of()).then(200, Map.of());
        HttpResult result = new RetryingTransport(server, RetryPolicy.DEFAULT, ticker).execute(CALL);
        assertThat(result.status()).isEqualTo(200);
        assertThat(server.calls).hasSize(3);
        assertThat(ticker.sleeps()).hasSize(2);
    }

    @Test
    void retriesAfterRetryAfterSeconds() {
        Scripted server = new Scripted().then(503, Map.of("Retry-After", List.of("7"))).then(200, Map.of());
        new RetryingTransport(server, RetryPolicy.DEFAULT, ticker).execute(CALL);
        assertThat(ticker.sleeps()).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aThrottledRequestGoesStraightBackToTheLimiterWithoutSleepingOrUsingAnAttempt() {
        Scripted server = new Scripted();
        for (int i = 0; i < 7; i++) {
            server.then(429, Map.of());
        }
        server.then(200, Map.of());
        HttpResult result = new RetryingTransport(server, RetryPolicy.DEFAULT, ticker).execute(CALL);
        assertThat(result.status()).as("seven 429s do not use up five attempts").isEqualTo(200);
        assertThat(ticker.sleeps()).as("the limiter below decides when it leaves").isEmpty();
    }

    @Test
    void aDailyBudgetPolicyAnswersTheFirst429AtOnce() {
        Scripted server = new Scripted().then(429, Map.of()).then(200, Map.of());
        HttpResult result = new RetryingTransport(server, RetryPolicy.DEFAULT.withMaxThrottled(Duration.ZERO), ticker).execute(CALL);
        assertThat(result.status()).isEqualTo(429);
        assertThat(server.calls).hasSize(1);
    }

    @Test
    void doesNotRetryAuthFailures() {
        Scripted server = new Scripted().then(401, Map.of()).then(200, Map.of());
        HttpResult result = new RetryingTransport(server, RetryPolicy.DEFAULT, ticker).execute(CALL);
        assertThat(result.status()).isEqualTo(401);
        assertThat(server.calls).hasSize(1);
        assertThat(ticker.sleeps()).isEmpty();
    }

    @Test
    void returnsTheLastResponseWhenAttemptsRunOut() {
        Scripted server = new Scripted();
        for (int i = 0; i < 5; i++) {
            server.then(503, Map.of());
        }
        HttpResult result = new RetryingTransport(server, RetryPolicy.DEFAULT, ticker).execute(CALL);
        assertThat(result.status()).isEqualTo(503);
        assertThat(server.calls).hasSize(5);
    }

    @Test
    void retriesTimeoutsThenGivesUpWithARedactedMessage() {
        Scripted server = new Scripted().thenFail().thenFail();
        RetryPolicy twice = RetryPolicy.DEFAULT.withMaxAttempts(2);
        assertThatThrownBy(() -> new RetryingTransport(server, twice, ticker).execute(CALL))
                .isInstanceOf(IngestException.class)
                .hasMessage("Timed out on GET http://127.0.0.1/x?apikey=****")
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void backoffIsExponentialWithFullJitterAndCapped() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ZERO);
        assertThat(policy.delay(1, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.delay(2, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy.delay(3, Optional.empty(), () -> 0.5)).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy.delay(9, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delay(1, Optional.of(Duration.ofMinutes(10)), () -> 1.0)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void parsesRetryAfterAsHttpDate() {
        HttpResult result = new HttpResult(429, Map.of("retry-after", List.of("Mon, 30 Sep 2024 21:00:30 GMT")), new byte[0]);
        assertThat(result.retryAfter(java.time.Instant.parse("2024-09-30T21:00:00Z"))).contains(Duration.ofSeconds(30));
    }

    @Test
    void anOutstandingCallSaysWhichRetryAndWhy() {
        CallStats run = new CallStats();
        List<String> seen = new ArrayList<>();
        HttpTransport watching = call -> {
            run.outstanding().forEach(p -> seen.add(p.describe()));
            return seen.size() == 1 ? new HttpResult(503, Map.of(), new byte[0]) : new HttpResult(200, Map.of(), new byte[0]);
        };
        RetryPolicy noJitter = new RetryPolicy(5, Duration.ZERO, Duration.ofSeconds(60), Duration.ofMinutes(65));
        CallStats.bind(run.child(), () -> new RetryingTransport(watching, noJitter, ticker).execute(CALL));
        assertThat(seen).containsExactly("GET http://127.0.0.1/x?apikey=**** (attempt 1/5)",
                "GET http://127.0.0.1/x?apikey=**** (retry 1/4 after HTTP 503; waiting 0 ms before trying again)");
        assertThat(run.outstanding()).as("none once answered").isEmpty();
    }
}
