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
        for (int i = 0; i < 500; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void regainsHalfTheRefusedRateQuicklyThenProbesSlowly() {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("60/min"), ticker, 1.0);
        // refused at 1 s spacing, then again and again while the server's window stays full: 8 s
        limiter.onThrottled();
        limiter.onThrottled();
        limiter.onThrottled();
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofSeconds(8));
        // 2% per accepted answer down to twice the refused spacing (2 s): 69 answers
        for (int i = 0; i < 69; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofSeconds(2));
        // then 0.2% per answer: after 100 more, still well above the refused 1 s
        for (int i = 0; i < 100; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.currentSpacing().toMillis()).isBetween(1630L, 1640L);
        // refused again at 1.637 s: doubled to 3.274 s, which is the new threshold, so it recovers slowly at once
        limiter.onThrottled();
        for (int i = 0; i < 100; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.currentSpacing().toMillis()).as("3.274 s x 0.998^100").isBetween(2675L, 2685L);
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
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofMillis(1996));
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

    @Test
    void aSlotReservedBeforeASlowDownIsGivenUpAndTakenAgainAtTheNewSpacing() throws InterruptedException {
        FakeTicker clock = new FakeTicker();
        List<RateLimiter.Permit> sent = new ArrayList<>();
        RateLimiter[] limiter = new RateLimiter[1];
        // the 429 of the first request arrives while the second caller sleeps toward its slot (1 s later)
        Ticker refusedDuringTheWait = new Ticker() {
            private boolean refused;

            @Override
            public long nanos() {
                return clock.nanos();
            }

            @Override
            public java.time.Instant now() {
                return clock.now();
            }

            @Override
            public void sleep(Duration duration) {
                clock.sleep(duration);
                if (!refused) {
                    refused = true;
                    limiter[0].onThrottled(sent.getFirst());
                }
            }
        };
        limiter[0] = new RateLimiter(RateLimit.parse("60/min"), refusedDuringTheWait, 1.0);
        sent.add(limiter[0].acquire());
        long firstSent = clock.nanos();
        RateLimiter.Permit second = limiter[0].acquire();

        assertThat(second.generation()).as("sent under the new spacing").isEqualTo(sent.getFirst().generation() + 1);
        // woke at 1 s for the old slot, gave it up; the new slot is one new spacing (2 s) after the 429 at 1 s
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(clock.nanos() - firstSent).isEqualTo(Duration.ofSeconds(3).toNanos());
    }
}
