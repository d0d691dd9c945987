package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A smooth rate limiter: requests are spaced evenly, {@code period / permits} apart, and never burst. Under a
 * sliding-window limit at the server no window can hold more than {@code permits} requests, however long the run
 * waited before.
 *
 * <p>It adapts when the server disagrees: every throttled response ({@link #onThrottled}) doubles the spacing
 * (up to 32 times the configured one); every accepted response ({@link #onSuccess}) shrinks it back by 2% toward the
 * configured spacing. A headroom factor keeps the client a little under the nominal limit so that network jitter
 * cannot push a window over it.
 *
 * <p>Thread-safe: callers reserve slots under a lock and sleep outside it.
 */
public final class RateLimiter {
    private static final double DEFAULT_HEADROOM = 0.99;
    private final Ticker ticker;
    private final long configuredSpacingNanos;
    private final RateLimit limit;
    private long spacingNanos;
    private long nextFreeNanos;

    public RateLimiter(RateLimit limit, Ticker ticker) {
        this(limit, ticker, DEFAULT_HEADROOM);
    }

    public RateLimiter(RateLimit limit, Ticker ticker, double headroom) {
        this.limit = requireNonNull(limit, "limit is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
        if (headroom <= 0 || headroom > 1) {
            throw new IllegalArgumentException("headroom must be in (0, 1]");
        }
        this.configuredSpacingNanos = (long) Math.ceil(limit.spacing().toNanos() / headroom);
        this.spacingNanos = configuredSpacingNanos;
        this.nextFreeNanos = Long.MIN_VALUE;
    }

    public RateLimit limit() {
        return limit;
    }

    /** Blocks until the caller may send one request. */
    public void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            ticker.sleep(Duration.ofNanos(wait));
        }
    }

    /** Reserves the next slot and returns how long to wait for it, in nanoseconds. */
    synchronized long reserve() {
        long now = ticker.nanos();
        long slot = nextFreeNanos == Long.MIN_VALUE ? now : Math.max(now, nextFreeNanos);
        nextFreeNanos = slot + spacingNanos;
        return slot - now;
    }

    public synchronized void onThrottled() {
        spacingNanos = Math.min(spacingNanos * 2, configuredSpacingNanos * 32);
        nextFreeNanos = Math.max(nextFreeNanos, ticker.nanos() + spacingNanos);
    }

    public synchronized void onSuccess() {
        if (spacingNanos > configuredSpacingNanos) {
            spacingNanos = Math.max(configuredSpacingNanos, (long) (spacingNanos * 0.98));
        }
    }

    public synchronized Duration currentSpacing() {
        return Duration.ofNanos(spacingNanos);
    }
}
