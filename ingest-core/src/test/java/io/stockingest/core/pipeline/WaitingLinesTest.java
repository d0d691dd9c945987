package io.stockingest.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.http.CallStats;
import io.stockingest.core.http.HttpCall;
import io.stockingest.core.http.HttpResult;
import io.stockingest.core.http.HttpTransport;
import io.stockingest.core.http.RetryPolicy;
import io.stockingest.core.http.RetryingTransport;
import io.stockingest.core.testkit.FakeTicker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WaitingLinesTest {
    @Test
    void theLineSaysHowManyTheLongestAndWhichRetryAndWhy() {
        CallStats run = new CallStats();
        List<Optional<String>> lines = new ArrayList<>();
        // seen from inside the transport: the call is outstanding, on its second attempt after a 503
        HttpTransport server = new HttpTransport() {
            int calls;

            @Override
            public HttpResult execute(HttpCall call) {
                lines.add(WaitingLines.line(run.outstanding(), Duration.ZERO));
                return new HttpResult(calls++ == 0 ? 503 : 200, Map.of(), new byte[0]);
            }
        };
        RetryPolicy noJitter = new RetryPolicy(5, Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(2));
        CallStats.bind(run.child(), () -> new RetryingTransport(server, noJitter, new FakeTicker())
                .execute(HttpCall.get(URI.create("http://127.0.0.1:1/v2/aggs?apiKey=k3y-abcdef"))));

        assertThat(lines.get(1)).hasValueSatisfying(line -> assertThat(line)
                .startsWith("waiting: 1 request outstanding for more than 0 s; longest 0 s: GET http://127.0.0.1:1/v2/aggs?apiKey=****")
                .endsWith("(retry 1/4 after HTTP 503; waiting 0 ms before trying again)"));
        assertThat(WaitingLines.line(run.outstanding(), Duration.ZERO)).as("nothing outstanding once answered").isEmpty();
        assertThat(WaitingLines.line(List.of(), Duration.ofSeconds(10))).isEmpty();
    }

    @Test
    void plainLinesShowAWaitingLineAtMostEveryTenSeconds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = Progress.forStream(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        progress.start(3);
        progress.waiting("waiting: 1 request outstanding for more than 10 s; longest 11 s: GET http://x (attempt 1/5)");
        progress.waiting("waiting: 1 request outstanding for more than 10 s; longest 12 s: GET http://x (attempt 1/5)");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "waiting: 1 request outstanding for more than 10 s; longest 11 s: GET http://x (attempt 1/5)" + System.lineSeparator());
    }
}
