package io.stockingest.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.testkit.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    @Test
    void parsesLimits() {
        assertThat(RateLimit.parse("300/min")).isEqualTo(new RateLimit(300, Duration.ofMinutes(1)));
        assertThat(RateLimit.parse("250/day")).isEqualTo(new RateLimit(250, Duration.ofDays(1)));
        assertThat(RateLimit.parse("5/10s")).isEqualTo(new RateLimit(5, Duration.ofSeconds(10)));
        assertThat(RateLimit.parse("3000/min").spacing()).isEqualTo(Duration.ofMillis(20));
        assertThatThrownBy(() -> RateLimit.parse("fast")).hasMessageContaining("use N/sec, N/min, N/hour or N/day");
    }

    @Test
    void spacesRequestsEvenlyAndNeverBursts() throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("60/min"), ticker, 1.0);
        ticker.advance(Duration.ofHours(1)); // a long idle time must not build up a burst
        List<Long> sendTimes = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            limiter.acquire();
            sendTimes.add(ticker.nanos());
        }
        for (int i = 1; i < sendTimes.size(); i++) {
            assertThat(sendTimes.get(i) - sendTimes.get(i - 1)).isEqualTo(Duration.ofSeconds(1).toNanos());
        }
        // in any 60 s window there are at most 60 requests
        for (int i = 0; i + 60 < sendTimes.size(); i++) {
            assertThat(sendTimes.get(i + 60) - sendTimes.get(i)).isGreaterThanOrEqualTo(Duration.ofSeconds(60).toNanos());
        }
    }

    @Test
    void headroomKeepsTheClientUnderTheLimit() {
        RateLimiter limiter = new RateLimiter(RateLimit.parse("3000/min"), new FakeTicker());
        assertThat(limiter.currentSpacing()).isGreaterThan(Duration.ofMillis(20)).isLessThan(Duration.ofMillis(21));
    }

    @Test
    void slowsDownWhenThrottledAndRecoversOnSuccess() {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("60/min"), ticker, 1.0);
        limiter.onThrottled();
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofSeconds(2));
        limiter.onThrottled();
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 200; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aBurstOf429sFromRequestsInFlightDoublesTheSpacingOnce() throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("3000/min"), ticker, 1.0);
        // 16 workers each take a slot (20 ms apart), then the server refuses all 16: one full window, one event
        List<RateLimiter.Permit> inFlight = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            inFlight.add(limiter.acquire());
        }
        long beforeBurst = ticker.nanos();
        inFlight.forEach(limiter::onThrottled);
        assertThat(limiter.currentSpacing()).as("16 refusals of one burst count once").isEqualTo(Duration.ofMillis(40));
        // the next slot is one new spacing after the refusal, not 16 doublings later
        limiter.acquire();
        assertThat(ticker.nanos() - beforeBurst).isEqualTo(Duration.ofMillis(40).toNanos());

        // a request sent at the new spacing that is refused again is a new event
        RateLimiter.Permit atNewSpacing = limiter.acquire();
        limiter.onThrottled(atNewSpacing);
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofMillis(80));
        // and a late 429 of the first burst still changes nothing
        limiter.onThrottled(inFlight.getFirst());
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofMillis(80));
    }

    @Test
    void acceptedAnswersToRequestsSentBeforeASlowDownDoNotUndoIt() throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("60/min"), ticker, 1.0);
        List<RateLimiter.Permit> inFlight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inFlight.add(limiter.acquire());
        }
        limiter.onThrottled(inFlight.getFirst());
        inFlight.subList(1, 8).forEach(limiter::onSuccess);
        assertThat(limiter.currentSpacing()).as("answers to old-spacing requests teach nothing").isEqualTo(Duration.ofSeconds(2));
        limiter.onSuccess(limiter.acquire());
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofMillis(1960));
    }

    @Test
    void aSlotReservedBeforeASlowDownStillBelongsToTheOldSpacing() throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("60/min"), ticker, 1.0);
        RateLimiter.Permit first = limiter.acquire();
        RateLimiter.Permit second = limiter.acquire(); // reserved (and slept for) before the 429 below arrives
        limiter.onThrottled(first);
        limiter.onThrottled(second);
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theSlowDownIsCappedAt32TimesTheConfiguredSpacing() throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("60/min"), ticker, 1.0);
        for (int i = 0; i < 10; i++) {
            limiter.onThrottled(limiter.acquire());
        }
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofSeconds(32));
    }
}
