package io.stockingest.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.testkit.FakeTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

/**
 * The limiter against servers that count in windows of 1 s, 60 s and 1 h, sliding and fixed, with and without
 * {@code Retry-After}, on a fake clock: {@link Simulation} sends requests through the limiter with a fixed number in
 * flight and a latency, and a {@link SimServer} answers 200 or 429 as a real window counter would.
 */
class RateLimiterTest {
    private static final Duration LATENCY = Duration.ofMillis(50);

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
        RateLimiter limiter = new RateLimiter(RateLimit.parse("60/min"), RateLimiter.Counting.SLIDING, ticker, 1.0);
        ticker.advance(Duration.ofHours(1)); // a long idle time must not build up a burst
        List<Long> sendTimes = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            RateLimiter.Permit permit = limiter.acquire();
            sendTimes.add(permit.sentNanos());
            limiter.onAnswer(permit, answer(200));
        }
        for (int i = 1; i < sendTimes.size(); i++) {
            assertThat(sendTimes.get(i) - sendTimes.get(i - 1)).as("gap before request %d", i).isEqualTo(Duration.ofSeconds(1).toNanos());
        }
    }

    @Test
    void headroomKeepsTheClientUnderTheLimit() {
        RateLimiter limiter = new RateLimiter(RateLimit.parse("3000/min"), new FakeTicker());
        assertThat(limiter.currentSpacing()).isGreaterThan(Duration.ofMillis(20)).isLessThan(Duration.ofMillis(21));
    }

    // ------------------------------------------------------------------ sliding windows, no headers

    @Test
    void aSlidingSecondWindowAtTheToldRateSeesNo429AndNeverMoreThanItsLimit() {
        SimServer server = SimServer.sliding(50, Duration.ofSeconds(1));
        Simulation.Result r = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, server, 16).run(600);
        assertThat(r.throttled()).as("429s").isZero();
        assertThat(server.peakArrivals()).as("most arrivals in one second").isLessThanOrEqualTo(50);
        assertThat(r.efficiency(50.0)).as("600 requests at 50/s").isGreaterThan(0.98);
    }

    @Test
    void aSlidingSecondWindowAtHalfTheToldRateIsLearnedWithAFew429s() {
        SimServer server = SimServer.sliding(25, Duration.ofSeconds(1));
        Simulation.Result r = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, server, 16).run(300);
        assertThat(r.throttled()).as("429s: those in flight when the window filled, and the probes").isLessThanOrEqualTo(5);
        assertThat(r.efficiency(25.0)).as("share of the server's real 25/s").isGreaterThan(0.9);
    }

    @Test
    void aSlidingMinuteWindowAtHalfTheToldRateFinishesEveryRequest() {
        SimServer server = SimServer.sliding(1500, Duration.ofMinutes(1));
        Simulation.Result r = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, server, 16).run(4000);
        assertThat(r.accepted()).isEqualTo(4000);
        // the first 1,500 go in 30 s, then the window is full until 60 s; after that half the told rate is the server's
        assertThat(r.efficiency(25.0)).as("share of the server's real 25/s").isGreaterThan(0.75);
        assertThat(r.throttled()).as("429s").isLessThan(40);
    }

    @Test
    void aSlidingHourWindowAtHalfTheToldRateFinishesEveryRequest() {
        SimServer server = SimServer.sliding(500, Duration.ofHours(1));
        Simulation.Result r = new Simulation(RateLimit.parse("1000/hour"), RateLimiter.Counting.SLIDING, server, 4).run(1200);
        assertThat(r.accepted()).isEqualTo(1200);
        assertThat(r.throttled()).as("429s").isLessThan(40);
        assertThat(server.peakArrivals()).as("arrivals in any hour, 429s included").isLessThan(540);
    }

    // ------------------------------------------------------------------ climbing back once the server accepts again

    @Test
    void climbsBackWithinSecondsOnceASlidingSecondWindowAcceptsTheToldRateAgain() {
        // half the rate until just after the window filled at 0.5 s (another client used the key), then all of it
        SimServer server = SimServer.sliding(50, Duration.ofSeconds(1)).halfUntil(Duration.ofMillis(600));
        RateLimit told = RateLimit.parse("3000/min");
        Simulation.Result r = new Simulation(told, RateLimiter.Counting.SLIDING, server, 16).run(3000);
        double regain = r.secondsToReach(0.95, told, Duration.ofMillis(600));
        System.out.printf(java.util.Locale.ROOT, "REGAIN 1 s sliding: %.2f s to 95%% of the told rate, %d 429s%n", regain, r.throttled());
        assertThat(regain).as("seconds from the server's return to the told rate until the limiter reaches 95%% of it").isLessThan(8.0);
        assertThat(r.throttled()).as("429s").isLessThanOrEqualTo(8);
    }

    @Test
    void climbsBackOnceASlidingMinuteWindowAcceptsTheToldRateAgain() {
        // 1,500 until just after the window filled at 30 s, then 3,000
        SimServer server = SimServer.sliding(3000, Duration.ofMinutes(1)).halfUntil(Duration.ofSeconds(31));
        RateLimit told = RateLimit.parse("3000/min");
        Simulation.Result r = new Simulation(told, RateLimiter.Counting.SLIDING, server, 16).run(9000);
        double regain = r.secondsToReach(0.95, told, Duration.ofSeconds(31));
        System.out.printf(java.util.Locale.ROOT, "REGAIN 60 s sliding: %.2f s to 95%% of the told rate, %d 429s%n", regain, r.throttled());
        assertThat(regain).as("seconds from the server's return to the told rate until the limiter reaches 95%% of it").isLessThan(30.0);
        assertThat(r.accepted()).isEqualTo(9000);
    }

    @Test
    void climbsBackOnceASlidingHourWindowAcceptsTheToldRateAgain() {
        // 500 until just after the window filled at 30 min, then 1,000
        SimServer server = SimServer.sliding(1000, Duration.ofHours(1)).halfUntil(Duration.ofMinutes(31));
        RateLimit told = RateLimit.parse("1000/hour");
        Simulation.Result r = new Simulation(told, RateLimiter.Counting.SLIDING, server, 4).run(3000);
        double regain = r.secondsToReach(0.95, told, Duration.ofMinutes(31));
        System.out.printf(java.util.Locale.ROOT, "REGAIN 1 h sliding: %.2f s to 95%% of the told rate, %d 429s%n", regain, r.throttled());
        assertThat(r.accepted()).isEqualTo(3000);
        assertThat(regain).as("seconds from the server's return to the told rate until the limiter reaches 95%% of it").isLessThan(120.0);
    }

    @Test
    void climbsBackAfterARetryAfterFromASlidingSecondWindow() {
        SimServer server = SimServer.sliding(50, Duration.ofSeconds(1)).halfUntil(Duration.ofMillis(600)).withRetryAfter();
        RateLimit told = RateLimit.parse("3000/min");
        Simulation.Result r = new Simulation(told, RateLimiter.Counting.SLIDING, server, 16).run(3000);
        double regain = r.secondsToReach(0.95, told, Duration.ofMillis(600));
        System.out.printf(java.util.Locale.ROOT, "REGAIN 1 s sliding +Retry-After: %.2f s to 95%% of the told rate, %d 429s%n", regain, r.throttled());
        assertThat(regain).as("seconds from the server's return to the told rate until the limiter reaches 95%% of it").isLessThan(8.0);
    }

    // ------------------------------------------------------------------ fixed windows

    @Test
    void fixedMinuteWindowsAreWaitedOutToTheirRollNotAMinutePerRequest() {
        SimServer server = SimServer.fixed(1500, Duration.ofMinutes(1), Duration.ofSeconds(7));
        Simulation.Result r = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.FIXED, server, 16).run(3600);
        assertThat(r.accepted()).isEqualTo(3600);
        // windows roll at 7 s, 67 s, 127 s: 350 by 7 s, 1,500 from 7 s (30 s at 50/s), 1,500 from 67 s, the last 250
        // from 127 s: 132 s at the least
        double minimum = server.minimumSeconds(3600, 50);
        assertThat(minimum).isCloseTo(132.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(r.wallSeconds()).as("wall against the %.0f s the windows allow", minimum).isLessThan(minimum * 1.02);
    }

    @Test
    void fixedHourWindowsAreWaitedOutToTheirRoll() {
        SimServer server = SimServer.fixed(500, Duration.ofHours(1), Duration.ofMinutes(20));
        Simulation.Result r = new Simulation(RateLimit.parse("1000/hour"), RateLimiter.Counting.FIXED, server, 4).run(1200);
        assertThat(r.accepted()).isEqualTo(1200);
        // 333 by the roll at 20 min (a request every 3.6 s), 500 from 20 min (30 min), the last 367 from 80 min
        double minimum = server.minimumSeconds(1200, 1000 / 3600.0);
        assertThat(minimum).isCloseTo(4800 + 366 * 3.6, org.assertj.core.data.Offset.offset(4.0));
        assertThat(r.wallSeconds()).as("wall against the %.0f s the windows allow", minimum).isLessThan(minimum * 1.02);
    }

    @Test
    void fixedSecondWindowsWithoutHeadersLoseLittle() {
        SimServer server = SimServer.fixed(25, Duration.ofSeconds(1), Duration.ofMillis(300));
        Simulation.Result r = new Simulation(RateLimit.parse("50/sec"), RateLimiter.Counting.FIXED, server, 16).run(300);
        assertThat(r.accepted()).isEqualTo(300);
        double minimum = server.minimumSeconds(300, 50);
        assertThat(r.wallSeconds()).as("wall against the %.2f s the windows allow", minimum).isLessThan(minimum * 1.1);
    }

    // ------------------------------------------------------------------ told fixed, but the server slides

    @Test
    void aProviderSaidToBeFixedWhoseSecondWindowSlidesIsTreatedAsSliding() {
        SimServer server = SimServer.sliding(25, Duration.ofSeconds(1));
        Simulation simulation = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.FIXED, server, 16);
        Simulation.Result r = simulation.run(300);
        assertThat(simulation.counting()).isEqualTo(RateLimiter.Counting.SLIDING);
        assertThat(r.efficiency(25.0)).as("share of the server's real 25/s").isGreaterThan(0.9);
        // 3 for the first window (the refused request and two in flight), 1 for the count check after the roll (7 before
        // it: a burst of 3 right after the roll), 1 for the step up that overshoots
        assertThat(r.throttled()).as("429s").isLessThanOrEqualTo(5);
    }

    @Test
    void aProviderSaidToBeFixedWhoseTenSecondWindowSlidesIsTreatedAsSliding() {
        // the benchmark's throttled-server: told 3000/min, the server allows 250 in any 10 s
        SimServer server = SimServer.sliding(250, Duration.ofSeconds(10));
        Simulation simulation = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.FIXED, server, 16);
        Simulation.Result r = simulation.run(1000);
        assertThat(simulation.counting()).isEqualTo(RateLimiter.Counting.SLIDING);
        assertThat(r.efficiency(25.0)).as("share of the server's real 25/s").isGreaterThan(0.9);
    }

    @Test
    void aProviderSaidToBeFixedWhoseMinuteSlidesFinishesEveryRequest() {
        SimServer server = SimServer.sliding(1500, Duration.ofMinutes(1));
        Simulation simulation = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.FIXED, server, 16);
        Simulation.Result r = simulation.run(4000);
        assertThat(r.accepted()).isEqualTo(4000);
        assertThat(r.efficiency(25.0)).as("share of the server's real 25/s").isGreaterThan(0.75);
    }

    @Test
    void aReallyFixedWindowPassesTheCheckAndStaysFixed() {
        SimServer server = SimServer.fixed(1500, Duration.ofMinutes(1), Duration.ofSeconds(7));
        Simulation simulation = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.FIXED, server, 16);
        Simulation.Result r = simulation.run(6600);
        assertThat(simulation.counting()).isEqualTo(RateLimiter.Counting.FIXED);
        double minimum = server.minimumSeconds(6600, 50);
        assertThat(r.wallSeconds()).as("wall against the %.0f s the windows allow", minimum).isLessThan(minimum * 1.02);
        // the first window's roll is found by probing and the second is checked; from the third on, one 429 per window
        // and those in flight with it
        assertThat(r.throttled()).as("429s").isLessThan(60);
    }

    // ------------------------------------------------------------------ Retry-After and rate headers

    @Test
    void retryAfterFromASlidingSecondWindowIsHonoured() {
        SimServer server = SimServer.sliding(25, Duration.ofSeconds(1)).withRetryAfter();
        Simulation.Result r = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, server, 16).run(300);
        assertThat(r.accepted()).isEqualTo(300);
        assertThat(r.throttled()).as("429s").isLessThanOrEqualTo(8);
        // each step up that overshoots waits out the server's whole (rounded up) second
        assertThat(r.efficiency(25.0)).isGreaterThan(0.8);
    }

    @Test
    void retryAfterFromAFixedMinuteWindowIsHonoured() {
        SimServer server = SimServer.fixed(1500, Duration.ofMinutes(1), Duration.ofSeconds(7)).withRetryAfter();
        Simulation.Result r = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, server, 16).run(3600);
        assertThat(r.accepted()).isEqualTo(3600);
        assertThat(r.wallSeconds()).isLessThan((113 + 600 / 50.0) * 1.25);
    }

    @Test
    void retryAfterFromAnHourWindowIsWaitedInFull() {
        SimServer server = SimServer.fixed(100, Duration.ofHours(1), Duration.ZERO).withRetryAfter();
        Simulation.Result r = new Simulation(RateLimit.parse("200/hour"), RateLimiter.Counting.SLIDING, server, 4).run(150);
        assertThat(r.accepted()).isEqualTo(150);
        assertThat(r.throttled()).as("one burst: the requests in flight when the hour filled").isLessThanOrEqualTo(4);
        assertThat(r.wallSeconds()).as("the second hour starts at 3600 s").isBetween(3600.0, 3600.0 + 50 * 18 + 60);
    }

    @Test
    void rateHeadersStopTheClientBeforeA429() {
        SimServer server = SimServer.fixed(25, Duration.ofSeconds(1), Duration.ZERO).withRateHeaders();
        Simulation.Result r = new Simulation(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, server, 1).run(100);
        assertThat(r.accepted()).isEqualTo(100);
        assertThat(r.throttled()).as("X-RateLimit-Remaining: 0 stops the next request until the reset").isZero();
    }

    @Test
    void regainsTheToldRateOnceTheServerAcceptsItAgain() throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, ticker, 1.0);
        RateLimiter.Permit refused = limiter.acquire();
        limiter.onAnswer(refused, answer(429));
        assertThat(limiter.currentSpacing()).isEqualTo(Duration.ofMillis(40));
        // the probe is accepted, then the server takes everything again
        long start = ticker.nanos();
        while (limiter.currentSpacing().compareTo(Duration.ofMillis(20)) > 0) {
            limiter.onAnswer(limiter.acquire(), answer(200));
            assertThat(ticker.nanos() - start).as("back at the told rate within a minute").isLessThan(Duration.ofMinutes(1).toNanos());
        }
    }

    @Test
    void a429AboveTheRateKnownGoodReturnsToItAndHoldsItLongerEachTime() throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, ticker, 1.0);
        limiter.onAnswer(limiter.acquire(), answer(429));
        limiter.onAnswer(limiter.acquire(), answer(200)); // the probe, 100 ms later: the window freed a slot in 100 ms
        long since = ticker.nanos();
        while (limiter.currentSpacing().equals(Duration.ofMillis(40))) {
            limiter.onAnswer(limiter.acquire(), answer(200));
        }
        assertThat(ticker.nanos() - since).as("the first step after one observed window").isLessThan(Duration.ofMillis(200).toNanos());
        assertThat(limiter.currentSpacing().toNanos()).isEqualTo((long) (40_000_000 / 1.05));
        for (Duration held : List.of(Duration.ofSeconds(10), Duration.ofSeconds(20))) {
            limiter.onAnswer(limiter.acquire(), answer(429));
            assertThat(limiter.currentSpacing()).as("back to the rate that passed, not half of it").isEqualTo(Duration.ofMillis(40));
            limiter.onAnswer(limiter.acquire(), answer(200)); // the probe
            since = ticker.nanos();
            while (limiter.currentSpacing().equals(Duration.ofMillis(40))) {
                limiter.onAnswer(limiter.acquire(), answer(200));
            }
            assertThat(ticker.nanos() - since).as("the next step after the rate known good held %s", held)
                    .isBetween(held.toNanos(), held.plusMillis(100).toNanos());
        }
    }

    @Test
    void theBurstOf429sFromRequestsInFlightCountsOnce() throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, ticker, 1.0);
        limiter.onAnswer(limiter.acquire(), answer(200)); // the first request goes alone
        List<RateLimiter.Permit> inFlight = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            inFlight.add(limiter.acquire());
        }
        inFlight.forEach(permit -> limiter.onAnswer(permit, answer(429)));
        assertThat(limiter.currentSpacing()).as("16 refusals of one burst count once").isEqualTo(Duration.ofMillis(40));
    }

    @Test
    void onlyOneProbeIsOutWhileTheServerRefuses() throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, ticker, 1.0);
        limiter.onAnswer(limiter.acquire(), answer(429));
        long refusedAt = ticker.nanos();
        RateLimiter.Permit probe = limiter.acquire();
        assertThat(probe.probe()).isTrue();
        assertThat(probe.sentNanos() - refusedAt).as("the first probe 100 ms after the 429").isEqualTo(Duration.ofMillis(100).toNanos());
        limiter.onAnswer(probe, answer(429));
        RateLimiter.Permit second = limiter.acquire();
        assertThat(second.sentNanos() - probe.sentNanos()).as("then twice as far").isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(limiter.blockedNow()).isEmpty();
    }

    @Test
    void theFirstRequestGoesAloneAndARefusalHoldsTheOthersASecond() throws InterruptedException {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(RateLimit.parse("3000/min"), RateLimiter.Counting.SLIDING, ticker, 1.0);
        RateLimiter.Permit first = limiter.acquire();
        // a second caller would wait until the first answer: the fake clock moves only while it sleeps
        ticker.advance(Duration.ofMillis(50));
        limiter.onAnswer(first, answer(401));
        assertThat(limiter.blockedNow()).hasValue("the first answer was HTTP 401");
        RateLimiter.Permit second = limiter.acquire();
        assertThat(second.sentNanos() - first.sentNanos()).as("held a second after the 401 (time to stop the run)")
                .isEqualTo(Duration.ofMillis(1050).toNanos());
    }

    private static HttpResult answer(int status) {
        return new HttpResult(status, Map.of(), new byte[0]);
    }

    // ------------------------------------------------------------------ the simulation

    /** A rate-limited server on the simulation's clock. Not thread-safe (the simulation is one thread). */
    static final class SimServer {
        private final int permits;
        private final long window;
        private final boolean fixed;
        private final long phase;
        private boolean retryAfter;
        private boolean rateHeaders;
        private long halfUntil = Long.MIN_VALUE;
        private final ArrayDeque<Long> accepted = new ArrayDeque<>();
        private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
        private long fixedIndex = Long.MIN_VALUE;
        private int fixedCount;
        private int peak;

        private SimServer(int permits, Duration window, boolean fixed, Duration phase) {
            this.permits = permits;
            this.window = window.toNanos();
            this.fixed = fixed;
            this.phase = phase.toNanos();
        }

        static SimServer sliding(int permits, Duration window) {
            return new SimServer(permits, window, false, Duration.ZERO);
        }

        /** Fixed windows whose first boundary is at {@code firstRoll} after the start. */
        static SimServer fixed(int permits, Duration window, Duration firstRoll) {
            return new SimServer(permits, window, true, firstRoll.minus(window));
        }

        /**
         * The least time {@code n} requests take from 0 at {@code perSecond} (fixed windows: a full window waits for
         * its roll), to the last request sent.
         */
        double minimumSeconds(int n, double perSecond) {
            double t = 0;
            long index = Long.MIN_VALUE;
            int count = 0;
            for (int i = 0; i < n; i++) {
                long at = Math.floorDiv((long) (t * 1e9) - phase, window);
                if (at != index) {
                    index = at;
                    count = 0;
                }
                if (count == permits) {
                    index++;
                    count = 0;
                    t = (phase + index * window) / 1e9;
                }
                count++;
                if (i < n - 1) {
                    t += 1 / perSecond;
                }
            }
            return Math.round(t * 1000) / 1000.0;
        }

        SimServer withRetryAfter() {
            retryAfter = true;
            return this;
        }

        SimServer withRateHeaders() {
            rateHeaders = true;
            return this;
        }

        /** Allows only half its permits until {@code until} (another client sharing the key), then all of them. */
        SimServer halfUntil(Duration until) {
            halfUntil = until.toNanos();
            return this;
        }

        int peakArrivals() {
            return peak;
        }

        @Override
        public String toString() {
            return permits + " per " + Duration.ofNanos(window) + (fixed ? " fixed" : " sliding") + (retryAfter ? " +Retry-After" : "")
                    + (rateHeaders ? " +X-RateLimit" : "") + (halfUntil == Long.MIN_VALUE ? "" : " half until " + Duration.ofNanos(halfUntil));
        }

        HttpResult answer(long now, Instant wallNow) {
            arrivals.addLast(now);
            while (arrivals.peekFirst() <= now - window) {
                arrivals.removeFirst();
            }
            peak = Math.max(peak, arrivals.size());
            long freeAt;
            int used;
            if (fixed) {
                long index = Math.floorDiv(now - phase, window);
                if (index != fixedIndex) {
                    fixedIndex = index;
                    fixedCount = 0;
                }
                used = fixedCount;
                freeAt = phase + (index + 1) * window;
            } else {
                while (!accepted.isEmpty() && accepted.peekFirst() <= now - window) {
                    accepted.removeFirst();
                }
                used = accepted.size();
                freeAt = used == 0 ? now : accepted.peekFirst() + window;
            }
            Map<String, List<String>> headers = new java.util.HashMap<>();
            int allowed = now < halfUntil ? permits / 2 : permits;
            if (used >= allowed) {
                if (retryAfter) {
                    headers.put("Retry-After", List.of(String.valueOf((freeAt - now + 999_999_999) / 1_000_000_000)));
                }
                return new HttpResult(429, headers, new byte[0]);
            }
            if (fixed) {
                fixedCount++;
            } else {
                accepted.addLast(now);
            }
            if (rateHeaders) {
                headers.put("X-RateLimit-Remaining", List.of(String.valueOf(allowed - used - 1)));
                headers.put("X-RateLimit-Reset", List.of(String.valueOf(wallNow.plusNanos(freeAt - now + 999_999_999).getEpochSecond())));
            }
            return new HttpResult(200, headers, new byte[0]);
        }
    }

    /**
     * Sends {@code n} requests through a limiter, at most {@code workers} in flight, each answered {@link #LATENCY}
     * after it left; a 429 sends the request again. One thread: answers are delivered while the limiter sleeps.
     */
    static final class Simulation {
        private final SimServer server;
        private final int workers;
        private final SimClock clock = new SimClock();
        private final RateLimiter limiter;
        private final PriorityQueue<Answer> answers = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
        private int pending;
        private int inFlight;
        private int throttled;
        private int done;
        private long lastDone;
        /** After each answer: its time and the limiter's spacing then. */
        private final List<long[]> spacings = new ArrayList<>();

        record Answer(long at, RateLimiter.Permit permit, HttpResult result) {
        }

        record Result(int accepted, int throttled, long wallNanos, List<long[]> spacings) {
            /**
             * Seconds from {@code from} until the limiter's rate, once it had fallen below {@code share} of {@code told}
             * (headroom not counted against it), first reached it again; infinity if it never did.
             */
            double secondsToReach(double share, RateLimit told, Duration from) {
                long target = (long) (told.spacing().toNanos() / share);
                int slowed = 0;
                while (slowed < spacings.size() && spacings.get(slowed)[1] <= target) {
                    slowed++;
                }
                for (int i = slowed; i < spacings.size(); i++) {
                    if (spacings.get(i)[0] >= from.toNanos() && spacings.get(i)[1] <= target) {
                        return (spacings.get(i)[0] - from.toNanos()) / 1e9;
                    }
                }
                return Double.POSITIVE_INFINITY;
            }

            double wallSeconds() {
                return wallNanos / 1e9;
            }

            /** The server's rate times the wall, against the requests: 1.0 is as fast as the server allows. */
            double efficiency(double serverPerSecond) {
                return accepted / serverPerSecond / wallSeconds();
            }
        }

        private final String label;

        RateLimiter.Counting counting() {
            return limiter.counting();
        }

        Simulation(RateLimit told, RateLimiter.Counting counting, SimServer server, int workers) {
            this.label = "told " + told + " " + counting + ", server " + server + ", " + workers + " workers";
            this.server = server;
            this.workers = workers;
            this.limiter = new RateLimiter(told, counting, clock);
        }

        Result run(int requests) {
            pending = requests;
            try {
                while (done < requests) {
                    if (pending > 0 && inFlight < workers) {
                        RateLimiter.Permit permit = limiter.acquire();
                        pending--;
                        inFlight++;
                        long now = clock.nanos();
                        answers.add(new Answer(now + LATENCY.toNanos(), permit, server.answer(now, clock.now())));
                    } else {
                        clock.advanceTo(answers.peek().at);
                    }
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            // the figures of docs/performance.md: ./mvnw -pl ingest-core -am verify -Dtest=RateLimiterTest, then grep SIM
            System.out.printf(java.util.Locale.ROOT, "SIM %s: %d requests, %d 429s, wall %.2f s, peak arrivals in a window %d%n", label, requests,
                    throttled, lastDone / 1e9, server.peakArrivals());
            return new Result(done, throttled, lastDone, List.copyOf(spacings));
        }

        private void deliver(Answer answer) {
            inFlight--;
            limiter.onAnswer(answer.permit, answer.result);
            spacings.add(new long[] {answer.at, limiter.currentSpacing().toNanos()});
            if (answer.result.status() == 429) {
                throttled++;
                pending++;
            } else {
                done++;
                lastDone = answer.at;
            }
        }

        /** A fake clock that delivers the answers due while someone sleeps on it. */
        private final class SimClock implements Ticker {
            private long nanos;

            @Override
            public long nanos() {
                return nanos;
            }

            @Override
            public Instant now() {
                return Instant.parse("2024-09-30T21:00:00Z").plusNanos(nanos);
            }

            @Override
            public void sleep(Duration duration) {
                advanceTo(nanos + duration.toNanos());
            }

            void advanceTo(long until) {
                while (!answers.isEmpty() && answers.peek().at <= until) {
                    Answer next = answers.poll();
                    nanos = Math.max(nanos, next.at);
                    deliver(next);
                }
                nanos = Math.max(nanos, until);
            }
        }
    }
}
