package io.stockingest.core.http;

import java.time.Duration;
import java.time.Instant;

/**
 * Time as the rate limiter, the retry loop and the scheduler see it. Tests substitute a fake whose
 * {@link #sleep} advances the clock instantly.
 */
public interface Ticker {
    /** Monotonic nanoseconds. */
    long nanos();

    /** Wall-clock now. */
    Instant now();

    void sleep(Duration duration) throws InterruptedException;

    Ticker SYSTEM = new Ticker() {
        private final long origin = System.nanoTime();

        @Override
        public long nanos() {
            return System.nanoTime() - origin;
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            if (!duration.isNegative() && !duration.isZero()) {
                Thread.sleep(duration);
            }
        }
    };
}
