package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A smooth rate limiter: requests are spaced evenly, {@code period / permits} apart, and never burst. Under a
 * sliding-window limit at the server no window can hold more than {@code permits} requests, however long the run
 * waited before.
 *
 * <p>It adapts when the server disagrees: a throttled response ({@link #onThrottled}) doubles the spacing (up to 32
 * times the configured one); an accepted response ({@link #onSuccess}) shrinks it back by 2% toward the configured
 * spacing. A response only speaks for the spacing its request was sent at: every {@link #acquire() permit} carries
 * the limiter's generation, which each doubling bumps, and answers to permits of an older generation are ignored.
 * So when {@code N} requests in flight all hit the same full window, their burst of 429s doubles the spacing once,
 * not {@code N} times (as TCP halves its window once per round trip), and the accepted answers to requests sent at
 * the old spacing do not undo the doubling either. A headroom factor keeps the client a little under the nominal
 * limit so that network jitter cannot push a window over it.
 *
 * <p>Thread-safe: callers reserve slots under a lock and sleep outside it.
 */
public final class RateLimiter {
    private static final double DEFAULT_HEADROOM = 0.99;
    private static final int MAX_SLOWDOWN = 32;
    private final Ticker ticker;
    private final long configuredSpacingNanos;
    private final RateLimit limit;
    private long spacingNanos;
    private long nextFreeNanos;
    private long generation;

    /** A reserved slot: which spacing generation the request was sent under. */
    public record Permit(long generation) {
    }

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

    /** Blocks until the caller may send one request; report its answer with the returned permit. */
    public Permit acquire() throws InterruptedException {
        Permit permit;
        long wait;
        synchronized (this) {
            wait = reserve();
            permit = new Permit(generation);
        }
        if (wait > 0) {
            ticker.sleep(Duration.ofNanos(wait));
        }
        return permit;
    }

    /** Reserves the next slot and returns how long to wait for it, in nanoseconds. */
    synchronized long reserve() {
        long now = ticker.nanos();
        long slot = nextFreeNanos == Long.MIN_VALUE ? now : Math.max(now, nextFreeNanos);
        nextFreeNanos = slot + spacingNanos;
        return slot - now;
    }

    /**
     * The request sent under {@code permit} was throttled: doubles the spacing and pushes the next slot one new
     * spacing away, unless the spacing already changed since the permit was handed out (then this 429 belongs to a
     * burst that was already counted).
     */
    public synchronized void onThrottled(Permit permit) {
        if (permit.generation() == generation) {
            slowDown();
        }
    }

    /** Doubles the spacing whatever permit the throttled request had (a 429 known to be new). */
    public synchronized void onThrottled() {
        slowDown();
    }

    private void slowDown() {
        spacingNanos = Math.min(spacingNanos * 2, configuredSpacingNanos * MAX_SLOWDOWN);
        nextFreeNanos = Math.max(nextFreeNanos, ticker.nanos() + spacingNanos);
        generation++;
    }

    /** The request sent under {@code permit} was accepted: shrinks the spacing by 2% if it was sent at the current one. */
    public synchronized void onSuccess(Permit permit) {
        if (permit.generation() == generation) {
            onSuccess();
        }
    }

    /** Shrinks the spacing by 2% toward the configured one. */
    public synchronized void onSuccess() {
        if (spacingNanos > configuredSpacingNanos) {
            spacingNanos = Math.max(configuredSpacingNanos, (long) (spacingNanos * 0.98));
        }
    }

    public synchronized Duration currentSpacing() {
        return Duration.ofNanos(spacingNanos);
    }
}
